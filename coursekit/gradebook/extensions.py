"""Deadlines in the gradebook: nbgrader's due dates, and extensions for one learner.

The due dates of course.yml (``grading.due``) are written to nbgrader's
``assignment.duedate`` (formgrader shows them). An extension (``coursekit
extend``) is kept in coursekit's table ``coursekit_extension`` with who set it
and when, so it holds for a learner who has not submitted yet; when nbgrader
already has the submission, its ``extension`` is set too, so formgrader agrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, MetaData, String, Table, inspect, select
from sqlalchemy.engine import Connection

from coursekit.authoring.course import Course
from coursekit.gradebook.lateness import as_utc
from coursekit.gradebook.nbgrader_tables import check_gradebook
from coursekit.gradebook.roster_table import ROSTER
from coursekit.gradebook.state import ensure_tables, make_engine

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


MAX_EXTENSION_DAYS = 365
"""The longest extension: a year after the due date."""


class UnknownLearnerError(LookupError):
    """A learner the gradebook does not know; the message names the gradebook and the learner."""


def extension_until(due: datetime | None, *, days: float | None = None, until: datetime | None = None) -> datetime:
    """The new due date of an extension: ``until``, or ``days`` after ``due``; after ``due``, at most a year later.

    Raises
    ------
    ValueError
        One line naming the option: ``--days`` not a number, 0 or less or more than
        :data:`MAX_EXTENSION_DAYS`; ``--days`` without a due date; ``--until`` not after the due date or
        more than a year after it.
    """
    if until is None:
        if days is None or isinstance(days, bool) or not isinstance(days, int | float) or not math.isfinite(days):
            raise ValueError(f"--days: expected a number of days, got {str(days)[:40]!r}")
        if not 0 < days <= MAX_EXTENSION_DAYS:
            raise ValueError(f"--days: an extension is more than 0 and at most {MAX_EXTENSION_DAYS} days after the "
                             f"due date, got {days:g}")
        if due is None:
            raise ValueError("--days: the section has no due date (grading.due); give --until DATE instead")
        return as_utc(due) + timedelta(days=days)
    until = as_utc(until)
    if due is not None:
        due = as_utc(due)
        if until <= due:
            raise ValueError(f"--until: {until:%Y-%m-%d %H:%M} UTC is not after the section's due date "
                             f"{due:%Y-%m-%d %H:%M} UTC")
        if until - due > timedelta(days=MAX_EXTENSION_DAYS):
            raise ValueError(f"--until: {until:%Y-%m-%d %H:%M} UTC is more than {MAX_EXTENSION_DAYS} days after the "
                             f"section's due date {due:%Y-%m-%d %H:%M} UTC")
    return until


def check_on_roster(conn: Connection, learner: str, where: str) -> None:
    """Refuse a learner who is not on the imported roster, when a roster was imported.

    Raises
    ------
    UnknownLearnerError
        Naming ``where`` (the gradebook) and the learner.
    """
    if not inspect(conn).has_table(ROSTER.name):
        return
    if conn.execute(select(ROSTER.c.learner).limit(1)).first() is None:
        return
    if conn.execute(select(ROSTER.c.learner).where(ROSTER.c.learner == learner)).first() is None:
        raise UnknownLearnerError(f"{where}: {learner[:128]!r} is not on the roster (check the login, or add them "
                                  "with `coursekit roster import`)")


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
    ensure_tables(db_url, [EXTENSIONS])


def grant_extension(db_url: str, course: Course, section: str, learner: str, until: datetime,
                    set_by: str) -> Extension:
    """Give ``learner`` until ``until`` for ``section``; replaces an earlier extension of theirs.

    Raises
    ------
    CourseError
        When the course has no such section.
    UnknownLearnerError
        When the gradebook has no such learner (never submitted, not imported), or a roster was
        imported and the learner is not on it.
    NoGradebookError
        When there is no gradebook yet.
    """
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
            check_on_roster(conn, learner, engine.url.render_as_string())
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
