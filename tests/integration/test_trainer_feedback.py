"""Feedback is key-free whichever button makes it; grade cells show the quiz as a trainer needs it.

Formgrader's own API handlers (the Generate Feedback and Release Feedback buttons of Manage
Submissions) are called on a real trainer-mode server, as the buttons do (token, XSRF cookie and
header); nbgrader's generate_feedback runs in-process with the workspace's own nbgrader_config.py;
``coursekit feedback`` refuses unreviewed submissions, marks provisional ones and releases.
"""

from __future__ import annotations

import json
import pprint
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from grading_support import edit_notebook, grades_csv
from trainer_support import (
    ADA_COMMENT,
    REMARK,
    SECTION,
    free_port,
    graded_workspace,
    review,
    running_trainer_lab,
)

from coursekit.authoring.course import load_course
from coursekit.authoring.notebook import COMMENT_PLACEHOLDER
from coursekit.cli import main
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import answer_key

pytestmark = pytest.mark.slow

KEY_SIGNS = ("HIDDEN TESTS", "grade_question", "question_points", "coursekit.grading.hidden", "'answer'",
             "&#x27;answer&#x27;", "{&quot;answer")


def _assert_key_free(html: str, section) -> None:
    for sign in KEY_SIGNS:
        assert sign not in html, sign
    for qid, key in answer_key(section.quiz).items():
        assert pprint.pformat({qid: key}, width=100, sort_dicts=True) not in html


def _assert_no_machinery(html: str) -> None:
    text = BeautifulSoup(html, "html.parser").get_text()
    for sign in ("Test cell", "In [", "In&nbsp;[", "show_quiz", "Grade cell", "YOUR ANSWER HERE", COMMENT_PLACEHOLDER):
        assert sign not in html and sign not in text, sign


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """ada and ben graded; ada's comments reviewed with a remark, ben's not."""
    paths = graded_workspace(tmp_path_factory.mktemp("trainer"))
    course = load_course(paths.course)
    review(paths.gradebook_url, "ada", course.section(SECTION), 1.5, REMARK)
    return paths, course, course.section(SECTION)


