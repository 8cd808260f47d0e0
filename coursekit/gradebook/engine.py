"""The one SQLAlchemy engine factory for the gradebook (and the quiz service's tables in it).

Every connection coursekit opens to the gradebook comes from
:func:`make_engine`, so every one waits for locks the same way: on SQLite a
60 s busy timeout and the WAL journal (readers do not block the writer); on
PostgreSQL a ping before a pooled connection is reused. ``ruff`` bans
``sqlalchemy.create_engine`` everywhere else (``pyproject.toml``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine


def make_engine(db_url: str, **options: Any) -> Engine:
    """An engine that waits for locks (SQLite: WAL journal and a 60 s busy timeout).

    ``options`` go to :func:`sqlalchemy.create_engine` (e.g. ``poolclass=NullPool``).
    """
    if db_url.startswith("sqlite"):
        engine = create_engine(db_url, connect_args={"timeout": 60}, **options)

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        return engine
    return create_engine(db_url, pool_pre_ping=True, **options)
