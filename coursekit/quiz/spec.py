"""The quiz specification: settings and questions of one section's quiz.

A quiz is authored in ``course/<section>/quiz.yml`` and validated by
:func:`parse_quiz`. Every model here is pure data (pydantic), with no Jupyter
imports, so the same objects serve the build, the learner's widget and the
hidden tests that grade a submission.

Two views of a quiz exist:

* the **full spec** (:class:`QuizSpec`) with answer keys and cited passages,
  which only ever lives in ``course/`` and in nbgrader's hidden tests;
* the **public spec** (:func:`public_spec`), the same questions with every key
  removed, which is shipped to learners beside the notebook.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    SerializeAsAny,
    ValidationError,
    field_validator,
    model_validator,
)

from coursekit.quiz.timing import parse_datetime
from coursekit.quiz.types import REGISTRY, question_type, type_names
from coursekit.quiz.types.base import (  # noqa: F401 (re-exported: the models' historical home)
    ID_PATTERN,
    Option,
    QuestionModel,
    check_known,
    check_unique,
)
from coursekit.quiz.types.matching import Matching  # noqa: F401
from coursekit.quiz.types.multiple_choice import MultipleChoice  # noqa: F401
from coursekit.quiz.types.numerical import Numerical  # noqa: F401
from coursekit.quiz.types.short_answer import ShortAnswer  # noqa: F401
from coursekit.quiz.types.single_choice import SingleChoice  # noqa: F401
from coursekit.quiz.types.true_false import TrueFalse  # noqa: F401


class QuizSpecError(ValueError):
    """A quiz specification is invalid; the message names the file and question."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


REVIEW_TIMES = ("during", "immediately", "open", "closed")
"""Moodle's review columns: during the attempt, immediately after it, later while the quiz is open, after it closes."""
REVIEW_ITEMS = ("attempt", "correctness", "marks", "specific_feedback", "general_feedback", "right_answer",
                "overall_feedback")
"""Moodle's review rows: the attempt, whether correct, marks, specific / general feedback, right answer, overall."""
ReviewItem = Literal["attempt", "correctness", "marks", "specific_feedback", "general_feedback", "right_answer",
                     "overall_feedback"]
_ALL_BUT_OVERALL: tuple[ReviewItem, ...] = REVIEW_ITEMS[:-1]  # type: ignore[assignment]
_ALL: tuple[ReviewItem, ...] = REVIEW_ITEMS  # type: ignore[assignment]


class Review(_Strict):
    """Moodle's review options: what a learner sees of an attempt, and when.

    Each column lists the rows it shows. The defaults are Moodle's: everything
    in every column, except the overall feedback during the attempt.
    """

    during: tuple[ReviewItem, ...] = Field(_ALL_BUT_OVERALL, description="During the attempt.")
    immediately: tuple[ReviewItem, ...] = Field(_ALL, description="Immediately after the attempt.")
    open: tuple[ReviewItem, ...] = Field(_ALL, description="Later, while the quiz is still open.")
    closed: tuple[ReviewItem, ...] = Field(_ALL, description="After the quiz is closed.")

    def shows(self, when: str, item: str) -> bool:
        """Whether column ``when`` shows row ``item``."""
        return item in getattr(self, when)


