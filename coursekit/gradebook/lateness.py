"""Late submissions: how late, and the late policy's penalty (pure).

A section's due date comes from course.yml (``grading.due``); an extension for
one learner (``coursekit extend``) replaces it for that learner. A submission
is late by the time between its nbgrader timestamp and that due date. With a
late policy (``grading.late_penalty_per_day``, a percentage of the quiz's
points per started day late) the penalty comes off the quiz score, never below
zero. coursekit applies it in the report, not through nbgrader's
``LateSubmissionPlugin``, so an extension granted after autograde counts
without grading again.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

DAY = 86400.0


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is read as UTC, as nbgrader stores timestamps)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def effective_due(due: datetime | None, extended_until: datetime | None) -> datetime | None:
    """The learner's due date: the extension when one was granted, else the section's."""
    return as_utc(extended_until) if extended_until is not None else (None if due is None else as_utc(due))


def seconds_late(submitted_at: datetime | None, due: datetime | None) -> float:
    """Seconds after ``due`` the submission arrived (0 when on time, not submitted or without a due date)."""
    if submitted_at is None or due is None:
        return 0.0
    return max(0.0, (as_utc(submitted_at) - as_utc(due)).total_seconds())


def format_late(seconds: float) -> str:
    """How late in words: ``2 d 3 h``, ``5 h 10 min``, ``12 min``, or ``""`` when on time.

    Examples
    --------
    >>> format_late(2 * 86400 + 3 * 3600 + 59)
    '2 d 3 h'
    >>> format_late(30)
    '1 min'
    """
    if seconds <= 0:
        return ""
    minutes = max(1, math.ceil(seconds / 60)) if seconds < 3600 else int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def late_days(seconds: float) -> int:
    """Started days late (1 second late is 1 day)."""
    return math.ceil(seconds / DAY) if seconds > 0 else 0


def late_penalty(score: float, max_points: float, seconds: float, percent_per_day: float) -> float:
    """Points taken off ``score``: ``percent_per_day`` % of ``max_points`` per started day late, at most ``score``."""
    if seconds <= 0 or percent_per_day <= 0 or math.isnan(score):
        return 0.0
    return round(min(score, max_points * percent_per_day / 100.0 * late_days(seconds)), 6)
