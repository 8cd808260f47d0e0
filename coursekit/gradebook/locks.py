"""Named locks on a gradebook, held across processes and machines that share it.

Two ``coursekit autograde`` runs on one gradebook (a trainer re-running while
a scheduled job runs, two trainers on one PostgreSQL database) must not grade
the same submission at once, nor create tables or rows in a race. Every such
step takes a named lock on the gradebook first:

* **PostgreSQL**: a session-level advisory lock (``pg_advisory_lock``) on a
  connection kept open while the lock is held; the server releases it when
  the process dies, even by ``kill -9``.
* **SQLite**: ``flock`` on a file per name in ``.<gradebook>.locks/`` beside
  the database file; the kernel releases it when the process dies.
* Any other URL (an in-memory SQLite database) needs no lock.

The later process waits; :func:`gradebook_lock` calls ``on_wait`` once before
it does, so a trainer is told what it waits for.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from coursekit.gradebook.engine import make_engine

SCHEMA_LOCK = "schema"


def section_lock_name(section: str) -> str:
    """The lock held while a section is being autograded."""
    return f"autograde-{section}"


def _advisory_key(db_name: str, name: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock``, stable across processes and machines."""
    digest = hashlib.sha256(f"coursekit/{db_name}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def sqlite_file(db_url: str) -> Path | None:
    """The database file of a SQLite URL, or None (not SQLite, or in memory)."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


@contextlib.contextmanager
def _postgres_lock(db_url: str, name: str, on_wait: Callable[[], None] | None) -> Iterator[None]:
    engine = make_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            key = _advisory_key(str(make_url(db_url).database), name)
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                if on_wait is not None:
                    on_wait()
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        engine.dispose()


@contextlib.contextmanager
def _file_lock(database: Path, name: str, on_wait: Callable[[], None] | None) -> Iterator[None]:
    folder = database.parent / f".{database.name}.locks"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextlib.contextmanager
def gradebook_lock(db_url: str, name: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock ``name`` on the gradebook at ``db_url`` for the duration of the ``with`` block.

    Parameters
    ----------
    db_url
        The gradebook's SQLAlchemy URL (PostgreSQL or SQLite).
    name
        What is locked (:data:`SCHEMA_LOCK`, :func:`section_lock_name`); letters, digits, ``-`` and ``_``.
    on_wait
        Called once, before waiting, when another process holds the lock.
    """
    if make_url(db_url).get_backend_name() == "postgresql":
        with _postgres_lock(db_url, name, on_wait):
            yield
        return
    database = sqlite_file(db_url)
    if database is None:
        yield
        return
    with _file_lock(database, name, on_wait):
        yield


@contextlib.contextmanager
def gradebook_locks(db_url: str, names: list[str], on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold several named locks, taken in sorted order (two runs never wait for each other in a circle)."""
    with contextlib.ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(gradebook_lock(db_url, name, None if on_wait is None else lambda n=name: on_wait(n)))
        yield
