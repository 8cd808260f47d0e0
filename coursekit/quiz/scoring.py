"""Scoring of quiz answers: the single source of truth for the widget and the hidden tests.

Answer shapes, by question type:

* ``single_choice``: an option id;
* ``multiple_choice``: a list of distinct option ids (``[]``: nothing picked);
* ``true_false``: ``True`` or ``False`` (not ``1``/``0`` nor ``"true"``);
* ``matching``: a mapping item id -> choice id (items may be left out);
* ``short_answer``: a string of at most :data:`MAX_TEXT` characters.

``None`` always means "not answered": it is valid and scores 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coursekit.quiz.normalise import normalise_text
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
"""Longest short answer accepted, in characters."""


class AnswerError(ValueError):
    """A learner's answer does not fit its question; the message names the question and the problem."""


def _fail(question: Question, problem: str) -> AnswerError:
    return AnswerError(f"question {question.id!r}: {problem}")


def _known(question: Question, value: Any, ids: list[str], what: str) -> str:
    if not isinstance(value, str) or value not in ids:
        raise _fail(question, f"unknown {what} id {str(value)[:40]!r} ({what}s: {', '.join(ids)})")
    return value


def validate_answer(question: Question, answer: Any) -> Any:
    """Check a learner's answer against its question and return it normalised.

    Parameters
    ----------
    question
        The question answered.
    answer
        The learner's answer in the shape of the question's type (see the
        module docstring); ``None`` means unanswered.

    Returns
    -------
    Any
        ``None``; the option id; a list of option ids; a bool; a dict item id
        -> choice id (pairs with a ``None`` choice dropped); or the text.

    Raises
    ------
    AnswerError
        On a wrong type, an unknown option, item or choice id, too many or
        repeated picks, or a too long text; the message names the question id.
    """
    if answer is None:
        return None
    if isinstance(question, SingleChoice):
        if isinstance(answer, list | tuple | set | dict):
            raise _fail(question, f"expected one option id, got {type(answer).__name__} (too many answers?)")
        if not isinstance(answer, str):
            raise _fail(question, f"expected one option id, got {type(answer).__name__}")
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
        pairs: dict[str, str] = {}
        for item, choice in answer.items():
            item = _known(question, item, items, "item")
            if choice is not None:
                pairs[item] = _known(question, choice, choices, "choice")
        return pairs
    if isinstance(question, ShortAnswer):
        if not isinstance(answer, str):
            raise _fail(question, f"expected text, got {type(answer).__name__}")
        if len(answer) > MAX_TEXT:
            raise _fail(question, f"answer longer than {MAX_TEXT} characters")
        return answer
    raise _fail(question, f"unknown question type {type(question).__name__}")


def is_answered(question: Question, answer: Any) -> bool:
    """Tell whether an answer counts as given.

    Parameters
    ----------
    question
        The question answered (kept for symmetry with the other functions).
    answer
        The learner's answer.

    Returns
    -------
    bool
        False for ``None``, blank text, ``[]`` and ``{}``; True otherwise
        (``False`` is a real answer to a true/false question).
    """
    if isinstance(answer, str):
        return bool(answer.strip())
    return answer is not None and answer != [] and answer != {}


def score_question(question: Question, answer: Any) -> float:
    """Score one answer.

    Single choice and true/false are all or nothing. Multiple choice earns
    ``points / len(key)`` per right pick and loses ``penalty`` (default
    ``points / wrong options``) per wrong pick, floored at 0 and capped at
    ``points``. Matching earns ``points / len(items)`` per right pair. A short
    answer earns full points when it equals an accepted answer once both are
    normalised by :func:`~coursekit.quiz.normalise.normalise_text` (case unless
    the question is case-sensitive, white space, hyphens, invisible characters
    and punctuation at either end ignored).

    Parameters
    ----------
    question
        The question answered.
    answer
        The learner's answer (``None``: unanswered, scores 0).

    Returns
    -------
    float
        Points earned, between 0 and ``question.points``, rounded to 6 decimals.

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
        default_penalty = points / wrong_options if wrong_options else 0.0
        penalty = question.penalty if question.penalty is not None else default_penalty
        gained = sum(points / len(right) for pick in answer if pick in right)
        lost = sum(penalty for pick in answer if pick not in right)
        earned = min(points, max(0.0, gained - lost))
    elif isinstance(question, Matching):
        pairs = sum(1 for item, choice in answer.items() if question.answer.get(item) == choice)
        earned = points * pairs / len(question.items)
    elif isinstance(question, ShortAnswer):
        accepted = {normalise_text(a, question.case_sensitive) for a in question.answer}
        earned = points if normalise_text(answer, question.case_sensitive) in accepted else 0.0
    else:  # pragma: no cover - validate_answer refused it
        earned = 0.0
    return round(float(earned), 6)


def score_answers(spec: QuizSpec, answers: Mapping[str, Any]) -> dict[str, float]:
    """Score one set of answers to a quiz.

    Parameters
    ----------
    spec
        The full quiz, with its keys.
    answers
        Answers by question id; questions left out score 0.

    Returns
    -------
    dict[str, float]
        Points per question id, for every question of the quiz, in quiz order.

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
