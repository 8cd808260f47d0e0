"""True or false: a statement the learner judges (Moodle's truefalse)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from coursekit.bank.record import BankAnswer, BankQuestion
from coursekit.quiz.types.base import (
    MOODLE_TRUE_FALSE_PENALTY,
    OptionLabel,
    QuestionModel,
    QuestionType,
    bank_text_format,
    common_from_bank,
    common_to_bank,
    fail,
)
from coursekit.quiz.types.blind import BlindRule, BlindScorer, FixedValuesScorer, WorkBudget, fixed_value_rules


class TrueFalse(QuestionModel):
    """A statement that is true or false."""

    key_fields: ClassVar[frozenset[str]] = frozenset({"true_feedback", "false_feedback"})

    type: Literal["true_false"]
    answer: bool
    true_feedback: str | None = Field(None, description="Shown to a learner who answered True.")
    false_feedback: str | None = Field(None, description="Shown to a learner who answered False.")


class TrueFalseType(QuestionType):
    """Rules of :class:`TrueFalse`."""

    name = "true_false"
    model = TrueFalse
    words = "true or false"
    short_words = "true/false"
    bank_qtype = "truefalse"

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """True."""
        return True

    def validate_answer(self, question: TrueFalse, answer: Any) -> Any:
        """``True`` or ``False`` (not ``1``/``0`` nor ``"true"``)."""
        if not isinstance(answer, bool):
            raise fail(question, f"expected true or false, got {type(answer).__name__}")
        return answer

    def from_widget(self, question: TrueFalse, answer: Any) -> Any:
        """``"true"``/``"false"`` (a radio's value) as a bool."""
        return {"true": True, "false": False}.get(answer, answer) if isinstance(answer, str) else answer

    def picked_values(self, question: TrueFalse, answer: Any) -> list[str]:
        """``true`` or ``false``."""
        if isinstance(answer, bool):
            return ["true" if answer else "false"]
        return super().picked_values(question, answer)

    def blind_rules(self, questions: Sequence[TrueFalse]) -> list[BlindRule]:
        """Always true, always false."""
        return fixed_value_rules([True, False])

    def blind_scorer(self, question: TrueFalse, budget: WorkBudget) -> BlindScorer:
        """Chance: true or false at random."""
        return FixedValuesScorer(question, self, [True, False])

    def score(self, question: TrueFalse, answer: bool) -> float:
        """All or nothing."""
        return question.points if answer == question.answer else 0.0

    def listed_options(self, question: TrueFalse) -> list[OptionLabel]:
        """``true`` and ``false``, the key marked."""
        return [OptionLabel("true", "True", question.answer is True),
                OptionLabel("false", "False", question.answer is False)]

    def describe(self, question: TrueFalse, answer: bool) -> str:
        """``True`` or ``False``."""
        return "True" if answer else "False"

    def key_text(self, question: TrueFalse) -> str:
        """``True`` or ``False``."""
        return self.describe(question, question.answer)

    def answer_feedback(self, question: TrueFalse, answer: bool) -> list[str]:
        """The feedback of the value given."""
        text = question.true_feedback if answer else question.false_feedback
        return [text] if text else []

    def simulated_answer(self, question: TrueFalse, p: float, rng: random.Random) -> Any:
        """The key with probability ``p``."""
        return question.answer if rng.random() < p else not question.answer

    def right_answer(self, question: TrueFalse) -> Any:
        """The key."""
        return question.answer

    def wrong_answer(self, question: TrueFalse) -> Any:
        """The other value."""
        return not question.answer

    def view(self, question: TrueFalse, option_ids: list[str]) -> dict[str, Any]:
        """No options: the widget draws True and False."""
        return {"options": None}

    def to_bank(self, question: TrueFalse) -> BankQuestion:
        """A truefalse with its two answers (``true`` first, as Moodle writes them)."""
        bq = common_to_bank(question, "truefalse", MOODLE_TRUE_FALSE_PENALTY)
        fmt = bank_text_format(question.text_format)
        bq.answers = [
            BankAnswer("true", 100.0 if question.answer else 0.0, question.true_feedback or "", "moodle_auto_format",
                       fmt),
            BankAnswer("false", 0.0 if question.answer else 100.0, question.false_feedback or "",
                       "moodle_auto_format", fmt),
        ]
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """The answer at 100 % is the key."""
        data = common_from_bank(bq, self.name, MOODLE_TRUE_FALSE_PENALTY)
        values = {a.text.strip().lower(): a for a in bq.answers}
        true, false = values.get("true"), values.get("false")
        if true is None and false is None:
            raise ValueError(f"question {bq.name or data['id']!r}: a true/false question needs a true or a "
                             "false answer")
        data["answer"] = (true.fraction > 0) if true is not None else not (false.fraction > 0)  # type: ignore[union-attr]
        if true is not None and true.feedback:
            data["true_feedback"] = true.feedback
        if false is not None and false.feedback:
            data["false_feedback"] = false.feedback
        return data


QUESTION_TYPE = TrueFalseType()
