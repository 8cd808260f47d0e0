"""The preloaded lookups of autograde's gradebook steps answer exactly what nbgrader's queries answer."""

from __future__ import annotations

import shutil

import pytest
from nbgrader.api import Gradebook, MissingEntry
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.autograde.gradebook_steps import SectionCells, SubmissionRows, forget_gradebooks, worker_gradebook
from coursekit.gradebook.roster import ensure_sections, register_learners

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    root = tmp_path_factory.mktemp("steps")
    for name in ("course", "source"):
        shutil.copytree(REPO / name, root / name)
    course = load_course(root / "course")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    ensure_sections(db_url, course, root / "source", root)
    register_learners(db_url, ["learner0001"])
    with Gradebook(db_url) as gb:
        for section in course.sections:
            gb.update_or_create_submission(section.id, "learner0001")
    yield db_url, [s.id for s in course.sections]
    forget_gradebooks()


def _same(row, orm, fields):
    return {f: getattr(row, f) for f in fields} == {f: getattr(orm, f) for f in fields}


def test_section_cells_answer_as_nbgrader(gradebook):
    db_url, sections = gradebook
    with Gradebook(db_url) as gb:
        for section in sections:
            notebook = gb.find_notebook(section, section)
            cells = SectionCells(worker_gradebook(db_url), section, section)
            assert cells.kernelspec == notebook.kernelspec
            names = {c.name for c in notebook.source_cells}
            assert names and set(cells.source) == names
            for name in names:
                source_cell = gb.find_source_cell(name, section, section)
                assert _same(cells.find_source_cell(name, section, section), source_cell,
                             ("name", "cell_type", "checksum", "source"))
                assert cells.source[name].locked == bool(gb.find_source_cell(name, section, section).locked)
                try:
                    expected = gb.find_graded_cell(name, section, section).max_score
                except MissingEntry:
                    with pytest.raises(MissingEntry):
                        cells.find_graded_cell(name, section, section)
                else:
                    assert cells.find_graded_cell(name, section, section).max_score == expected
            with pytest.raises(MissingEntry):
                cells.find_source_cell("no-such-cell", section, section)


def test_submission_rows_are_nbgrader_s_rows(gradebook):
    db_url, sections = gradebook
    shared = worker_gradebook(db_url)
    for section in sections:
        rows = SubmissionRows(shared, section, section, "learner0001")
        notebook = shared.find_notebook(section, section)
        assert rows.grades and {c.name for c in notebook.grade_cells} | {c.name for c in notebook.task_cells} == \
            set(rows.grades)
        for name in rows.grades:
            assert rows.find_grade(name, section, section, "learner0001").id == \
                shared.find_grade(name, section, section, "learner0001").id
        for name in rows.comments:
            assert rows.find_comment(name, section, section, "learner0001").id == \
                shared.find_comment(name, section, section, "learner0001").id
        with pytest.raises(MissingEntry):
            rows.find_grade("no-such-cell", section, section, "learner0001")
