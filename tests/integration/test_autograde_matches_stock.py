"""``coursekit autograde`` gives the same scores as stock ``nbgrader autograde`` on honest submissions."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from grading_support import answers, attempt, grade_all, make_project, scores_at, write_submission
from nbgrader.api import Gradebook

from coursekit.authoring.course import load_course
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

pytestmark = pytest.mark.slow

def test_scores_equal_stock_nbgrader(tmp_path):
    ours = make_project(tmp_path / "ours")
    course = load_course(ours.course)
    plans = {
        "ada": {s.id: [attempt(1, answers(s, None))] for s in course.sections},
        "ben": {s.id: [attempt(1, answers(s, {slot.id for slot in s.quiz.quiz_slots[::2]})),
                       attempt(2, answers(s, {slot.id for slot in s.quiz.quiz_slots[:3]}))] for s in course.sections},
        "cy": {s.id: [attempt(1, answers(s, set()))] for s in course.sections},
    }
    for learner, by_section in plans.items():
        for section in course.sections:
            # Non-blank comments: a blank one is scored 0 automatically by coursekit (stock nbgrader asks
            # a trainer to review it), a deliberate difference tested in test_statuses.py.
            write_submission(ours, course, section, learner, by_section[section.id],
                             comment=f"{learner}: our regional network shares its quality handbook.")

    stock = make_project(tmp_path / "stock")
    shutil.copytree(ours.grader / "submitted", stock.grader / "submitted")

    result = grade_all(ours, jobs=2)
    assert not result.failed

    ensure_sections(stock.gradebook_url, course, stock.source, stock.grader)
    register_learners(stock.gradebook_url, plans)
    api = nbgrader_api(nbgrader_config(course.id, stock.grader, stock.source, stock.release, stock.gradebook_url))
    for learner in plans:
        for section in course.sections:
            outcome = api.autograde(section.id, learner, force=True, create=True)
            assert outcome["success"], outcome.get("error")

    ours_scores, stock_scores = scores_at(ours.gradebook_url), scores_at(stock.gradebook_url)
    assert ours_scores.keys() == stock_scores.keys()
    assert len(ours_scores) == len(plans) * sum(len(s.quiz.quiz_slots) + len(s.comments) for s in course.sections)
    for key, value in stock_scores.items():
        assert ours_scores[key][1] == value[1], key
        if value[0] is None:
            assert ours_scores[key][0] is None, key
        else:
            assert ours_scores[key][0] == pytest.approx(value[0]), key
    full = sum(s.quiz.max_points for s in course.sections)
    assert sum(v[0] or 0 for k, v in stock_scores.items() if k[0] == "ada" and k[2].startswith("quiz-")) == full
    assert _auto_comments(ours.gradebook_url) == _auto_comments(stock.gradebook_url)
    for learner in plans:
        for section in course.sections:
            assert _graded_cells(ours.grader, learner, section.id) == _graded_cells(stock.grader, learner, section.id)


def _auto_comments(db_url: str) -> dict[tuple[str, str, str], str | None]:
    with Gradebook(db_url) as gb:
        return {(sub.student.id, a.name, c.name): c.auto_comment
                for a in gb.assignments for sub in a.submissions for nb in sub.notebooks for c in nb.comments}


def _graded_cells(grader, learner: str, section: str) -> list[tuple]:
    """The autograded notebook's cells as formgrader shows them: type, source, nbgrader metadata."""
    notebook = nbformat.read(grader / "autograded" / learner / section / f"{section}.ipynb", as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in notebook.cells]
