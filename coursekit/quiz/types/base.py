"""What every question type shares: the common model fields and the interface a type implements.

A question type is one module of :mod:`coursekit.quiz.types` holding its
pydantic model (a subclass of :class:`QuestionModel`) and a
:class:`QuestionType` subclass with everything the rest of coursekit asks of
a question: answer validation, scoring with partial credit, the canonical
key of immediate feedback, the options to shuffle, feedback text, simulated
answers, the widget's view state and the Moodle question bank mapping
(:meth:`QuestionType.to_bank` / :meth:`QuestionType.from_bank`). Nothing
here imports Jupyter.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coursekit.bank.record import BankQuestion
from coursekit.quiz.contract import normalise_short_answer
from coursekit.quiz.types.blind import BlindRule, BlindScorer, WorkBudget

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
MAX_TEXT = 500
"""Longest typed answer (short answer, numerical) accepted, in characters."""
MAX_PICKED_CHARS = 80
"""Longest typed answer the item analysis counts, in characters (longer ones are cut)."""
MOODLE_PENALTY = 0.3333333
"""Moodle's default penalty per incorrect try."""
MOODLE_TRUE_FALSE_PENALTY = 1.0
"""Moodle's default penalty of a true/false question (a second try cannot earn anything)."""
TextFormat = Literal["plain", "html", "markdown", "moodle_auto_format"]
"""How a text is written: ``plain`` (the default of authored quizzes), HTML, Markdown or Moodle's auto format."""


class OptionLabel(NamedTuple):
    """One option of a question in the item analysis: the value saved, its text, whether it is a key."""

    option: str
    text: str
    is_key: bool


class AnswerError(ValueError):
    """A learner's answer does not fit its question; the message names the question and the problem."""


class Strict(BaseModel):
    """A frozen model refusing unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    """One choice a learner can pick (or one item to match)."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)


class QuestionModel(Strict):
    """The fields every question has; each type's model adds ``type``, its options and its key."""

    key_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields of this type left out of the learner's copy (beside the common ones in :data:`COMMON_KEY_FIELDS`)."""

    id: str = Field(pattern=ID_PATTERN, description="Stable id, unique within the quiz.")
    text: str = Field(min_length=1, description="The question as the learner reads it.")
    points: float = Field(1.0, description="Points the question is worth (> 0).")
    source: str | list[str] | None = Field(
        None, description="The passage(s) of section.md the question tests, verbatim."
    )
    text_format: TextFormat | None = Field(None, description="How the text is written; default: plain text.")
    name: str | None = Field(None, description="The question's name in a Moodle question bank.")
    idnumber: str | None = Field(None, description="Moodle's ID number, when it differs from the id.")
    tags: list[str] | None = Field(None, description="Tags (Moodle's tags and categories).")
    retry_penalty: float | None = Field(
        None, ge=0, le=1,
        description="Moodle's penalty per incorrect try (0–1); default Moodle's: 1/3, 1 for true/false.")
    general_feedback: str | None = Field(None, description="Shown after answering, whatever the answer.")
    correct_feedback: str | None = Field(None, description="Shown for a fully right answer.")
    partially_correct_feedback: str | None = Field(None, description="Shown for a partly right answer.")
    incorrect_feedback: str | None = Field(None, description="Shown for a wrong answer.")
    hints: list[str] | None = Field(None, description="Hints, one per further try (Moodle's interactive mode).")

    @property
    def cited(self) -> list[str]:
        """The cited passages as a list (empty when none is given)."""
        if self.source is None:
            return []
        return [self.source] if isinstance(self.source, str) else list(self.source)

    @field_validator("points")
    @classmethod
    def _points_positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError(f"points must be greater than 0, got {value}")
        return value


COMMON_KEY_FIELDS = frozenset({
    "answer", "penalty", "source", "name", "idnumber", "tags", "retry_penalty", "general_feedback",
    "correct_feedback", "partially_correct_feedback", "incorrect_feedback", "hints",
})
"""Fields no learner's copy holds: the key, the cited passages, the trainer's bank data and the feedback."""


def check_unique(ids: Sequence[str], what: str) -> None:
    """Refuse a repeated id (``duplicate option id 'a'``)."""
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"duplicate {what} id {item_id!r}")
        seen.add(item_id)


