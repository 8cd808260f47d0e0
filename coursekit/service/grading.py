"""The quiz service's record for grading and for trainers: listing, export, and the graded responses.

When the gradebook holds the quiz service's tables and a section has attempts
recorded there, ``coursekit autograde`` grades that section from the record,
not from the learner's ``responses/<section>.json``:
:func:`substitute_record` writes the record, as a responses document, over the
file in the private grading snapshot (the learner's folder is never changed),
and names any difference between the learner's file and the record as a
problem. The digest used to skip unchanged submissions covers the record too
(:func:`record_digest`), so a new attempt is graded at the next run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.gradebook.engine import make_engine
from coursekit.json_store import invalid_text, write_atomically
from coursekit.quiz.attempts import attempt_scores, total
from coursekit.quiz.contract import responses_path
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import (
    AttemptRecord,
    InProgress,
    Responses,
    ResponsesError,
    attempt_identity,
    distinct_attempts,
    parse_responses,
)
from coursekit.quiz.spec import QuizSpec
from coursekit.service.book import AttemptBook, RecordedAttempt, iso
from coursekit.service.migrate import service_tables_exist
from coursekit.service.trusted import TrustedQuizzes, UnknownSectionError

RECORD_NOTE = "graded from the quiz server's record"


@dataclass(frozen=True)
class ServerRecord:
    """One learner's recorded attempts in one section (empty: none)."""

    learner: str
    section: str
    attempts: tuple[RecordedAttempt, ...]


def open_book(db_url: str) -> AttemptBook | None:
    """The attempt book of the gradebook at ``db_url``, or None when it has no quiz service tables."""
    engine = make_engine(db_url)
    if not service_tables_exist(engine):
        engine.dispose()
        return None
    return AttemptBook(engine)


def records_by_section(db_url: str, sections: Sequence[str]) -> dict[str, dict[str, ServerRecord]]:
    """For each of ``sections`` that has attempts recorded by the service: the record of every learner."""
    return batch_records(db_url, sections).records


def as_responses(record: ServerRecord, spec_hash: str, spec: QuizSpec | None = None,
                 draw_key: bytes | None = None) -> Responses:
    """The record as a responses document: submitted attempts by number, an open attempt as in progress.

    With a ``spec`` that has pools, each attempt carries the draw the service
    gave it (:func:`coursekit.quiz.draw.draw_for_attempt` of the attempt's
    number in the record, with the service's ``draw_key``), so grading scores
    the questions the learner was given.
    """
    submitted = [a for a in record.attempts if a.submitted]
    pending = next((a for a in record.attempts if not a.submitted), None)

    def draw(number: int) -> dict[str, str] | None:
        if spec is None or not spec.has_pools:
            return None
        return draw_for_attempt(spec, record.learner, record.section, number, draw_key)

    return Responses(
        learner=record.learner, section=record.section, spec_hash=spec_hash,
        attempts=[AttemptRecord(id=a.client_id or a.id, number=n, started_at=iso(a.started_at),
                                submitted_at=iso(a.submitted_at), answers=a.answers,  # type: ignore[arg-type]
                                draw=draw(n))
                  for n, a in enumerate(submitted, 1)],
        in_progress=InProgress(started_at=iso(pending.started_at), updated_at=iso(pending.started_at),
                               answers=pending.answers, draw=draw(len(submitted) + 1)) if pending
        else InProgress())


