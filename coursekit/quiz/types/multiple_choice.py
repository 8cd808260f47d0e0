"""Multiple choice: pick every right option (Moodle's multichoice with several answers)."""

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
from coursekit.quiz.types.blind import (
    BlindRule,
    BlindScorer,
    FractionScorer,
    PicksScorer,
    WorkBudget,
    some_options_rules,
)
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

CLOSE = 1e-3
"""How near two Moodle percentages must be to count as equal (its files round them to 5 decimals)."""


class MultipleChoice(QuestionModel):
    """Pick every right option: credit per right pick, penalty per wrong pick, floor 0.

    By default a right pick earns ``points / len(answer)`` and a wrong pick
    costs ``points / (options - len(answer))``, so ticking every box earns 0.
    With per-option ``fraction``s (Moodle's percentages, negative ones
    allowed) a pick earns its option's fraction of the points instead; the
    positive fractions add up to 100 and ``answer`` lists their options.
    """

    type: Literal["multiple_choice"]
    key_fields: ClassVar[frozenset[str]] = frozenset({"answer_numbering"})

    options: list[ChoiceOption] = Field(min_length=2)
    answer: list[str] = Field(min_length=1)
    penalty: float | None = Field(
        None, ge=0, description="Points lost per wrong pick; default: points / number of wrong options."
    )
    shuffle: bool | None = shuffle_field()
    answer_numbering: AnswerNumbering | None = numbering_field()

    @property
    def uses_fractions(self) -> bool:
        """Whether options carry their own fractions (Moodle's scoring) rather than the default rule."""
        return any(o.fraction is not None for o in self.options)

    @model_validator(mode="after")
    def _key_is_options(self) -> MultipleChoice:
        ids = [o.id for o in self.options]
        check_unique(ids, "option")
        check_unique(self.answer, "key")
        check_known(self.answer, ids, "options")
        if self.uses_fractions:
            if self.penalty is not None:
                raise ValueError("give either option fractions or a penalty, not both")
            positive = [o.id for o in self.options if (o.fraction or 0) > 0]
            if sorted(positive) != sorted(self.answer):
                raise ValueError(f"the key must list exactly the options with a positive fraction {positive}, "
                                 f"got {self.answer}")
            total = sum(o.fraction or 0 for o in self.options if (o.fraction or 0) > 0)
            if abs(total - 100) > 0.01:
                raise ValueError(f"the positive fractions must add up to 100, got {total:g}")
        return self


