"""The question types, registered in one place.

Each type lives in one module of this package (its model and every rule, see
:class:`~coursekit.quiz.types.base.QuestionType`) and, for the learner's
widget, in one view module ``coursekit/widgets/views/<type>.js``. Adding a
type means writing those two modules and naming the first in
:data:`BUILT_IN` (or calling :func:`register`); every other part of
coursekit (parsing, scoring, immediate feedback, shuffling, feedback pages,
the simulator, the widget) asks the registry.

Moodle's essay is not a quiz question: :func:`essay_to_bank` and
:func:`essay_from_bank` map it to and from a reflection question of
``comments.yml``.
"""

from __future__ import annotations

from coursekit.bank.record import BankQuestion
from coursekit.quiz.types import matching, multiple_choice, numerical, short_answer, single_choice, true_false
from coursekit.quiz.types.base import AnswerError, QuestionModel, QuestionType
from coursekit.quiz.types.essay import essay_from_bank, essay_to_bank

BUILT_IN: tuple[QuestionType, ...] = (
    single_choice.QUESTION_TYPE,
    multiple_choice.QUESTION_TYPE,
    true_false.QUESTION_TYPE,
    matching.QUESTION_TYPE,
    short_answer.QUESTION_TYPE,
    numerical.QUESTION_TYPE,
)

REGISTRY: dict[str, QuestionType] = {t.name: t for t in BUILT_IN}
"""Every question type by its quiz.yml name, in the order they are documented."""


def register(question_type: QuestionType) -> QuestionType:
    """Add a question type (its name must be new); return it.

    Raises
    ------
    ValueError
        If a type of that name is registered already.
    """
    if question_type.name in REGISTRY:
        raise ValueError(f"question type {question_type.name!r} is registered already")
    REGISTRY[question_type.name] = question_type
    return question_type


def unregister(name: str) -> None:
    """Remove a question type added with :func:`register` (built-in types stay)."""
    if name in {t.name for t in BUILT_IN}:
        raise ValueError(f"question type {name!r} is built in")
    REGISTRY.pop(name, None)


def type_names() -> tuple[str, ...]:
    """The names of every registered type."""
    return tuple(REGISTRY)


def question_type(question: QuestionModel | str) -> QuestionType:
    """The type of a question (or of a type name).

    Raises
    ------
    KeyError
        If no such type is registered.
    """
    name = question if isinstance(question, str) else question.type  # type: ignore[attr-defined]
    return REGISTRY[name]


def type_for_bank(bq: BankQuestion) -> QuestionType | None:
    """The type a Moodle question maps to: multichoice by ``single``, the others by qtype; None if unsupported.

    An essay maps to None too: it is a comments.yml question (:func:`essay_from_bank`).
    """
    if bq.qtype == "multichoice":
        return REGISTRY["single_choice" if bq.single else "multiple_choice"]
    for candidate in REGISTRY.values():
        if candidate.bank_qtype == bq.qtype and candidate.bank_qtype != "multichoice":
            return candidate
    return None


__all__ = [
    "BUILT_IN", "REGISTRY", "AnswerError", "QuestionModel", "QuestionType", "essay_from_bank", "essay_to_bank",
    "question_type", "register", "type_for_bank", "type_names", "unregister",
]
