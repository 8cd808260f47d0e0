"""The quiz service's record: the rules of :mod:`coursekit.quiz.timing` applied to the database.

Every action runs in one database transaction and relies on the tables'
unique constraints, never on a lock held by this process, so any number of
service processes may share one gradebook:

* a new attempt takes the next ``number``; two racing for it collide on the
  unique (learner, section, number) and the loser tries again, seeing the
  winner's attempt (and the attempt limit);
* an open attempt is changed with ``UPDATE … WHERE state = 'open'``: when
  another request finished it meanwhile, nothing is updated and the action
  is tried again on what is there now;
* a submit names its attempt with the id the learner's kernel gave it; the
  same id sent again returns the recorded attempt, counted once.

The clock is the service's (``clock``), passed in so tests can move it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from coursekit.quiz.draw import Draw, draw_for_attempt, drawn_spec
from coursekit.quiz.navigation import NavigationError, check_sequential_answer
from coursekit.quiz.overrides import Override, changed_override, effective_rules, stored_override
from coursekit.quiz.scoring import AnswerError, is_answered, validate_answer
from coursekit.quiz.spec import QuizSpec, Settings
from coursekit.quiz.timing import AttemptRefused, Rules, check_can_save, check_can_start, deadline, finish_time
from coursekit.service.draw_key import read_draw_key
from coursekit.service.tables import ATTEMPT, OVERRIDE

RETRIES = 20
MAX_ANSWER_CHARS = 20_000
CLIENT_ID_CHARS = 64


def utc_now() -> datetime:
    """The service's clock: now, aware, UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A time as stored: ISO 8601, UTC, milliseconds."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str | None) -> datetime | None:
    """A stored time back as an aware datetime (None stays None)."""
    return None if text is None else datetime.fromisoformat(text)


@dataclass(frozen=True)
class RecordedAttempt:
    """One attempt as the service recorded it."""

    id: str
    learner: str
    section: str
    number: int
    state: str
    started_at: datetime
    submitted_at: datetime | None
    answers: dict[str, Any] = field(default_factory=dict)
    client_id: str | None = None
    auto_submitted: bool = False
    reached: int = 0

    @property
    def submitted(self) -> bool:
        """Whether the attempt is finished."""
        return self.state == "submitted"


@dataclass(frozen=True)
class SubmitOutcome:
    """What a submit did: the attempt, whether it was recorded before (a repeat), whether time had run out."""

    attempt: RecordedAttempt
    repeated: bool = False
    time_ran_out: bool = False


def _row_attempt(row: Mapping[str, Any]) -> RecordedAttempt:
    return RecordedAttempt(
        id=row["id"], learner=row["learner"], section=row["section"], number=row["number"], state=row["state"],
        started_at=parse_iso(row["started_at"]), submitted_at=parse_iso(row["submitted_at"]),  # type: ignore[arg-type]
        answers=json.loads(row["answers"]), client_id=row["client_id"], auto_submitted=bool(row["auto_submitted"]),
        reached=int(row["reached"] or 0))


def _row_override(row: Mapping[str, Any]) -> Override:
    return stored_override(row["learner"], row["section"], row["attempts"], parse_iso(row["close"]),
                           row["time_limit_minutes"], row["set_by"], parse_iso(row["set_at"]))


def _check_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_CHARS or not client_id.isascii() \
            or not client_id.replace("-", "").isalnum():
        raise AttemptRefused("answer", "the attempt id must be 1 to 64 letters, digits or '-'")
    return client_id


