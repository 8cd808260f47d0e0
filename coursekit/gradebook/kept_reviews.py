"""Reviews survive re-grading: a reviewed grade of an unchanged submission stays reviewed.

nbgrader's ``SaveAutoGrades`` flags every grade that has a manual score as
needing manual grading again whenever it runs, so ``autograde --force`` would
turn every reviewed Comment back to "needs manual grade" while keeping its
points. Here, before a batch, :func:`reviewed_grades` reads which grades a
trainer has reviewed (a manual score, not flagged); after a submission whose
files did not change since it was last graded is graded again,
:func:`restore_reviews` clears nbgrader's flag on those of its grades whose
automatic score is still the same. A changed submission, or a quiz grade whose
automatic score changed (a corrected key), stays flagged for the trainer, as
nbgrader does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from coursekit.gradebook.nbgrader_tables import RESTORE_MANUAL, RESTORE_SCORED, REVIEWED_GRADES

_RESTORE_MANUAL = text(RESTORE_MANUAL)
_RESTORE_SCORED = text(RESTORE_SCORED)


@dataclass(frozen=True)
class ReviewedGrade:
    """A grade a trainer reviewed, and its automatic score at the time."""

    grade_id: str
    auto_score: float | None


def reviewed_grades(engine: Engine) -> dict[tuple[str, str], list[ReviewedGrade]]:
    """Every reviewed grade (a manual score, not flagged for manual grading), by (learner, section)."""
    if not inspect(engine).has_table("grade"):
        return {}
    found: dict[tuple[str, str], list[ReviewedGrade]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(text(REVIEWED_GRADES), {"flagged": False}).mappings():
            auto = None if row["auto_score"] is None else float(row["auto_score"])
            found[(row["learner"], row["section"])].append(ReviewedGrade(str(row["grade_id"]), auto))
    return dict(found)


def restore_reviews(engine: Engine, grades: list[ReviewedGrade]) -> None:
    """Mark ``grades`` reviewed again where they still have a manual score and the same automatic score."""
    if not grades:
        return
    with engine.begin() as conn:
        for grade in grades:
            if grade.auto_score is None:
                conn.execute(_RESTORE_MANUAL, {"flagged": False, "grade_id": grade.grade_id})
            else:
                conn.execute(_RESTORE_SCORED, {"flagged": False, "grade_id": grade.grade_id,
                                               "auto_score": grade.auto_score})
