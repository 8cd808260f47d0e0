"""What coursekit remembers about each autograded submission, in the gradebook itself.

One table, ``coursekit_autograde``, beside nbgrader's: the digest of the
submission that was graded (so a re-run skips unchanged submissions), the
problems found, and when. Rows are written only after nbgrader has finished a
submission, so a batch killed mid-way re-grades exactly the submissions
without a row. Works on any SQLAlchemy URL (SQLite, PostgreSQL). The submission digest is
:func:`coursekit.autograde.snapshot.submission_digest`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine

from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.locks import SCHEMA_LOCK, gradebook_lock

METADATA = MetaData()
AUTOGRADE = Table(
    "coursekit_autograde",
    METADATA,
    Column("learner", String(128), primary_key=True),
    Column("section", String(128), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("problems", Text, nullable=False, default="[]"),
    Column("graded_at", String(40), nullable=False),
    Column("seconds", Float, nullable=False, default=0.0),
    Column("attempts", Integer, nullable=True),
    Column("graded", Boolean, nullable=False, default=True),
)


@dataclass(frozen=True)
class GradedState:
    """The remembered outcome of one autograded submission."""

    learner: str
    section: str
    digest: str
    problems: tuple[str, ...]
    graded_at: str
    seconds: float
    attempts: int | None = None
    graded: bool = True


def ensure_table(engine: Engine) -> None:
    """Create ``coursekit_autograde`` if it does not exist yet.

    Call it under the gradebook's schema lock (:func:`coursekit.gradebook.roster.ensure_gradebook` does):
    two processes creating it at once race on PostgreSQL.
    """
    METADATA.create_all(engine, tables=[AUTOGRADE])


def fetch_all(db_url: str, sql: str, **params: Any) -> list[Any]:
    """Every row of one read-only SQL statement on the gradebook (rows allow access by column name)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


def ensure_tables(db_url: str, tables: list[Table]) -> None:
    """Create coursekit's ``tables`` in the gradebook if missing, under its schema lock.

    Creating a table from two processes at once fails on PostgreSQL (``pg_type_typname_nsp_index``).
    """
    with gradebook_lock(db_url, SCHEMA_LOCK):
        engine = make_engine(db_url)
        try:
            for table in tables:
                table.metadata.create_all(engine, tables=[table])
        finally:
            engine.dispose()


def load_states(engine: Engine) -> dict[tuple[str, str], GradedState]:
    """Every remembered submission, by (learner, section); empty when the table does not exist yet."""
    if not inspect(engine).has_table(AUTOGRADE.name):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(AUTOGRADE)).mappings().all()
    return {
        (r["learner"], r["section"]): GradedState(
            r["learner"], r["section"], r["digest"], tuple(json.loads(r["problems"])), r["graded_at"], r["seconds"],
            r["attempts"], bool(r["graded"]),
        )
        for r in rows
    }


def save_state(engine: Engine, state: GradedState) -> None:
    """Insert or replace the row of one submission."""
    save_states(engine, [state])


def save_states(engine: Engine, states: Sequence[GradedState]) -> None:
    """Insert or replace the rows of a few submissions, in one transaction."""
    if not states:
        return
    states = list({(state.learner, state.section): state for state in states}.values())  # the last one counts
    with engine.begin() as conn:
        for state in states:
            conn.execute(AUTOGRADE.delete().where(
                (AUTOGRADE.c.learner == state.learner) & (AUTOGRADE.c.section == state.section)))
        conn.execute(AUTOGRADE.insert(), [{
            "learner": state.learner, "section": state.section, "digest": state.digest,
            "problems": json.dumps(list(state.problems)), "graded_at": state.graded_at, "seconds": state.seconds,
            "attempts": state.attempts, "graded": state.graded,
        } for state in states])
