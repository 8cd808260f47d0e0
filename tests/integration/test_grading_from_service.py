"""``coursekit autograde`` grades the quiz service's record, not the learner's file; attempts and overrides CLI."""

from __future__ import annotations

import csv
import json

import pytest
from grading_support import (
    answers,
    attempt,
    drawn_answers,
    expected_score,
    grade_all,
    make_project,
    scores_at,
    write_submission,
)
from service_support import Clock

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.gradebook.state import make_engine
from coursekit.service.book import AttemptBook
from coursekit.service.migrate import migrate

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"


def _quiz_points(db_url: str, learner: str) -> float:
    return sum(score or 0.0 for (who, section, cell), (score, _) in scores_at(db_url).items()
               if who == learner and section == SECTION and cell.startswith("quiz"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("from-service"))
    course = load_course(paths.course)
    section = course.section(SECTION)
    db_url = paths.gradebook_url
    migrate(db_url)
    book = AttemptBook(make_engine(db_url), Clock())
    spec = section.quiz
    everything, nothing = answers(section, None), answers(section, set())
    # the quiz server takes answers to the questions it drew for each attempt only
    book.submit(spec, "ada", SECTION, "ada-1", drawn_answers(section, "ada", 1, set(), secret=book.draw_key))
    book.submit(spec, "ada", SECTION, "ada-2", drawn_answers(section, "ada", 2, secret=book.draw_key))
    book.submit(spec, "bob", SECTION, "bob-1", drawn_answers(section, "bob", 1, set(), secret=book.draw_key))
    # the learners' files say otherwise: ada's was cut to one wrong attempt, bob's claims full marks, cy has no record
    write_submission(paths, course, section, "ada", [attempt(1, nothing)])
    write_submission(paths, course, section, "bob", [attempt(1, everything), attempt(2, everything)])
    write_submission(paths, course, section, "cy", [attempt(1, everything)])
    first = grade_all(paths, jobs=1, timeout=30)
    return paths, course, section, book, first


def test_the_record_is_graded_and_the_files_differences_are_named(graded):
    paths, _, section, _, first = graded
    db_url = paths.gradebook_url
    full = expected_score(section, None)
    assert first.failed == [] and len(first.graded) == 3
    assert _quiz_points(db_url, "ada") == pytest.approx(full)  # highest of the two recorded attempts
    assert _quiz_points(db_url, "bob") == pytest.approx(0.0)  # the file's full marks do not count
    assert _quiz_points(db_url, "cy") == pytest.approx(0.0)
    problems = {(learner, reason) for learner, _, reason in first.problems}
    assert any(who == "bob" and "2 attempt(s) in the learner's file, 1 recorded by the quiz server" in why
               for who, why in problems), problems
    assert any(who == "ada" and "1 attempt(s) in the learner's file, 2 recorded" in why for who, why in problems)
    assert any(who == "cy" and "no attempt recorded by the quiz server" in why for who, why in problems)
    learner_file = paths.grader / "submitted" / "bob" / SECTION / "responses" / f"{SECTION}.json"
    kept = json.loads(learner_file.read_text())  # the learner's folder is never changed: still the two claimed
    assert [a["number"] for a in kept["attempts"]] == [1, 2] and "bob-1" not in learner_file.read_text()


def test_a_new_recorded_attempt_is_graded_at_the_next_run_and_nothing_else(graded):
    paths, _, section, book, _ = graded
    again = grade_all(paths, jobs=1, timeout=30)
    assert (len(again.graded), len(again.skipped)) == (0, 3)
    book.submit(section.quiz, "bob", SECTION, "bob-2", drawn_answers(section, "bob", 2, secret=book.draw_key))
    third = grade_all(paths, jobs=1, timeout=30)
    assert [o.learner for o in third.graded] == ["bob"] and len(third.skipped) == 2
    assert _quiz_points(paths.gradebook_url, "bob") == pytest.approx(expected_score(section, None))
    # item statistics and reports read autograded/: there the record stands in for the learner's file
    autograded = paths.grader / "autograded" / "bob" / SECTION / "responses" / f"{SECTION}.json"
    assert [a["id"] for a in json.loads(autograded.read_text())["attempts"]] == ["bob-1", "bob-2"]


def test_attempts_are_listed_and_exported_and_overrides_recorded(graded, capsys):
    paths, *_ = graded
    root = ["--root", str(paths.root)]
    assert main([*root, "attempts", "--section", SECTION]) == 0
    listed = capsys.readouterr().out
    assert "'ada'" in listed and "4 attempt(s)" in listed
    out = paths.root / "attempts.csv"
    assert main([*root, "attempts", "--learner", "ada", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["learner"], r["attempt"], r["attempt_id"]) for r in rows] == [("ada", "1", "ada-1"),
                                                                             ("ada", "2", "ada-2")]
    assert float(rows[0]["marks"]) == 0 and float(rows[1]["marks"]) == float(rows[1]["max_marks"])
    assert main([*root, "override", "--section", SECTION, "--learner", "bob", "--attempts", "3",
                 "--close", "2026-12-20T17:00+01:00", "--time-limit", "45", "--by", "tess"]) == 0
    said = capsys.readouterr().out
    assert ("bob / cooperation_networking: attempts 3, closes 2026-12-20 16:00 UTC, time limit 45 min "
            "(set by tess)") in said
    assert main([*root, "override", "--section", SECTION, "--learner", "bob", "--attempts", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err
