"""Write a submission graded elsewhere into the gradebook, as nbgrader's autograde would have.

A Dask worker (:mod:`.cluster`) runs the whole of nbgrader's autograde on a
submission in a folder and gradebook of its own, then reads off the graded
notebooks what autograde saves (:func:`cell_results`): each grade cell's
automatic score (nbgrader's ``determine_grade``) and each answer cell's
automatic comment. The trainer's machine, the one writer, then records them
(:class:`GradebookRecorder`) the way nbgrader's ``Autograde`` does, in one
transaction per submission on one connection for the whole batch:

* the learner and the submission with its timestamp (``update_or_create_submission``);
* every grade: the automatic score, flagged for manual grading when a manual
  score exists or there is no automatic one (``SaveAutoGrades``), except a
  reviewed override of a quiz cell whose automatic score did not change
  (:class:`~.converter.SaveAutoGradesKeepingOverrides`);
* every comment's automatic text (``SaveAutoGrades``);
* the late penalty, by the configured ``LateSubmissionPlugin`` (``AssignLatePenalties``).

The graded folder itself is written to ``autograded/`` as returned (read-only, as nbgrader leaves it).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRADE, COMMENT = "grade", "comment"
NO_RESPONSE = "No response."


@dataclass(frozen=True)
class CellResult:
    """What nbgrader's ``SaveAutoGrades`` saves for one cell of a graded notebook."""

    kind: str
    """:data:`GRADE` or :data:`COMMENT`."""
    grade_id: str
    cell_type: str
    auto_score: float | None = None
    auto_comment: str | None = None


def cell_results(notebook: Any) -> list[CellResult]:
    """The grades and comments ``SaveAutoGrades`` would save for a graded (executed) notebook."""
    import logging

    from nbgrader import utils

    log = logging.getLogger("coursekit.record")
    results = []
    for cell in notebook.cells:
        if utils.is_grade(cell):
            score, _ = utils.determine_grade(cell, log)
            results.append(CellResult(GRADE, cell.metadata["nbgrader"]["grade_id"], cell.cell_type, auto_score=score))
        if utils.is_solution(cell) or utils.is_task(cell):
            unchanged = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
            results.append(CellResult(COMMENT, cell.metadata["nbgrader"]["grade_id"], cell.cell_type,
                                      auto_comment=NO_RESPONSE if unchanged and not utils.is_task(cell) else None))
    return results


def graded_cells(folder: Path) -> dict[str, list[CellResult]]:
    """:func:`cell_results` of every notebook at the top of a graded folder, by notebook name."""
    import nbformat

    return {path.stem: cell_results(nbformat.read(path, as_version=4)) for path in sorted(folder.glob("*.ipynb"))}


def write_graded_folder(folder: Path, files: dict[str, bytes], read_only: bool = True) -> None:
    """Replace ``folder`` by ``files`` (relative posix path -> bytes), files read-only as nbgrader leaves them."""
    from coursekit.autograde.transfer import write_files

    if folder.exists():
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o700 if path.is_dir() else 0o600)
        shutil.rmtree(folder)
    write_files(folder, files)
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o444 if read_only else 0o664)


class GradebookRecorder:
    """One connection to the trainer's gradebook that records graded submissions (see the module docstring)."""

    def __init__(self, api: Any) -> None:
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties

        self.gradebook = Gradebook(api.coursedir.db_url, api.coursedir.course_id)
        self.late = AssignLatePenalties(parent=api)
        self.late.init_plugin()

    def close(self) -> None:
        """Close the connection."""
        self.gradebook.close()

    def record(self, learner: str, section: str, timestamp: str | None, notebooks: dict[str, list[CellResult]],
               retries: int = 5) -> None:
        """Record one graded submission in one transaction (retried while SQLite answers "database is locked")."""
        from sqlalchemy.exc import OperationalError

        for attempt in range(retries):
            try:
                self._record(learner, section, timestamp, notebooks)
                return
            except OperationalError as exc:
                self.gradebook.db.rollback()
                if "database is locked" not in str(exc) or attempt == retries - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _record(self, learner: str, section: str, timestamp: str | None,
                notebooks: dict[str, list[CellResult]]) -> None:
        from nbgrader.api import BaseCell, Comment, Grade, Notebook, SubmittedNotebook

        gb = self.gradebook
        submission = self._submission(learner, section, timestamp)
        found = {name: notebook for notebook, name in
                 gb.db.query(SubmittedNotebook, Notebook.name)
                 .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                 .filter(SubmittedNotebook.assignment_id == submission.id)}
        ids = [found[name].id for name in notebooks if name in found]  # nbgrader skips notebooks it does not know
        grades = {(grade.notebook_id, name): grade for grade, name in
                  gb.db.query(Grade, BaseCell.name).join(BaseCell, Grade.cell_id == BaseCell.id)
                  .filter(Grade.notebook_id.in_(ids))}
        comments = {(comment.notebook_id, name): comment for comment, name in
                    gb.db.query(Comment, BaseCell.name).join(BaseCell, Comment.cell_id == BaseCell.id)
                    .filter(Comment.notebook_id.in_(ids))}
        for name, cells in notebooks.items():
            notebook = found.get(name)
            if notebook is None:
                continue
            for cell in cells:
                if cell.kind == GRADE:
                    _save_score(grades[notebook.id, cell.grade_id], cell)
                else:
                    comments[notebook.id, cell.grade_id].auto_comment = cell.auto_comment
            gb.db.flush()
            self._late_penalty(learner, submission, notebook)
        gb.db.commit()

    def _submission(self, learner: str, section: str, timestamp: str | None) -> Any:
        """The learner's submission of ``section`` (created as nbgrader creates it), its timestamp updated.

        The section's due date comes with it (one query); a first submission is created by nbgrader's
        ``update_or_create_submission``, with the learner when the gradebook does not know them yet.
        """
        from nbgrader import utils
        from nbgrader.api import Assignment, MissingEntry, SubmittedAssignment
        from sqlalchemy.orm import contains_eager

        gb = self.gradebook
        submission = (gb.db.query(SubmittedAssignment)
                      .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                      .options(contains_eager(SubmittedAssignment.assignment))
                      .filter(Assignment.name == section, SubmittedAssignment.student_id == learner)
                      .one_or_none())
        if submission is None:
            try:
                gb.find_student(learner)
            except MissingEntry:
                gb.add_student(learner)
            extra = {"timestamp": timestamp} if timestamp else {}
            return gb.update_or_create_submission(section, learner, **extra)
        if timestamp:
            submission.timestamp = utils.parse_utc(timestamp)
        return submission

    def _late_penalty(self, learner: str, submission: Any, notebook: Any) -> None:
        notebook.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            self.gradebook.db.expire(notebook, ["score"])  # the score of the grades just flushed, as nbgrader reads it
            penalty = self.late.plugin_inst.late_submission_penalty(learner, notebook.score,
                                                                   submission.total_seconds_late)
            if penalty is not None:
                notebook.late_submission_penalty = self.late._check_late_penalty(notebook, penalty)


def _save_score(grade: Any, cell: CellResult) -> None:
    """``SaveAutoGrades._add_score`` and coursekit's kept override, on a grade row."""
    before, reviewed = grade.auto_score, grade.manual_score is not None and not grade.needs_manual_grade
    grade.auto_score = cell.auto_score
    grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
    unchanged = before is not None and grade.auto_score is not None and abs(grade.auto_score - before) < 1e-6
    if cell.cell_type == "code" and reviewed and unchanged and grade.needs_manual_grade:
        grade.needs_manual_grade = False
