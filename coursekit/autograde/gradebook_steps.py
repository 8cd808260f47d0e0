"""nbgrader's gradebook steps of autograde with the lookups loaded once: same rows, fewer queries.

nbgrader's ``OverwriteCells`` and ``SaveAutoGrades`` open a gradebook per
notebook and run one or two queries per cell (``find_source_cell``,
``find_graded_cell``, ``find_grade``, ``find_comment``), committing after each
grade. Here a grading process keeps one :class:`~nbgrader.api.Gradebook` for
its whole batch (:func:`worker_gradebook`), the section's source and graded
cells are read once per notebook of a section (:class:`SectionCells`), a
submission's grades and comments with one query each
(:class:`SubmissionRows`), and its grades are written in one transaction.

nbgrader's own ``preprocess_cell`` code still runs: the lookups answer the
same ``find_*`` calls, with the same ``MissingEntry`` for an unknown cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nbgrader.api import Comment, Grade, Gradebook, GradeCell, MissingEntry, TaskCell
from nbgrader.preprocessors import AssignLatePenalties, OverwriteCells, OverwriteKernelspec, SaveAutoGrades
from sqlalchemy.orm import joinedload

_GRADEBOOKS: dict[tuple[str, str], Gradebook] = {}
_SECTIONS: dict[tuple[str, str, str], SectionCells] = {}


def worker_gradebook(db_url: str, course_id: str = "default_course") -> Gradebook:
    """The gradebook session of this process on ``db_url`` (opened once, its transaction ended before each use).

    ``course_id`` as nbgrader gives it: its converter opens the gradebook with the course's id, its
    preprocessors with none (``Gradebook`` makes sure the course exists when it opens).
    """
    gradebook = _GRADEBOOKS.get((db_url, course_id))
    if gradebook is None:
        gradebook = _GRADEBOOKS[db_url, course_id] = Gradebook(db_url, course_id)
    else:
        gradebook.db.rollback()  # no snapshot older than the rows another connection just wrote
    return gradebook


def forget_gradebooks() -> None:
    """Close this process's gradebook sessions and forget the sections' cells (a new batch starts)."""
    for gradebook in _GRADEBOOKS.values():
        gradebook.close()
        gradebook.engine.dispose()
    _GRADEBOOKS.clear()
    _SECTIONS.clear()


@dataclass(frozen=True)
class SourceCellRow:
    """What ``OverwriteCells`` reads of a source cell."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class GradedCellRow:
    """What ``OverwriteCells`` reads of a graded (grade or task) cell."""

    name: str
    max_score: float


class SectionCells:
    """The source and graded cells of one notebook of a section, answering nbgrader's ``find_*`` calls."""

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str) -> None:
        found = gradebook.find_notebook(notebook, assignment)
        self.notebook, self.assignment = notebook, assignment
        self.kernelspec: str | None = found.kernelspec
        self.source = {c.name: SourceCellRow(c.name, c.cell_type, bool(c.locked), c.checksum, c.source)
                       for c in found.source_cells}
        graded = {c.name: GradedCellRow(c.name, c.max_score) for c in found.task_cells}
        graded.update({c.name: GradedCellRow(c.name, c.max_score) for c in found.grade_cells})  # grade cells first
        self.graded = graded

    @classmethod
    def load(cls, gradebook: Gradebook, db_url: str, notebook: str, assignment: str) -> SectionCells:
        """The cells of ``assignment/notebook``, read once per process and batch."""
        key = (db_url, assignment, notebook)
        if key not in _SECTIONS:
            _SECTIONS[key] = cls(gradebook, notebook, assignment)
        return _SECTIONS[key]

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCellRow:
        """``Gradebook.find_source_cell`` of this notebook."""
        try:
            return self.source[name]
        except KeyError:
            raise MissingEntry(f"No such source cell: {assignment}/{notebook}/{name}") from None

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCellRow:
        """``Gradebook.find_graded_cell`` of this notebook."""
        try:
            return self.graded[name]
        except KeyError:
            raise MissingEntry(f"No such grade cell: {assignment}/{notebook}/{name}") from None


class OverwriteCellsPreloaded(OverwriteCells):
    """nbgrader's ``OverwriteCells``, its source and graded cells read once per section notebook."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Run nbgrader's ``preprocess_cell`` on every cell against the section's preloaded cells."""
        if self.add_missing_cells:  # nbgrader's own way, which reads the gradebook's notebook again
            return super().preprocess(nb, resources)
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id, self.db_url = info["notebook"], info["assignment"], info["db_url"]
        gradebook = worker_gradebook(self.db_url)
        self.gradebook = SectionCells.load(gradebook, self.db_url, self.notebook_id, self.assignment_id)
        gradebook.db.rollback()  # the cells are read: no transaction stays open
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources


