"""The learner's responses file: schema, parsing and attempt identity (pure, no I/O).

The quiz widget writes ``responses/<section>.json`` beside the notebook; the
hidden tests read it when a trainer grades. The file is untrusted input, so
:func:`parse_responses` checks everything a grader relies on and reports
problems as :class:`ResponsesError` with the file named::

    {
      "schema": "coursekit.responses/1",
      "learner": "ada",
      "section": "cooperation_networking",
      "spec_hash": "3f2a…",
      "attempts": [{"id": "9c1e…", "number": 1, "started_at": "…", "submitted_at": "…",
                    "answers": {"q1": "a"}}],
      "in_progress": {"started_at": "…", "updated_at": "…", "answers": {"q1": "b"},
                      "answered_at": {"q1": "…", "q2": "…"}}
    }

* ``draw`` (in an attempt and in ``in_progress``; quizzes with pools only):
  the question given in each slot, by slot id, e.g. ``{"transition":
  "transition-b"}``, as :mod:`coursekit.quiz.draw` drew it; answers are keyed
  by the id of the question given. Grading refuses a draw that is not the
  learner's.

* ``attempts[].id`` names a submitted attempt for good (a random hex id given at
  submit). Files written before ids existed have none: such an attempt is named
  by a digest of its number, times and answers (:func:`attempt_identity`), so
  every copy of it gets the same name. ``number`` is the attempt's place in
  ``submitted_at`` order (1 for the first).
* ``in_progress.answered_at`` holds when each question's answer was last set or
  cleared (a cleared answer keeps its time and has no entry in ``answers``).
  Files without it date every answer at ``updated_at``.
* Times are ISO 8601, UTC, with milliseconds. At most
  :data:`MAX_ATTEMPTS_STORED` attempts and :data:`MAX_RESPONSES_BYTES` bytes.

Two versions of the file (two tabs, two kernels) are merged by
:mod:`coursekit.quiz.merge`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from coursekit.json_store import UntrustedJSONError, loads

RESPONSES_SCHEMA = "coursekit.responses/1"
MAX_RESPONSES_BYTES = 1_000_000
MAX_ATTEMPTS_STORED = 1_000


class ResponsesError(UntrustedJSONError):
    """A responses file is unusable; the message names the file and the problem."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AttemptRecord(_Model):
    """One submitted attempt."""

    id: str | None = Field(None, min_length=1, max_length=64)
    number: PositiveInt
    started_at: str | None = None
    submitted_at: str
    answers: dict[str, Any] = Field(default_factory=dict)
    draw: dict[str, str] | None = Field(None, max_length=1_000)


class InProgress(_Model):
    """The answers of the attempt the learner is working on (not submitted yet)."""

    started_at: str | None = None
    updated_at: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    answered_at: dict[str, str] = Field(default_factory=dict)
    draw: dict[str, str] | None = Field(None, max_length=1_000)


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
        return json.dumps(self.dump(), indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    def dump(self) -> dict[str, Any]:
        """The file's data; ``draw`` only where one was recorded (files of quizzes without pools are unchanged)."""
        data = self.model_dump(by_alias=True)
        for record in (*data["attempts"], data["in_progress"]):
            if record.get("draw") is None:
                record.pop("draw", None)
        return data


def empty_responses(learner: str, section: str, spec_hash: str) -> Responses:
    """A fresh responses document: no attempt, nothing in progress."""
    return Responses(learner=learner, section=section, spec_hash=spec_hash)


def parse_responses(data: str | bytes, origin: str = "<responses>") -> Responses:
    """Parse and validate the text of a responses file.

    Raises
    ------
    ResponsesError
        When the text is too large, not JSON (nested too deep, not valid Unicode: see
        :func:`coursekit.json_store.loads`), or not the responses schema.
    """
    try:
        raw = loads(data, origin, MAX_RESPONSES_BYTES)
    except UntrustedJSONError as exc:
        raise ResponsesError(str(exc)) from None
    return responses_from(raw, origin)


def responses_from(raw: Any, origin: str = "<responses>") -> Responses:
    """Validate a parsed responses file (see :func:`parse_responses`).

    Raises
    ------
    ResponsesError
        When ``raw`` is not the responses schema.
    """
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


def time_key(stamp: str | None) -> tuple[int, Any]:
    """A sort key for a time in a responses file: ISO 8601 times in time order, then anything else.

    A time without a zone is taken as UTC; a missing or unreadable time sorts
    after every readable one (never before: it must not look older than it is).
    """
    if stamp:
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return (1, stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (0, moment)
    return (1, "")


def stamp_after(now: str, stamps: Iterable[str | None]) -> str:
    """A time for a change: ``now``, or 1 ms after the latest of ``stamps`` when that is not earlier.

    Taken while the file is locked, it orders changes as they reached the file,
    even when the clock stepped back or two kernels read it in the same millisecond.
    """
    latest = max((time_key(s) for s in stamps if time_key(s)[0] == 0), default=None)
    if latest is None or time_key(now) > latest:
        return now
    moment: datetime = latest[1] + timedelta(milliseconds=1)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def attempt_identity(attempt: AttemptRecord) -> str:
    """The name of a submitted attempt: its ``id``, else a digest of what it holds.

    An attempt saved without an id (files from before ids) is named by its
    number, times and answers, so every copy of it has the same name.
    """
    if attempt.id:
        return attempt.id
    content = json.dumps([attempt.number, attempt.started_at, attempt.submitted_at, attempt.answers],
                         sort_keys=True, ensure_ascii=True, default=str)
    return "v1-" + hashlib.sha256(content.encode()).hexdigest()[:32]


def distinct_attempts(attempts: list[AttemptRecord]) -> list[AttemptRecord]:
    """Each distinct attempt once (by :func:`attempt_identity`), in ``submitted_at`` order.

    Of two records with the same identity, the earlier submitted one is kept.
    Ties in time keep the order of the attempt numbers, then the file's order.
    """
    ordered = sorted(enumerate(attempts), key=lambda pair: (time_key(pair[1].submitted_at), pair[1].number,
                                                            pair[0]))
    seen: set[str] = set()
    result = []
    for _, attempt in ordered:
        name = attempt_identity(attempt)
        if name not in seen:
            seen.add(name)
            result.append(attempt)
    return result


def graded_attempts(responses: Responses) -> list[tuple[int, dict[str, Any], str | None]]:
    """The attempts a grader counts, as ``(number, answers, submitted_at)`` in time order.

    Each distinct submitted attempt counts once (:func:`distinct_attempts`),
    numbered 1, 2, … in ``submitted_at`` order. Answers still in progress count
    as one more attempt, submitted automatically when the notebook was handed
    in (as Moodle does with open attempts). Attempt limits are applied by
    :mod:`coursekit.quiz.attempts`.
    """
    result: list[tuple[int, dict[str, Any], str | None]] = [
        (number, attempt.answers, attempt.submitted_at)
        for number, attempt in enumerate(distinct_attempts(responses.attempts), 1)
    ]
    pending = responses.in_progress
    if _given(pending.answers):
        result.append((len(result) + 1, pending.answers, pending.updated_at))
    return result


def graded_draws(responses: Responses) -> list[dict[str, str] | None]:
    """The recorded draw of each attempt :func:`graded_attempts` lists, in the same order (None: none recorded)."""
    draws: list[dict[str, str] | None] = [attempt.draw for attempt in distinct_attempts(responses.attempts)]
    if _given(responses.in_progress.answers):
        draws.append(responses.in_progress.draw)
    return draws
