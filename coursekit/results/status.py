"""A learner's status in a section, against the quiz's pass rate (pure).

=========================  ===================================================================
status                     meaning
=========================  ===================================================================
passed                     quiz at or above the pass rate, every comment answered and reviewed
passed, review pending     as *passed*, but a trainer has not yet reviewed every answered comment
incomplete                 quiz passed, but a comment is blank (left as given, or too short)
failed                     quiz below the pass rate
not submitted              on the roster, nothing handed in, and the due date has passed (or there is none)
not due yet                on the roster, nothing handed in, before the learner's due date
not graded                 handed in, but grading could not finish (the reason is in the report)
=========================  ===================================================================
"""

from __future__ import annotations

import math

PASSED, FAILED, INCOMPLETE, NOT_SUBMITTED = "passed", "failed", "incomplete", "not submitted"
NOT_GRADED = "not graded"
NOT_DUE_YET = "not due yet"
PASSED_REVIEW_PENDING = "passed, review pending"
STATUSES = (PASSED, PASSED_REVIEW_PENDING, INCOMPLETE, FAILED, NOT_SUBMITTED, NOT_GRADED, NOT_DUE_YET)
PENDING_REVIEW, REVIEWED, NO_COMMENTS = "pending review", "reviewed", "no comments"


def section_status(submitted: bool, percent: float, pass_rate: float, comments_answered: int,
                   comments_total: int, graded: bool = True, comments_reviewed: int | None = None) -> str:
    """``passed``, ``passed, review pending``, ``failed``, ``incomplete``, ``not submitted`` or ``not graded``.

    ``passed``: quiz at or above the pass rate, every comment answered and
    (when ``comments_reviewed`` is given) every comment reviewed; ``passed,
    review pending``: the same while a trainer has not reviewed every answered
    comment; ``failed``: quiz below the pass rate; ``incomplete``: quiz passed
    but a comment left blank (whatever points a trainer gave it); ``not
    graded``: handed in, but grading could not finish, so no score stands. A
    tiny tolerance keeps 74.99999 % from failing a 75 % rate through float
    rounding.
    """
    if not submitted:
        return NOT_SUBMITTED
    if not graded:
        return NOT_GRADED
    if math.isnan(percent) or percent + 1e-9 < pass_rate:
        return FAILED
    if comments_answered < comments_total:
        return INCOMPLETE
    if comments_reviewed is not None and comments_reviewed < comments_answered:
        return PASSED_REVIEW_PENDING
    return PASSED


def comments_review(comments_answered: int, comments_reviewed: int) -> str:
    """``pending review`` until a trainer has graded every answered comment, then ``reviewed``."""
    if comments_answered == 0:
        return NO_COMMENTS
    return REVIEWED if comments_reviewed >= comments_answered else PENDING_REVIEW
