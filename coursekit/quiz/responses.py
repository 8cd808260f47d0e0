"""The learner's responses file: schema, parsing and merging (pure, no I/O).

The quiz widget writes ``responses/<section>.json`` beside the notebook; the
hidden tests read it when a trainer grades. The file is untrusted input, so
:func:`parse_responses` checks everything a grader relies on and reports
problems as :class:`ResponsesError` with the file named::

    {
      "schema": "coursekit.responses/1",
      "learner": "ada",
      "section": "cooperation_networking",
      "spec_hash": "3f2a…",
      "attempts": [{"number": 1, "started_at": "…", "submitted_at": "…", "answers": {"q1": "a"}}],
      "in_progress": {"started_at": "…", "updated_at": "…", "answers": {"q1": "b"}}
    }
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

RESPONSES_SCHEMA = "coursekit.responses/1"
MAX_RESPONSES_BYTES = 1_000_000
MAX_ATTEMPTS_STORED = 1_000


class ResponsesError(ValueError):
    """A responses file is unusable; the message names the file and the problem."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AttemptRecord(_Model):
    """One submitted attempt."""

    number: PositiveInt
    started_at: str | None = None
    submitted_at: str
    answers: dict[str, Any] = Field(default_factory=dict)


class InProgress(_Model):
    """The answers of the attempt the learner is working on (not submitted yet)."""

    started_at: str | None = None
    updated_at: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)


class Responses(_Model):
    """A learner's responses to one section's quiz."""

    schema_: Literal["coursekit.responses/1"] = Field(RESPONSES_SCHEMA, alias="schema")
    learner: str = Field(min_length=1, max_length=200)
    section: str = Field(min_length=1, max_length=200)
    spec_hash: str = Field(min_length=1, max_length=64)
    attempts: list[AttemptRecord] = Field(default_factory=list, max_length=MAX_ATTEMPTS_STORED)
    in_progress: InProgress = Field(default_factory=InProgress)

    def to_json(self) -> str:
        """The file's text (stable key order, UTF-8, indented for people who look)."""
        return json.dumps(self.model_dump(by_alias=True), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def empty_responses(learner: str, section: str, spec_hash: str) -> Responses:
    """A fresh responses document: no attempt, nothing in progress."""
    return Responses(learner=learner, section=section, spec_hash=spec_hash)


def parse_responses(data: str | bytes, origin: str = "<responses>") -> Responses:
    """Parse and validate the text of a responses file.

    Raises
    ------
    ResponsesError
        When the text is too large, not JSON, or not the responses schema.
    """
    if len(data) > MAX_RESPONSES_BYTES:
        raise ResponsesError(f"{origin}: {len(data):,} bytes, more than the {MAX_RESPONSES_BYTES:,} allowed")
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ResponsesError(f"{origin}: not JSON ({type(exc).__name__}: {str(exc)[:80]})") from None
    if not isinstance(raw, dict):
        raise ResponsesError(f"{origin}: expected a JSON object, got {type(raw).__name__}")
    if raw.get("schema") != RESPONSES_SCHEMA:
        raise ResponsesError(f"{origin}: schema is {str(raw.get('schema'))[:60]!r}, expected {RESPONSES_SCHEMA!r}")
    try:
        return Responses.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise ResponsesError(f"{origin}: {where}: {first['msg']} ({exc.error_count()} problem(s))") from None


def _given(answers: dict[str, Any]) -> int:
    """How many of ``answers`` hold something (None, "", [] and {} hold nothing)."""
    return sum(1 for value in answers.values() if value not in (None, "", [], {}))


def answered_count(responses: Responses) -> int:
    """How much a responses document holds: answers over all attempts and in progress.

    Used to refuse replacing a saved file by an emptier one.
    """
    return sum(_given(a.answers) for a in responses.attempts) + _given(responses.in_progress.answers)


def graded_attempts(responses: Responses) -> list[tuple[int, dict[str, Any], str | None]]:
    """The attempts a grader counts, as ``(number, answers, submitted_at)`` sorted by number.

    Submitted attempts come first, each number once (a repeated number keeps
    its first record). Answers still in progress count as one more attempt,
    submitted automatically when the notebook was handed in (as Moodle does with
    open attempts). Attempt limits are applied by :mod:`coursekit.quiz.attempts`.
    """
    seen: set[int] = set()
    result = []
    for attempt in sorted(responses.attempts, key=lambda a: a.number):
        if attempt.number in seen:
            continue
        seen.add(attempt.number)
        result.append((attempt.number, attempt.answers, attempt.submitted_at))
    pending = responses.in_progress
    if _given(pending.answers):
        number = (max(seen) if seen else 0) + 1
        result.append((number, pending.answers, pending.updated_at))
    return result