def check_known(chosen: Sequence[str], known: Sequence[str], what: str) -> None:
    """Refuse a key naming an id that is not among ``known``."""
    for item_id in chosen:
        if item_id not in known:
            raise ValueError(f"key {item_id!r} is not among the {what} {list(known)}")


def letter_ids(count: int) -> list[str]:
    """``a``, ``b``, …, ``z``, ``aa``, ``ab``, …: the ids given to options that carry none."""
    ids = []
    for index in range(count):
        name, number = "", index
        while True:
            name = chr(ord("a") + number % 26) + name
            number = number // 26 - 1
            if number < 0:
                break
        ids.append(name)
    return ids


def fail(question: QuestionModel, problem: str) -> AnswerError:
    """An :class:`AnswerError` naming the question."""
    return AnswerError(f"question {question.id!r}: {problem}")


def known_id(question: QuestionModel, value: Any, ids: Sequence[str], what: str) -> str:
    """``value`` when it is one of ``ids``, else an :class:`AnswerError` listing them."""
    if not isinstance(value, str) or value not in ids:
        raise fail(question, f"unknown {what} id {str(value)[:40]!r} ({what}s: {', '.join(ids)})")
    return value


def bank_text_format(text_format: str | None) -> str:
    """A question's text format as Moodle spells it (plain text unless said otherwise)."""
    return {None: "plain_text", "plain": "plain_text"}.get(text_format, text_format)  # type: ignore[return-value]


def model_text_format(text_format: str) -> str | None:
    """Moodle's text format as a question model keeps it (``None`` for plain text, the default)."""
    return None if text_format == "plain_text" else text_format


def common_to_bank(question: QuestionModel, qtype: str, default_penalty: float = MOODLE_PENALTY) -> BankQuestion:
    """A :class:`BankQuestion` with the fields every type shares filled in (answers left to the type).

    ``default_penalty`` is Moodle's default penalty for the type (1/3; 1 for true/false), written when the
    question gives no ``retry_penalty``. The general feedback is written in the question's text format.
    """
    fmt = bank_text_format(question.text_format)
    bq = BankQuestion(
        qtype=qtype, name=question.name or question.id, text=question.text,
        text_format=fmt, tags=list(question.tags or []),
        idnumber=question.idnumber or question.id, default_grade=question.points,
        penalty=default_penalty if question.retry_penalty is None else question.retry_penalty,
        general_feedback=question.general_feedback or "", general_feedback_format=fmt,
        correct_feedback=question.correct_feedback or "",
        partially_correct_feedback=question.partially_correct_feedback or "",
        incorrect_feedback=question.incorrect_feedback or "", hints=list(question.hints or []))
    bq.id = "" if bank_question_id(bq) == question.id else question.id
    return bq


def common_from_bank(bq: BankQuestion, type_name: str, default_penalty: float = MOODLE_PENALTY) -> dict[str, Any]:
    """The quiz.yml fields every type shares, from a bank record (no ``source:``; empty fields left out).

    The id is Moodle's ID number when it is a valid id, else made from the
    name; ``idnumber`` is kept only when it differs from the id, and
    ``retry_penalty`` only when it differs from the type's ``default_penalty``.
    """
    question_id = bank_question_id(bq)
    data: dict[str, Any] = {"id": question_id, "type": type_name, "text": bq.text}
    if bq.default_grade != 1.0:
        data["points"] = bq.default_grade
    optional: dict[str, Any] = {
        "text_format": model_text_format(bq.text_format),
        "name": bq.name if bq.name and bq.name != question_id else None,
        "idnumber": bq.idnumber if bq.idnumber and bq.idnumber != question_id else None,
        "tags": list(bq.tags) or None,
        "retry_penalty": None if abs(bq.penalty - default_penalty) < 1e-6 else bq.penalty,
        "general_feedback": bq.general_feedback or None,
        "correct_feedback": bq.correct_feedback or None,
        "partially_correct_feedback": bq.partially_correct_feedback or None,
        "incorrect_feedback": bq.incorrect_feedback or None,
        "hints": list(bq.hints) or None,
    }
    data.update({k: v for k, v in optional.items() if v is not None})
    return data


def slug(text: str) -> str:
    """``text`` as an id: lower case letters, digits and hyphens (``"Q 1.2: Networks"`` -> ``q-1-2-networks``)."""
    out, dash = [], False
    for char in text.lower():
        if char.isascii() and char.isalnum():
            out.append(char)
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:60].strip("-")


