"""Per-learner overrides of a quiz's rules, as Moodle's user overrides (pure, no I/O, no Jupyter).

A trainer may give one learner of one section more (or fewer) attempts, a
later close date or a longer time limit. Each field left empty keeps the
quiz's own setting. An override records who set it and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from coursekit.quiz.spec import Settings
from coursekit.quiz.timing import Rules


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
        if self.attempts is not None and self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")
        if self.time_limit_minutes is not None and self.time_limit_minutes <= 0:
            raise ValueError(f"time limit must be more than 0 minutes, got {self.time_limit_minutes:g}")


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
