"""Deadlines in the gradebook: nbgrader's due dates, and extensions for one learner.

The due dates of course.yml (``grading.due``) are written to nbgrader's
``assignment.duedate`` (formgrader shows them). An extension (``coursekit
extend``) is kept in coursekit's table ``coursekit_extension`` with who set it
and when, so it holds for a learner who has not submitted yet; when nbgrader
already has the submission, its ``extension`` is set too, so formgrader agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, inspect, select

from coursekit.authoring.course import Course
from coursekit.grading.lateness import as_utc

METADATA = MetaData()
EXTENSIONS = Table(
    "coursekit_extension",
    METADATA,
    Column("learner", String(128), primary_key=True),
    Column("section", String(128), primary_key=True),
    Column("until", String(40), nullable=False),
    Column("set_by", String(200), nullable=False),
    Column("set_at", String(40), nullable=False),
)


class UnknownLearnerError(LookupError):
    """A learner the gradebook does not know; the message names the gradebook and the learner."""


@dataclass(frozen=True)
class Extension:
    """A learner's own due date for one section, and who granted it."""

    learner: str
    section: str
    until: datetime
    set_by: str
    set_at: str


def apply_due_dates(db_url: str, course: Course) -> None:
    """Write the due dates set in course.yml to nbgrader's assignment table.

    A section without one in course.yml keeps what nbgrader has (a trainer may have set it in formgrader).
    """
    from coursekit.grading.state import make_engine

    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            assignment = Table("assignment", MetaData(), autoload_with=conn)
            for section in course.sections:
                due = course.grading.due.get(section.id)
                if due is not None:
                    naive = as_utc(due).replace(tzinfo=None)
                    conn.execute(assignment.update().where(assignment.c.name == section.id).values(duedate=naive))
    finally:
        engine.dispose()


def _ensure_table(db_url: str) -> None:
    from coursekit.grading.state import ensure_tables

    ensure_tables(db_url, [EXTENSIONS])


def grant_extension(db_url: str, course: Course, section: str, learner: str, until: datetime,
                    set_by: str) -> Extension:
    """Give ``learner`` until ``until`` for ``section``; replaces an earlier extension of theirs.

    Raises
    ------
    CourseError
        When the course has no such section.
    UnknownLearnerError
        When the gradebook has no such learner (not on the roster, never submitted).
    NoGradebookError
        When there is no gradebook yet.
    """
    from coursekit.grading.report import check_gradebook
    from coursekit.grading.state import make_engine

    course.section(section)
    check_gradebook(db_url)
    _ensure_table(db_url)
    extension = Extension(learner, section, as_utc(until), set_by,
                          datetime.now(UTC).isoformat(timespec="seconds"))
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            student = Table("student", MetaData(), autoload_with=conn)
            if conn.execute(select(student.c.id).where(student.c.id == learner)).first() is None:
                raise UnknownLearnerError(f"{engine.url.render_as_string()}: no learner {learner!r} in the gradebook "
                                          "(import the roster with `coursekit roster import`)")
            conn.execute(EXTENSIONS.delete().where((EXTENSIONS.c.learner == learner)
                                                   & (EXTENSIONS.c.section == section)))
            conn.execute(EXTENSIONS.insert().values(
                learner=learner, section=section, until=extension.until.isoformat(timespec="seconds"),
                set_by=set_by, set_at=extension.set_at))
    finally:
        engine.dispose()
    _mirror_to_nbgrader(db_url, extension)
    return extension


def _mirror_to_nbgrader(db_url: str, extension: Extension) -> None:
    """Set nbgrader's own extension of the submission (due date + extension = ``until``), when both exist."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(extension.section, extension.learner)
        except MissingEntry:
            return
        if submission.assignment.duedate is None:
            return
        submission.extension = extension.until.replace(tzinfo=None) - submission.assignment.duedate
        gradebook.db.commit()


def load_extensions(db_url: str) -> dict[tuple[str, str], Extension]:
    """Every extension, by (learner, section); empty when none was ever granted."""
    from coursekit.grading.state import make_engine

    engine = make_engine(db_url)
    try:
        if not inspect(engine).has_table(EXTENSIONS.name):
            return {}
        with engine.connect() as conn:
            rows = conn.execute(select(EXTENSIONS)).mappings().all()
    finally:
        engine.dispose()
    return {(r["learner"], r["section"]): Extension(r["learner"], r["section"], datetime.fromisoformat(r["until"]),
                                                    r["set_by"], r["set_at"]) for r in rows}