def _grade_cells(paths, learner):
    nb = nbformat.read(paths.grader / "autograded" / learner / SECTION / f"{SECTION}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def test_each_grade_cell_shows_its_question_the_answer_in_words_and_the_points(workspace):
    paths, _, section = workspace
    cells = _grade_cells(paths, "ada")
    quiz = section.quiz
    assert len(cells) == len(quiz.quiz_slots)  # one grade cell per slot
    counted = draw_for_attempt(quiz, "ada", SECTION, 2)  # the questions of ada's counted attempt
    given = [quiz.question(counted[slot.id]) for slot in quiz.quiz_slots]
    for number, (cell, question, slot) in enumerate(zip(cells, given, quiz.quiz_slots, strict=True), 1):
        others = [q.id for q in quiz.questions if q.id not in slot.questions]
        call = re.search(r"grade_question\((.*)\)", cell.source, re.DOTALL).group(1)
        assert not any(repr(other) in call for other in others), "another question's key in the cell"
        shown = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert all(o.get("name") != "stderr" for o in cell.outputs)
        flat = " ".join(shown.split())
        assert flat.startswith(f"Question {number} of {len(cells)}")
        assert " ".join(question.text.split()) in flat
        assert "attempt 2, the attempt with the highest total" in flat  # the counted attempt, not the last
        assert f"Points: {1 if number <= 9 else 0}" in flat or question.points != 1
        assert "{'answer'" not in shown
    first = given[0]
    picked = next(o.text for o in first.options if o.id == first.answer)
    assert picked in " ".join("".join(o.get("text", "") for o in cells[0].outputs).split())


def test_nbgrader_generate_feedback_in_process_with_the_workspace_config(workspace):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    paths, _, section = workspace
    config = PyFileConfigLoader("nbgrader_config.py", path=str(paths.grader)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    result = api.generate_feedback(SECTION, "ada", force=True)
    assert result["success"], result
    html = (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
    _assert_key_free(html, section)
    _assert_no_machinery(html)
    assert ADA_COMMENT in html and REMARK in html
    refused = api.generate_feedback(SECTION, "ben", force=True)
    assert not refused["success"] and "not yet reviewed" in refused["log"] + str(refused.get("error"))
    assert not (paths.grader / "feedback" / "ben" / SECTION / f"{SECTION}.html").exists()


def test_formgrader_generate_and_release_feedback_buttons_are_key_free(workspace):
    paths, _, section = workspace
    with running_trainer_lab(paths, free_port()) as lab:
        lab.page(f"/formgrader/manage_submissions/{SECTION}")  # sets the XSRF cookie, as opening the page does
        made = lab.call("POST", f"/formgrader/api/assignment/{SECTION}/ada/generate_feedback")
        assert made["success"], made
        html = (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
        _assert_key_free(html, section)
        _assert_no_machinery(html)
        assert REMARK in html
        assert "&lt;pre" not in html and "coursekit-learner-text&quot;" not in html  # learner text escaped once
        assert BeautifulSoup(html, "html.parser").find("pre", class_="coursekit-learner-text") is not None
        assert ADA_COMMENT in BeautifulSoup(html, "html.parser").get_text()
        assert main(["--root", str(paths.root), "feedback", "--provisional"]) == 0  # the same page both ways
        again = (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
        assert BeautifulSoup(again, "html.parser").get_text() == BeautifulSoup(html, "html.parser").get_text()
        released = lab.call("POST", f"/formgrader/api/assignment/{SECTION}/ada/release_feedback")
        assert released["success"], released
        outbound = sorted((paths.grader / "exchange" / "vet-quality" / "feedback").glob("*.html"))
        assert len(outbound) == 1
        _assert_key_free(outbound[0].read_text(encoding="utf-8"), section)
        pending = lab.call("POST", f"/formgrader/api/assignment/{SECTION}/ben/generate_feedback")
        assert not pending["success"] and "not yet reviewed" in json.dumps(pending)


def test_feedback_refuses_unreviewed_submissions_and_names_them(workspace, capsys):
    paths, _, _ = workspace
    assert main(["--root", str(paths.root), "feedback"]) == 1
    out = capsys.readouterr()
    assert "refused: ben / cooperation_networking: not yet reviewed: comment " in out.err
    assert "ada" not in out.err
    assert not list((paths.grader / "feedback").glob("ben/*/*.html"))
    ada = (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
    assert "Provisional" not in ada


def test_provisional_feedback_is_marked_and_shows_answers_verdicts_and_the_pass_rate(workspace, capsys):
    paths, _, section = workspace
    assert main(["--root", str(paths.root), "feedback", "--provisional"]) == 0
    assert "provisional: ben / cooperation_networking" in capsys.readouterr().out
    ben = (paths.grader / "feedback" / "ben" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
    ada = (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
    assert "Provisional" in ben and "Provisional" not in ada
    for html in (ada, ben):
        _assert_key_free(html, section)
        _assert_no_machinery(html)
    text = " ".join(BeautifulSoup(ada, "html.parser").get_text().split())
    # ada: questions 1-9 right in her counted attempt; 15 quiz points, pass rate 75 %
    earned = sum(section.quiz.slot_points(s) for s in section.quiz.quiz_slots[:9])
    assert f"Quiz: {earned:g} of 15 points" in text
    assert ("passed (pass rate 75 %)" in text) == (earned / 15 >= 0.75)
    assert "not yet passed" in " ".join(BeautifulSoup(ben, "html.parser").get_text().split())
    assert "Comments: 6 of 8 points" in text  # 4 comments reviewed at 1.5 points each, apart from the quiz
    assert f"Your trainer's remarks: {REMARK}" in text
    first = section.quiz.question(draw_for_attempt(section.quiz, "ada", SECTION, 2)[section.quiz.quiz_slots[0].id])
    assert f"Your answer: {next(o.text for o in first.options if o.id == first.answer)}" in text  # as drawn
    assert "Right: 1 of 1 point" in text and "Not right: 0 of" in text
    assert ADA_COMMENT in text


def test_feedback_release_returns_it_through_the_exchange(workspace, capsys):
    paths, _, section = workspace
    assert main(["--root", str(paths.root), "feedback", "--provisional", "--release"]) == 0
    out = capsys.readouterr().out
    assert "released: ada / cooperation_networking" in out and "released: ben / cooperation_networking" in out
    outbound = sorted((paths.grader / "exchange" / "vet-quality" / "feedback").glob("*.html"))
    assert len(outbound) >= 2
    for path in outbound:
        _assert_key_free(path.read_text(encoding="utf-8"), section)


def test_a_quiz_override_is_kept_and_stays_reviewed_on_regrade(tmp_path):
    from nbgrader.api import Gradebook

    paths = graded_workspace(tmp_path)
    question = "quiz-" + load_course(paths.course).section(SECTION).quiz.quiz_slots[9].id  # wrong for ada
    with Gradebook(paths.gradebook_url) as gradebook:  # what formgrader's score box does (GradeHandler.put)
        grade = gradebook.find_grade(question, SECTION, SECTION, "ada")
        assert grade.auto_score == 0
        grade.manual_score = 1.0
        grade.needs_manual_grade = False
        gradebook.db.commit()
    assert main(["--root", str(paths.root), "autograde", "--force", "--jobs", "1", "--quiet"]) == 0
    with Gradebook(paths.gradebook_url) as gradebook:
        grade = gradebook.find_grade(question, SECTION, SECTION, "ada")
        assert (grade.auto_score, grade.manual_score, grade.score) == (0, 1.0, 1.0)
        assert grade.needs_manual_grade is False


def _comment_flags(paths, learner, section):
    from nbgrader.api import Gradebook

    from coursekit.cell_ids import comment_cell_id

    with Gradebook(paths.gradebook_url) as gradebook:
        return {q.id: (gradebook.find_grade(comment_cell_id(q.id), SECTION, SECTION, learner).manual_score,
                       gradebook.find_grade(comment_cell_id(q.id), SECTION, SECTION, learner).needs_manual_grade)
                for q in section.comments}


def test_reviewed_comments_stay_reviewed_through_autograde_force_until_the_answer_changes(tmp_path, capsys):
    paths = graded_workspace(tmp_path)
    section = load_course(paths.course).section(SECTION)
    review(paths.gradebook_url, "ada", section, 1.0, REMARK)
    reviewed = {q.id: (1.0, False) for q in section.comments}
    assert _comment_flags(paths, "ada", section) == reviewed

    assert main(["--root", str(paths.root), "autograde", "--force", "--jobs", "1", "--quiet"]) == 0
    assert _comment_flags(paths, "ada", section) == reviewed  # nbgrader alone flags every one again
    assert main(["--root", str(paths.root), "report"]) == 0
    grades = grades_csv(paths).loc[("ada", SECTION)]
    assert grades["comments_reviewed"] == len(section.comments)
    capsys.readouterr()
    main(["--root", str(paths.root), "feedback"])  # ben is not reviewed: refused, as he should be
    err = capsys.readouterr().err
    assert "refused: ben" in err and "ada" not in err
    assert (paths.grader / "feedback" / "ada" / SECTION / f"{SECTION}.html").exists()

    # ada hands in again with another answer: the trainer reviews it again, and every view says so
    def answer_again(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "We now meet the partner schools every month, with the apprentices."

    edit_notebook(paths.grader / "submitted" / "ada" / SECTION, SECTION, answer_again)
    assert main(["--root", str(paths.root), "autograde", "--jobs", "1", "--quiet"]) == 0
    assert _comment_flags(paths, "ada", section) == {q.id: (1.0, True) for q in section.comments}
    grades = grades_csv(paths).loc[("ada", SECTION)]
    assert grades["comments_reviewed"] == 0


def test_the_feedback_page_tells_a_late_learner_what_grades_csv_and_moodle_say(tmp_path, capsys):
    """One grade record: the score after the late penalty, the status and the lateness agree in every view."""
    import csv

    paths = graded_workspace(tmp_path)
    section = load_course(paths.course).section(SECTION)
    review(paths.gradebook_url, "ada", section, 1.0)
    review(paths.gradebook_url, "ben", section, 1.0)
    with open(paths.course / "course.yml", "a", encoding="utf-8") as handle:  # due the evening before hand-in
        handle.write(f"grading:\n  due:\n    {SECTION}: \"2026-09-30T19:00:00+00:00\"\n"
                     "  late_penalty_per_day: 10\n")
    assert main(["--root", str(paths.root), "report"]) == 0
    assert main(["--root", str(paths.root), "feedback"]) == 0
    grades = {(r["learner"], r["section"]): r for r in csv.DictReader(
        (paths.reports / "grades.csv").read_text(encoding="utf-8").splitlines())}
    moodle = {r["Username"]: r for r in csv.DictReader(
        (paths.reports / "moodle_grades.csv").read_text(encoding="utf-8").splitlines())}
    for learner in ("ada", "ben"):
        row = grades[(learner, SECTION)]
        assert float(row["late_penalty"]) == 1.5 and row["late"]  # 10 % of 15 points, one started day
        page = (paths.grader / "feedback" / learner / SECTION / f"{SECTION}.html").read_text(encoding="utf-8")
        text = " ".join(BeautifulSoup(page, "html.parser").get_text().split())
        assert f"Quiz: {round(float(row['quiz_score']), 2):g} of 15 points" in text, text[:400]
        assert "Late penalty: 1.5 points" in text and f"Due: {row['due']}" in text
        said = moodle[learner][f"{section.quiz.title} (Feedback)"]
        assert said.startswith(f"{row['status']}; submitted {row['late']} late") and f"Status: {said}." in text
