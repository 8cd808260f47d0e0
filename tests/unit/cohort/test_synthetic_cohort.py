"""The benchmarks' synthetic cohort (coursekit.simulate_gradebook) with responses files the grades agree with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coursekit.authoring.course import load_course
from coursekit.cohort.gradebook import item_scores, load_cells
from coursekit.cohort.responses import load_choices
from coursekit.gradebook.roster import ensure_sections
from coursekit.quiz.attempts import attempt_scores
from coursekit.quiz.draw import draw_problems
from coursekit.quiz.responses import graded_attempts, graded_draws, parse_responses
from coursekit.simulate_gradebook import write_gradebook_cohort

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow  # nbgrader sets up the gradebook's sections


def test_every_submission_has_a_responses_file_its_grades_were_scored_from(tmp_path):
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, tmp_path / name)
    (tmp_path / "grader").mkdir()
    db_url = f"sqlite:///{tmp_path / 'grader' / 'gradebook.db'}"
    course = load_course(tmp_path / "course")
    ensure_sections(db_url, course, tmp_path / "source", tmp_path / "grader")
    autograded = tmp_path / "grader" / "autograded"
    write_gradebook_cohort(course, db_url, 30, seed=4, responses_dir=autograded)
    scores = item_scores(load_cells(db_url)).set_index(["learner", "section", "item"])["score"]
    submissions = {(learner, section) for learner, section, _ in scores.index}
    files = sorted(autograded.glob("*/*/responses/*.json"))
    assert len(files) == len(submissions) > 40
    answered = set()
    for path in files:
        learner, section = path.parents[2].name, path.parents[1].name
        responses = parse_responses(path.read_text(encoding="utf-8"), path.name)
        assert responses.learner == learner and responses.section == section
        ((number, answers, _),), (draw,) = graded_attempts(responses), graded_draws(responses)
        quiz = course.section(section).quiz
        assert draw_problems(quiz, learner, section, number, draw) == []  # the draw grading expects
        assert set(answers) <= set(draw.values())  # only the questions drawn are answered
        answered |= set(answers)
        assert attempt_scores(quiz, answers, draw) == {slot.id: scores[learner, section, slot.id]
                                                       for slot in quiz.quiz_slots}
    for section in course.sections:  # both questions of every pool were drawn for some learner
        for slot in section.quiz.quiz_slots:
            assert set(slot.questions) <= answered, slot
    choices = load_choices(autograded, {s.id: s.quiz for s in course.sections})
    assert set(zip(choices["learner"], choices["section"], strict=True)) == submissions
