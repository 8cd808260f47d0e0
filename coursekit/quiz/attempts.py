"""Attempts: limits, and how several attempts combine into one grade (Moodle's grading methods).

Grading never raises on learner data: an answer that does not fit its
question scores 0, and attempts beyond the quiz's limit are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from coursekit.quiz.draw import slot_scores
from coursekit.quiz.scoring import AnswerError, score_question
from coursekit.quiz.spec import QuizSpec, Settings

GradingMethod = Literal["highest", "average", "first", "last"]
GRADING_METHODS: tuple[str, ...] = ("highest", "average", "first", "last")


@dataclass(frozen=True)
class Attempt:
    """One submitted attempt: its number (1-based), answers by question id, when it was submitted.

    ``draw`` is the question given in each slot, by slot id (quizzes with
    pools; see :mod:`coursekit.quiz.draw`), checked before grading.
    """

    number: int
    answers: Mapping[str, Any] = field(default_factory=dict)
    submitted_at: str | None = None
    draw: Mapping[str, str] | None = None


class AttemptLimitError(ValueError):
    """The learner has no attempt left."""


def attempts_left(settings: Settings, submitted_count: int) -> int | None:
    """Count the attempts still allowed.

    Parameters
    ----------
    settings
        The quiz's settings (``attempts``: ``"unlimited"`` or a number).
    submitted_count
        Attempts the learner has already submitted.

    Returns
    -------
    int | None
        Attempts left (never negative), or ``None`` when attempts are unlimited.
    """
    if settings.attempts == "unlimited":
        return None
    return max(0, settings.attempts - submitted_count)


def check_can_submit(settings: Settings, submitted_count: int) -> None:
    """Refuse another attempt once the limit is reached.

    Parameters
    ----------
    settings
        The quiz's settings.
    submitted_count
        Attempts the learner has already submitted.

    Raises
    ------
    AttemptLimitError
        ``"no attempts left: N of N used"`` when no attempt is left.
    """
    if attempts_left(settings, submitted_count) == 0:
        raise AttemptLimitError(f"no attempts left: {settings.attempts} of {settings.attempts} used")


def counted_attempts(settings: Settings, attempts: Sequence[Attempt]) -> list[Attempt]:
    """Select the attempts that count towards the grade.

    Parameters
    ----------
    settings
        The quiz's settings.
    attempts
        The learner's attempts, in any order.

    Returns
    -------
    list[Attempt]
        The attempts sorted by number; with a limit of N, only the first N.
    """
    ordered = sorted(attempts, key=lambda a: a.number)
    if settings.attempts == "unlimited":
        return ordered
    return ordered[: settings.attempts]


def _attempt_scores(spec: QuizSpec, attempt: Attempt) -> dict[str, float]:
    """Points per slot of one attempt: by question id without pools, else of the questions drawn."""
    if not spec.has_pools:
        return _safe_scores(spec, attempt.answers)
    try:
        return slot_scores(spec, attempt.draw or {}, attempt.answers)
    except KeyError:  # no usable draw: nothing is known to have been asked
        return {slot.id: 0.0 for slot in spec.quiz_slots}


def _safe_scores(spec: QuizSpec, answers: Any) -> dict[str, float]:
    if not isinstance(answers, Mapping):
        answers = {}
    scores = {}
    for q in spec.questions:
        try:
            scores[q.id] = score_question(q, answers.get(q.id))
        except AnswerError:
            scores[q.id] = 0.0
    return scores


def attempt_scores(spec: QuizSpec, answers: Any, draw: Mapping[str, str] | None = None) -> dict[str, float]:
    """Points per slot of one attempt's answers (an answer that does not fit scores 0).

    Without pools a slot is its question (``draw`` is not needed); with pools
    each slot scores the question ``draw`` gave there (all 0 without a draw).
    """
    return _attempt_scores(spec, Attempt(0, answers if isinstance(answers, Mapping) else {}, draw=draw))


def total(scores: Mapping[str, float]) -> float:
    """Add up per-question scores.

    Parameters
    ----------
    scores
        Points by question id.

    Returns
    -------
    float
        The sum, rounded to 6 decimals.
    """
    return round(sum(scores.values()), 6)


def grade_attempts(
    spec: QuizSpec, attempts: Sequence[Attempt], method: GradingMethod | None = None
) -> dict[str, float]:
    """Combine a learner's attempts into per-question scores of the grade.

    ``highest``: the attempt with the highest total (the earliest on a tie);
    ``first`` / ``last``: by attempt number; ``average``: the mean per question
    over the counted attempts, so the total is the mean total too.

    Parameters
    ----------
    spec
        The full quiz, with its keys and settings.
    attempts
        The learner's attempts; those beyond the attempt limit are ignored.
    method
        The grading method; default: ``spec.settings.grading_method``.

    Returns
    -------
    dict[str, float]
        Points per slot id for every slot (all 0 without attempts); without
        pools a slot's id is its question's. With pools each attempt scores
        the questions of its ``draw`` (an attempt without a usable draw
        scores 0). An answer that does not fit its question, or an unknown
        question id, scores 0 rather than raising.

    Raises
    ------
    ValueError
        If ``method`` is not a grading method (a programming error, not learner data).
    """
    method = method or spec.settings.grading_method
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}; expected one of {', '.join(GRADING_METHODS)}")
    counted = counted_attempts(spec.settings, attempts)
    slots = [slot.id for slot in spec.quiz_slots]
    if not counted:
        return {slot_id: 0.0 for slot_id in slots}
    scored = [_attempt_scores(spec, a) for a in counted]
    if method == "first":
        return scored[0]
    if method == "last":
        return scored[-1]
    if method == "average":
        return {slot_id: round(sum(s[slot_id] for s in scored) / len(scored), 6) for slot_id in slots}
    best = max(range(len(scored)), key=lambda i: (total(scored[i]), -i))
    return scored[best]
