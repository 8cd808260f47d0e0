"""The one SQLAlchemy engine factory for the gradebook (and the quiz service's tables in it).

Every connection coursekit opens to the gradebook comes from
:func:`make_engine`, so every one waits for locks the same way: on SQLite a
60 s busy timeout and the WAL journal (readers do not block the writer); on
PostgreSQL a ping before a pooled connection is reused. ``ruff`` bans
``sqlalchemy.create_engine`` everywhere else (``pyproject.toml``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

_SHARED: dict[str, Engine] | None = None


def make_engine(db_url: str, **options: Any) -> Engine:
    """An engine that waits for locks (SQLite: WAL journal and a 60 s busy timeout).

    ``options`` go to :func:`sqlalchemy.create_engine` (e.g. ``poolclass=NullPool``). Inside
    :func:`shared_engines`, an engine without options is built once per URL and given to every caller.
    """
    if _SHARED is not None and not options:
        if db_url not in _SHARED:
            _SHARED[db_url] = _new_engine(db_url)
        return _SHARED[db_url]
    return _new_engine(db_url, **options)


@contextlib.contextmanager
def shared_engines() -> Iterator[None]:
    """One engine per gradebook URL for the block's short look-ups (each caller still disposes of its connections).

    A loop that reads the gradebook once per submission (the cluster client's snapshots) would otherwise build
    an engine, and connect it for the first time, per look-up. Not for a block that forks processes.
    """
    global _SHARED
    if _SHARED is not None:  # already shared by an enclosing block
        yield
        return
    _SHARED = {}
    try:
        yield
    finally:
        engines, _SHARED = _SHARED, None
        for engine in engines.values():
            engine.dispose()


def _new_engine(db_url: str, **options: Any) -> Engine:
    if db_url.startswith("sqlite"):
        engine = create_engine(db_url, connect_args={"timeout": 60}, **options)

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        return engine
    return create_engine(db_url, pool_pre_ping=True, **options)
