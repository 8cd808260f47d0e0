"""Moodle's *Timing* and review columns, with the server's clock passed in (pure, no I/O, no Jupyter).

A quiz may open and close at set times (``settings.open`` / ``settings.close``)
and limit how long one attempt lasts (``settings.time_limit``, minutes). As in
Moodle, when time runs out the attempt is submitted with what was saved: an
answer arriving after the attempt's deadline is not counted, and the attempt is
finished at its deadline. Every function takes ``now`` (the server's time, an
aware UTC datetime): the learner's clock is never consulted.

The rules one learner works under (:class:`Rules`) are the quiz's settings with
that learner's override applied (:func:`coursekit.quiz.overrides.effective_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def parse_datetime(value: str | datetime) -> datetime:
    """An aware UTC datetime from ISO 8601 text (``2026-12-01 17:00``, ``…T17:00+01:00``); no offset means UTC.

    Raises
    ------
    ValueError
        When the text is not an ISO 8601 date or date and time.
    """
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{text!r} is not a date and time like 2026-12-01T17:00:00+01:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


REVIEW_IMMEDIATELY = timedelta(minutes=2)
"""Moodle's "immediately after the attempt": the first two minutes after it was submitted."""


class AttemptRefused(ValueError):
    """The service refuses an action; ``reason`` is a short code, the message is for the learner.

    Codes: ``not_open``, ``closed``, ``no_attempts``, ``time_up``, ``navigation``, ``answer``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Rules:
    """The timing and attempt rules one learner works under."""

    attempts: int | None = None
    """Attempts allowed; None: unlimited."""
    open: datetime | None = None
    close: datetime | None = None
    time_limit: timedelta | None = None


def stamp(moment: datetime) -> str:
    """``2026-12-01 09:00 UTC``: a time as a learner reads it."""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def check_open(rules: Rules, now: datetime) -> None:
    """Refuse when the quiz is not open at ``now``.

    Raises
    ------
    AttemptRefused
        ``not_open`` before ``open``, ``closed`` from ``close`` on.
    """
    if rules.open is not None and now < rules.open:
        raise AttemptRefused("not_open", f"the quiz opens at {stamp(rules.open)}")
    if rules.close is not None and now >= rules.close:
        raise AttemptRefused("closed", f"the quiz closed at {stamp(rules.close)}")


def check_can_start(rules: Rules, now: datetime, used: int) -> None:
    """Refuse a new attempt: quiz not open, or ``used`` attempts (open ones included) already reach the limit.

    Raises
    ------
    AttemptRefused
        ``not_open``, ``closed`` or ``no_attempts``.
    """
    check_open(rules, now)
    if rules.attempts is not None and used >= rules.attempts:
        raise AttemptRefused("no_attempts", f"no attempts left: {rules.attempts} of {rules.attempts} used")


def deadline(rules: Rules, started_at: datetime) -> datetime | None:
    """When an attempt started at ``started_at`` must end: the time limit or the close, whichever comes first."""
    limit = None
    if rules.time_limit is not None:
        try:
            limit = started_at + rules.time_limit
        except OverflowError:  # a limit past the calendar's end: no limit
            limit = None
    ends = [moment for moment in (limit, rules.close) if moment is not None]
    return min(ends) if ends else None


def is_overdue(rules: Rules, started_at: datetime, now: datetime) -> bool:
    """Whether the attempt's time has run out at ``now``."""
    ends = deadline(rules, started_at)
    return ends is not None and now >= ends


def finish_time(rules: Rules, started_at: datetime, now: datetime) -> tuple[datetime, bool]:
    """When an attempt finishing at ``now`` is recorded as submitted, and whether time had run out.

    In time: ``(now, False)``. Overdue: ``(deadline, True)``, and only what was
    saved before the deadline counts (Moodle: "open attempts are submitted automatically").
    """
    ends = deadline(rules, started_at)
    if ends is not None and now >= ends:
        return ends, True
    return now, False


def check_can_save(rules: Rules, started_at: datetime, now: datetime) -> None:
    """Refuse an answer arriving after the attempt's deadline.

    Raises
    ------
    AttemptRefused
        ``time_up``, naming the deadline.
    """
    ends = deadline(rules, started_at)
    if ends is not None and now >= ends:
        raise AttemptRefused("time_up", f"time ran out at {stamp(ends)}: the attempt was submitted with the "
                                        "answers saved until then")


def attempts_over(rules: Rules, now: datetime, submitted: int) -> bool:
    """Whether a learner who submitted ``submitted`` attempts can make no further one at ``now``.

    True once the quiz has closed for them or every allowed attempt is submitted.
    """
    closed = rules.close is not None and now >= rules.close
    return closed or (rules.attempts is not None and submitted >= rules.attempts)


def review_column(rules: Rules, now: datetime, submitted_at: datetime | None) -> str:
    """Moodle's review column at ``now``: ``during``, ``immediately``, ``open`` or ``closed``.

    ``during`` while the attempt is not submitted; ``closed`` once the quiz has
    closed; ``immediately`` within :data:`REVIEW_IMMEDIATELY` of submitting;
    else ``open`` (later, while the quiz is still open).
    """
    if submitted_at is None:
        return "during"
    if rules.close is not None and now >= rules.close:
        return "closed"
    if now - submitted_at <= REVIEW_IMMEDIATELY:
        return "immediately"
    return "open"
