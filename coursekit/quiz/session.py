"""A learner's quiz session: answers, navigation, attempts and feedback (pure, no widgets).

The widget in :mod:`coursekit.widgets.quiz` is a thin view of a
:class:`QuizSession`; every rule (which answers are valid, whether a learner may
go back or submit again, what counts as unanswered) lives here and is tested
without a browser.

Changes come in two forms: :meth:`QuizSession.with_answer` and
:meth:`QuizSession.with_submission` compute the next document from a given one
without changing anything (the store applies them to the merged file while it
holds the lock), and :meth:`QuizSession.adopt` takes in what was saved.
:meth:`QuizSession.set_answer` and :meth:`QuizSession.submit` do both on the
session's own document.

A session works from the *public* spec that learners get (no keys). When
attempts are unlimited and the review options (or ``feedback: immediate``)
show correctness or marks after an attempt, the public spec carries a salted digest of each key,
so the session can say right or wrong without ever holding the key. The
digests are a convenience, not a secret: with unlimited attempts a learner can
find the right answers by trying, which is what immediate feedback is for.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from coursekit.quiz.attempts import AttemptLimitError, attempts_left, check_can_submit
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.draw import draw_for_attempt, drawn_spec
from coursekit.quiz.merge import merge_in_progress, next_stamp
from coursekit.quiz.navigation import Navigator
from coursekit.quiz.responses import MAX_ATTEMPTS_STORED, AttemptRecord, InProgress, Responses
from coursekit.quiz.scoring import AnswerError, is_answered, validate_answer
from coursekit.quiz.shuffle import option_order
from coursekit.quiz.spec import Question, QuizSpec, Settings, answer_digest, parse_quiz
from coursekit.quiz.timed_attempt import DeadlineSplit, carried_over, split_at_deadline
from coursekit.quiz.timing import parse_datetime
from coursekit.quiz.types import REGISTRY, question_type


def structural_spec(public: dict[str, Any]) -> QuizSpec:
    """The public spec as a :class:`QuizSpec` (its slots included), each question with a placeholder key.

    The placeholder lets :func:`~coursekit.quiz.scoring.validate_answer` check
    an answer's shape and option ids; it is never used for scoring.
    """
    questions = []
    for q in public["questions"]:
        data = {k: v for k, v in q.items() if k != "answer_digest"}
        data["answer"] = REGISTRY[q["type"]].placeholder_key(q) if q.get("type") in REGISTRY else None
        questions.append(data)
    data = {"title": public["title"], "settings": public["settings"], "questions": questions}
    if public.get("slots"):
        data["slots"] = public["slots"]
    return parse_quiz(data, origin=PUBLIC_SPEC_NAME, require_source=False)


def structural_questions(public: dict[str, Any]) -> list[Question]:
    """The public spec's questions as models, each with a placeholder key (every question of every pool)."""
    return list(structural_spec(public).questions)


def canonical_answer(question: Question, answer: Any) -> Any:
    """A learner's answer in the canonical form the key digests use."""
    return question_type(question).canonical_answer(question, answer)


