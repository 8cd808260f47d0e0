"""Put the course's sections and learners into the gradebook before grading.

nbgrader's autograde needs each section (and its cells) in the gradebook, and
a learner who never submits must still be on the roster to show up as ``not
submitted``. Learners are inserted in bulk (one statement), not one ORM commit
per learner.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import MetaData, Table, create_engine, select

from coursekit.authoring.course import Course


def ensure_gradebook(db_url: str) -> None:
    """Create nbgrader's tables (and its migration stamp) if the gradebook is new."""
    from coursekit.nbgrader_glue import ensure_venv_on_path

    ensure_venv_on_path()
    from nbgrader.api import Gradebook

    Gradebook(db_url).close()


def missing_sections(db_url: str, course: Course) -> list[str]:
    """Sections of ``course`` that the gradebook does not know yet."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assignment = Table("assignment", MetaData(), autoload_with=conn)
            known = {row[0] for row in conn.execute(select(assignment.c.name))}
    finally:
        engine.dispose()
    return [s.id for s in course.sections if s.id not in known]


def ensure_sections(db_url: str, course: Course, source_root: Path, grader_root: Path) -> list[str]:
    """Record missing sections in the gradebook with nbgrader's generate_assignment (release untouched)."""
    from coursekit.authoring.release import generate

    ensure_gradebook(db_url)
    missing = missing_sections(db_url, course)
    if missing:
        with tempfile.TemporaryDirectory(prefix="coursekit-sections-") as scratch:
            generate(course, source_root, Path(scratch) / "release", grader_root, db_url)
    return missing


def register_learners(db_url: str, learners: Iterable[str]) -> int:
    """Add learners the gradebook does not have yet, in one bulk insert; return how many were added."""
    ensure_gradebook(db_url)
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            student = Table("student", MetaData(), autoload_with=conn)
            known = {row[0] for row in conn.execute(select(student.c.id))}
            new = [{"id": learner} for learner in dict.fromkeys(learners) if learner not in known]
            if new:
                conn.execute(student.insert(), new)
    finally:
        engine.dispose()
    return len(new)
