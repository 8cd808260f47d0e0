"""What the choice types share: an option that may carry a fraction and feedback, and Moodle's option settings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from coursekit.bank.record import BankAnswer, BankQuestion
from coursekit.quiz.types.base import ID_PATTERN, Strict, bank_text_format, letter_ids


class ChoiceOption(Strict):
    """One option of a choice question; ``fraction`` (Moodle's percentage) and ``feedback`` are optional."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    fraction: float | None = Field(
        None, ge=-100, le=100, description="Percent of the points a pick earns (negative: lost); see the type.")
    feedback: str | None = Field(None, description="Shown to a learner who picked this option.")


def public_options(options: list[ChoiceOption]) -> list[dict[str, Any]]:
    """Options as the learner's copy holds them: id and text only."""
    return [{"id": o.id, "text": o.text} for o in options]


def picked_feedback(options: list[ChoiceOption], picked: list[str]) -> list[str]:
    """The feedback of every picked option that has one, in option order."""
    return [o.feedback for o in options if o.id in picked and o.feedback]


def options_to_bank(options: list[ChoiceOption], fractions: list[float], text_format: str | None) -> list[BankAnswer]:
    """Bank answers of ``options`` with the given percentages; an id is kept only when it is not the default."""
    defaults = letter_ids(len(options))
    fmt = bank_text_format(text_format)
    return [BankAnswer(text=o.text, fraction=round(fraction, 5), feedback=o.feedback or "", text_format=fmt,
                       feedback_format=fmt, id="" if o.id == default else o.id)
            for o, fraction, default in zip(options, fractions, defaults, strict=True)]


def options_from_bank(bq: BankQuestion) -> list[dict[str, Any]]:
    """quiz.yml options (id, text, feedback) of a bank question's answers (fractions are the type's)."""
    options = []
    for answer, default in zip(bq.answers, letter_ids(len(bq.answers)), strict=True):
        option: dict[str, Any] = {"id": answer.id or default, "text": answer.text}
        if answer.feedback:
            option["feedback"] = answer.feedback
        options.append(option)
    return options


AnswerNumbering = Literal["abc", "ABCD", "123", "iii", "IIII", "none"]
"""How Moodle numbers a multichoice question's options (its ``answernumbering``)."""
DEFAULT_NUMBERING = "abc"


def shuffle_field() -> Any:
    """The ``shuffle`` field of a question with options (Moodle's per-question ``shuffleanswers``)."""
    return Field(None, description="false: every learner sees the options in the authored order (Moodle's "
                                   "'shuffle the choices' off); default: the quiz's shuffle_answers decides.")


def numbering_field() -> Any:
    """The ``answer_numbering`` field of a choice question (kept for the question bank)."""
    return Field(None, description="Moodle's numbering of the options (abc, ABCD, 123, iii, IIII, none), "
                                   "kept for export; default abc.")


def option_settings_to_bank(question: Any, bq: BankQuestion, numbering: bool = True) -> None:
    """Write a question's ``shuffle`` (and ``answer_numbering``) into its bank record."""
    bq.shuffle_answers = question.shuffle is not False
    if numbering:
        bq.answer_numbering = question.answer_numbering or DEFAULT_NUMBERING


def option_settings_from_bank(bq: BankQuestion, data: dict[str, Any], numbering: bool = True) -> None:
    """Keep a bank record's shuffle-off (and a numbering other than abc) in quiz.yml data."""
    if not bq.shuffle_answers:
        data["shuffle"] = False
    if numbering and bq.answer_numbering != DEFAULT_NUMBERING:
        data["answer_numbering"] = bq.answer_numbering
