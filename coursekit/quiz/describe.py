"""A learner's quiz answer in words, and which attempt a grade comes from (pure, no Jupyter).

Trainers and learners read answers as the options' texts, never as option
ids: ``describe_answer`` turns a saved answer into that text. Learner text
(a short answer) is returned as written, cut to :data:`MAX_SHOWN_CHARS`;
escaping it for HTML is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coursekit.quiz.attempts import Attempt, attempt_scores, counted_attempts, total
from coursekit.quiz.scoring import AnswerError, validate_answer
from coursekit.quiz.spec import Question, QuizSpec
from coursekit.quiz.types import REGISTRY, question_type

NO_ANSWER = "(no answer)"
MAX_SHOWN_CHARS = 300



class _Kinds(dict):  # type: ignore[type-arg]
    """Type name -> the type in words, read from the registry (so a type registered later is named too)."""

    def __missing__(self, name: str) -> str:
        return REGISTRY[name].words if name in REGISTRY else name.replace("_", " ")

    def __contains__(self, name: object) -> bool:
        return name in REGISTRY


QUESTION_KINDS: dict[str, str] = _Kinds()
"""Each question type in words (``single choice``, ``true or false``, ...)."""


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def describe_answer(question: Question, answer: Any) -> str:
    """The learner's answer to ``question`` in words (option texts, ``True``/``False``, the text typed).

    Parameters
    ----------
    question
        The question (its options give the words).
    answer
        The answer as saved in the responses file (untrusted).

    Returns
    -------
    str
        ``"(no answer)"`` for a missing or empty answer, ``"(not a valid answer)"`` for one that does not fit.
    """
    try:
        answer = validate_answer(question, answer)
    except AnswerError:
        return "(not a valid answer)"
    if answer is None or answer == [] or answer == {} or (isinstance(answer, str) and not answer.strip()):
        return NO_ANSWER
    kind = question_type(question)
    if not kind.is_answered(question, answer):
        return NO_ANSWER
    text = kind.describe(question, answer)
    return _cut(text) if kind.typed_answer else text


def shown_attempt(spec: QuizSpec, attempts: Sequence[Attempt]) -> Attempt | None:
    """The attempt whose answers a grade reflects (the one shown to trainer and learner).

    ``highest``: the attempt with the highest total (the earliest on a tie), as
    :func:`~coursekit.quiz.attempts.grade_attempts` picks it; ``first`` and
    ``last`` by number; ``average``: the last counted attempt (the grade is
    the mean of all). ``None`` without attempts.
    """
    counted = counted_attempts(spec.settings, attempts)
    if not counted:
        return None
    method = spec.settings.grading_method
    if method == "first":
        return counted[0]
    if method in ("last", "average"):
        return counted[-1]
    scored = [total(attempt_scores(spec, a.answers, a.draw)) for a in counted]
    best = max(range(len(counted)), key=lambda i: (scored[i], -i))
    return counted[best]


def points_text(points: float) -> str:
    """``1 point``, ``2 points``, ``1.33 points``: points as a trainer reads them."""
    shown = f"{round(points, 2):g}"
    return f"{shown} point" if shown == "1" else f"{shown} points"
