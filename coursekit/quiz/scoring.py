"""Scoring of quiz answers: the single source of truth for the widget and the hidden tests.

Answer shapes, by question type:

* ``single_choice``: an option id;
* ``multiple_choice``: a list of distinct option ids (``[]``: nothing picked);
* ``true_false``: ``True`` or ``False``;
* ``matching``: a mapping item id -> choice id (items may be left out);
* ``short_answer``: a string.

``None`` always means "not answered" and scores 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coursekit.quiz.spec import (
    Matching,
    MultipleChoice,
    Question,
    QuizSpec,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

MAX_TEXT = 500


class AnswerError(ValueError):
    """A learner's answer does not fit its question; the message names the question and the problem."""


def _fail(question: Question, problem: str) -> AnswerError:
    return AnswerError(f"question {question.id!r}: {problem}")


def _known(question: Question, value: Any, ids: list[str], what: str) -> str:
    if not isinstance(value, str) or value not in ids:
        raise _fail(question, f"unknown {what} id {str(value)[:40]!r} ({what}s: {', '.join(ids)})")
    return value


def validate_answer(question: Question, answer: Any) -> Any:
    """Return ``answer`` normalised for ``question``, or raise :class:`AnswerError`."""
    if answer is None:
        return None
    if isinstance(question, SingleChoice):
        if isinstance(answer, list | tuple | dict | bool):
            raise _fail(question, f"expected one option id, got {type(answer).__name__} (too many answers?)")
        return _known(question, answer, [o.id for o in question.options], "option")
    if isinstance(question, MultipleChoice):
        if not isinstance(answer, list | tuple):
            raise _fail(question, f"expected a list of option ids, got {type(answer).__name__}")
        ids = [o.id for o in question.options]
        if len(answer) > len(ids):
            raise _fail(question, f"too many answers: {len(answer)} for {len(ids)} options")
        picks = [_known(question, a, ids, "option") for a in answer]
        if len(set(picks)) != len(picks):
            raise _fail(question, "an option is picked twice")
        return picks
    if isinstance(question, TrueFalse):
        if not isinstance(answer, bool):
            raise _fail(question, f"expected true or false, got {type(answer).__name__}")
        return answer
    if isinstance(question, Matching):
        if not isinstance(answer, Mapping):
            raise _fail(question, f"expected item -> choice pairs, got {type(answer).__name__}")
        items, choices = [i.id for i in question.items], [c.id for c in question.choices]
        return {_known(question, item, items, "item"): _known(question, choice, choices, "choice")
                for item, choice in answer.items() if choice is not None}
    if isinstance(question, ShortAnswer):
        if not isinstance(answer, str):
            raise _fail(question, f"expected text, got {type(answer).__name__}")
        if len(answer) > MAX_TEXT:
            raise _fail(question, f"answer longer than {MAX_TEXT} characters")
        return answer
    raise _fail(question, f"unknown question type {type(question).__name__}")


def is_answered(question: Question, answer: Any) -> bool:
    """Whether an answer counts as given (``None``, ``""``, ``[]`` and ``{}`` do not)."""
    if isinstance(answer, str):
        return bool(answer.strip())
    return answer is not None and answer != [] and answer != {}


def _normal_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def score_question(question: Question, answer: Any) -> float:
    """Points earned, between 0 and ``question.points``.

    Raises
    ------
    AnswerError
        If the answer does not fit the question (callers decide what that scores).
    """
    answer = validate_answer(question, answer)
    if answer is None:
        return 0.0
    points = question.points
    if isinstance(question, SingleChoice | TrueFalse):
        earned = points if answer == question.answer else 0.0
    elif isinstance(question, MultipleChoice):
        right = set(question.answer)
        wrong_options = len(question.options) - len(right)
        penalty = question.penalty if question.penalty is not None else (
            points / wrong_options if wrong_options else 0.0)
        gained = sum(points / len(right) for pick in answer if pick in right)
        lost = sum(penalty for pick in answer if pick not in right)
        earned = min(points, max(0.0, gained - lost))
    elif isinstance(question, Matching):
        pairs = sum(1 for item, choice in answer.items() if question.answer.get(item) == choice)
        earned = points * pairs / len(question.items)
    elif isinstance(question, ShortAnswer):
        accepted = {_normal_text(a) for a in question.answer}
        earned = points if _normal_text(answer) in accepted else 0.0
    else:  # pragma: no cover - validate_answer refused it
        earned = 0.0
    return round(earned, 6)


def score_answers(spec: QuizSpec, answers: Mapping[str, Any]) -> dict[str, float]:
    """Points per question id for one set of answers (missing answers score 0).

    Raises
    ------
    AnswerError
        If an answer is for an unknown question or does not fit its question.
    """
    known = {q.id for q in spec.questions}
    for question_id in answers:
        if question_id not in known:
            raise AnswerError(f"question {str(question_id)[:40]!r}: not in this quiz")
    return {q.id: score_question(q, answers.get(q.id)) for q in spec.questions}
