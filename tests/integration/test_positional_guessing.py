"""Blind learners who answer by position, graded for real: the shipped quizzes give them chance, not a pass.

Each learner answers from the released ``quiz.json`` alone, as a learner could
by clicking without reading or by writing ids into the responses file: the
first option of every single-choice question, the first *n* boxes of every
multiple-choice question, item *i* to choice *i*, always true. Their
submissions go through nbgrader's autograde and ``coursekit report`` like any
other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from grading_support import attempt, grade_all, grades_csv, make_project, write_submission

from coursekit.authoring.course import load_course
from coursekit.authoring.positional import chance_of
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.scoring import score_question

pytestmark = pytest.mark.slow

BOXES = (1, 2, 3)  # how many of the first boxes a blind learner ticks in multiple choice


def first_options(public: dict[str, Any], boxes: int) -> dict[str, Any]:
    """Answers to a released quiz by position only: first option, first boxes, item i -> choice i, true."""
    answers: dict[str, Any] = {}
    for question in public["questions"]:
        kind = question["type"]
        if kind == "single_choice":
            answers[question["id"]] = question["options"][0]["id"]
        elif kind == "multiple_choice":
            answers[question["id"]] = [o["id"] for o in question["options"][:boxes]]
        elif kind == "matching":
            answers[question["id"]] = {i["id"]: c["id"] for i, c in zip(question["items"], question["choices"],
                                                                        strict=False)}
        elif kind == "true_false":
            answers[question["id"]] = True
    return answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("positional"))
    course = load_course(paths.course)
    given = {}
    for section in course.sections:
        public = json.loads((paths.release / section.id / "quiz.json").read_text(encoding="utf-8"))
        for boxes in BOXES:
            learner = f"first-{boxes}"
            given[learner, section.id] = answers = first_options(public, boxes)
            write_submission(paths, course, section, learner, [attempt(1, answers)])
    result = grade_all(paths, jobs=2)
    return course, result, grades_csv(paths), given


def test_every_blind_submission_was_graded(graded):
    _, result, _, given = graded
    assert not result.failed, [(o.learner, o.problems) for o in result.failed]
    assert len(result.graded) == len(given)


@pytest.mark.parametrize("section_id", ["cooperation_networking", "networks_consortia"])
@pytest.mark.parametrize("boxes", BOXES)
def test_first_options_score_chance_not_a_pass(graded, section_id, boxes):
    course, _, grades, given = graded
    section = course.section(section_id)
    answers = given[f"first-{boxes}", section_id]
    draw = draw_for_attempt(section.quiz, f"first-{boxes}", section_id, 1)  # the questions this learner was given
    questions = [section.quiz.question(qid) for qid in draw.values() if qid in answers]
    chance = sum(chance_of(q, answers[q.id]) for q in questions)
    by_hand = sum(score_question(q, answers[q.id]) for q in questions)
    row = grades.loc[(f"first-{boxes}", section_id)]
    assert row.quiz_score == pytest.approx(by_hand)  # the real grading path agrees with the pure check
    largest = max(q.points for q in questions)
    assert row.quiz_score <= chance + largest, (row.quiz_score, chance)
    # Before the keys were spread this strategy scored 10-13 of 15 and passed; now it stays near chance.
    assert row.quiz_score <= chance + 1.0, (row.quiz_score, chance)
    assert row.status == "failed"