class QuizSession:
    """The state of one learner's quiz in one section."""

    def __init__(self, public: dict[str, Any], responses: Responses, clock: Callable[[], str]) -> None:
        self.public = public
        self.section: str = public["section"]
        self.settings = Settings(**public["settings"])
        self.spec = structural_spec(public)
        self.given_draws: Callable[[int], Mapping[str, Any] | None] | None = None
        """The quiz service's draw of an attempt number, when it gave one (under JupyterHub it draws with a key
        the learner cannot read); None, or a number it has no draw for: the public draw of one machine."""
        self.responses = responses
        self.clock = clock
        self.navigator = Navigator(len(self.questions), self.settings.navigation)
        self._digests = {q["id"]: q.get("answer_digest") for q in public["questions"]}

    # --- reading --------------------------------------------------------------------------------

    def draw(self, number: int) -> dict[str, str] | None:
        """The questions attempt ``number`` gives this learner, by slot (None for a quiz without pools)."""
        if not self.spec.has_pools:
            return None
        if self.given_draws is not None:  # under the quiz service: its draw, else the one it gave, as kept here
            for given in (self.given_draws(number), self._kept_draw(number)):
                if isinstance(given, Mapping) and set(given) == {slot.id for slot in self.spec.quiz_slots} \
                        and all(given[slot.id] in slot.questions for slot in self.spec.quiz_slots):
                    return {str(k): str(v) for k, v in given.items()}
        return draw_for_attempt(self.spec, self.responses.learner, self.section, number)

    def _kept_draw(self, number: int) -> Mapping[str, Any] | None:
        """The draw this computer recorded for attempt ``number`` (the service's, while it could not be reached)."""
        attempts = self.responses.attempts
        if 1 <= number <= len(attempts):
            return attempts[number - 1].draw
        return self.responses.in_progress.draw if number == len(attempts) + 1 else None

    def questions_of(self, draw: dict[str, str] | None) -> list[Question]:
        """The questions of an attempt with this ``draw``: one per slot (all of them without pools)."""
        if draw is None or not self.spec.has_pools:
            return list(self.spec.questions)
        return list(drawn_spec(self.spec, draw).questions)

    @property
    def questions(self) -> list[Question]:
        """The questions of the attempt in progress, in order: the ones drawn for it where the quiz has pools."""
        return self.questions_of(self.draw(self.attempt_number))

    @property
    def answers(self) -> dict[str, Any]:
        """The answers of the attempt in progress."""
        return self.responses.in_progress.answers

    @property
    def submitted(self) -> list[AttemptRecord]:
        """The attempts submitted so far."""
        return self.responses.attempts

    @property
    def attempt_number(self) -> int:
        """The number of the attempt in progress (1 for the first)."""
        return len(self.submitted) + 1

    @property
    def attempts_left(self) -> int | None:
        """Attempts the learner may still submit (None: unlimited, until the file holds the most it keeps)."""
        if len(self.submitted) >= MAX_ATTEMPTS_STORED:
            return 0
        return attempts_left(self.settings, len(self.submitted))

    @property
    def finished(self) -> bool:
        """True when no attempt is left to submit."""
        return self.attempts_left == 0

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def option_ids(self, question: Question) -> list[str]:
        """Option (or choice) ids in the order this learner sees them."""
        return option_order(question, self.responses.learner, self.section, self.settings.shuffle_answers)

    def unanswered(self) -> list[str]:
        """Ids of the questions without an answer in the attempt in progress."""
        return [q.id for q in self.questions if not is_answered(q, self.answers.get(q.id))]

    # --- changing -------------------------------------------------------------------------------

    def _check_can_submit(self, submitted_count: int) -> None:
        check_can_submit(self.settings, submitted_count)
        if submitted_count >= MAX_ATTEMPTS_STORED:
            raise AttemptLimitError(f"no attempts left: {submitted_count:,} attempts submitted, the most one "
                                    "responses file keeps")

    def with_answer(self, current: Responses, question_id: str, answer: Any) -> Responses:
        """``current`` with an answer recorded in the attempt in progress (a new document; nothing is changed).

        Raises
        ------
        AnswerError
            If the answer does not fit the question.
        AttemptLimitError
            If no attempt is left.
        """
        self._check_can_submit(len(current.attempts))
        question = self.spec.question(question_id)  # KeyError: no such question in the quiz
        if question not in self.questions_of(self.draw(len(current.attempts) + 1)):
            raise AnswerError(f"question {question_id[:40]!r}: not drawn for this attempt")
        value = validate_answer(question, answer)
        pending = current.in_progress
        answers = dict(pending.answers)
        if is_answered(question, value):
            answers[question_id] = value
        else:
            answers.pop(question_id, None)
        now = next_stamp(current, self.clock())
        in_progress = InProgress(started_at=pending.started_at or now, updated_at=now, answers=answers,
                                 answered_at={**pending.answered_at, question_id: now},
                                 draw=self.draw(len(current.attempts) + 1))
        return current.model_copy(update={"in_progress": in_progress}, deep=True)

    def with_submission(self, current: Responses) -> Responses:
        """``current`` with the attempt this session shows submitted and a new one begun (a new document).

        The attempt holds the answers this session shows, merged question by
        question (the later wins) with the answers in progress in ``current``.
        So when another tab submitted the attempt meanwhile, this one is
        submitted too, as an attempt of its own: neither replaces the other.

        Raises
        ------
        AttemptLimitError
            If no attempt is left, or the file holds the most attempts it keeps.
        """
        self._check_can_submit(len(current.attempts))
        pending = merge_in_progress(current.in_progress, self.responses.in_progress, closed_at=None)
        now = next_stamp(current, self.clock())
        draw = self.draw(len(current.attempts) + 1)
        answers = dict(pending.answers)
        if self.spec.has_pools:  # never an answer to a question the attempt's draw does not give
            given = {q.id for q in self.questions_of(draw)}
            answers = {q: v for q, v in answers.items() if q in given}
        attempt = AttemptRecord(id=uuid.uuid4().hex, number=len(current.attempts) + 1,
                                started_at=pending.started_at or now, submitted_at=now, answers=answers, draw=draw)
        return current.model_copy(update={"attempts": [*current.attempts, attempt], "in_progress": InProgress()},
                                  deep=True)

    def with_start(self, current: Responses) -> Responses:
        """``current`` with the attempt in progress started now (its clock runs from here); unchanged if started.

        Raises
        ------
        AttemptLimitError
            If no attempt is left.
        """
        self._check_can_submit(len(current.attempts))
        pending = current.in_progress
        if pending.started_at:
            return current
        now = next_stamp(current, self.clock())
        started = pending.model_copy(update={"started_at": now, "updated_at": pending.updated_at or now})
        return current.model_copy(update={"in_progress": started}, deep=True)

    def with_time_up(self, current: Responses, deadline: str) -> tuple[Responses, DeadlineSplit]:
        """``current`` with the attempt submitted at ``deadline``, its time having run out (a new document).

        The attempt holds the answers given by the deadline; those given after it start the next
        attempt's answers when one is left (:func:`~coursekit.quiz.timed_attempt.carried_over`).
        Returns the document and the split, so the learner can be shown what was not counted.

        Raises
        ------
        AttemptLimitError
            If no attempt is left, or the file holds the most attempts it keeps.
        """
        self._check_can_submit(len(current.attempts))
        pending = merge_in_progress(current.in_progress, self.responses.in_progress, closed_at=None)
        split = split_at_deadline(pending, deadline)
        now = next_stamp(current, self.clock())
        ends = parse_datetime(deadline).isoformat(timespec="milliseconds")
        when = min(ends, now, key=lambda s: parse_datetime(s))
        attempt = AttemptRecord(id=uuid.uuid4().hex, number=len(current.attempts) + 1,
                                started_at=pending.started_at or when, submitted_at=when,
                                answers=dict(split.on_time), draw=self.draw(len(current.attempts) + 1))
        left = attempts_left(self.settings, len(current.attempts) + 1)
        # A learner's consecutive attempts never give the same question of a pool, whatever key drew them
        # (places n - 1 and n mod k of one order), so the next attempt gives another question in every pool:
        # with pools, late answers are carried for the questions of single-question slots only, even before
        # the quiz service's draw of the next attempt is known here.
        fixed = {slot.questions[0] for slot in self.spec.quiz_slots if len(slot.questions) == 1} \
            if self.spec.has_pools else None
        nxt = carried_over(split, left is None or left > 0, fixed)
        if self.spec.has_pools:
            nxt = nxt.model_copy(update={"draw": self.draw(len(current.attempts) + 2)})
        return current.model_copy(update={"attempts": [*current.attempts, attempt], "in_progress": nxt},
                                  deep=True), split

    def without_undrawn(self, current: Responses) -> tuple[Responses, list[str]]:
        """``current`` without answers in progress to questions the attempt in progress does not give.

        With pools, answers carried from an attempt whose time ran out, or saved by another tab for
        an attempt that drew other questions, may answer a question this attempt does not give
        (its draw is known for sure only once the quiz service started it). Returns the document
        (unchanged when nothing is dropped) and the ids dropped, in the order they were saved.
        """
        if not self.spec.has_pools:
            return current, []
        draw = self.draw(len(current.attempts) + 1)
        given = {q.id for q in self.questions_of(draw)}
        pending = current.in_progress
        dropped = [q for q in pending.answers if q not in given]
        if not dropped:
            return current, []
        kept = InProgress(started_at=pending.started_at, updated_at=pending.updated_at,
                          answers={q: v for q, v in pending.answers.items() if q in given},
                          answered_at={q: t for q, t in pending.answered_at.items() if q in given}, draw=draw)
        return current.model_copy(update={"in_progress": kept}, deep=True), dropped

    def adopt(self, responses: Responses) -> None:
        """Take ``responses`` (what the store saved, merged with other tabs' work) as the session's state.

        When the number of submitted attempts changed, navigation starts again
        on the new attempt.
        """
        if len(responses.attempts) != len(self.responses.attempts):
            self.navigator = Navigator(len(self.questions), self.settings.navigation)
        self.responses = responses

    def set_answer(self, question_id: str, answer: Any) -> Responses:
        """Record an answer in the attempt in progress and return the document to save.

        Raises
        ------
        AnswerError
            If the answer does not fit the question.
        AttemptLimitError
            If no attempt is left.
        """
        self.responses = self.with_answer(self.responses, question_id, answer)
        return self.responses

    def submit(self) -> Responses:
        """Submit the attempt in progress and start the next one; return the document to save.

        Raises
        ------
        AttemptLimitError
            If no attempt is left.
        """
        self.adopt(self.with_submission(self.responses))
        return self.responses

    # --- feedback -------------------------------------------------------------------------------

    def feedback(self, attempt: AttemptRecord) -> dict[str, bool] | None:
        """Right (True) or not (False) per question of a submitted attempt, when the kernel may mark it.

        Returns None when marks wait for grading (see :attr:`~coursekit.quiz.spec.Settings.marks_in_kernel`),
        also when a question's type cannot be marked from a digest (a numerical tolerance, a wildcard).
        """
        salt = self.public.get("salt")
        if not self.settings.marks_in_kernel or not salt or any(d is None for d in self._digests.values()):
            return None
        verdicts = {}
        for q in self.questions_of(attempt.draw):
            answer = attempt.answers.get(q.id)
            digest = self._digests.get(q.id)
            if answer is None or digest is None:
                verdicts[q.id] = False
                continue
            mine = answer_digest(salt, q.id, canonical_answer(q, answer))
            verdicts[q.id] = mine in digest if isinstance(digest, list) else mine == digest
        return verdicts

