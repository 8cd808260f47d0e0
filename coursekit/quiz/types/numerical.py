"""Numerical: type a number (and a unit); answers within their tolerance earn their fraction (Moodle's numerical)."""

from __future__ import annotations

import math
import random
import re
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from coursekit.bank.record import BankAnswer, BankQuestion, BankUnit
from coursekit.quiz.types.base import (
    MAX_TEXT,
    QuestionModel,
    QuestionType,
    Strict,
    bank_text_format,
    common_from_bank,
    common_to_bank,
    fail,
    fraction_of,
)

MOODLE_UNIT_PENALTY = 0.1
_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$", re.DOTALL)


class NumericAnswer(Strict):
    """An accepted number: ``value`` (``"*"``: any number) give or take ``tolerance``, with its fraction."""

    value: float | Literal["*"]
    tolerance: float = Field(0.0, ge=0, description="Accepted error either side (Moodle's nominal tolerance).")
    fraction: float = Field(100.0, ge=0, le=100, description="Percent of the points it earns (default 100).")
    feedback: str | None = Field(None, description="Shown to a learner whose number matched this answer.")

    def accepts(self, number: float) -> bool:
        """Whether ``number`` (in the base unit) is within this answer's tolerance."""
        if self.value == "*":
            return True
        slack = 1e-12 * max(1.0, abs(self.value))  # decimal input such as 0.1 + 0.2 stays within a 0 tolerance
        return abs(number - self.value) <= self.tolerance + slack


class Unit(Strict):
    """A unit the learner may answer in; a number in it is divided by ``multiplier`` (the first unit's is 1)."""

    unit: str = Field(min_length=1)
    multiplier: float = Field(1.0, gt=0)


class Numerical(QuestionModel):
    """Type a number, optionally followed by a unit.

    The first answer (in order) whose tolerance holds the number gives its
    fraction of the points. With ``units``, a number is read in the unit
    typed after it (none: the first unit); a unit that is not listed costs
    ``unit_penalty`` of the points (default Moodle's 0.1).
    """

    key_fields: ClassVar[frozenset[str]] = frozenset({"unit_penalty"})

    type: Literal["numerical"]
    answer: list[NumericAnswer] = Field(min_length=1, description="Accepted numbers, in the order tried.")
    units: list[Unit] | None = Field(None, description="Units the learner may use; the first is the base unit.")
    unit_penalty: float | None = Field(None, ge=0, le=1, description="Share of the points a wrong unit costs.")

    @model_validator(mode="after")
    def _answers_fit(self) -> Numerical:
        if not any(a.fraction == 100 for a in self.answer):
            raise ValueError("no accepted number earns full points (fraction 100)")
        if self.units:
            names = [u.unit for u in self.units]
            if len(set(names)) != len(names):
                raise ValueError(f"a unit is listed twice: {names}")
            if self.units[0].multiplier != 1:
                raise ValueError(f"the first unit {names[0]!r} is the base unit: its multiplier must be 1")
        return self


def read_number(question: Numerical, answer: Any) -> tuple[float, bool] | None:
    """The number an answer gives, in the base unit, and whether its unit was accepted; None if no number."""
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return (float(answer), True) if math.isfinite(answer) else None
    match = _NUMBER.match(str(answer))
    if match is None:
        return None
    digits, unit = match.groups()
    if "," in digits and "." not in digits:
        digits = digits.replace(",", ".")
    try:
        number = float(digits.replace(",", ""))
    except ValueError:  # pragma: no cover - the pattern only lets numbers through
        return None
    if not unit:
        return number, True
    for known in question.units or []:
        if unit == known.unit:
            return number / known.multiplier, True
    return (number, False) if question.units else None


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


