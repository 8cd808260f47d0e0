"""Short answer: type a short text; accepted answers may carry fractions, feedback and Moodle's ``*`` wildcard."""

from __future__ import annotations

import random
import re
from typing import Any, Literal

from pydantic import Field, model_validator

from coursekit.bank.record import BankAnswer, BankQuestion
from coursekit.quiz.contract import normalise_short_answer
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

_WILDCARD = re.compile(r"(?<!\\)\*")


class AcceptedAnswer(Strict):
    """An accepted answer with its fraction (percent of the points) and feedback."""

    text: str = Field(min_length=1, description="The answer; ``*`` matches any text, ``\\*`` a star.")
    fraction: float = Field(100.0, ge=0, le=100, description="Percent of the points it earns (default 100).")
    feedback: str | None = Field(None, description="Shown to a learner whose answer matched this one.")


def has_wildcard(text: str) -> bool:
    r"""Whether an accepted answer holds Moodle's ``*`` wildcard (a ``\*`` is a plain star)."""
    return bool(_WILDCARD.search(text))


def matches(accepted: str, answer: str, case_sensitive: bool) -> bool:
    r"""Whether ``answer`` matches the accepted answer, both compared in their normalised form.

    Without a wildcard the normalised texts must be equal; with one, each
    ``*`` stands for any text (possibly none) and ``\*`` for a star.
    """
    wanted = normalise_short_answer(accepted, case_sensitive)
    given = normalise_short_answer(answer, case_sensitive)
    if not has_wildcard(wanted):
        return given == wanted.replace("\\*", "*")
    pieces = [re.escape(piece.replace("\\*", "*")) for piece in _WILDCARD.split(wanted)]
    return re.fullmatch(".*".join(pieces), given, flags=re.DOTALL) is not None


def example_of(accepted: str) -> str:
    """A text the accepted answer matches (each wildcard filled with ``x``)."""
    return _WILDCARD.sub("x", accepted).replace("\\*", "*")


class ShortAnswer(QuestionModel):
    """Type a short text; the first accepted answer it matches gives its fraction of the points.

    Answers are compared as :func:`~coursekit.quiz.contract.normalise_short_answer`
    does: case, spaces, hyphens, invisible characters and punctuation at either
    end are ignored; ``case_sensitive: true`` (Moodle's ``usecase``) keeps case.
    An accepted answer is a text (full points) or ``{text, fraction, feedback}``.
    """

    type: Literal["short_answer"]
    answer: list[str | AcceptedAnswer] = Field(min_length=1, description="Accepted answers, in the order tried.")
    case_sensitive: bool = Field(False, description="Whether case matters (Moodle's usecase); default: no.")

    @property
    def accepted(self) -> list[AcceptedAnswer]:
        """Every accepted answer with its fraction."""
        return [AcceptedAnswer(text=a) if isinstance(a, str) else a for a in self.answer]

    @model_validator(mode="after")
    def _answers_not_blank(self) -> ShortAnswer:
        for accepted in self.accepted:
            if not normalise_short_answer(accepted.text, self.case_sensitive):
                raise ValueError(f"accepted answer {accepted.text!r} is blank once spaces and punctuation are ignored")
        if not any(a.fraction == 100 for a in self.accepted):
            raise ValueError("no accepted answer earns full points (fraction 100)")
        return self


