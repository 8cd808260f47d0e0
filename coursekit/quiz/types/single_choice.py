"""Single choice: pick exactly one option (Moodle's multichoice with one answer)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from coursekit.bank.record import BankQuestion
from coursekit.quiz.types.base import (
    OptionLabel,
    QuestionModel,
    QuestionType,
    check_known,
    check_unique,
    common_from_bank,
    common_to_bank,
    fail,
    fraction_of,
    known_id,
)
from coursekit.quiz.types.blind import BlindRule, BlindScorer, OneOptionScorer, WorkBudget, one_option_rules
from coursekit.quiz.types.choices import (
    AnswerNumbering,
    ChoiceOption,
    numbering_field,
    option_settings_from_bank,
    option_settings_to_bank,
    options_from_bank,
    options_to_bank,
    picked_feedback,
    public_options,
    shuffle_field,
)


class SingleChoice(QuestionModel):
    """Pick exactly one option: the key earns full points.

    Another option may carry a ``fraction`` (percent of the points it earns,
    Moodle's partial credit; a negative one scores 0, never below).
    """

    type: Literal["single_choice"]
    key_fields: ClassVar[frozenset[str]] = frozenset({"answer_numbering"})

    options: list[ChoiceOption] = Field(min_length=2)
    answer: str
    shuffle: bool | None = shuffle_field()
    answer_numbering: AnswerNumbering | None = numbering_field()

    @model_validator(mode="after")
    def _key_is_an_option(self) -> SingleChoice:
        ids = [o.id for o in self.options]
        check_unique(ids, "option")
        check_known([self.answer], ids, "options")
        key = next(o for o in self.options if o.id == self.answer)
        if key.fraction is not None and key.fraction != 100:
            raise ValueError(f"the key {self.answer!r} earns full points: its fraction must be 100 or left out")
        return self


class SingleChoiceType(QuestionType):
    """Rules of :class:`SingleChoice`."""

    name = "single_choice"
    model = SingleChoice
    words = "single choice"
    bank_qtype = "multichoice"

    def public_dump(self, question: SingleChoice) -> dict[str, Any]:
        """The learner's copy: options without fractions or feedback."""
        public = super().public_dump(question)
        public["options"] = public_options(question.options)
        return public

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """The first option."""
        return public["options"][0]["id"]

    def validate_answer(self, question: SingleChoice, answer: Any) -> Any:
        """One option id."""
        if isinstance(answer, list | tuple | set | dict):
            raise fail(question, f"expected one option id, got {type(answer).__name__} (too many answers?)")
        if not isinstance(answer, str):
            raise fail(question, f"expected one option id, got {type(answer).__name__}")
        return known_id(question, answer, [o.id for o in question.options], "option")

    def picked_values(self, question: SingleChoice, answer: Any) -> list[str]:
        """The option id picked, as saved (``opt-b`` stays ``opt-b``)."""
        if isinstance(answer, str):
            return [answer] if answer else []
        return super().picked_values(question, answer)

    def blind_rules(self, questions: Sequence[SingleChoice]) -> list[BlindRule]:
        """Always option *k* (each *k*), always the last option, always id *x* (each id)."""
        return one_option_rules(questions, lambda q: [o.id for o in q.options])

    def blind_scorer(self, question: SingleChoice, budget: WorkBudget) -> BlindScorer:
        """Each option scored once; chance is their mean."""
        return OneOptionScorer(question, self, [o.id for o in question.options])

    def score(self, question: SingleChoice, answer: str) -> float:
        """Full points for the key, an option's fraction of them for another (never below 0)."""
        if answer == question.answer:
            return question.points
        picked = next(o for o in question.options if o.id == answer)
        return max(0.0, question.points * (picked.fraction or 0.0) / 100)

    def option_ids(self, question: SingleChoice) -> list[str]:
        """The options."""
        return [o.id for o in question.options]

    def listed_options(self, question: SingleChoice) -> list[OptionLabel]:
        """Every option, the key marked."""
        return [OptionLabel(o.id, o.text, o.id == question.answer) for o in question.options]

    def describe(self, question: SingleChoice, answer: str) -> str:
        """The picked option's text."""
        return next(o.text for o in question.options if o.id == answer)

    def key_text(self, question: SingleChoice) -> str:
        """The key's text."""
        return self.describe(question, question.answer)

    def answer_feedback(self, question: SingleChoice, answer: str) -> list[str]:
        """The picked option's feedback."""
        return picked_feedback(question.options, [answer])

    def simulated_answer(self, question: SingleChoice, p: float, rng: random.Random) -> Any:
        """The key with probability ``p``, else another option."""
        if rng.random() < p:
            return question.answer
        return rng.choice([o.id for o in question.options if o.id != question.answer])

    def right_answer(self, question: SingleChoice) -> Any:
        """The key."""
        return question.answer

    def wrong_answer(self, question: SingleChoice) -> Any:
        """The first option that earns nothing."""
        return next(o.id for o in question.options if o.id != question.answer and not (o.fraction or 0) > 0)

    def view(self, question: SingleChoice, option_ids: list[str]) -> dict[str, Any]:
        """Options in the learner's order."""
        texts = {o.id: o.text for o in question.options}
        return {"options": [{"id": i, "text": texts[i]} for i in option_ids]}

    def to_bank(self, question: SingleChoice) -> BankQuestion:
        """A multichoice with one answer: the key at 100 %, the others at their fraction (default 0)."""
        bq = common_to_bank(question, "multichoice")
        fractions = [100.0 if o.id == question.answer else (o.fraction or 0.0) for o in question.options]
        bq.answers = options_to_bank(question.options, fractions, question.text_format)
        bq.single = True
        option_settings_to_bank(question, bq)
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """The answer at 100 % is the key; other non-zero fractions are kept on their options."""
        data = common_from_bank(bq, self.name)
        options = options_from_bank(bq)
        best = max(range(len(bq.answers)), key=lambda i: bq.answers[i].fraction, default=None)
        if best is None or abs(bq.answers[best].fraction - 100) > 1e-6:
            raise ValueError(f"question {bq.name or data['id']!r}: no answer earns 100 %, as Moodle requires "
                             "of a single-answer question")
        for index, (option, answer) in enumerate(zip(options, bq.answers, strict=True)):
            if index != best and answer.fraction != 0:
                option["fraction"] = fraction_of(answer.fraction)
        data["options"] = options
        data["answer"] = options[best]["id"]
        option_settings_from_bank(bq, data)
        return data


QUESTION_TYPE = SingleChoiceType()