class AttemptBook:
    """Start, save, submit and list attempts in the gradebook's quiz tables."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._draw_key: bytes | None = None

    @property
    def draw_key(self) -> bytes:
        """The key of this service's draw (:mod:`coursekit.service.draw_key`), read once from the gradebook."""
        if self._draw_key is None:
            self._draw_key = read_draw_key(self.engine)
        return self._draw_key

    def draw(self, spec: QuizSpec, learner: str, section: str, number: int) -> Draw:
        """The questions attempt ``number`` of ``learner`` gives in ``section``, drawn with the service's key."""
        return draw_for_attempt(spec, learner, section, number, self.draw_key)

    # --- overrides ------------------------------------------------------------------------------

    def set_override(self, override: Override) -> Override:
        """Record (or replace) one learner's override of one section, stamped with the service's time."""
        with self.engine.begin() as conn:
            return self._store_override(conn, override)

    def change_override(self, learner: str, section: str, set_by: str, *, attempts: int | None = None,
                        close: datetime | None = None, time_limit_minutes: float | None = None,
                        settings: Settings | None = None) -> Override:
        """Change the fields given of one learner's override (the others are kept), in one transaction.

        Raises
        ------
        ValueError
            When a field given is out of range, or the result does not fit the quiz's ``settings``
            (a close date before it opens); nothing is changed then.
        """
        with self.engine.begin() as conn:
            current = self.override(learner, section, conn)
            changed = changed_override(current, learner, section, set_by, attempts=attempts, close=close,
                                       time_limit_minutes=time_limit_minutes)
            if settings is not None:
                effective_rules(settings, changed)
            return self._store_override(conn, changed)

    def _store_override(self, conn: Connection, override: Override) -> Override:
        recorded = Override(override.learner, override.section, override.attempts, override.close,
                            override.time_limit_minutes, override.set_by, self.clock())
        conn.execute(OVERRIDE.delete().where(and_(OVERRIDE.c.learner == override.learner,
                                                  OVERRIDE.c.section == override.section)))
        conn.execute(OVERRIDE.insert().values(
            learner=recorded.learner, section=recorded.section, attempts=recorded.attempts,
            close=None if recorded.close is None else iso(recorded.close),
            time_limit_minutes=recorded.time_limit_minutes, set_by=recorded.set_by,
            set_at=iso(recorded.set_at)))  # type: ignore[arg-type]
        return recorded

    def override(self, learner: str, section: str, conn: Connection | None = None) -> Override | None:
        """The learner's override of the section, or None."""
        query = select(OVERRIDE).where(and_(OVERRIDE.c.learner == learner, OVERRIDE.c.section == section))
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).mappings().first()
        else:
            row = conn.execute(query).mappings().first()
        return None if row is None else _row_override(row)

    def overrides(self, section: str | None = None) -> list[Override]:
        """Every override (of one section)."""
        query = select(OVERRIDE).order_by(OVERRIDE.c.section, OVERRIDE.c.learner)
        if section:
            query = query.where(OVERRIDE.c.section == section)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_row_override(r) for r in rows]

    def rules(self, spec: QuizSpec, learner: str, section: str, conn: Connection | None = None) -> Rules:
        """The rules ``learner`` works under in ``section``."""
        return effective_rules(spec.settings, self.override(learner, section, conn))

    # --- reading --------------------------------------------------------------------------------

    def attempts(self, learner: str | None = None, section: str | None = None) -> list[RecordedAttempt]:
        """Recorded attempts, by section, learner and number (all of them without filters)."""
        query = select(ATTEMPT).order_by(ATTEMPT.c.section, ATTEMPT.c.learner, ATTEMPT.c.number)
        if learner is not None:
            query = query.where(ATTEMPT.c.learner == learner)
        if section is not None:
            query = query.where(ATTEMPT.c.section == section)
        with self.engine.connect() as conn:
            return [_row_attempt(r) for r in conn.execute(query).mappings().all()]

    def sections_recorded(self) -> set[str]:
        """Sections with at least one recorded attempt."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(ATTEMPT.c.section).distinct())}

    def _mine(self, conn: Connection, learner: str, section: str) -> list[RecordedAttempt]:
        rows = conn.execute(select(ATTEMPT).where(and_(ATTEMPT.c.learner == learner, ATTEMPT.c.section == section))
                            .order_by(ATTEMPT.c.number)).mappings().all()
        return [_row_attempt(r) for r in rows]

    # --- changing -------------------------------------------------------------------------------

    def _retrying(self, action: Callable[[Connection], Any]) -> Any:
        """Run ``action`` in a transaction; again when a racing request won a unique constraint or the row."""
        for _ in range(RETRIES):
            try:
                with self.engine.begin() as conn:
                    return action(conn)
            except (IntegrityError, _Raced):
                continue
        raise AttemptRefused("busy", "the quiz server is busy; try again")

    def finish_overdue(self, spec: QuizSpec, learner: str, section: str) -> RecordedAttempt | None:
        """Submit the learner's open attempt when its time has run out (at its deadline, with what was saved)."""
        return self._retrying(lambda conn: self._finish_overdue(conn, spec, learner, section))

    def _finish_overdue(self, conn: Connection, spec: QuizSpec, learner: str, section: str,
                        client_id: str | None = None) -> RecordedAttempt | None:
        now = self.clock()
        rules = self.rules(spec, learner, section, conn)
        for attempt in self._mine(conn, learner, section):
            if attempt.submitted:
                continue
            when, overdue = finish_time(rules, attempt.started_at, now)
            if overdue:
                values = {"state": "submitted", "submitted_at": iso(when), "auto_submitted": True,
                          "updated_at": iso(now)}
                if client_id is not None:
                    values["client_id"] = client_id
                self._update_open(conn, attempt.id, values)
                return _row_attempt(conn.execute(select(ATTEMPT).where(ATTEMPT.c.id == attempt.id))
                                    .mappings().one())
        return None

    @staticmethod
    def _update_open(conn: Connection, attempt_id: str, values: dict[str, Any]) -> None:
        done = conn.execute(ATTEMPT.update().where(and_(ATTEMPT.c.id == attempt_id, ATTEMPT.c.state == "open"))
                            .values(**values))
        if done.rowcount != 1:
            raise _Raced()

    def _start(self, conn: Connection, rules: Rules, learner: str, section: str,
               mine: list[RecordedAttempt]) -> RecordedAttempt:
        now = self.clock()
        check_can_start(rules, now, len(mine))
        row = {"id": uuid.uuid4().hex, "learner": learner, "section": section,
               "number": max((a.number for a in mine), default=0) + 1, "client_id": None, "state": "open",
               "started_at": iso(now), "updated_at": iso(now), "submitted_at": None, "auto_submitted": False,
               "answers": "{}", "reached": 0}
        conn.execute(ATTEMPT.insert().values(**row))
        return _row_attempt(row)

    def start(self, spec: QuizSpec, learner: str, section: str) -> RecordedAttempt:
        """The learner's open attempt, started now when there is none.

        Raises
        ------
        AttemptRefused
            When the quiz is not open or no attempt is left.
        """
        def action(conn: Connection) -> RecordedAttempt:
            self._finish_overdue(conn, spec, learner, section)
            mine = self._mine(conn, learner, section)
            timed_out = _unclaimed_timeout(mine)
            if timed_out is not None:
                check_can_save(self.rules(spec, learner, section, conn), timed_out.started_at, self.clock())
            open_now = next((a for a in mine if not a.submitted), None)
            return open_now or self._start(conn, self.rules(spec, learner, section, conn), learner, section, mine)

        return self._retrying(action)

    def _merged(self, spec: QuizSpec, attempt: RecordedAttempt, answers: Any) -> tuple[dict[str, Any], int]:
        """The attempt's answers with ``answers`` applied (validated; sequential navigation checked)."""
        if not isinstance(answers, dict):
            raise AttemptRefused("answer", "answers must be an object of question id to answer")
        merged, reached = dict(attempt.answers), attempt.reached
        every = {q.id for q in spec.questions}
        spec = drawn_spec(spec, self.draw(spec, attempt.learner, attempt.section, attempt.number))
        order = [q.id for q in spec.questions]  # with pools: the questions drawn for this attempt only
        for question_id in sorted(answers, key=lambda q: order.index(q) if q in order else -1):
            if question_id in every and question_id not in order:  # another question of a pool
                raise AttemptRefused("not_drawn", f"question {str(question_id)[:40]!r} is not one of the questions "
                                     f"drawn for attempt {attempt.number} (another tab or window may have "
                                     "started it); nothing of this request was saved")
            if question_id not in order:
                raise AttemptRefused("answer", f"no question {str(question_id)[:40]!r} in this quiz")
            if len(json.dumps(answers[question_id], default=str)) > MAX_ANSWER_CHARS:
                raise AttemptRefused("answer", f"the answer to {question_id!r} is too long")
            question = spec.question(question_id)
            try:
                value = validate_answer(question, answers[question_id])
            except AnswerError as exc:
                raise AttemptRefused("answer", str(exc)) from None
            if value == merged.get(question_id) or (not is_answered(question, value) and question_id not in merged):
                continue
            try:
                reached = check_sequential_answer(spec.settings.navigation, order.index(question_id), reached)
            except NavigationError as exc:
                raise AttemptRefused("navigation", str(exc)) from None
            if is_answered(question, value):
                merged[question_id] = value
            else:
                merged.pop(question_id, None)
        return merged, reached

    def save(self, spec: QuizSpec, learner: str, section: str, answers: Any) -> RecordedAttempt:
        """Save answers to the learner's open attempt (starting one when there is none).

        Raises
        ------
        AttemptRefused
            ``time_up`` when the open attempt's time ran out (it is submitted with what was saved before),
            ``not_open``/``closed``/``no_attempts`` when no attempt can start, ``answer``/``navigation``
            when an answer is refused (nothing of the request is saved).
        """
        self.finish_overdue(spec, learner, section)

        def action(conn: Connection) -> RecordedAttempt:
            mine = self._mine(conn, learner, section)
            rules = self.rules(spec, learner, section, conn)
            timed_out = _unclaimed_timeout(mine)
            if timed_out is not None:
                check_can_save(rules, timed_out.started_at, self.clock())
            attempt = next((a for a in mine if not a.submitted), None) or self._start(
                conn, rules, learner, section, mine)
            now = self.clock()
            check_can_save(rules, attempt.started_at, now)
            merged, reached = self._merged(spec, attempt, answers)
            self._update_open(conn, attempt.id, {"answers": json.dumps(merged), "reached": reached,
                                                 "updated_at": iso(now)})
            return _row_attempt(conn.execute(select(ATTEMPT).where(ATTEMPT.c.id == attempt.id)).mappings().one())

        return self._retrying(action)

    def submit(self, spec: QuizSpec, learner: str, section: str, client_id: Any, answers: Any) -> SubmitOutcome:
        """Submit the learner's attempt named ``client_id`` with ``answers``; the same id again counts once.

        The open attempt is submitted (or, without one, a new attempt is
        started and submitted at once). When its time has run out, it is
        submitted at its deadline with the answers saved before, and
        ``answers`` are not counted.

        Raises
        ------
        AttemptRefused
            When no attempt may start (``not_open``, ``closed``, ``no_attempts``) or an answer is refused.
        """
        client_id = _check_client_id(client_id)

        def action(conn: Connection) -> SubmitOutcome:
            # One read of every attempt: the id and the count come from the same committed state, so a
            # racing request that recorded this id is seen here as a repeat, never as one attempt too many.
            known = next((a for a in self._mine(conn, learner, section) if a.client_id == client_id), None)
            if known is not None:
                return SubmitOutcome(known, repeated=True)
            overdue = self._finish_overdue(conn, spec, learner, section, client_id)
            if overdue is not None:
                return SubmitOutcome(overdue, time_ran_out=True)
            mine = self._mine(conn, learner, section)
            known = next((a for a in mine if a.client_id == client_id), None)
            if known is not None:  # recorded by a racing request since the first read: decide on this read alone
                return SubmitOutcome(known, repeated=True)
            timed_out = _unclaimed_timeout(mine)
            if timed_out is not None:  # time ran out before this submit arrived: it names that attempt
                done = conn.execute(ATTEMPT.update().where(and_(ATTEMPT.c.id == timed_out.id,
                                                                ATTEMPT.c.client_id.is_(None)))
                                    .values(client_id=client_id))
                if done.rowcount != 1:
                    raise _Raced()
                return SubmitOutcome(_row_attempt(conn.execute(select(ATTEMPT).where(ATTEMPT.c.id == timed_out.id))
                                                  .mappings().one()), time_ran_out=True)
            rules = self.rules(spec, learner, section, conn)
            attempt = next((a for a in mine if not a.submitted), None) or self._start(
                conn, rules, learner, section, mine)
            merged, reached = self._merged(spec, attempt, answers)
            now = self.clock()
            self._update_open(conn, attempt.id, {
                "answers": json.dumps(merged), "reached": reached, "state": "submitted", "submitted_at": iso(now),
                "updated_at": iso(now), "client_id": client_id})
            return SubmitOutcome(_row_attempt(conn.execute(select(ATTEMPT).where(ATTEMPT.c.id == attempt.id))
                                              .mappings().one()))

        return self._retrying(action)

    def deadline_of(self, spec: QuizSpec, attempt: RecordedAttempt) -> datetime | None:
        """When an open attempt's time runs out (None: no limit, no close)."""
        return deadline(self.rules(spec, attempt.learner, attempt.section), attempt.started_at)


def _unclaimed_timeout(mine: list[RecordedAttempt]) -> RecordedAttempt | None:
    """The last attempt when time ran out on it and the learner's kernel has not submitted it yet."""
    last = mine[-1] if mine else None
    return last if last is not None and last.auto_submitted and last.client_id is None else None


class _Raced(Exception):
    """Another request changed the row first; the action runs again."""