class ShortAnswerType(QuestionType):
    """Rules of :class:`ShortAnswer`."""

    name = "short_answer"
    model = ShortAnswer
    words = "short answer"
    bank_qtype = "shortanswer"
    many_digests = True
    typed_answer = True

    def public_dump(self, question: ShortAnswer) -> dict[str, Any]:
        """The learner's copy; ``case_sensitive`` only when true (quiz.json as before the option existed)."""
        public = super().public_dump(question)
        if not question.case_sensitive:
            del public["case_sensitive"]
        return public

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """Any text."""
        return ["placeholder"]

    def validate_answer(self, question: ShortAnswer, answer: Any) -> Any:
        """A text of at most :data:`~coursekit.quiz.types.base.MAX_TEXT` characters."""
        if not isinstance(answer, str):
            raise fail(question, f"expected text, got {type(answer).__name__}")
        if len(answer) > MAX_TEXT:
            raise fail(question, f"answer longer than {MAX_TEXT} characters")
        return answer

    def matched(self, question: ShortAnswer, answer: str) -> AcceptedAnswer | None:
        """The first accepted answer ``answer`` matches (Moodle's order), or None."""
        return next((a for a in question.accepted if matches(a.text, answer, question.case_sensitive)), None)

    def score(self, question: ShortAnswer, answer: str) -> float:
        """The fraction of the first accepted answer matched; 0 when none is."""
        hit = self.matched(question, answer)
        return 0.0 if hit is None else question.points * hit.fraction / 100

    def canonical_key(self, question: ShortAnswer) -> Any:
        """The normalised full-credit answers; ``None`` with a wildcard (a digest cannot match a pattern)."""
        if any(has_wildcard(a.text) for a in question.accepted):
            return None
        return sorted({normalise_short_answer(a.text, question.case_sensitive)
                       for a in question.accepted if a.fraction == 100})

    def canonical_answer(self, question: ShortAnswer, answer: Any) -> Any:
        """The normalised text."""
        return normalise_short_answer(str(answer), question.case_sensitive)

    def key_text(self, question: ShortAnswer) -> str:
        """The full-credit answers."""
        return " / ".join(a.text for a in question.accepted if a.fraction == 100)

    def accepted_words(self, question: ShortAnswer) -> str:
        """The accepted answers in the order tried, each with its share of the points below full credit."""
        return ", ".join(a.text if a.fraction == 100 else f"{a.text} ({a.fraction:g} %)" for a in question.accepted)

    def answer_feedback(self, question: ShortAnswer, answer: str) -> list[str]:
        """The feedback of the accepted answer matched."""
        hit = self.matched(question, answer)
        return [hit.feedback] if hit is not None and hit.feedback else []

    def right_answer(self, question: ShortAnswer) -> Any:
        """The first full-credit answer (wildcards filled in)."""
        return example_of(next(a.text for a in question.accepted if a.fraction == 100))

    def wrong_answer(self, question: ShortAnswer) -> Any:
        """A text no accepted answer matches."""
        return next(text for text in ("no idea", "I am not sure", "§§§")
                    if self.matched(question, text) is None or not self.matched(question, text).fraction)

    def simulated_answer(self, question: ShortAnswer, p: float, rng: random.Random) -> Any:
        """The first full-credit answer with probability ``p``, else a wrong text."""
        return self.right_answer(question) if rng.random() < p else "I am not sure"

    def to_bank(self, question: ShortAnswer) -> BankQuestion:
        """A shortanswer: each accepted answer with its fraction and feedback; ``usecase`` from case_sensitive."""
        bq = common_to_bank(question, "shortanswer")
        fmt = bank_text_format(question.text_format)
        bq.answers = [BankAnswer(a.text, a.fraction, a.feedback or "", "moodle_auto_format", fmt)
                      for a in question.accepted]
        bq.case_sensitive = question.case_sensitive
        return bq

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """Full-credit answers without feedback as plain texts, the others with their fraction and feedback."""
        data = common_from_bank(bq, self.name)
        answers: list[Any] = []
        for answer in bq.answers:
            if answer.fraction == 100 and not answer.feedback:
                answers.append(answer.text)
                continue
            entry: dict[str, Any] = {"text": answer.text}
            if answer.fraction != 100:
                entry["fraction"] = fraction_of(answer.fraction)
            if answer.feedback:
                entry["feedback"] = answer.feedback
            answers.append(entry)
        data["answer"] = answers
        if bq.case_sensitive:
            data["case_sensitive"] = True
        return data


QUESTION_TYPE = ShortAnswerType()
