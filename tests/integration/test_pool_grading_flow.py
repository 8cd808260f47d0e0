"""A quiz with a pool through build, release, nbgrader's autograde and the report.

One grade cell per slot scores the question each learner was given; a responses
file whose draw was edited is *not graded* with the reason; the report writes the
statistics per question drawn.
"""

from __future__ import annotations

import pandas as pd
import pytest
from grading_support import (
    attempt,
    grade_all,
    pooled_project,
    right_answer,
    scores_at,
    write_submission,
    wrong_answer,
)

from coursekit.authoring.course import load_course
from coursekit.authoring.leaks import find_leaks
from coursekit.cli import main
from coursekit.quiz.draw import draw_for_attempt
from coursekit.results.report import write_report

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"


def test_a_pool_is_graded_as_drawn_and_an_edited_draw_is_not_graded(tmp_path):
    # the shipped first slot is replaced by a pool of its first question and two variants keyed c and d
    paths = pooled_project(tmp_path / "project", SECTION, lambda data: (0, ("c", "d")))
    root = ["--root", str(paths.root)]
    assert main([*root, "release", "--check"]) == 0
    course = load_course(paths.course)
    assert find_leaks(paths.release, course) == []
    section = course.section(SECTION)
    quiz = section.quiz

    def answers_for(draw, right_slot):
        given = {}
        for slot in quiz.quiz_slots:
            question = quiz.question(draw[slot.id])
            given[question.id] = right_answer(question) if slot.id == right_slot or right_slot is None \
                else wrong_answer(question)
        return given

    honest_draw = draw_for_attempt(quiz, "honest", SECTION, 1)
    honest = {**attempt(1, answers_for(honest_draw, None)), "draw": honest_draw}
    write_submission(paths, course, section, "honest", [honest])
    only_pool = draw_for_attempt(quiz, "pool-only", SECTION, 1)
    write_submission(paths, course, section, "pool-only",
                     [{**attempt(1, answers_for(only_pool, "schools")), "draw": only_pool}])
    edited = draw_for_attempt(quiz, "edited", SECTION, 1)
    chosen = next(q for q in quiz.quiz_slots[0].questions if q != edited["schools"])
    edited = {**edited, "schools": chosen}
    write_submission(paths, course, section, "edited", [{**attempt(1, answers_for(edited, None)), "draw": edited}])
    result = grade_all(paths)
    assert not result.stopped

    scores = scores_at(paths.gradebook_url)
    cells = {cell for (learner, sect, cell) in scores if learner == "honest" and sect == SECTION}
    assert "quiz-schools" in cells and not any("schools-b" in c or "schools-c" in c for c in cells)
    report = write_report(paths.gradebook_url, course, paths.reports, paths.grader / "submitted")
    grades = report.grades[report.grades["section"] == SECTION].set_index("learner")
    assert grades.loc["honest", "quiz_score"] == pytest.approx(quiz.max_points)
    assert grades.loc["pool-only", "quiz_score"] == pytest.approx(quiz.slot_points(quiz.quiz_slots[0]))
    assert grades.loc["edited", "status"] == "not graded"
    assert "the questions recorded are not the ones this learner was given" in grades.loc["edited", "problems"]
    assert pd.isna(grades.loc["edited", "quiz_score"])
    variants = pd.read_csv(paths.reports / "variant_analysis.csv")
    drawn = variants[variants["slot"] == "schools"]
    assert set(drawn["question"]) == {honest_draw["schools"], only_pool["schools"]}
    assert drawn["n"].sum() == 2  # the edited file counts nowhere

    # the learner's feedback shows the question they were given, and no other question of the pool
    assert main([*root, "feedback", "--provisional"]) == 0  # comments not reviewed yet
    page = (paths.grader / "feedback" / "honest" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
    flat = " ".join(page.split())
    for member in quiz.quiz_slots[0].questions:
        text = " ".join(quiz.question(member).text.split())
        shown = (text in flat) if member != "partner-schools" else (f"{text}</" in flat or f"{text}<" in flat)
        assert shown == (member == honest_draw["schools"]), member
