"""Versioned migrations of the quiz service's tables, applied under the gradebook's schema lock.

``coursekit service migrate`` (and the service when it starts) calls
:func:`migrate`: it takes :data:`~coursekit.gradebook.locks.SCHEMA_LOCK` (a
PostgreSQL advisory lock, or a file lock beside a SQLite gradebook), reads the
version in ``coursekit_quiz_schema`` and applies each later step in its own
transaction. Two processes migrating at once: the second waits, then finds
nothing to do. Nothing here ever calls ``create_all`` outside the lock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection, Engine

from coursekit.gradebook.locks import SCHEMA_LOCK, gradebook_lock
from coursekit.gradebook.state import make_engine
from coursekit.service.tables import ATTEMPT, DRAW_KEY, OVERRIDE, SCHEMA


class SchemaNotReadyError(RuntimeError):
    """The gradebook has no quiz service tables (or older ones): run ``coursekit service migrate``."""


def _step_1(conn: Connection) -> None:
    """Attempts and overrides."""
    for table in (ATTEMPT, OVERRIDE):
        table.create(conn)


def _step_2(conn: Connection) -> None:
    """The key of the service's draw of pooled questions: 32 random bytes, made once, kept with the record."""
    DRAW_KEY.create(conn)
    conn.execute(DRAW_KEY.insert().values(id=1, key=secrets.token_hex(32),
                                          created_at=datetime.now(UTC).isoformat(timespec="milliseconds")))


STEPS: list[Callable[[Connection], None]] = [_step_1, _step_2]
LATEST = len(STEPS)


def schema_version(engine: Engine) -> int:
    """The migration the gradebook's quiz tables are at (0: none)."""
    if not inspect(engine).has_table(SCHEMA.name):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(SCHEMA.c.version))).scalar() or 0)


def migrate(db_url: str) -> tuple[int, int]:
    """Bring the quiz service's tables to the latest version; return (version before, version after)."""
    with gradebook_lock(db_url, SCHEMA_LOCK):
        engine = make_engine(db_url)
        try:
            SCHEMA.metadata.create_all(engine, tables=[SCHEMA])
            before = schema_version(engine)
            for version in range(before + 1, LATEST + 1):
                with engine.begin() as conn:
                    STEPS[version - 1](conn)
                    conn.execute(SCHEMA.insert().values(
                        version=version, applied_at=datetime.now(UTC).isoformat(timespec="milliseconds")))
            return before, max(before, LATEST)
        finally:
            engine.dispose()


def check_schema(engine: Engine) -> None:
    """Raise SchemaNotReadyError unless the quiz tables are at the latest version."""
    version = schema_version(engine)
    if version < LATEST:
        raise SchemaNotReadyError(f"the gradebook's quiz service tables are at version {version}, not {LATEST}: "
                                  "run `coursekit service migrate`")


def service_tables_exist(engine: Engine) -> bool:
    """Whether the gradebook has the quiz service's tables (at any version)."""
    return schema_version(engine) >= 1
