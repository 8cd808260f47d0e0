"""Put the course's sections and learners into the gradebook before grading.

nbgrader's autograde needs each section (and its cells) in the gradebook, and
a learner who never submits must still be on the roster to show up as ``not
submitted``. Everything here may run in several processes at once on one
gradebook (two trainers, a scheduled job): tables, the course row and the
sections are created under the gradebook's schema lock
(:mod:`coursekit.gradebook.locks`), and learners are inserted in one
idempotent statement (``ON CONFLICT DO NOTHING``), never select-then-insert.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from coursekit.authoring.course import Course
from coursekit.gradebook.extensions import apply_due_dates
from coursekit.gradebook.learner_ids import check_learner_ids
from coursekit.gradebook.locks import SCHEMA_LOCK, gradebook_lock
from coursekit.gradebook.state import ensure_table, make_engine
from coursekit.nbgrader_glue import ensure_venv_on_path


def _ensure_gradebook_unlocked(db_url: str, course_id: str) -> None:
    ensure_venv_on_path()
    from nbgrader.api import Gradebook

    Gradebook(db_url, course_id=course_id).close()
    engine = make_engine(db_url)
    try:
        ensure_table(engine)
    finally:
        engine.dispose()


def ensure_gradebook(db_url: str, course_id: str = "default_course") -> None:
    """Create nbgrader's tables (with its migration stamp), the course row and coursekit's table, once."""
    with gradebook_lock(db_url, SCHEMA_LOCK):
        _ensure_gradebook_unlocked(db_url, course_id)


def missing_sections(db_url: str, course: Course) -> list[str]:
    """Sections of ``course`` that the gradebook does not know yet."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assignment = Table("assignment", MetaData(), autoload_with=conn)
            known = {row[0] for row in conn.execute(select(assignment.c.name))}
    finally:
        engine.dispose()
    return [s.id for s in course.sections if s.id not in known]


def ensure_sections(db_url: str, course: Course, source_root: Path, grader_root: Path) -> list[str]:
    """Record missing sections in the gradebook with nbgrader's generate_assignment (release untouched).

    Every section's due date (course.yml ``grading.due``) is written to nbgrader's ``duedate`` too.

    Safe to call from several processes at once: the second waits for the first and then finds nothing missing.
    """
    # the release machinery (nbformat, nbgrader) loads only where sections are recorded
    from coursekit.authoring.release import generate

    with gradebook_lock(db_url, SCHEMA_LOCK):
        _ensure_gradebook_unlocked(db_url, course.id)
        missing = missing_sections(db_url, course)
        if missing:
            with tempfile.TemporaryDirectory(prefix="coursekit-sections-") as scratch:
                generate(course, source_root, Path(scratch) / "release", grader_root, db_url)
        apply_due_dates(db_url, course)
    return missing


def register_learners(db_url: str, learners: Iterable[str]) -> int:
    """Add learners the gradebook does not have yet, in one idempotent bulk insert; return how many were added.

    Raises
    ------
    LearnerIdError
        When an id cannot be graded literally (nothing is inserted then).
    """
    learners = list(dict.fromkeys(learners))
    check_learner_ids(learners)
    ensure_gradebook(db_url)
    if not learners:
        return 0
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            student = Table("student", MetaData(), autoload_with=conn)
            dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(conn.dialect.name)
            before = conn.execute(select(student.c.id).where(student.c.id.in_(learners))).scalars().all()
            rows = [{"id": learner} for learner in learners]
            if dialect is None:  # another database: insert only what is missing (no concurrent callers assumed)
                rows = [row for row in rows if row["id"] not in set(before)]
                if rows:
                    conn.execute(student.insert(), rows)
            else:
                conn.execute(dialect.insert(student).on_conflict_do_nothing(index_elements=["id"]), rows)
    finally:
        engine.dispose()
    return len(learners) - len(before)
