"""nbgrader's tables in the gradebook: whether they exist yet.

nbgrader creates its tables (``student``, ``assignment``, ``grade`` and the
rest) at the first autograde or roster import; the report, the review page
and extensions need them.
"""

from __future__ import annotations

from sqlalchemy import inspect

from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.locks import sqlite_file


class NoGradebookError(FileNotFoundError):
    """The gradebook does not exist yet or holds no grades; the message says what to run first."""


def check_gradebook(db_url: str) -> None:
    """Raise :class:`NoGradebookError` when the gradebook is missing or has no tables yet (before autograde).

    A missing SQLite file is not created.
    """
    database = sqlite_file(db_url)
    hint = "run `coursekit autograde` (or `coursekit roster import`) first"
    if database is not None and not database.is_file():
        raise NoGradebookError(f"{database}: no gradebook yet; {hint}")
    engine = make_engine(db_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if not {"student", "assignment", "grade"} <= tables:
        where = database if database is not None else engine.url.render_as_string()
        raise NoGradebookError(f"{where}: the gradebook has no grades yet; {hint}")
