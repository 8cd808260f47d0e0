"""Attempts: limits and how several attempts combine into one grade (Moodle's grading methods)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from coursekit.quiz.scoring import AnswerError, score_question
from coursekit.quiz.spec import QuizSpec, Settings

GradingMethod = Literal["highest", "average", "first", "last"]


@dataclass(frozen=True)
class Attempt:
    """One submitted attempt: its number and answers by question id."""

    number: int
    answers: Mapping[str, Any] = field(default_factory=dict)
    submitted_at: str | None = None


class AttemptLimitError(ValueError):
    """The learner has no attempt left."""


def attempts_left(settings: Settings, submitted_count: int) -> int | None:
    """Attempts still allowed after ``submitted_count`` (None: unlimited)."""
    if settings.attempts == "unlimited":
        return None
    return max(0, settings.attempts - submitted_count)


def check_can_submit(settings: Settings, submitted_count: int) -> None:
    """Raise :class:`AttemptLimitError` when the attempt limit is reached."""
    left = attempts_left(settings, submitted_count)
    if left == 0:
        raise AttemptLimitError(f"no attempts left: {submitted_count} of {settings.attempts} used")


def counted_attempts(settings: Settings, attempts: Sequence[Attempt]) -> list[Attempt]:
    """The attempts that count, by number: the first N when the quiz allows N."""
    ordered = sorted(attempts, key=lambda a: a.number)
    if settings.attempts == "unlimited":
        return ordered
    return ordered[: settings.attempts]


def _safe_scores(spec: QuizSpec, answers: Mapping[str, Any]) -> dict[str, float]:
    scores = {}
    for q in spec.questions:
        try:
            scores[q.id] = score_question(q, answers.get(q.id))
        except AnswerError:
            scores[q.id] = 0.0
    return scores


def total(scores: Mapping[str, float]) -> float:
    """The sum of per-question scores."""
    return round(sum(scores.values()), 6)


def grade_attempts(spec: QuizSpec, attempts: Sequence[Attempt],
                   method: GradingMethod | None = None) -> dict[str, float]:
    """Per-question scores of the grade across ``attempts`` (never raises on learner data).

    ``highest``: the attempt with the highest total (the earliest on a tie);
    ``first`` / ``last``: by attempt number; ``average``: the mean per question
    over the counted attempts. Attempts beyond the limit are ignored; an answer
    that does not fit its question scores 0.
    """
    method = method or spec.settings.grading_method
    counted = counted_attempts(spec.settings, attempts)
    if not counted:
        return {q.id: 0.0 for q in spec.questions}
    scored = [_safe_scores(spec, a.answers) for a in counted]
    if method == "first":
        return scored[0]
    if method == "last":
        return scored[-1]
    if method == "average":
        return {q.id: round(sum(s[q.id] for s in scored) / len(scored), 6) for q in spec.questions}
    best = max(range(len(scored)), key=lambda i: (total(scored[i]), -i))
    return scored[best]
