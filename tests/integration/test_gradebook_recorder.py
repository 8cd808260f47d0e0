"""The cluster client's gradebook writer, on a real nbgrader gradebook: what nbgrader's autograde would save.

Several graded submissions are recorded in one transaction: each grade's automatic score and
review flag, each automatic comment, the trusted timestamp, the late penalty by nbgrader's
configured plugin (here ``penalty_method = 'zero'``: a late notebook loses its whole score), a
first submission of a learner the gradebook did not know, and a trainer's reviewed override kept.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from grading_support import make_project
from nbgrader.api import Gradebook

from coursekit.authoring.course import load_course
from coursekit.autograde.record import COMMENT, GRADE, CellResult, GradebookRecorder, GradedSubmission
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config


@pytest.fixture()
def gradebook(tmp_path):
    paths = make_project(tmp_path)
    course = load_course(paths.course)
    ensure_sections(paths.gradebook_url, course, paths.source, paths.grader)
    register_learners(paths.gradebook_url, ["ada", "bob"])
    section = course.sections[0].id
    config = nbgrader_config(course.id, paths.grader, paths.source, paths.release, paths.gradebook_url)
    config.LateSubmissionPlugin.penalty_method = "zero"
    with Gradebook(paths.gradebook_url, course.id) as gb:
        assignment = gb.find_assignment(section)
        assignment.duedate = due = datetime(2026, 10, 1, 12)  # as course.yml's grading.due writes it
        gb.db.commit()
        notebook = assignment.notebooks[0]
        cells = [(c.name, c.cell_type) for c in notebook.grade_cells]
        answers = [c.name for c in notebook.solution_cells]
    assert cells and answers
    return nbgrader_api(config), paths.gradebook_url, section, notebook.name, due, cells, answers


def _results(cells, answers, score):
    return ([CellResult(GRADE, name, kind, auto_score=score) for name, kind in cells]
            + [CellResult(COMMENT, name, "markdown", auto_comment=None) for name in answers[:1]]
            + [CellResult(COMMENT, name, "markdown", auto_comment="No response.") for name in answers[1:]])


def test_several_submissions_in_one_transaction_as_nbgrader_saves_them(gradebook):
    api, db_url, section, name, due, cells, answers = gradebook
    on_time, late = f"{due:%Y-%m-%d} 00:00:00.000000 UTC", f"{due.year + 1}-01-01 10:00:00.000000 UTC"
    recorder = GradebookRecorder(api)
    try:
        for bobs in (on_time, late):  # first submissions (created), then a regrade with bob's later hand-in
            recorder.record_many([
                GradedSubmission("ada", section, on_time, {name: _results(cells, answers, 1.0)}),
                GradedSubmission("bob", section, bobs, {name: _results(cells, answers, 1.0)}),
                GradedSubmission("cyd", section, None, {name: _results(cells, answers, None)}),  # unknown learner
            ])
            with Gradebook(db_url) as gb:
                penalty = gb.find_submission_notebook(name, section, "bob").late_submission_penalty
            assert penalty is None if bobs == on_time else penalty == len(cells)
    finally:
        recorder.close()

    with Gradebook(db_url) as gb:
        ada, bob, cyd = (gb.find_submission_notebook(name, section, who) for who in ("ada", "bob", "cyd"))
        assert gb.find_submission(section, "ada").timestamp == datetime.fromisoformat(f"{due:%Y-%m-%d}")
        assert gb.find_submission(section, "bob").total_seconds_late > 0
        assert ada.late_submission_penalty is None  # on time: no penalty
        assert bob.score == len(cells) and bob.late_submission_penalty == bob.score  # 'zero': the whole score
        for grade in ada.grades:
            assert (grade.auto_score, grade.needs_manual_grade) == (1.0, False)
        for grade in cyd.grades:  # no automatic score: left for the trainer, as nbgrader leaves it
            assert grade.auto_score is None and grade.needs_manual_grade
        comments = {c.name: c.auto_comment for c in ada.comments}
        assert comments[answers[0]] is None and len(answers) > 1
        assert {comments[n] for n in answers[1:]} == {"No response."}


def test_a_reviewed_override_stays_reviewed_when_the_automatic_score_is_the_same(gradebook):
    api, db_url, section, name, due, cells, answers = gradebook
    stamp = f"{due:%Y-%m-%d} 00:00:00.000000 UTC"
    recorder = GradebookRecorder(api)
    try:
        recorder.record("ada", section, stamp, {name: _results(cells, answers, 1.0)})
        with Gradebook(db_url) as gb:  # the trainer reviews every grade of ada's notebook
            for grade in gb.find_submission_notebook(name, section, "ada").grades:
                grade.manual_score = 0.5
                grade.needs_manual_grade = False
            gb.db.commit()
        recorder.record("ada", section, stamp, {name: _results(cells, answers, 1.0)})  # regraded: same scores
        with Gradebook(db_url) as gb:
            kept = {(g.manual_score, g.needs_manual_grade, g.cell_type) for g in
                    gb.find_submission_notebook(name, section, "ada").grades}
        recorder.record("ada", section, stamp, {name: _results(cells, answers, 0.0)})  # another automatic score
        with Gradebook(db_url) as gb:
            reopened = {(g.manual_score, g.needs_manual_grade, g.cell_type) for g in
                        gb.find_submission_notebook(name, section, "ada").grades}
    finally:
        recorder.close()
    # a code grade cell keeps its review; a Markdown one is reopened, as nbgrader's SaveAutoGrades does
    assert kept == {(0.5, kind != "code", kind) for _, kind in cells}
    assert reopened == {(0.5, True, kind) for _, kind in cells}