def bank_question_id(bq: BankQuestion) -> str:
    """The id a bank question gets: the id it carries, its ID number when valid, its name as a slug, or ``q<line>``."""
    import re

    if bq.id:
        return bq.id
    if bq.idnumber and re.match(ID_PATTERN, bq.idnumber):
        return bq.idnumber
    return slug(bq.idnumber) or slug(bq.name) or f"q{bq.line or 1}"


def fraction_of(percent: float) -> float:
    """A Moodle percentage as kept in a model (``33.33333`` stays, ``100.0`` becomes ``100``)."""
    return float(round(percent, 5))


class QuestionType:
    """One question type: its model and every rule coursekit applies to its questions.

    Subclasses set the class attributes and override what differs from the
    defaults; an instance is registered in :mod:`coursekit.quiz.types`.
    """

    name: ClassVar[str]
    """The ``type:`` of quiz.yml, e.g. ``single_choice``."""
    model: ClassVar[type[QuestionModel]]
    words: ClassVar[str]
    """The type in words for trainers (``single choice``)."""
    bank_qtype: ClassVar[str]
    """Moodle's qtype this type maps to."""
    many_digests: ClassVar[bool] = False
    """Whether the canonical key is a list of accepted forms, each digested apart."""
    view_module: ClassVar[Path | None] = None
    """The widget's view module of this type, when it is not ``coursekit/widgets/views/<name>.js``."""
    typed_answer: ClassVar[bool] = False
    """Whether the learner types the answer (shown cut to a readable length)."""
    short_words: ClassVar[str | None] = None
    """The type in words where space is short (``true/false``); default :attr:`words`."""

    # --- the learner's copy and the key ---------------------------------------------------------

    def public_dump(self, question: QuestionModel) -> dict[str, Any]:
        """The question as the learner's copy (``quiz.json``) holds it: no key, no feedback, no passage."""
        return question.model_dump(exclude=set(COMMON_KEY_FIELDS | question.key_fields), exclude_none=True)

    def key_dump(self, question: QuestionModel) -> dict[str, Any]:
        """What the learner's copy leaves out, minus the cited passage: joined to it, the full question again."""
        full = question.model_dump(exclude={"source"}, exclude_none=True)
        public = self.public_dump(question)
        hidden = COMMON_KEY_FIELDS | question.key_fields
        return {k: v for k, v in full.items() if k in hidden or (k in public and public[k] != v)}

    def placeholder_key(self, public: dict[str, Any]) -> Any:
        """A key that fits the public question's shape (to validate answers; never used for scoring)."""
        raise NotImplementedError

    # --- answers ------------------------------------------------------------------------------

    def validate_answer(self, question: Any, answer: Any) -> Any:
        """Check a (not ``None``) answer's shape against the question; return it normalised or raise AnswerError."""
        raise NotImplementedError

    def from_widget(self, question: Any, answer: Any) -> Any:
        """An answer as the widget sent it, in the type's shape (JSON from the browser; validated afterwards)."""
        return answer

    def is_answered(self, question: Any, answer: Any) -> bool:
        """False for ``None``, blank text, ``[]`` and ``{}``; True otherwise."""
        if isinstance(answer, str):
            return bool(answer.strip())
        return answer is not None and answer != [] and answer != {}

    def score(self, question: Any, answer: Any) -> float:
        """Points earned by a validated, not ``None`` answer (0 to ``points``; rounding is the caller's)."""
        raise NotImplementedError

    def canonical_key(self, question: Any) -> Any:
        """The key in the canonical form of immediate-feedback digests; ``None`` when the kernel cannot mark it."""
        return question.answer

    def canonical_answer(self, question: Any, answer: Any) -> Any:
        """A learner's answer in the form :meth:`canonical_key` has."""
        return answer

    def option_ids(self, question: Any) -> list[str]:
        """Ids of the options whose order is shuffled per learner (``[]``: nothing to shuffle)."""
        return []

    # --- words --------------------------------------------------------------------------------

    def typing_hint(self, question: Any, answer: Any) -> str | None:
        """What keeps a saved, typed answer from being read as meant (None: nothing); shown as it is saved."""
        return None

    def describe(self, question: Any, answer: Any) -> str:
        """A validated, given answer in words (option texts, never ids)."""
        return str(answer)

    def key_text(self, question: Any) -> str:
        """The key in words (shown only when the settings allow it)."""
        raise NotImplementedError

    def accepted_words(self, question: Any) -> str:
        """Every answer that earns points, in words, with its share when below full credit (item analysis)."""
        return self.key_text(question)

    def answer_feedback(self, question: Any, answer: Any) -> list[str]:
        """The feedback written for the answer(s) given (per-answer feedback); ``[]`` when none."""
        return []

    def feedback(self, question: Any, answer: Any, earned: float, specific: bool = True,
                 general: bool = True) -> list[str]:
        """The feedback texts a learner is shown for an answer that earned ``earned`` points.

        ``specific``: the per-answer feedback and the correct / partially
        correct / incorrect feedback; ``general``: the general feedback (as
        the quiz's review options allow).
        """
        texts: list[str] = []
        if specific:
            if answer is not None:
                texts += self.answer_feedback(question, answer)
            if earned >= question.points - 1e-9:
                outcome = question.correct_feedback
            elif earned > 0:
                outcome = question.partially_correct_feedback
            else:
                outcome = question.incorrect_feedback
            if outcome:
                texts.append(outcome)
        if general and question.general_feedback:
            texts.append(question.general_feedback)
        return texts

    # --- the item analysis --------------------------------------------------------------------

    def listed_options(self, question: Any) -> list[OptionLabel]:
        """The options the item analysis lists whether or not anyone picked them (``[]``: only those picked)."""
        return []

    def picked_option(self, question: Any, value: str) -> OptionLabel:
        """A value a responses file holds for this question, in words, and whether it earns full points.

        The default suits typed answers: the value as written, a key when it is
        valid and scores the question's points (so every accepted form counts).
        """
        return OptionLabel(value, value, self.earns_full_points(question, value))

    def picked_values(self, question: Any, answer: Any) -> list[str]:
        """The values a saved answer holds, as the item analysis counts them (each read back by :meth:`picked_option`).

        The default suits typed answers: the text in the form grading compares
        it (:func:`~coursekit.quiz.contract.normalise_short_answer`), cut to 80
        characters; nothing for a blank or missing answer. A type whose answer
        has another shape gives its options (or pairs) and falls back to this
        for a value of any other shape (a learner's file is untrusted).
        """
        text = "" if answer is None else normalise_short_answer(str(answer))
        return [text[:MAX_PICKED_CHARS]] if text else []

    def earns_full_points(self, question: Any, value: Any) -> bool:
        """Whether an answer as the widget saves it is valid and earns the question's points."""
        try:
            answer = self.validate_answer(question, self.from_widget(question, value))
        except AnswerError:
            return False
        return self.score(question, answer) >= question.points - 1e-9

    # --- blind answers (the positional check of a release) ------------------------------------------

    def blind_rules(self, questions: Sequence[Any]) -> list[BlindRule]:
        """Every way to answer ``questions`` (all of this type, in a quiz as released) without reading them.

        ``[]`` (the default) when an answer cannot be made from positions, ids
        or a fixed value, as for typed answers. See :mod:`coursekit.quiz.types.blind`.
        """
        return []

    def blind_scorer(self, question: Any, budget: WorkBudget) -> BlindScorer:
        """The question's score of a blind answer and the chance score of a random answer of its shape.

        Asked only of types with :meth:`blind_rules`; ``budget`` bounds the work
        of exact chance scores over one check (a scorer that runs out raises
        :class:`~coursekit.quiz.types.blind.GuessLimitError`).
        """
        raise NotImplementedError

    # --- simulated learners and test answers ----------------------------------------------------

    def simulated_answer(self, question: Any, p: float, rng: random.Random) -> Any:
        """An answer right with probability ``p`` (partly right for multi-part types)."""
        raise NotImplementedError

    def right_answer(self, question: Any) -> Any:
        """An answer earning full points."""
        raise NotImplementedError

    def wrong_answer(self, question: Any) -> Any:
        """An answer earning 0 points."""
        raise NotImplementedError

    # --- the widget ---------------------------------------------------------------------------

    def view(self, question: Any, option_ids: list[str]) -> dict[str, Any]:
        """What the widget draws beyond id, type, number, text and points (options in the learner's order)."""
        return {}

    # --- Moodle's question bank ---------------------------------------------------------------

    def to_bank(self, question: Any) -> BankQuestion:
        """The question as a Moodle question bank record."""
        raise NotImplementedError

    def from_bank(self, bq: BankQuestion) -> dict[str, Any]:
        """A bank record as quiz.yml data of this type (no ``source:``)."""
        raise NotImplementedError
