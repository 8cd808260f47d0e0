"""Pools through Moodle XML and GIFT: a pool is a subcategory of the section's category, and back."""

from __future__ import annotations

import shutil

import pytest
import yaml
from pool_support import authored_questions, variant
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.interchange import course_to_bank, import_bank, section_category, write_bank

SECTION = "cooperation_networking"


def _pooled_course(root):
    shutil.copytree(REPO / "course", root / "course")
    path = root / "course" / SECTION / "quiz.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = authored_questions(data)[0]  # the shipped slot is replaced by a pool of its own
    data["questions"][0] = {"slot": "schools", "pool": [first, variant(first, "schools-b", "c")]}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_course(root / "course")


@pytest.mark.parametrize(("fmt", "suffix"), [("moodle-xml", ".xml"), ("gift", ".txt")])
def test_a_pool_goes_out_as_a_subcategory_and_comes_back_as_the_same_pool(tmp_path, fmt, suffix):
    course = _pooled_course(tmp_path / "a")
    records = course_to_bank(course, [SECTION])
    pooled = [r for r in records if r.category == [*section_category(SECTION), "schools"]]
    assert [r.name or r.text[:20] for r in pooled] and len(pooled) == 2
    other_pools = {s.id for s in course.section(SECTION).quiz.quiz_slots if s.pooled} - {"schools"}
    assert {tuple(r.category) for r in records if r not in pooled} == {tuple(section_category(SECTION))} | {
        (*section_category(SECTION), slot) for slot in other_pools}
    bank = tmp_path / f"bank{suffix}"
    bank.write_bytes(write_bank(records, fmt))
    target = tmp_path / "b"
    target.mkdir()
    (target / "course.yml").write_text("course_id: again\ntitle: Again\nsections: []\n", encoding="utf-8")
    import_bank(target, bank, SECTION, fmt)
    written = yaml.safe_load((target / SECTION / "quiz.yml").read_text(encoding="utf-8"))
    assert written["questions"][0]["slot"] == "schools" and len(written["questions"][0]["pool"]) == 2
    again = load_course(target).section(SECTION).quiz
    original = course.section(SECTION).quiz
    assert [(s.id, len(s.questions)) for s in again.quiz_slots] == [
        (s.id, len(s.questions)) for s in original.quiz_slots]
    texts = [again.question(qid).text for qid in again.quiz_slots[0].questions]
    assert texts == [original.question(qid).text for qid in original.quiz_slots[0].questions]
    assert not any(tag.startswith("category:") for q in again.questions for tag in (q.tags or []))
    # a second round gives the same bank
    assert write_bank(course_to_bank(load_course(target), [SECTION]), fmt).count(b"schools") == \
        bank.read_bytes().count(b"schools")
