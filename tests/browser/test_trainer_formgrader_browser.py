"""Trainer mode in Chromium: formgrader lists the sections with their due dates and shows each quiz
question with the learner's answer in words and the points (not cell ids and keys)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from trainer_support import SECTION, first_right, free_port, graded_workspace, running_trainer_lab

from coursekit.authoring.course import load_course
from coursekit.quiz.draw import draw_for_attempt
from coursekit.trainer import format_due_dates, section_due_dates

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DUE = datetime(2026, 12, 1, 17, 0)


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    """A graded workspace with a due date on the section, and trainer mode running on it."""
    from nbgrader.api import Gradebook

    paths = graded_workspace(tmp_path_factory.mktemp("trainer-browser"))
    course = load_course(paths.course)
    with Gradebook(paths.gradebook_url, course.id) as gradebook:
        gradebook.update_or_create_assignment(SECTION, duedate=DUE)
    with running_trainer_lab(paths, free_port()) as lab:
        yield paths, course, lab


def test_due_dates_are_what_coursekit_grade_prints(trainer):
    paths, course, _ = trainer
    shown = format_due_dates(section_due_dates(paths.gradebook_url, course))
    assert f"{SECTION}: due 2026-12-01 17:00 UTC" in shown
    assert "networks_consortia: no due date set" in shown


def test_formgrader_lists_sections_with_due_dates_and_lab_has_formgrader(trainer, page):
    _, course, lab = trainer
    page.goto(f"{lab.url}/formgrader/manage_assignments?token={lab.token}", wait_until="load")
    row = page.locator("tr", has_text=SECTION).first
    row.wait_for(state="visible")
    assert "2026-12-01 17:00:00" in row.inner_text()
    for section in course.sections:
        page.locator("tr", has_text=section.id).first.wait_for(state="visible")
    page.goto(f"{lab.url}/lab?token={lab.token}", wait_until="load")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Formgrader$")).wait_for(state="visible")


def test_formgrader_shows_each_question_with_the_learners_answer(trainer, page):
    from nbgrader.api import Gradebook

    paths, course, lab = trainer
    section = course.section(SECTION)
    with Gradebook(paths.gradebook_url) as gradebook:
        submission = gradebook.find_submission_notebook(SECTION, SECTION, "ada").id
    page.goto(f"{lab.url}/formgrader/submissions/{submission}/?token={lab.token}", wait_until="load")
    page.locator(".nbgrader_cell").first.wait_for(state="visible")
    text = " ".join(page.locator("body").inner_text().split())
    right = first_right(section, 9)
    quiz = section.quiz
    counted = draw_for_attempt(quiz, "ada", section.id, 2)  # ada's counted attempt: the questions she was given
    given = [quiz.question(counted[slot.id]) for slot in quiz.quiz_slots]
    for number, question in enumerate(given, 1):
        assert f"Question {number} of {len(given)}" in text
        assert " ".join(question.text.split()) in text
    first = given[0]
    assert quiz.quiz_slots[0].id in right
    assert f"the attempt with the highest total): {next(o.text for o in first.options if o.id == first.answer)}" \
        in text
    assert text.count("'answer'") <= len(section.quiz.questions)  # at most each cell's own keys, never all of them
