"""Per-learner overrides of a quiz's rules, as Moodle's user overrides (pure, no I/O, no Jupyter).

A trainer may give one learner of one section more (or fewer) attempts, a
later close date or a longer time limit. Each field left empty keeps the
quiz's own setting; changing one field keeps the others
(:func:`changed_override`). An override records who set it and when.
Attempts are 1 to :data:`MAX_ATTEMPTS`, a time limit a finite number of
minutes up to :data:`MAX_TIME_LIMIT_MINUTES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from coursekit.quiz.spec import Settings
from coursekit.quiz.timing import Rules, stamp

MAX_ATTEMPTS = 1_000
"""The most attempts an override may allow (a responses file keeps at most this many)."""
MAX_TIME_LIMIT_MINUTES = 525_600
"""The longest time limit an override may set: a year."""


@dataclass(frozen=True)
class Override:
    """One learner's override of one section's quiz."""

    learner: str
    section: str
    attempts: int | None = None
    """Attempts allowed in total (Moodle's "Attempts allowed"); None keeps the quiz's."""
    close: datetime | None = None
    time_limit_minutes: float | None = None
    set_by: str = ""
    set_at: datetime | None = None

    def __post_init__(self) -> None:
        problem = attempts_problem(self.attempts) or time_limit_problem(self.time_limit_minutes)
        if problem is not None:
            raise ValueError(problem)


def attempts_problem(attempts: Any) -> str | None:
    """Why ``attempts`` cannot be a learner's attempts allowed (None: it can, or it is not set)."""
    if attempts is None:
        return None
    if isinstance(attempts, bool) or not isinstance(attempts, int):
        return f"attempts must be a whole number, got {str(attempts)[:40]!r}"
    if not 1 <= attempts <= MAX_ATTEMPTS:
        return f"attempts must be at least 1 and at most {MAX_ATTEMPTS:,}, got {attempts:,}"
    return None


def time_limit_problem(minutes: Any) -> str | None:
    """Why ``minutes`` cannot be a time limit (None: it can, or it is not set): not a number, 0 or less, too long."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not math.isfinite(minutes):
        return f"time limit must be a number of minutes, got {str(minutes)[:40]!r}"
    if not 0 < minutes <= MAX_TIME_LIMIT_MINUTES:
        return (f"time limit must be more than 0 minutes and at most {MAX_TIME_LIMIT_MINUTES:,} (a year), "
                f"got {minutes:g}")
    return None


def changed_override(current: Override | None, learner: str, section: str, set_by: str, *,
                     attempts: int | None = None, close: datetime | None = None,
                     time_limit_minutes: float | None = None) -> Override:
    """``current`` with the fields given replaced (the others kept), recorded as set by ``set_by``.

    Raises
    ------
    ValueError
        When a field given is out of range (:func:`attempts_problem`, :func:`time_limit_problem`).
    """
    def kept(given: Any, field: str) -> Any:
        return given if given is not None else (getattr(current, field) if current is not None else None)

    return Override(learner, section, kept(attempts, "attempts"), kept(close, "close"),
                    kept(time_limit_minutes, "time_limit_minutes"), set_by)


def stored_override(learner: str, section: str, attempts: Any, close: datetime | None, time_limit_minutes: Any,
                    set_by: str, set_at: datetime | None) -> Override:
    """An override as recorded; a field out of range (written before it was checked) keeps the quiz's setting."""
    return Override(learner, section, None if attempts_problem(attempts) else attempts, close,
                    None if time_limit_problem(time_limit_minutes) else time_limit_minutes, set_by, set_at)


def in_force_lines(overrides: Sequence[Override], extensions: Sequence[Any]) -> list[str]:
    """What is in force per learner and section, one line each, with who set it and when.

    ``extensions`` are due-date extensions (``learner``, ``section``, ``until``, ``set_by``, ``set_at``).
    """
    rows: dict[tuple[str, str], list[str]] = {}
    for o in overrides:
        parts = [f"attempts {o.attempts}" if o.attempts is not None else "",
                 f"closes {stamp(o.close)}" if o.close is not None else "",
                 f"time limit {o.time_limit_minutes:g} min" if o.time_limit_minutes is not None else ""]
        when = stamp(o.set_at) if o.set_at is not None else "unknown time"
        rows.setdefault((o.learner, o.section), []).append(
            f"{', '.join(p for p in parts if p) or 'quiz settings'} (set by {o.set_by or 'unknown'}, {when})")
    for e in extensions:
        when = e.set_at if isinstance(e.set_at, str) else stamp(e.set_at)
        rows.setdefault((e.learner, e.section), []).append(
            f"due {stamp(e.until)} (extension set by {e.set_by}, {when})")
    return [f"{learner!r} / {section}: " + "; ".join(parts) for (learner, section), parts in sorted(rows.items())]


def quiz_rules(settings: Settings) -> Rules:
    """The rules of a quiz's settings, before any override."""
    return Rules(attempts=None if settings.attempts == "unlimited" else int(settings.attempts),
                 open=settings.open, close=settings.close,
                 time_limit=None if settings.time_limit is None else timedelta(minutes=settings.time_limit))


def effective_rules(settings: Settings, override: Override | None) -> Rules:
    """The rules one learner works under: the quiz's settings, each overridden field replaced.

    Raises
    ------
    ValueError
        When the override's close date falls before the quiz opens.
    """
    rules = quiz_rules(settings)
    if override is None:
        return rules
    close = override.close if override.close is not None else rules.close
    if close is not None and rules.open is not None and close <= rules.open:
        raise ValueError(f"the override's close date {close.isoformat()} is not after the quiz's open date "
                         f"{rules.open.isoformat()}")
    return Rules(
        attempts=override.attempts if override.attempts is not None else rules.attempts,
        open=rules.open, close=close,
        time_limit=(timedelta(minutes=override.time_limit_minutes) if override.time_limit_minutes is not None
                    else rules.time_limit),
    )