class MultipleChoiceType(QuestionType):
    """Rules of :class:`MultipleChoice`."""

    name = "multiple_choice"
    model = MultipleChoice
    words = "multiple choice"
    bank_qtype = "multichoice"

    def public_dump(self, question: MultipleChoice) -> dict[str, Any]:
        """The learner's copy: options without fractions or feedback."""
        public = super().public_dump(question)
        public["options"] = public_options(question.options)
        return public

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """The first option."""
        return [public["options"][0]["id"]]

    def validate_answer(self, question: MultipleChoice, answer: Any) -> Any:
        """A list of distinct option ids."""
        if not isinstance(answer, list | tuple):
            raise fail(question, f"expected a list of option ids, got {type(answer).__name__}")
        ids = [o.id for o in question.options]
        if len(answer) > len(ids):
            raise fail(question, f"too many answers: {len(answer)} for {len(ids)} options")
        picks = [known_id(question, a, ids, "option") for a in answer]
        if len(set(picks)) != len(picks):
            raise fail(question, "an option is picked twice")
        return picks

    def picked_values(self, question: MultipleChoice, answer: Any) -> list[str]:
        """Every option id picked."""
        if isinstance(answer, list):
            return [str(pick) for pick in answer]
        return super().picked_values(question, answer)

    def blind_rules(self, questions: Sequence[MultipleChoice]) -> list[BlindRule]:
        """The first or last *n* options, the first *n* ids alphabetically, only option *k*, only id *x*."""
        return some_options_rules(questions, lambda q: [o.id for o in q.options])

    def blind_scorer(self, question: MultipleChoice, budget: WorkBudget) -> BlindScorer:
        """Exact chance of *n* random boxes: by right and wrong picks counted, or over every draw's fractions."""
        ids = [o.id for o in question.options]
        if question.uses_fractions:
            return FractionScorer(question, self, ids, [o.fraction or 0.0 for o in question.options], budget)
        return PicksScorer(question, self, ids, question.answer, question.penalty)

    def score(self, question: MultipleChoice, answer: list[str]) -> float:
        """Per-option fractions when given, else the default rule; between 0 and the points."""
        points = question.points
        if question.uses_fractions:
            fractions = {o.id: o.fraction or 0.0 for o in question.options}
            earned = points * sum(fractions[pick] for pick in answer) / 100
        else:
            right = set(question.answer)
            wrong_options = len(question.options) - len(right)
            default_penalty = points / wrong_options if wrong_options else 0.0
            penalty = question.penalty if question.penalty is not None else default_penalty
            gained = sum(points / len(right) for pick in answer if pick in right)
            lost = sum(penalty for pick in answer if pick not in right)
            earned = gained - lost
        return min(points, max(0.0, earned))

    def canonical_key(self, question: MultipleChoice) -> Any:
        """The sorted key; ``None`` with fractions (a zero-fraction pick keeps full points, a digest cannot say)."""
        return None if question.uses_fractions else sorted(question.answer)

    def canonical_answer(self, question: MultipleChoice, answer: Any) -> Any:
        """The sorted picks."""
        return sorted(answer)

    def option_ids(self, question: MultipleChoice) -> list[str]:
        """The options."""
        return [o.id for o in question.options]

    def listed_options(self, question: MultipleChoice) -> list[OptionLabel]:
        """Every option, each right one marked."""
        keys = set(question.answer)
        return [OptionLabel(o.id, o.text, o.id in keys) for o in question.options]

    def describe(self, question: MultipleChoice, answer: list[str]) -> str:
        """The picked options' texts."""
        texts = {o.id: o.text for o in question.options}
        return "; ".join(texts[a] for a in answer)

    def key_text(self, question: MultipleChoice) -> str:
        """The right options' texts."""
        return "; ".join(o.text for o in question.options if o.id in question.answer)

    def answer_feedback(self, question: MultipleChoice, answer: list[str]) -> list[str]:
        """The picked options' feedback."""
        return picked_feedback(question.options, answer)

    def simulated_answer(self, question: MultipleChoice, p: float, rng: random.Random) -> Any:
        """Each option judged right with probability ``p`` (at least one pick)."""
        picks = [o.id for o in question.options if (o.id in question.answer) == (rng.random() < p)]
        return picks or [rng.choice([o.id for o in question.options])]

    def right_answer(self, question: MultipleChoice) -> Any:
        """The key."""
        return list(question.answer)

    def wrong_answer(self, question: MultipleChoice) -> Any:
        """One option outside the key."""
        return [next(o.id for o in question.options if o.id not in question.answer)]

    def view(self, question: MultipleChoice, option_ids: list[str]) -> dict[str, Any]:
        """Options in the learner's order."""
        texts = {o.id: o.text for o in question.options}
        return {"options": [{"id": i, "text": texts[i]} for i in option_ids]}

    def _fractions(self, question: MultipleChoice) -> list[float]:
        if question.uses_fractions:
            return [o.fraction or 0.0 for o in question.options]
        right = set(question.answer)
        wrong_count = len(question.options) - len(right)
        if question.penalty is not None:
            wrong = -100 * question.penalty / question.points
        else:
            wrong = -100 / wrong_count if wrong_count else 0.0
        return [100 / len(right) if o.id in right else max(-100.0, wrong) for o in question.options]

    def to_bank(self, question: MultipleChoice) -> BankQuestion:
        """A multichoice with several answers: each option's percentage, as the question scores it."""
        bq = common_to_bank(question, "multichoice")
        bq.answers = options_to_bank(question.options, self._fractions(question), question.text_format)
        bq.single = False
        option_settings_to_bank(question, bq)
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """The simplest form that scores as Moodle does: the default rule, a penalty, or per-option fractions."""
        data = common_from_bank(bq, self.name)
        options = options_from_bank(bq)
        fractions = [a.fraction for a in bq.answers]
        right = [o["id"] for o, f in zip(options, fractions, strict=True) if f > 0]
        if not right:
            raise ValueError(f"question {bq.name or data['id']!r}: no answer earns any credit")
        wrong = [f for f in fractions if f <= 0]
        even = all(abs(f - 100 / len(right)) < CLOSE for f in fractions if f > 0)
        same_wrong = bool(wrong) and all(abs(f - wrong[0]) < CLOSE for f in wrong)
        data["options"] = options
        data["answer"] = right
        option_settings_from_bank(bq, data)
        if even and same_wrong and abs(-wrong[0] - 100 / len(wrong)) < CLOSE:
            return data
        if even and same_wrong:
            data["penalty"] = round(-wrong[0] * bq.default_grade / 100, 6)
            return data
        for option, fraction in zip(options, fractions, strict=True):
            if fraction != 0:
                option["fraction"] = fraction_of(fraction)
        return data


QUESTION_TYPE = MultipleChoiceType()