class OverwriteKernelspecPreloaded(OverwriteKernelspec):
    """nbgrader's ``OverwriteKernelspec``, the source notebook's kernelspec read once per section notebook."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Give ``nb`` the source notebook's kernelspec, when it has one."""
        info = resources["nbgrader"]
        gradebook = worker_gradebook(info["db_url"])
        cells = SectionCells.load(gradebook, info["db_url"], info["notebook"], info["assignment"])
        gradebook.db.rollback()  # read: no transaction stays open
        kernelspec = json.loads(cells.kernelspec) if cells.kernelspec is not None else None
        self.log.debug("Source notebook kernelspec: %s", kernelspec)
        self.log.debug("Submitted notebook kernelspec: %s", nb.metadata.get("kernelspec", None))
        if kernelspec:
            self.log.debug("Overwriting submitted notebook kernelspec: %s", kernelspec)
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class _Deferred:
    """A session whose ``commit`` waits for the end of the notebook (one transaction)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def commit(self) -> None:
        """Nothing yet: the notebook's changes are flushed and committed together at its end."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class SubmissionRows:
    """A submitted notebook's grades and comments (one query each), answering ``find_grade``/``find_comment``."""

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str, student: str) -> None:
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        self.db = _Deferred(gradebook.db)
        self.grades: dict[str, Grade] = {}
        for grade in (gradebook.db.query(Grade).options(joinedload(Grade.cell))
                      .filter(Grade.notebook_id == submitted.id)):
            # as find_grade: a grade cell's row before a task cell's of the same name
            if isinstance(grade.cell, GradeCell) or grade.cell.name not in self.grades:
                self.grades[grade.cell.name] = grade
        self.comments: dict[str, Comment] = {}
        for comment in (gradebook.db.query(Comment).options(joinedload(Comment.cell))
                        .filter(Comment.notebook_id == submitted.id)):
            if not isinstance(comment.cell, TaskCell) or comment.cell.name not in self.comments:
                self.comments[comment.cell.name] = comment  # as find_comment: solution cells first
        self._where = f"{assignment}/{notebook}/{student}"

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        """``Gradebook.find_grade`` of this submitted notebook."""
        try:
            return self.grades[grade_cell]
        except KeyError:
            raise MissingEntry(f"No such grade: {assignment}/{notebook}/{student}/{grade_cell}") from None

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str) -> Comment:
        """``Gradebook.find_comment`` of this submitted notebook."""
        try:
            return self.comments[solution_cell]
        except KeyError:
            raise MissingEntry(f"No such comment: {assignment}/{notebook}/{student}/{solution_cell}") from None


class SaveAutoGradesPreloaded(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` reading a submission's rows once and writing them in one transaction."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Save every grade and comment of ``nb`` as nbgrader does, committed once."""
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        gradebook = worker_gradebook(self.db_url)
        try:
            self.gradebook = SubmissionRows(gradebook, self.notebook_id, self.assignment_id, self.student_id)
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        except MissingEntry:
            gradebook.db.commit()  # nbgrader keeps the grades saved before the cell it could not find
            raise
        except BaseException:
            gradebook.db.rollback()
            raise
        gradebook.db.commit()
        return nb, resources



class AssignLatePenaltiesShared(AssignLatePenalties):
    """nbgrader's ``AssignLatePenalties`` on this process's gradebook session (same steps, same rows)."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Reset the notebook's late penalty, then apply the plugin's when the submission is late."""
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.init_plugin()
        self.gradebook = worker_gradebook(self.db_url)
        try:
            assignment = self.gradebook.find_submission(self.assignment_id, self.student_id)
            notebook = self.gradebook.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
            notebook.late_submission_penalty = None
            if assignment.total_seconds_late > 0:
                self.log.warning("%s is %s seconds late", assignment, assignment.total_seconds_late)
                late_penalty = self.plugin_inst.late_submission_penalty(
                    self.student_id, notebook.score, assignment.total_seconds_late)
                self.log.warning("Late submission penalty: %s", late_penalty)
                if late_penalty is not None:
                    notebook.late_submission_penalty = self._check_late_penalty(notebook, late_penalty)
            self.gradebook.db.commit()
        except BaseException:
            self.gradebook.db.rollback()
            raise
        return nb, resources
