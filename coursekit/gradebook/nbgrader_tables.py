"""nbgrader's tables in the gradebook: whether they exist yet, and every SQL query coursekit runs on them.

nbgrader creates its tables (``student``, ``assignment``, ``submitted_assignment``,
``submitted_notebook``, ``grade``, ``comment``, ``base_cell``, ``grade_cells`` and
the rest) at the first autograde or roster import. Their layout is nbgrader's,
so the statements that read or write them directly live here, in one place to
check when nbgrader changes: the cohort's cell rows, the trainer's remarks, the
answers of the review page, the reviews pending, the reviews kept across
re-grading, and the tables a simulated cohort fills.
"""

from __future__ import annotations

from sqlalchemy import inspect

from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.locks import sqlite_file

GRADED_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "student", "submitted_assignment",
                 "submitted_notebook", "grade", "comment")
"""nbgrader's tables that hold graded submissions (a simulated cohort writes these)."""
LEARNER_IDS = "SELECT id FROM student"
"""Every learner id in the gradebook."""

# Three kinds of rows in one statement: every grade of every submitted section; every section a
# learner on the roster did not submit; what coursekit's autograde recorded per submission.
# Driving from ``grade`` keeps every join a primary-key lookup (no automatic index per query).
CELL_ROWS = """
SELECT 'grade' AS row_kind, sa.student_id AS learner, a.name AS section, sa.timestamp AS submitted_at,
       bc.name AS cell, gc.max_score AS max_score, g.auto_score AS auto_score, g.manual_score AS manual_score,
       COALESCE(g.manual_score, g.auto_score) + COALESCE(g.extra_credit, 0) AS score,
       g.needs_manual_grade AS needs_manual_grade, CAST(NULL AS TEXT) AS problems,
       CAST(NULL AS INTEGER) AS attempts, CAST(NULL AS BOOLEAN) AS graded
FROM grade g
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
JOIN base_cell bc ON bc.id = g.cell_id
JOIN grade_cells gc ON gc.id = g.cell_id
UNION ALL
SELECT 'absent', s.id, a.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM student s CROSS JOIN assignment a
WHERE NOT EXISTS (SELECT 1 FROM submitted_assignment sa WHERE sa.student_id = s.id AND sa.assignment_id = a.id)
"""
AUTOGRADE_ROWS = """
UNION ALL
SELECT 'autograde', k.learner, k.section, NULL, NULL, NULL, NULL, NULL, NULL, NULL, k.problems, k.attempts, k.graded
FROM coursekit_autograde k
"""
"""What ``coursekit autograde`` recorded per submission, as more rows of :data:`CELL_ROWS`."""


def gradebook_query(with_autograde_table: bool) -> str:
    """The SQL of :func:`coursekit.cohort.gradebook.load_cells` (with or without coursekit's autograde table)."""
    return CELL_ROWS + (AUTOGRADE_ROWS if with_autograde_table else "")


REMARKS = """
SELECT sa.student_id AS learner, a.name AS section, bc.name AS cell, c.manual_comment AS remark
FROM comment c
JOIN submitted_notebook sn ON sn.id = c.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
JOIN base_cell bc ON bc.id = c.cell_id
WHERE c.manual_comment IS NOT NULL AND c.manual_comment <> ''
"""
"""The trainer's remarks written in formgrader on the comment cells."""
REVIEW_ANSWERS = """
SELECT sa.student_id AS learner, sn.id AS notebook_id, g.auto_score AS auto_score, g.manual_score AS manual_score,
       gc.max_score AS max_score, c.manual_comment AS remark
FROM grade g
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
JOIN base_cell bc ON bc.id = g.cell_id
JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN comment c ON c.notebook_id = sn.id AND c.cell_id = bc.id
WHERE a.name = :section AND bc.name = :cell
ORDER BY sa.student_id
"""
"""One reflection's graded cell of every learner, with scores and the remark (``:section``, ``:cell``)."""
PENDING_REVIEWS = """
SELECT s.id AS learner, a.name AS section, bc.name AS cell
FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN student s ON sa.student_id = s.id JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON g.cell_id = bc.id
WHERE g.needs_manual_grade
ORDER BY s.id, a.name, bc.name
"""
"""Every grade cell waiting for a trainer's review."""
REVIEWED_GRADES = """
SELECT g.id AS grade_id, sa.student_id AS learner, a.name AS section, g.auto_score AS auto_score
FROM grade g
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
WHERE g.manual_score IS NOT NULL AND g.needs_manual_grade = :flagged
"""
"""Grades with a manual score, flagged or not for manual grading (``:flagged``)."""
RESTORE_MANUAL = ("UPDATE grade SET needs_manual_grade = :flagged "
                  "WHERE id = :grade_id AND manual_score IS NOT NULL AND auto_score IS NULL")
"""Flag a reviewed grade with no automatic score (a Comment) again or not."""
RESTORE_SCORED = ("UPDATE grade SET needs_manual_grade = :flagged WHERE id = :grade_id "
                  "AND manual_score IS NOT NULL AND ABS(auto_score - :auto_score) < 0.000001")
"""Flag a reviewed grade again or not, when its automatic score is still ``:auto_score``."""


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
