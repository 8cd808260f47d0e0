"""A timed attempt's start and end as the learner sees them (pure, no I/O, no Jupyter).

As in Moodle, a quiz with a time limit states the limit (and the close date)
before the attempt starts and waits for *Start attempt*: the clock starts
then, not on the first click. When time runs out, the attempt is submitted at
its deadline with the answers given until then; an answer given after the
deadline (the learner came back to a page whose time had already run out) is
not part of it. It is kept for the next attempt when one is left, and
otherwise shown as not counted, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coursekit.quiz.responses import InProgress, time_key
from coursekit.quiz.timing import parse_datetime


def duration_text(minutes: float) -> str:
    """``20 minutes``, ``1 hour 30 minutes``, ``1 minute``, ``12 seconds``: a time limit in words."""
    seconds = round(minutes * 60)
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    if secs:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


def timing_statement(time_limit_minutes: float | None, close: str | None) -> dict[str, Any] | None:
    """What is stated before the attempt: ``{"limit": "20 minutes" | None, "close": ISO | None}`` (None: nothing).

    The close date travels as an ISO 8601 time: the browser writes it in the learner's own time zone.
    """
    if not time_limit_minutes and not close:
        return None
    return {"limit": duration_text(time_limit_minutes) if time_limit_minutes else None,
            "close": parse_datetime(close).isoformat() if close else None}


def waits_for_start(timed: bool, started: bool, finished: bool) -> bool:
    """Whether the quiz shows its timing and *Start attempt* instead of the questions.

    Only a timed quiz waits (an untimed one starts on the first answer, as before), and only while
    no attempt is running and one is left.
    """
    return timed and not started and not finished


@dataclass(frozen=True)
class DeadlineSplit:
    """An attempt's answers in progress split at its deadline."""

    on_time: dict[str, Any] = field(default_factory=dict)
    late: dict[str, Any] = field(default_factory=dict)
    late_at: dict[str, str] = field(default_factory=dict)


def split_at_deadline(in_progress: InProgress, deadline: str) -> DeadlineSplit:
    """The answers given by ``deadline`` (they make the attempt) and those given after it (they do not).

    An answer's time is its ``answered_at`` (else the attempt's ``updated_at``); an answer without a
    readable time counts as given on time (the file cannot tell otherwise).
    """
    limit = time_key(parse_datetime(deadline).isoformat())
    on_time: dict[str, Any] = {}
    late: dict[str, Any] = {}
    late_at: dict[str, str] = {}
    for question_id, value in in_progress.answers.items():
        when = in_progress.answered_at.get(question_id) or in_progress.updated_at
        key = time_key(when)
        if key[0] == 0 and key > limit:
            late[question_id] = value
            late_at[question_id] = str(when)
        else:
            on_time[question_id] = value
    return DeadlineSplit(on_time, late, late_at)


def carried_over(split: DeadlineSplit, attempt_left: bool) -> InProgress:
    """The next attempt's answers in progress: the late answers when an attempt is left, else nothing.

    It has no start time: the next attempt starts (and its clock runs) when the learner presses Start attempt.
    """
    if not attempt_left or not split.late:
        return InProgress()
    latest = max(split.late_at.values(), key=time_key)
    return InProgress(started_at=None, updated_at=latest, answers=dict(split.late), answered_at=dict(split.late_at))


def _numbers_text(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f"question{'s' if len(words) > 1 else ''} {listed}"


def late_note(numbers: list[int], kept_for: int | None, not_drawn: list[int] | None = None) -> str | None:
    """What happened to answers given after the deadline: kept for attempt ``kept_for``, or not counted (None).

    ``not_drawn`` numbers late answers to questions of a pool that attempt ``kept_for`` does not give: they are
    not counted either.
    """
    if not_drawn and kept_for is not None:
        given = (f"Your answer{'s' if len(not_drawn) > 1 else ''} to {_numbers_text(not_drawn)}, given after that "
                 f"time, {'were' if len(not_drawn) > 1 else 'was'} not counted: attempt {kept_for} draws other "
                 "questions there.")
        kept = late_note(numbers, kept_for)
        return f"{kept} {given}" if kept else given
    if not numbers:
        return None
    given = f"Your answer{'s' if len(numbers) > 1 else ''} to {_numbers_text(numbers)}, given after that time,"
    if kept_for is not None:
        return f"{given} {'are' if len(numbers) > 1 else 'is'} kept for attempt {kept_for}."
    return f"{given} {'were' if len(numbers) > 1 else 'was'} not counted: no attempt is left."