class Settings(_Strict):
    """Moodle-style settings of a section's quiz."""

    attempts: Literal["unlimited"] | PositiveInt = Field(
        "unlimited", description="How many attempts a learner may submit: 'unlimited' or a positive number."
    )
    pass_rate: float = Field(
        75.0, ge=0, le=100, description="Percent of the quiz's points needed to pass (0–100)."
    )
    navigation: Literal["free", "sequential"] = Field(
        "free", description="'free': Back and the question map are allowed; 'sequential': no going back."
    )
    shuffle_answers: bool = Field(
        True, description="Shuffle options per learner (stable for one learner and section)."
    )
    grading_method: Literal["highest", "average", "first", "last"] = Field(
        "highest", description="How attempts combine into the grade (Moodle's default is highest)."
    )
    feedback: Literal["deferred", "immediate"] = Field(
        "deferred",
        description=(
            "'deferred': no right/wrong until the trainer returns feedback; "
            "'immediate': right/wrong per question after each attempt."
        ),
    )
    layout: Literal["paged", "single_page"] = Field(
        "paged", description="'paged': one question per page; 'single_page': all questions at once."
    )
    show_correct_answers: bool = Field(
        False, description="Whether returned feedback reveals the correct answers."
    )
    review: Review = Field(default_factory=Review, description="Moodle's review options (defaults as Moodle's).")
    open: datetime | None = Field(
        None, description="When the quiz opens (ISO 8601; no offset: UTC). Enforced by the quiz service.")
    close: datetime | None = Field(
        None, description="When the quiz closes (ISO 8601; no offset: UTC). Enforced by the quiz service.")
    time_limit: float | None = Field(
        None, gt=0, description="Minutes an attempt may last; when time runs out the attempt is submitted "
                                "with what was saved (Moodle's Timing). Enforced by the quiz service.")

    @field_validator("open", "close", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return None if value is None else parse_datetime(value)

    @model_validator(mode="after")
    def _close_after_open(self) -> Settings:
        if self.open is not None and self.close is not None and self.close <= self.open:
            raise ValueError(f"close ({self.close.isoformat()}) must be after open ({self.open.isoformat()})")
        return self

    @property
    def marks_in_kernel(self) -> bool:
        """Whether the learner's kernel may mark an attempt from salted digests of the key.

        Only with unlimited attempts (retrying reveals as much as the digests
        do) and when the review options or immediate feedback show
        correctness or marks right after an attempt.
        """
        wanted = self.feedback == "immediate" or any(
            self.review.shows("immediately", item) for item in ("correctness", "marks"))
        return self.attempts == "unlimited" and wanted


Question = QuestionModel
"""Any question: an instance of one registered type's model (see :mod:`coursekit.quiz.types`)."""


def __getattr__(name: str) -> Any:
    if name == "QUESTION_TYPES":  # the registered type names, as they are now
        return type_names()
    raise AttributeError(name)


def _question_from(data: Any) -> Any:
    """A question model from raw data, by its ``type`` (models are kept as they are)."""
    if isinstance(data, QuestionModel) or not isinstance(data, dict):
        return data
    kind = data.get("type")
    if kind not in REGISTRY:
        raise ValueError(f"unknown question type {kind!r}; expected one of {', '.join(type_names())}")
    return REGISTRY[kind].model.model_validate(data)


class Slot(_Strict):
    """One place of a quiz: a fixed question, or a pool from which each learner draws one question per attempt.

    ``questions`` are the ids of the pool's members, in the authored order.
    Every member has the same points; grades are kept per slot, under ``id``.
    """

    id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    questions: tuple[str, ...] = Field(min_length=1)

    @property
    def pooled(self) -> bool:
        """Whether learners draw among several questions here."""
        return len(self.questions) > 1


class QuizSpec(_Strict):
    """A section's quiz: title, settings and questions with keys.

    ``questions`` holds every question, pool members included, in slot order;
    ``slots`` says which questions form a pool (empty: each question is a slot
    of its own, under its own id, as in quizzes without pools).
    """

    title: str = Field(min_length=1)
    settings: Settings = Field(default_factory=Settings)
    questions: list[SerializeAsAny[QuestionModel]] = Field(min_length=1)
    slots: list[Slot] = Field(default_factory=list)

    @field_validator("questions", mode="before")
    @classmethod
    def _typed_questions(cls, value: Any) -> Any:
        return [_question_from(q) for q in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _unique_question_ids(self) -> QuizSpec:
        check_unique([q.id for q in self.questions], "question")
        return self

    @model_validator(mode="after")
    def _slots_cover_questions(self) -> QuizSpec:
        if not self.slots:
            return self
        members = [qid for slot in self.slots for qid in slot.questions]
        if members != [q.id for q in self.questions]:
            raise ValueError("slots: every question must belong to exactly one slot, in the order of the questions")
        check_unique([slot.id for slot in self.slots], "slot")
        for slot in self.slots:
            clash = (set(members) - set(slot.questions)) & {slot.id}
            if clash:
                raise ValueError(f"slot {slot.id!r}: id already names a question of another slot")
            points = {self.question(qid).points for qid in slot.questions}
            if len(points) > 1:
                raise ValueError(f"pool {slot.id!r}: its questions must have the same points "
                                 f"(found {', '.join(f'{p:g}' for p in sorted(points))})")
        return self

    @property
    def quiz_slots(self) -> list[Slot]:
        """The quiz's slots in order: ``slots``, or one slot per question named by its id."""
        return list(self.slots) or [Slot(id=q.id, questions=(q.id,)) for q in self.questions]

    @property
    def has_pools(self) -> bool:
        """Whether any slot is a pool of several questions or is named apart from its question."""
        return any(slot.pooled or slot.questions != (slot.id,) for slot in self.slots)

    def slot_points(self, slot: Slot) -> float:
        """The points of a slot (those of each of its questions)."""
        return float(self.question(slot.questions[0]).points)

    @property
    def max_points(self) -> float:
        """Total points of the quiz: one question's points per slot."""
        return float(sum(self.slot_points(slot) for slot in self.quiz_slots))

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if there is none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def error_location(spec_data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into ``question '<id>' (field)`` or a field path."""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        try:
            qid = spec_data["questions"][loc[1]].get("id", f"#{loc[1] + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            qid = f"#{loc[1] + 1}"
        rest = [str(p) for p in loc[2:] if p not in REGISTRY]
        where = f"question {qid!r}"
        return where + (f" ({'.'.join(rest)})" if rest else "")
    return ".".join(str(p) for p in loc) or "quiz"


def parse_quiz(data: Any, origin: str = "<quiz>", require_source: bool = True) -> QuizSpec:
    """Validate raw quiz data (as loaded from YAML) into a :class:`QuizSpec`.

    Parameters
    ----------
    data
        The mapping loaded from ``quiz.yml``.
    origin
        The file the data came from, named in every error message.
    require_source
        Whether every question must cite its passage (true for authored quizzes).

    Raises
    ------
    QuizSpecError
        One line per problem, each naming ``origin`` and the question id.
    """
    if not isinstance(data, dict):
        raise QuizSpecError(f"{origin}: expected a mapping with title, settings and questions")
    data = expand_pools(data, origin)
    _check_types(data, origin)
    lines: list[str] = []
    questions = data.get("questions")
    if isinstance(questions, list):
        typed = []
        for index, q in enumerate(questions):
            try:
                typed.append(_question_from(q))
            except ValidationError as exc:
                lines += _error_lines(data, origin, exc, ("questions", index))
        data = {**data, "questions": typed}
    if not lines:
        try:
            spec = QuizSpec.model_validate(data)
        except ValidationError as exc:
            lines = _error_lines(data, origin, exc, ())
    if lines:
        raise QuizSpecError("\n".join(dict.fromkeys(lines))) from None
    if require_source:
        missing = [q.id for q in spec.questions if not any(text.strip() for text in q.cited)]
        if missing:
            raise QuizSpecError(
                "\n".join(f"{origin}: question {qid!r}: no source: cite the passage it tests" for qid in missing)
            )
    return spec


POOL_KEYS = frozenset({"pool", "slot"})


def expand_pools(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """Turn the pools of an authored quiz into its flat question list and its ``slots``.

    In ``quiz.yml`` an entry of ``questions`` is a question, or a pool::

        - slot: transition          # optional; default: the first question's id
          pool:                     # draw one of these per learner and attempt
            - {id: transition-a, type: single_choice, ..., source: ...}
            - {id: transition-b, type: single_choice, ..., source: ...}

    Data without pools is returned unchanged (no ``slots``), so a quiz without
    pools is exactly what it was. A pool of one question under that
    question's id is the same as the question alone.

    Raises
    ------
    QuizSpecError
        When a pool is not a non-empty list of questions or has keys other than ``slot`` and ``pool``.
    """
    questions = data.get("questions")
    if not isinstance(questions, list) or not any(isinstance(q, dict) and "pool" in q for q in questions):
        return data
    flat: list[Any] = []
    slots: list[dict[str, Any]] = []
    for index, entry in enumerate(questions):
        if not (isinstance(entry, dict) and "pool" in entry):
            flat.append(entry)
            qid = entry.get("id") if isinstance(entry, dict) else None
            slots.append({"id": qid if isinstance(qid, str) else f"q{index + 1}", "questions": [qid]})
            continue
        where = f"{origin}: pool {entry.get('slot', f'#{index + 1}')!r}"
        extra = sorted(str(k) for k in set(entry) - POOL_KEYS)
        if extra:
            raise QuizSpecError(f"{where}: unknown key(s) {', '.join(extra)}; a pool has only 'slot' and 'pool'")
        members = entry["pool"]
        if not isinstance(members, list) or not members or not all(isinstance(m, dict) for m in members):
            raise QuizSpecError(f"{where}: 'pool' must be a non-empty list of questions")
        slot = entry.get("slot", members[0].get("id"))
        if not isinstance(slot, str):
            raise QuizSpecError(f"{where}: 'slot' must be a text id")
        flat += members
        slots.append({"id": slot, "questions": [m.get("id") for m in members]})
    trivial = all(s["questions"] == [s["id"]] for s in slots)
    return {**data, "questions": flat, **({} if trivial else {"slots": slots})}


def _error_lines(data: Any, origin: str, exc: ValidationError, prefix: tuple[Any, ...]) -> list[str]:
    lines = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{origin}: {error_location(data, prefix + tuple(err['loc']))}: {msg}")
    return lines


def _check_types(data: dict[str, Any], origin: str) -> None:
    """Name an unknown question type or a repeated id plainly (pydantic's messages are cryptic)."""
    seen: set[Any] = set()
    for index, q in enumerate(data.get("questions") or []):
        if isinstance(q, dict) and q.get("id") is not None:
            if q["id"] in seen:
                raise QuizSpecError(f"{origin}: question {q['id']!r}: duplicate question id")
            seen.add(q["id"])
        if isinstance(q, dict) and q.get("type") not in REGISTRY:
            qid = q.get("id", f"#{index + 1}")
            raise QuizSpecError(
                f"{origin}: question {qid!r}: unknown type {q.get('type')!r}; "
                f"expected one of {', '.join(type_names())}"
            )


KEY_FIELDS = ("answer", "penalty", "source")
"""Fields of the historical types never in a learner's copy (each type lists all of its own)."""


def public_question(question: QuestionModel) -> dict[str, Any]:
    """One question as the learner's copy holds it: no key, no feedback, no cited passage."""
    return question_type(question).public_dump(question)


def public_spec(spec: QuizSpec, section: str, salt: str | None = None) -> dict[str, Any]:
    """The learner's copy of a quiz: questions and settings, no key and no cited passage.

    When :attr:`Settings.marks_in_kernel` holds and a ``salt`` is given, each
    question whose type can be marked from a digest carries ``answer_digest``,
    a salted SHA-256 of its canonical key (a list of them when the type
    accepts several forms), so the widget can say right/wrong without holding
    the key in plain text.
    """
    questions = []
    for q in spec.questions:
        public = public_question(q)
        if spec.settings.marks_in_kernel and salt is not None:
            kind = question_type(q)
            canonical = kind.canonical_key(q)
            if canonical is not None:
                public["answer_digest"] = ([answer_digest(salt, q.id, a) for a in canonical] if kind.many_digests
                                           else answer_digest(salt, q.id, canonical))
        questions.append(public)
    public: dict[str, Any] = {
        "schema": "coursekit.quiz/1",
        "section": section,
        "title": spec.title,
        "settings": spec.settings.model_dump(mode="json", exclude_none=True),
        "questions": questions,
        "salt": salt if spec.settings.marks_in_kernel else None,
    }
    if spec.has_pools:
        public["slots"] = [slot.model_dump(mode="json") for slot in spec.slots]
    return public


def answer_key(spec: QuizSpec) -> dict[str, dict[str, Any]]:
    """The key material of a quiz, by question id: what :func:`public_spec` leaves out (but the passages)."""
    return {q.id: question_type(q).key_dump(q) for q in spec.questions}


def rebuild_spec(public: dict[str, Any], key: dict[str, dict[str, Any]]) -> QuizSpec:
    """Join a public spec and its key back into a full :class:`QuizSpec` (for grading).

    Raises
    ------
    QuizSpecError
        If a question has no key or the key does not fit the question.
    """
    questions = []
    for q in public.get("questions", []):
        q = {k: v for k, v in q.items() if k != "answer_digest"}
        if q.get("id") not in key:
            raise QuizSpecError(f"key: question {q.get('id')!r} has no key")
        questions.append({**q, **key[q["id"]]})
    data = {"title": public.get("title"), "settings": public.get("settings"), "questions": questions}
    if public.get("slots"):
        data["slots"] = public["slots"]
    return parse_quiz(data, origin="key", require_source=False)


def canonical_key(question: QuestionModel) -> Any:
    """The key of a question in a canonical JSON-able form (sorted where order is free; None: not digestible)."""
    return question_type(question).canonical_key(question)


def answer_digest(salt: str, question_id: str, canonical: Any) -> str:
    """Salted SHA-256 hex digest of a question's canonical answer."""
    payload = json.dumps([salt, question_id, canonical], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def spec_hash(public: dict[str, Any]) -> str:
    """A short, stable hash of a public spec; responses record it to detect a changed quiz."""
    payload = json.dumps(public, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
