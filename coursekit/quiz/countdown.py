"""The quiz timer's arithmetic (pure, no I/O, no Jupyter): time left on an attempt, as Moodle's quiz timer shows it.

The widget shows "Time left 0:12:34" while an attempt has a deadline (its time
limit or the quiz's close). With the quiz service the seconds left are
computed from the *server's* time and the deadline it sent, when its state
arrived; the browser then counts down from that number on its own monotonic
clock (never reading the learner's wall clock). Screen readers are told the
time left at :data:`ANNOUNCE_AT_SECONDS` only, not every second, and the timer
looks different in the :data:`FINAL_SECONDS`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from coursekit.quiz.timing import parse_datetime

ANNOUNCE_AT_SECONDS = (300, 60)
"""Seconds left at which screen readers are told the time left (5 minutes, 1 minute)."""
FINAL_SECONDS = 60
"""In the last minute the timer is drawn as a warning."""


def remaining_seconds(deadline: datetime | str, server_now: datetime | str, elapsed: float = 0.0) -> float:
    """Seconds left until ``deadline``: the server's ``server_now`` less ``elapsed`` seconds since it was read.

    Never negative. ``elapsed`` is measured on a monotonic clock (time since the
    server's state arrived), so a learner's wrong wall clock changes nothing.
    """
    left = (parse_datetime(deadline) - parse_datetime(server_now)).total_seconds() - max(0.0, elapsed)
    return max(0.0, left)


def time_left_text(seconds: float) -> str:
    """``0:12:34``: whole seconds left (rounded up, so ``0:00:00`` means time is up), as hours:minutes:seconds."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def spoken_time_left(seconds: float) -> str:
    """``5 minutes left`` / ``1 minute left`` / ``40 seconds left``: what a screen reader is told."""
    whole = max(0, math.ceil(seconds))
    if whole >= 60 and whole % 60 == 0:
        minutes = whole // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''} left"
    return f"{whole} second{'s' if whole != 1 else ''} left"


def countdown(deadline: datetime | str, server_now: datetime | str, elapsed: float = 0.0) -> dict[str, Any]:
    """What the widget's timer needs: seconds left, the deadline (which attempt's timer it is) and its thresholds."""
    ends = parse_datetime(deadline)
    return {"seconds": round(remaining_seconds(ends, server_now, elapsed), 3),
            "deadline": ends.isoformat(), "announce_at": list(ANNOUNCE_AT_SECONDS), "final": FINAL_SECONDS}


def local_deadline(started_at: str | None, time_limit_minutes: float | None) -> datetime | None:
    """Without the quiz service: when an attempt started at ``started_at`` runs out of its time limit (or None)."""
    if not started_at or not time_limit_minutes:
        return None
    return parse_datetime(started_at) + timedelta(minutes=time_limit_minutes)