def record_digest(digest: str, record: ServerRecord | None) -> str:
    """A submission's digest combined with its server record (so a new attempt means a new digest)."""
    if record is None:
        return digest
    content = json.dumps([digest, [[a.id, a.state, a.answers, a.submitted_at and iso(a.submitted_at)]
                                   for a in record.attempts]], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def compare_with_file(path: Path, record: Responses) -> list[str]:
    """Named problems where the learner's responses file differs from the server's record (nothing when equal)."""
    name = f"responses/{path.name}"
    try:
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        data = None
    if data is None:
        return [f"{name}: missing from the submission; {RECORD_NOTE}"] if record.attempts else []
    try:
        mine = parse_responses(data, name)
    except ResponsesError as exc:
        return [f"{exc}; {RECORD_NOTE}"]
    theirs = {a.id: a.answers for a in record.attempts}
    ours = {attempt_identity(a): a.answers for a in distinct_attempts(mine.attempts)}
    problems = []
    if len(ours) != len(theirs):
        problems.append(f"{name}: {len(ours)} attempt(s) in the learner's file, {len(theirs)} recorded by the "
                        f"quiz server; {RECORD_NOTE}")
    changed = sorted(i for i in set(ours) & set(theirs) if ours[i] != theirs[i])
    if changed:
        problems.append(f"{name}: {len(changed)} attempt(s) hold answers other than the quiz server recorded; "
                        f"{RECORD_NOTE}")
    return problems


def without_invalid_text(record: ServerRecord) -> tuple[ServerRecord, list[str]]:
    """``record`` without answers that are not valid Unicode (recorded before the service refused them).

    Such an answer counts as no answer and is named as a problem, so the
    learner's other answers are graded and no file write fails on it.
    """
    attempts, problems = [], []
    for attempt in record.attempts:
        bad = sorted(q for q, value in attempt.answers.items() if invalid_text([q, value]) is not None)
        if bad:
            problems.append(f"attempt {attempt.number}: the quiz server's record of {', '.join(map(repr, bad))} "
                            "holds text that is not valid Unicode; counted as no answer")
            attempt = dataclasses.replace(attempt, answers={q: v for q, v in attempt.answers.items() if q not in bad})
        attempts.append(attempt)
    return ServerRecord(record.learner, record.section, tuple(attempts)), problems


def substitute_record(snapshot: Path, learner: str, section: str, record: ServerRecord | None,
                      spec_hash: str, spec: QuizSpec | None = None, draw_key: bytes | None = None) -> list[str]:
    """Write ``record`` over the snapshot's responses file; the learner's file's differences as problems.

    ``spec`` (the trusted quiz) and the service's ``draw_key`` let the record carry each attempt's draw
    when the quiz has pools.
    """
    record, unreadable = without_invalid_text(record or ServerRecord(learner, section, ()))
    responses = as_responses(record, spec_hash, spec, draw_key)
    path = responses_path(snapshot, section)
    problems = unreadable + compare_with_file(path, responses)
    if not record.attempts:
        problems.append(f"no attempt recorded by the quiz server for {section}; the learner's file is not counted")
    write_atomically(path, responses.to_json())
    return problems


def attempt_rows(book: AttemptBook, quizzes: TrustedQuizzes, section: str | None = None,
                 learner: str | None = None) -> list[dict[str, Any]]:
    """Every recorded attempt as a row for trainers: who, which, when, marks (with the trusted key)."""
    rows = []
    for attempt in book.attempts(learner, section):
        try:
            spec = quizzes.get(attempt.section).spec
            marks: float | None = total(attempt_scores(spec, attempt.answers, book.draw(
                spec, attempt.learner, attempt.section, attempt.number)))
            most: float | None = spec.max_points
        except UnknownSectionError:
            marks = most = None
        rows.append({
            "learner": attempt.learner, "section": attempt.section, "attempt": attempt.number,
            "state": attempt.state, "started_at": iso(attempt.started_at),
            "submitted_at": "" if attempt.submitted_at is None else iso(attempt.submitted_at),
            "auto_submitted": attempt.auto_submitted, "answered": len(attempt.answers),
            "marks": marks, "max_marks": most, "attempt_id": attempt.client_id or "",
        })
    return rows


def _learner_record(db_url: str, learner: str, section: str) -> tuple[ServerRecord | None, bytes | None]:
    """The learner's record when the section is graded from the service's record (else None), the draw key."""
    book = open_book(db_url)
    if book is None:
        return None, None
    try:
        if section not in book.sections_recorded():
            return None, None
        return ServerRecord(learner, section, tuple(book.attempts(learner, section))), book.draw_key
    finally:
        book.engine.dispose()


@dataclass(frozen=True)
class BatchRecords:
    """The service's record of the sections a batch grades, read once (:func:`batch_records`)."""

    records: dict[str, dict[str, ServerRecord]]
    """Section graded from the record -> learner -> their record."""
    draw_key: bytes | None

    def of(self, learner: str, section: str) -> tuple[ServerRecord | None, bytes | None]:
        """What :func:`snapshot_from_record` reads of one submission: the learner's record, the draw key.

        The record is None when the section is not graded from the service's record.
        """
        if section not in self.records:
            return None, None
        return self.records[section].get(learner, ServerRecord(learner, section, ())), self.draw_key


def batch_records(db_url: str, sections: Sequence[str]) -> BatchRecords:
    """The record of every learner in ``sections`` graded from the service's record, and the draw key."""
    book = open_book(db_url)
    if book is None:
        return BatchRecords({}, None)
    try:
        found: dict[str, dict[str, list[RecordedAttempt]]] = {}
        for attempt in book.attempts():
            if attempt.section in sections:
                found.setdefault(attempt.section, {}).setdefault(attempt.learner, []).append(attempt)
        key = book.draw_key if found else None
    finally:
        book.engine.dispose()
    return BatchRecords({section: {learner: ServerRecord(learner, section, tuple(attempts))
                                   for learner, attempts in learners.items()} for section, learners in found.items()},
                        key)


def section_draw_keys(db_url: str, sections: Sequence[str]) -> dict[str, bytes]:
    """The service's draw key for each of ``sections`` graded from its record (the others draw publicly)."""
    book = open_book(db_url)
    if book is None:
        return {}
    try:
        recorded = book.sections_recorded() & set(sections)
        return {section: book.draw_key for section in sorted(recorded)}
    finally:
        book.engine.dispose()


def tasks_with_record_digests(db_url: str, tasks: Sequence[Any]) -> list[Any]:
    """``tasks`` (autograde's) with digests that cover the service's record, for sections that have one."""
    records = records_by_section(db_url, sorted({t.section for t in tasks}))
    return [dataclasses.replace(t, digest=record_digest(
        t.digest, records[t.section].get(t.learner, ServerRecord(t.learner, t.section, ()))))
        if t.section in records else t for t in tasks]


def snapshot_from_record(db_url: str, source_root: str, learner: str, section: str, snapshot: Path,
                         digest: str, known: tuple[ServerRecord | None, bytes | None] | None = None,
                         ) -> tuple[str, list[str], bytes | None]:
    """Grade a snapshot from the service's record when its section has one: (digest, problems, draw key).

    The draw key is the service's (:mod:`coursekit.service.draw_key`), with
    which grading checks the draws of a section graded from the record; None
    (the public draw) otherwise. Without quiz service tables, or when the
    section has no recorded attempt, the snapshot and digest are left as they are.
    ``known`` is the learner's record and the key read once for a whole batch (:func:`batch_records`);
    None reads them now.
    """
    record, key = known if known is not None else _learner_record(db_url, learner, section)
    if record is None:
        return digest, [], None
    quiz = TrustedQuizzes(Path(source_root)).get(section)
    return record_digest(digest, record), substitute_record(snapshot, learner, section, record, quiz.spec_hash,
                                                            quiz.spec, key), key
