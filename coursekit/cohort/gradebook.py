"""Read an nbgrader gradebook into pandas with one SQL query (any SQLAlchemy URL).

``nbgrader export`` gives totals only and opens one ORM object per grade (it
takes minutes for thousands of learners). :func:`load_cells` asks the database
once for every learner × section × graded cell, not-submitted sections
included (as rows without a cell), joined with what ``coursekit autograde``
recorded (problems, attempts) when that table exists.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import create_engine, inspect

QUIZ_PREFIX, COMMENT_PREFIX = "quiz-", "comment-"

_BASE_QUERY = """
SELECT s.id AS learner, a.name AS section, sa.timestamp AS submitted_at,
       bc.name AS cell, gc.max_score AS max_score,
       g.auto_score AS auto_score, g.manual_score AS manual_score, g.extra_credit AS extra_credit,
       g.needs_manual_grade AS needs_manual_grade, c.manual_comment AS manual_comment{extra_columns}
FROM student s
CROSS JOIN assignment a
LEFT JOIN submitted_assignment sa ON sa.student_id = s.id AND sa.assignment_id = a.id
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
LEFT JOIN grade g ON g.notebook_id = sn.id
LEFT JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN comment c ON c.notebook_id = sn.id AND c.cell_id = g.cell_id{extra_joins}
ORDER BY s.id, a.name, bc.name
"""
_AUTOGRADE_COLUMNS = ", k.problems AS problems, k.attempts AS attempts, k.graded AS graded"
_AUTOGRADE_JOIN = "\nLEFT JOIN coursekit_autograde k ON k.learner = s.id AND k.section = a.name"


def gradebook_query(with_autograde_table: bool) -> str:
    """The SQL of :func:`load_cells` (with or without coursekit's autograde table)."""
    if with_autograde_table:
        return _BASE_QUERY.format(extra_columns=_AUTOGRADE_COLUMNS, extra_joins=_AUTOGRADE_JOIN)
    return _BASE_QUERY.format(extra_columns="", extra_joins="")


def load_cells(db_url: str) -> pd.DataFrame:
    """Every learner × section × graded cell of the gradebook, in one query.

    Columns: learner, section, submitted_at, cell, kind (``quiz``, ``comment``
    or ``other``), max_score, score (manual if given, else automatic, plus extra
    credit), auto_score, manual_score, needs_manual_grade, manual_comment,
    problems (JSON text), attempts, graded. A section a learner did not submit
    is one row with ``submitted_at`` NaT and no cell.
    """
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            has_table = inspect(conn).has_table("coursekit_autograde")
            cells = pd.read_sql_query(gradebook_query(has_table), conn)
    finally:
        engine.dispose()
    if not has_table:
        cells["problems"], cells["attempts"], cells["graded"] = None, pd.NA, pd.NA
    cells["submitted_at"] = pd.to_datetime(cells["submitted_at"], errors="coerce")
    cells["kind"] = "other"
    cells.loc[cells["cell"].str.startswith(QUIZ_PREFIX, na=False), "kind"] = "quiz"
    cells.loc[cells["cell"].str.startswith(COMMENT_PREFIX, na=False), "kind"] = "comment"
    base = cells["manual_score"].where(cells["manual_score"].notna(), cells["auto_score"])
    cells["score"] = base + cells["extra_credit"].fillna(0.0)
    return cells


def item_scores(cells: pd.DataFrame) -> pd.DataFrame:
    """The quiz items as a tidy table: learner, section, item, score, max_score (submitted only)."""
    quiz = cells[cells["kind"] == "quiz"]
    return pd.DataFrame({
        "learner": quiz["learner"].to_numpy(),
        "section": quiz["section"].to_numpy(),
        "item": quiz["cell"].str.removeprefix(QUIZ_PREFIX).to_numpy(),
        "score": quiz["score"].astype(float).to_numpy(),
        "max_score": quiz["max_score"].astype(float).to_numpy(),
    })
