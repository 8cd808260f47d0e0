"""Read an nbgrader gradebook into pandas with one SQL query (any SQLAlchemy URL).

``nbgrader export`` gives totals only and opens one ORM object per grade (it
takes minutes for thousands of learners). :func:`load_cells` asks the database
once for every learner × section × graded cell, not-submitted sections
included (as rows without a cell), joined with what ``coursekit autograde``
recorded (problems, attempts) when that table exists.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import inspect, text

from coursekit.cell_ids import COMMENT_PREFIX, QUIZ_PREFIX
from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.nbgrader_tables import gradebook_query


def _read(db_url: str) -> pd.DataFrame:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            query = gradebook_query(inspect(conn).has_table("coursekit_autograde"))
            if conn.dialect.name == "sqlite":
                # pandas reads a sqlite3 connection directly, without SQLAlchemy's per-row overhead.
                return pd.read_sql_query(query, conn.connection.dbapi_connection)
            return pd.read_sql_query(text(query), conn)
    finally:
        engine.dispose()


def cell_kind(name: str) -> str:
    """``quiz``, ``comment`` or ``other``, from a grade cell's name."""
    if name.startswith(QUIZ_PREFIX):
        return "quiz"
    return "comment" if name.startswith(COMMENT_PREFIX) else "other"


def load_cells(db_url: str) -> pd.DataFrame:
    """Every learner × section × graded cell of the gradebook, read with one query.

    Columns: learner, section, submitted_at, cell, kind (``quiz``, ``comment``
    or ``other``), max_score, score (manual if given, else automatic, plus extra
    credit), auto_score, manual_score, needs_manual_grade, and per submission
    what ``coursekit autograde`` recorded: problems (JSON text), attempts,
    graded. A section a learner did not submit is one row with ``submitted_at``
    NaT and no cell.
    """
    rows = _read(db_url)
    kind = rows.pop("row_kind")
    extra = ["problems", "attempts", "graded"]
    recorded = rows.loc[kind == "autograde", ["learner", "section", *extra]]
    cells = rows.loc[kind != "autograde"].drop(columns=extra)
    cells = cells.merge(recorded, on=["learner", "section"], how="left")
    cells["submitted_at"] = pd.to_datetime(cells["submitted_at"], errors="coerce")
    # Few distinct values, many rows: categories make the grouping and classifying below cheap.
    for column in ("learner", "section", "cell"):
        cells[column] = cells[column].astype("category")
    kinds = {name: cell_kind(name) for name in cells["cell"].cat.categories}
    cells["kind"] = cells["cell"].map(kinds).astype(object).where(cells["cell"].notna(), "other")
    for column in ("max_score", "score", "auto_score", "manual_score"):
        cells[column] = pd.to_numeric(cells[column], errors="coerce")
    return cells.reset_index(drop=True)


def item_scores(cells: pd.DataFrame) -> pd.DataFrame:
    """The quiz items as a tidy table: learner, section, item, score, max_score (submitted only)."""
    quiz = cells[cells["kind"] == "quiz"]
    return pd.DataFrame({
        "learner": quiz["learner"].astype(str).to_numpy(),
        "section": quiz["section"].astype(str).to_numpy(),
        "item": quiz["cell"].astype(str).str.removeprefix(QUIZ_PREFIX).to_numpy(),
        "score": quiz["score"].astype(float).to_numpy(),
        "max_score": quiz["max_score"].astype(float).to_numpy(),
    })
