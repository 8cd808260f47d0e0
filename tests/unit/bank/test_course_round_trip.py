"""Both course sections, exported to Moodle XML and GIFT (golden files) and imported again: nothing changes.

The golden files are what ``coursekit export --section S`` writes; regenerate them after a deliberate
change with ``python tests/unit/bank/test_course_round_trip.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from coursekit.authoring.course import CommentQuestion, load_course
from coursekit.authoring.interchange import bank_to_section, course_to_bank, read_bank, write_bank
from coursekit.bank.gift import read_gift
from coursekit.bank.moodle_xml import read_moodle_xml
from coursekit.quiz.spec import parse_quiz

REPO = Path(__file__).parents[3]
GOLDEN = REPO / "tests" / "fixtures" / "bank" / "golden"
SECTIONS = ("cooperation_networking", "networks_consortia")
FORMATS = {"moodle-xml": ".xml", "gift": ".gift.txt"}


def golden_path(section: str, fmt: str) -> Path:
    return GOLDEN / f"{section}{FORMATS[fmt]}"


@pytest.fixture(scope="module")
def course():
    return load_course(REPO / "course")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("section", SECTIONS)
def test_export_matches_the_golden_file(course, section: str, fmt: str) -> None:
    assert write_bank(course_to_bank(course, [section]), fmt) == golden_path(section, fmt).read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("section", SECTIONS)
def test_import_of_the_export_gives_every_question_back(course, section: str, fmt: str) -> None:
    authored = course.section(section)
    converted = bank_to_section(read_bank(golden_path(section, fmt), fmt), section)
    assert converted.skipped == [] and converted.notes == []
    imported = parse_quiz({"title": authored.quiz.title, "questions": converted.questions}, require_source=False)
    assert imported.questions == [q.model_copy(update={"source": None}) for q in authored.quiz.questions]
    assert [CommentQuestion.model_validate(c) for c in converted.comments] == [
        c.model_copy(update={"source": None}) for c in authored.comments]


@pytest.mark.parametrize("section", SECTIONS)
def test_both_formats_carry_the_same_records(course, section: str) -> None:
    xml = read_moodle_xml(golden_path(section, "moodle-xml").read_bytes(), "x.xml")
    gift = read_gift(golden_path(section, "gift").read_text(encoding="utf-8"), "x.gift")
    assert xml == gift == course_to_bank(course, [section])
    assert {q.qtype for q in xml} >= {"multichoice", "truefalse", "matching", "essay"}


if __name__ == "__main__":
    loaded = load_course(REPO / "course")
    for name in SECTIONS:
        for kind in FORMATS:
            golden_path(name, kind).write_bytes(write_bank(course_to_bank(loaded, [name]), kind))
            print(f"wrote {golden_path(name, kind)}", file=sys.stderr)