class NumericalType(QuestionType):
    """Rules of :class:`Numerical`."""

    name = "numerical"
    model = Numerical
    words = "numerical"
    bank_qtype = "numerical"
    typed_answer = True

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """Any number."""
        return [{"value": "*"}]

    def validate_answer(self, question: Numerical, answer: Any) -> Any:
        """A number, or a text of at most :data:`~coursekit.quiz.types.base.MAX_TEXT` characters (number and unit)."""
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            if not math.isfinite(answer):
                raise fail(question, "expected a finite number")
            return answer
        if not isinstance(answer, str):
            raise fail(question, f"expected a number, got {type(answer).__name__}")
        if len(answer) > MAX_TEXT:
            raise fail(question, f"answer longer than {MAX_TEXT} characters")
        return answer

    def is_answered(self, question: Numerical, answer: Any) -> bool:
        """A number, or a text that is not blank."""
        return (isinstance(answer, int | float) and not isinstance(answer, bool)) or super().is_answered(question,
                                                                                                      answer)

    def matched(self, question: Numerical, answer: Any) -> tuple[NumericAnswer, bool] | None:
        """The first answer whose tolerance holds the number, and whether the unit was accepted."""
        read = read_number(question, answer)
        if read is None:
            return None
        number, unit_ok = read
        hit = next((a for a in question.answer if a.accepts(number)), None)
        return None if hit is None else (hit, unit_ok)

    def score(self, question: Numerical, answer: Any) -> float:
        """The matched answer's fraction of the points, less the unit penalty for a unit not listed."""
        found = self.matched(question, answer)
        if found is None:
            return 0.0
        hit, unit_ok = found
        penalty = 0.0 if unit_ok else (MOODLE_UNIT_PENALTY if question.unit_penalty is None else
                                       question.unit_penalty)
        return question.points * max(0.0, hit.fraction / 100 - penalty)

    def typing_hint(self, question: Numerical, answer: Any) -> str | None:
        """Why a typed answer will earn nothing or lose the unit penalty: no number first, or a unit not listed."""
        if not isinstance(answer, str) or not answer.strip():
            return None
        match = _NUMBER.match(answer)
        if match is None:
            return "No number was read from your answer: start it with a number, such as 1.5."
        unit, read = match.group(2), read_number(question, answer)
        if read is None:  # a unit where the question takes none
            return f"This question takes a number only: remove {unit!r}."
        if not read[1]:
            return f"{unit!r} is not one of this question's units ({', '.join(u.unit for u in question.units or [])})."
        return None

    def canonical_key(self, question: Numerical) -> Any:
        """None: a tolerance cannot be digested, so the kernel does not mark numerical questions."""
        return None

    def describe(self, question: Numerical, answer: Any) -> str:
        """The number (and unit) as typed."""
        return _number_text(answer) if isinstance(answer, int | float) else str(answer)

    def key_text(self, question: Numerical) -> str:
        """The full-credit numbers with their tolerance and the base unit."""
        unit = f" {question.units[0].unit}" if question.units else ""
        texts = []
        for a in question.answer:
            if a.fraction == 100:
                value = "any number" if a.value == "*" else _number_text(a.value)
                texts.append(value + (f" ± {_number_text(a.tolerance)}" if a.tolerance else "") + unit)
        return " / ".join(texts)

    def answer_feedback(self, question: Numerical, answer: Any) -> list[str]:
        """The feedback of the answer matched."""
        found = self.matched(question, answer)
        return [found[0].feedback] if found is not None and found[0].feedback else []

    def right_answer(self, question: Numerical) -> Any:
        """The first full-credit number, with the base unit when there are units."""
        value = next(a.value for a in question.answer if a.fraction == 100)
        text = "0" if value == "*" else _number_text(value)
        return f"{text} {question.units[0].unit}" if question.units else text

    def wrong_answer(self, question: Numerical) -> Any:
        """A number outside every tolerance (the text ``none`` when any number is accepted)."""
        if any(a.value == "*" for a in question.answer):
            return "none"
        far = max(abs(a.value) + a.tolerance for a in question.answer if a.value != "*")  # type: ignore[arg-type]
        return _number_text(2 * far + 1)

    def simulated_answer(self, question: Numerical, p: float, rng: random.Random) -> Any:
        """The first full-credit number with probability ``p``, else a number outside every tolerance."""
        return self.right_answer(question) if rng.random() < p else self.wrong_answer(question)

    def view(self, question: Numerical, option_ids: list[str]) -> dict[str, Any]:
        """The units the learner may type after the number (None: a plain number)."""
        return {"units": [u.unit for u in question.units] if question.units else None}

    def to_bank(self, question: Numerical) -> BankQuestion:
        """A numerical question: each number with its tolerance, fraction and feedback; units with multipliers."""
        bq = common_to_bank(question, "numerical")
        fmt = bank_text_format(question.text_format)
        bq.answers = [BankAnswer("*" if a.value == "*" else _number_text(a.value), a.fraction, a.feedback or "",
                                 "moodle_auto_format", fmt, tolerance=a.tolerance)
                      for a in question.answer]
        bq.units = [BankUnit(u.unit, u.multiplier) for u in question.units or []]
        bq.unit_penalty = MOODLE_UNIT_PENALTY if question.unit_penalty is None else question.unit_penalty
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """Numbers, tolerances (0 left out), fractions (100 left out), feedback and units."""
        data = common_from_bank(bq, self.name)
        answers = []
        for answer in bq.answers:
            text = answer.text.strip()
            try:
                value: float | str = "*" if text == "*" else float(text)
            except ValueError:
                raise ValueError(f"question {bq.name or data['id']!r}: answer {text[:40]!r} is not a number") from None
            entry: dict[str, Any] = {"value": value}
            if answer.tolerance:
                entry["tolerance"] = answer.tolerance
            if answer.fraction != 100:
                entry["fraction"] = fraction_of(answer.fraction)
            if answer.feedback:
                entry["feedback"] = answer.feedback
            answers.append(entry)
        data["answer"] = answers
        if bq.units:
            data["units"] = [{"unit": u.unit, "multiplier": u.multiplier} for u in bq.units]
        if abs(bq.unit_penalty - MOODLE_UNIT_PENALTY) > 1e-9:
            data["unit_penalty"] = bq.unit_penalty
        return data


QUESTION_TYPE = NumericalType()
