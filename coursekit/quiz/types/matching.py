"""Matching: pair every item with one choice; extra choices are distractors (Moodle's match)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from coursekit.bank.record import BankQuestion, BankSubquestion
from coursekit.quiz.types.base import (
    Option,
    OptionLabel,
    QuestionModel,
    QuestionType,
    bank_text_format,
    check_known,
    check_unique,
    common_from_bank,
    common_to_bank,
    fail,
    known_id,
    letter_ids,
)
from coursekit.quiz.types.blind import BlindRule, BlindScorer, PairingScorer, WorkBudget, pairing_rules
from coursekit.quiz.types.choices import option_settings_from_bank, option_settings_to_bank, shuffle_field


class Matching(QuestionModel):
    """Match every item to one choice: credit per correct pair.

    Choices no item is paired with are distractors; a choice may serve several items.
    """

    type: Literal["matching"]
    items: list[Option] = Field(min_length=2)
    choices: list[Option] = Field(min_length=2)
    answer: dict[str, str]
    shuffle: bool | None = shuffle_field()

    @model_validator(mode="after")
    def _key_pairs_known(self) -> Matching:
        items = [o.id for o in self.items]
        choices = [o.id for o in self.choices]
        check_unique(items, "item")
        check_unique(choices, "choice")
        if sorted(self.answer) != sorted(items):
            raise ValueError(f"key must pair every item {items} exactly once, got {sorted(self.answer)}")
        check_known(list(self.answer.values()), choices, "choices")
        texts = [c.text for c in self.choices]
        if len(set(texts)) != len(texts):
            raise ValueError("two choices have the same text")
        return self


def _bank_order(question: Matching) -> list[str]:
    """Choice ids in the order a Moodle file lists them: paired ones as the items name them, then distractors."""
    order = list(dict.fromkeys(question.answer[item.id] for item in question.items))
    return order + [c.id for c in question.choices if c.id not in order]


class MatchingType(QuestionType):
    """Rules of :class:`Matching`."""

    name = "matching"
    model = Matching
    words = "matching"
    bank_qtype = "matching"

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """Every item paired with the first choice."""
        return {item["id"]: public["choices"][0]["id"] for item in public["items"]}

    def validate_answer(self, question: Matching, answer: Any) -> Any:
        """A mapping item id -> choice id; pairs with a ``None`` choice are dropped."""
        if not isinstance(answer, Mapping):
            raise fail(question, f"expected item -> choice pairs, got {type(answer).__name__}")
        items, choices = [i.id for i in question.items], [c.id for c in question.choices]
        pairs: dict[str, str] = {}
        for item, choice in answer.items():
            item = known_id(question, item, items, "item")
            if choice is not None:
                pairs[item] = known_id(question, choice, choices, "choice")
        return pairs

    def picked_values(self, question: Matching, answer: Any) -> list[str]:
        """Every pair matched, as ``item=choice``."""
        if isinstance(answer, dict):
            return [f"{item}={choice}" for item, choice in answer.items()]
        return super().picked_values(question, answer)

    def blind_rules(self, questions: Sequence[Matching]) -> list[BlindRule]:
        """Item *i* to choice *i* (from the start, the end, by ids sorted), every item to one choice."""
        return pairing_rules(questions, lambda q: [i.id for i in q.items], lambda q: [c.id for c in q.choices])

    def blind_scorer(self, question: Matching, budget: WorkBudget) -> BlindScorer:
        """Chance adds, item by item, the mean score of one random choice."""
        return PairingScorer(question, self, [c.id for c in question.choices])

    def score(self, question: Matching, answer: dict[str, str]) -> float:
        """``points / items`` per right pair."""
        pairs = sum(1 for item, choice in answer.items() if question.answer.get(item) == choice)
        return question.points * pairs / len(question.items)

    def option_ids(self, question: Matching) -> list[str]:
        """The choices (distractors included)."""
        return [c.id for c in question.choices]

    def listed_options(self, question: Matching) -> list[OptionLabel]:
        """Every right pair, as ``item=choice``."""
        return [self.picked_option(question, f"{item}={choice}") for item, choice in question.answer.items()]

    def picked_option(self, question: Matching, value: str) -> OptionLabel:
        """A pair ``item=choice`` as ``item text → choice text``, a key when the key pairs them."""
        item, _, choice = value.partition("=")
        items = {o.id: o.text for o in question.items}
        choices = {o.id: o.text for o in question.choices}
        return OptionLabel(value, f"{items.get(item, item)} → {choices.get(choice, choice)}",
                           question.answer.get(item) == choice)

    def describe(self, question: Matching, answer: dict[str, str]) -> str:
        """``item → choice; …``."""
        items = {i.id: i.text for i in question.items}
        choices = {c.id: c.text for c in question.choices}
        return "; ".join(f"{items[i]} → {choices[c]}" for i, c in answer.items())

    def key_text(self, question: Matching) -> str:
        """The right pairs."""
        return self.describe(question, question.answer)

    def simulated_answer(self, question: Matching, p: float, rng: random.Random) -> Any:
        """Each pair right with probability ``p``, else a random choice."""
        choices = [c.id for c in question.choices]
        return {item: (right if rng.random() < p else rng.choice(choices)) for item, right in question.answer.items()}

    def right_answer(self, question: Matching) -> Any:
        """The key."""
        return dict(question.answer)

    def wrong_answer(self, question: Matching) -> Any:
        """Every item paired with the choice after its key."""
        choices = [c.id for c in question.choices]
        return {item: choices[(choices.index(key) + 1) % len(choices)] for item, key in question.answer.items()}

    def view(self, question: Matching, option_ids: list[str]) -> dict[str, Any]:
        """Items in order, choices (distractors included) in the learner's order."""
        texts = {c.id: c.text for c in question.choices}
        return {"items": [{"id": o.id, "text": o.text} for o in question.items],
                "choices": [{"id": i, "text": texts[i]} for i in option_ids]}

    def to_bank(self, question: Matching) -> BankQuestion:
        """A match question: one subquestion per item, one with an empty text per distractor."""
        bq = common_to_bank(question, "matching")
        fmt = bank_text_format(question.text_format)
        texts = {c.id: c.text for c in question.choices}
        order = _bank_order(question)
        default_choice = dict(zip(order, letter_ids(len(order)), strict=True))
        subquestions = []
        for number, item in enumerate(question.items, 1):
            choice = question.answer[item.id]
            subquestions.append(BankSubquestion(
                item.text, texts[choice], fmt, id="" if item.id == str(number) else item.id,
                answer_id="" if choice == default_choice[choice] else choice))
        for choice in order[len(set(question.answer.values())):]:
            subquestions.append(BankSubquestion("", texts[choice], fmt,
                                                answer_id="" if choice == default_choice[choice] else choice))
        bq.subquestions = subquestions
        listed = [c.id for c in question.choices]
        bq.choice_order = [texts[c] for c in listed] if listed != order else []
        option_settings_to_bank(question, bq, numbering=False)
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """Subquestions with a text are items; every answer text is a choice (the unpaired ones distractors)."""
        data = common_from_bank(bq, self.name)
        choice_ids: dict[str, str] = {}
        for sub in bq.subquestions:
            if sub.answer not in choice_ids:
                choice_ids[sub.answer] = sub.answer_id or letter_ids(len(choice_ids) + 1)[-1]
        items, answer = [], {}
        for sub in bq.subquestions:
            if sub.text.strip():
                item_id = sub.id or str(len(items) + 1)
                items.append({"id": item_id, "text": sub.text})
                answer[item_id] = choice_ids[sub.answer]
        texts = [t for t in bq.choice_order if t in choice_ids] or list(choice_ids)
        texts += [t for t in choice_ids if t not in texts]
        data["items"] = items
        data["choices"] = [{"id": choice_ids[t], "text": t} for t in texts]
        data["answer"] = answer
        option_settings_from_bank(bq, data, numbering=False)
        return data


QUESTION_TYPE = MatchingType()
