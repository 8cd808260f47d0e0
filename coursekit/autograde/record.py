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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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


def remove_graded_folder(folder: Path) -> None:
    """Delete a graded folder (its read-only files included)."""
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)
    shutil.rmtree(folder)


def write_graded_folder(folder: Path, files: dict[str, bytes], read_only: bool = True,
                        discard: Callable[[Path], None] = remove_graded_folder) -> None:
    """Replace ``folder`` by ``files`` (relative posix path -> bytes), files read-only as nbgrader leaves them.

    ``discard`` takes the folder graded before out of the way (by default: deletes it).
    """
    from coursekit.autograde.transfer import write_files

    if folder.exists():
        discard(folder)
    write_files(folder, files)
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o444 if read_only else 0o664)


@dataclass(frozen=True)
class GradedSubmission:
    """One submission graded elsewhere, as :meth:`GradebookRecorder.record_many` records it."""

    learner: str
    section: str
    timestamp: str | None
    """The graded folder's ``timestamp.txt`` (the trusted hand-in time), or None."""
    notebooks: dict[str, list[CellResult]]
    """What autograde saves of each graded notebook, by notebook name."""


class GradebookRecorder:
    """One connection to the trainer's gradebook that records graded submissions (see the module docstring).

    The grades and comments of a few submissions are read and written with one statement of each kind
    (SQLAlchemy Core on nbgrader's own tables), in one transaction; a first submission is created by
    nbgrader's API, and a late one's penalty is computed by nbgrader's plugin as ``AssignLatePenalties`` does.
    """

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
        self.record_many([GradedSubmission(learner, section, timestamp, notebooks)], retries)

    def record_many(self, graded: Sequence[GradedSubmission], retries: int = 5) -> None:
        """Record graded submissions in one transaction (all or none; retried while SQLite is locked)."""
        from sqlalchemy.exc import OperationalError

        if not graded:
            return
        for attempt in range(retries):
            try:
                self._record(graded)
                return
            except OperationalError as exc:
                self.gradebook.db.rollback()
                if "database is locked" not in str(exc) or attempt == retries - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
            except BaseException:
                self.gradebook.db.rollback()
                raise

    def _record(self, graded: Sequence[GradedSubmission]) -> None:
        from nbgrader.api import BaseCell, Comment, Grade, Notebook, SubmittedNotebook
        from sqlalchemy import bindparam, select, update

        db = self.gradebook.db
        submissions = self._submissions(graded)
        sn, cell, grade, comment = (SubmittedNotebook.__table__, BaseCell.__table__, Grade.__table__,
                                    Comment.__table__)
        found = {(row.assignment_id, row.name): row.id for row in db.execute(
            select(sn.c.id, sn.c.assignment_id, Notebook.__table__.c.name)
            .join(Notebook.__table__, sn.c.notebook_id == Notebook.__table__.c.id)
            .where(sn.c.assignment_id.in_([s.id for s in submissions])))}
        ids = [found[s.id, name] for s, g in zip(submissions, graded, strict=True) for name in g.notebooks
               if (s.id, name) in found]  # nbgrader skips notebooks it does not know
        grades = {(row.notebook_id, row.name): row for row in db.execute(
            select(grade.c.id, grade.c.notebook_id, cell.c.name, grade.c.auto_score, grade.c.manual_score,
                   grade.c.needs_manual_grade)
            .join(cell, grade.c.cell_id == cell.c.id).where(grade.c.notebook_id.in_(ids)))}
        comments = {(row.notebook_id, row.name): row.id for row in db.execute(
            select(comment.c.id, comment.c.notebook_id, cell.c.name)
            .join(cell, comment.c.cell_id == cell.c.id).where(comment.c.notebook_id.in_(ids)))}
        scores, texts, late = [], [], []
        for submission, item in zip(submissions, graded, strict=True):
            for name, cells in item.notebooks.items():
                notebook = found.get((submission.id, name))
                if notebook is None:
                    continue
                for result in cells:
                    if result.kind == GRADE:
                        row = grades[notebook, result.grade_id]
                        scores.append({"row": row.id, **saved_score(row.auto_score, row.manual_score,
                                                                     row.needs_manual_grade, result)})
                    else:
                        texts.append({"row": comments[notebook, result.grade_id], "text": result.auto_comment})
                late.append((item.learner, submission, notebook))
        if scores:
            db.execute(update(grade).where(grade.c.id == bindparam("row")).values(
                auto_score=bindparam("score"), needs_manual_grade=bindparam("needs")), scores)
        if texts:
            db.execute(update(comment).where(comment.c.id == bindparam("row")).values(
                auto_comment=bindparam("text")), texts)
        if late:
            db.execute(update(sn).where(sn.c.id.in_([notebook for _, _, notebook in late]))
                       .values(late_submission_penalty=None))
        for learner, submission, notebook in late:
            if submission.seconds_late > 0:
                self._late_penalty(learner, submission.seconds_late, db.get(SubmittedNotebook, notebook))
        db.commit()

    def _submissions(self, graded: Sequence[GradedSubmission]) -> list[_Submission]:
        """Each learner's submission of the section (created as nbgrader creates it), its timestamp updated.

        One query finds them with their due dates; a first submission is created by nbgrader's
        ``update_or_create_submission``, with the learner when the gradebook does not know them yet.
        """
        from nbgrader import utils
        from nbgrader.api import Assignment, MissingEntry, SubmittedAssignment
        from sqlalchemy import bindparam, select, update

        gb, sa, section = self.gradebook, SubmittedAssignment.__table__, Assignment.__table__
        found = {(row.student_id, row.name): row for row in gb.db.execute(
            select(sa.c.id, sa.c.student_id, section.c.name, sa.c.timestamp, sa.c.extension, section.c.duedate)
            .join(section, section.c.id == sa.c.assignment_id)
            .where(sa.c.student_id.in_({g.learner for g in graded}), section.c.name.in_({g.section for g in graded})))}
        submissions, stamps = [], []
        for item in graded:
            row = found.get((item.learner, item.section))
            if row is None:
                try:
                    gb.find_student(item.learner)
                except MissingEntry:
                    gb.add_student(item.learner)
                extra = {"timestamp": item.timestamp} if item.timestamp else {}
                created = gb.update_or_create_submission(item.section, item.learner, **extra)
                submissions.append(_Submission(created.id, created.total_seconds_late))
                continue
            when = utils.parse_utc(item.timestamp) if item.timestamp else row.timestamp
            if item.timestamp:
                stamps.append({"row": row.id, "when": when})
            submissions.append(_Submission(row.id, _seconds_late(when, row.duedate, row.extension)))
        if stamps:
            gb.db.execute(update(sa).where(sa.c.id == bindparam("row")).values(timestamp=bindparam("when")), stamps)
        return submissions

    def _late_penalty(self, learner: str, seconds_late: float, notebook: Any) -> None:
        """A late submission's penalty on one notebook, by nbgrader's plugin (``AssignLatePenalties``)."""
        self.gradebook.db.expire(notebook)  # its score and penalty as the statements above left them
        penalty = self.late.plugin_inst.late_submission_penalty(learner, notebook.score, seconds_late)
        notebook.late_submission_penalty = (None if penalty is None
                                            else self.late._check_late_penalty(notebook, penalty))


@dataclass(frozen=True)
class _Submission:
    id: str
    seconds_late: float


def _seconds_late(timestamp: datetime | None, due: datetime | None, extension: timedelta | None) -> float:
    """``SubmittedAssignment.total_seconds_late``: seconds past the due date and any extension, at least 0."""
    if timestamp is None or due is None:
        return 0
    return max(0, (timestamp - (due + extension if extension is not None else due)).total_seconds())


def saved_score(before: float | None, manual: float | None, needs_review: bool, cell: CellResult,
                 ) -> dict[str, Any]:
    """``SaveAutoGrades._add_score`` and coursekit's kept override, for one grade row: its new values."""
    reviewed = manual is not None and not needs_review
    needs = manual is not None or cell.auto_score is None
    unchanged = before is not None and cell.auto_score is not None and abs(cell.auto_score - before) < 1e-6
    if cell.cell_type == "code" and reviewed and unchanged and needs:
        needs = False
    return {"score": cell.auto_score, "needs": needs}
