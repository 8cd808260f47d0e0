"""A learner's status in a section, against the quiz's pass rate (pure)."""

from __future__ import annotations

import math

PASSED, FAILED, INCOMPLETE, NOT_SUBMITTED = "passed", "failed", "incomplete", "not submitted"
NOT_GRADED = "not graded"
STATUSES = (PASSED, FAILED, INCOMPLETE, NOT_SUBMITTED, NOT_GRADED)
PENDING_REVIEW, REVIEWED, NO_COMMENTS = "pending review", "reviewed", "no comments"


def section_status(submitted: bool, percent: float, pass_rate: float, comments_answered: int,
                   comments_total: int, graded: bool = True) -> str:
    """``passed``, ``failed``, ``incomplete``, ``not submitted`` or ``not graded``.

    ``passed``: quiz at or above the pass rate and every comment answered;
    ``failed``: quiz below the pass rate; ``incomplete``: quiz passed but a
    comment left blank; ``not graded``: handed in, but grading could not finish
    (the reason is in the report), so no score stands. A tiny tolerance keeps
    74.99999 % from failing a 75 % rate through float rounding.
    """
    if not submitted:
        return NOT_SUBMITTED
    if not graded:
        return NOT_GRADED
    if math.isnan(percent) or percent + 1e-9 < pass_rate:
        return FAILED
    return PASSED if comments_answered >= comments_total else INCOMPLETE


def comments_review(comments_answered: int, comments_reviewed: int) -> str:
    """``pending review`` until a trainer has graded every answered comment, then ``reviewed``."""
    if comments_answered == 0:
        return NO_COMMENTS
    return REVIEWED if comments_reviewed >= comments_answered else PENDING_REVIEW
