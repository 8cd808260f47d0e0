"""Scoring of quiz answers: the single source of truth for the widget and the hidden tests.

Answer shapes, by question type:

* ``single_choice``: an option id;
* ``multiple_choice``: a list of distinct option ids (``[]``: nothing picked);
* ``true_false``: ``True`` or ``False`` (not ``1``/``0`` nor ``"true"``);
* ``matching``: a mapping item id -> choice id (items may be left out);
* ``short_answer``: a string of at most :data:`MAX_TEXT` characters;
* ``numerical``: a number, or a string with a number and maybe a unit;
* any other registered type: as its module says.

``None`` always means "not answered": it is valid and scores 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coursekit.quiz.spec import Question, QuizSpec
from coursekit.quiz.types import question_type
from coursekit.quiz.types.base import MAX_TEXT, AnswerError

__all__ = ["MAX_TEXT", "AnswerError", "is_answered", "score_answers", "score_question", "validate_answer"]


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
        -> choice id (pairs with a ``None`` choice dropped); the text; or a number.

    Raises
    ------
    AnswerError
        On a wrong type, an unknown option, item or choice id, too many or
        repeated picks, or a too long text; the message names the question id.
    """
    if answer is None:
        return None
    try:
        kind = question_type(question)
    except KeyError:
        raise AnswerError(f"question {question.id!r}: unknown question type {type(question).__name__}") from None
    return kind.validate_answer(question, answer)


def is_answered(question: Question, answer: Any) -> bool:
    """Tell whether an answer counts as given.

    Parameters
    ----------
    question
        The question answered.
    answer
        The learner's answer.

    Returns
    -------
    bool
        False for ``None``, blank text, ``[]`` and ``{}``; True otherwise
        (``False`` is a real answer to a true/false question).
    """
    if answer is None:
        return False
    return question_type(question).is_answered(question, answer)


def score_question(question: Question, answer: Any) -> float:
    """Score one answer, as the question's type does (see :mod:`coursekit.quiz.types`).

    Single choice and true/false are all or nothing (an option's fraction
    aside). Multiple choice earns ``points / len(key)`` per right pick and
    loses ``penalty`` (default ``points / wrong options``) per wrong pick, or
    the options' fractions; floored at 0 and capped at ``points``. Matching
    earns ``points / len(items)`` per right pair. A short answer earns the
    fraction of the first accepted answer it matches once both are
    normalised by :func:`~coursekit.quiz.contract.normalise_short_answer`
    (``*`` is a wildcard). A numerical answer earns the fraction of the first
    answer whose tolerance holds it.

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
    earned = question_type(question).score(question, answer)
    return round(float(min(question.points, max(0.0, earned))), 6)


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
