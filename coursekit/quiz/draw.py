"""Which question of each pool a learner gets: a deterministic draw per learner, section and attempt (pure).

A pool (see :class:`coursekit.quiz.spec.Slot`) is a slot with several
questions. For each learner and pool, the members are put in an order of
their own, by HMAC-SHA256 of ``[section, learner, slot, question]``; attempt
*n* gets the member at place ``(n - 1) mod k`` of that order (k members).
Hence:

* the same learner, section and attempt always get the same questions, in
  any process and on any machine (the trainer can reproduce every draw);
* over many learners the first attempts spread evenly over the pool (each
  order is a uniformly random permutation as far as SHA-256 is concerned);
* attempt *n* meets a question the learner has not seen in attempts 1 … n−1
  while the pool has one left, and only then starts over in the same order
  (Moodle's "avoid questions already seen", which Moodle also starts over
  when a pool is used up).

**Predicting and choosing.** The draw is keyed by a secret when one is given
(``secret``). On one machine the learner's own kernel must draw, so no
secret can be kept from the learner there: the draw is keyed by
:data:`PUBLIC_KEY`, and a learner who reads this module can compute which
question attempt *n* will bring. They cannot *choose* it: grading recomputes
the draw from the submitter's id, the section and the attempt's number and
refuses a responses file whose recorded draw differs
(:func:`draw_problems`), and the numbers of attempts are those of the file's
submitted attempts in time order, so the only way to another question is
another attempt, as in Moodle. Under JupyterHub the quiz service draws and
records, keyed by a secret kept in the gradebook that only the trainer's side
reads (:mod:`coursekit.service.draw_key`), so that not even the next question
can be foreseen.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from coursekit.quiz.scoring import AnswerError, score_question
from coursekit.quiz.spec import QuizSpec, Slot

PUBLIC_KEY = b"coursekit.draw/1"
"""The HMAC key of a draw without a secret (on one machine, where the learner's kernel draws)."""

Draw = dict[str, str]
"""A draw: the id of the question given in each slot, by slot id."""


def _rank(key: bytes, section: str, learner: str, slot_id: str, question_id: str) -> bytes:
    message = json.dumps([section, learner, slot_id, question_id], separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).digest()


def member_order(slot: Slot, learner: str, section: str, secret: bytes | None = None) -> list[str]:
    """The order in which ``learner`` meets the questions of ``slot``, attempt after attempt.

    A permutation of ``slot.questions`` sorted by the HMAC-SHA256 of
    ``[section, learner, slot id, question id]`` under ``secret`` (or
    :data:`PUBLIC_KEY`); ties, which SHA-256 makes practically impossible,
    keep the authored order.
    """
    key = secret or PUBLIC_KEY
    return sorted(slot.questions, key=lambda qid: _rank(key, section, learner, slot.id, qid))


def draw_for_attempt(spec: QuizSpec, learner: str, section: str, attempt: int,
                     secret: bytes | None = None) -> Draw:
    """The question each slot gives ``learner`` in attempt number ``attempt`` (1-based) of ``section``.

    A fixed question is its own draw. In a pool of k questions, attempt n gets
    place ``(n - 1) mod k`` of :func:`member_order`, so the first k attempts
    never repeat a question.

    Raises
    ------
    ValueError
        When ``attempt`` is below 1 (a programming error, not learner data).
    """
    if attempt < 1:
        raise ValueError(f"attempt numbers start at 1, not {attempt}")
    draw: Draw = {}
    for slot in spec.quiz_slots:
        if len(slot.questions) == 1:
            draw[slot.id] = slot.questions[0]
        else:
            order = member_order(slot, learner, section, secret)
            draw[slot.id] = order[(attempt - 1) % len(order)]
    return draw


def seen_before(spec: QuizSpec, learner: str, section: str, attempt: int,
                secret: bytes | None = None) -> dict[str, set[str]]:
    """The questions of each slot that ``learner`` met in attempts 1 … ``attempt`` − 1."""
    seen: dict[str, set[str]] = {slot.id: set() for slot in spec.quiz_slots}
    for earlier in range(1, attempt):
        for slot_id, question_id in draw_for_attempt(spec, learner, section, earlier, secret).items():
            seen[slot_id].add(question_id)
    return seen


def drawn_questions(spec: QuizSpec, draw: Mapping[str, str]) -> list[tuple[Slot, Any]]:
    """``(slot, question given)`` for every slot of ``spec`` under ``draw``.

    Raises
    ------
    KeyError
        When ``draw`` misses a slot or names a question outside its pool.
    """
    given = []
    for slot in spec.quiz_slots:
        question_id = draw[slot.id]
        if question_id not in slot.questions:
            raise KeyError(f"{question_id!r} is not a question of slot {slot.id!r}")
        given.append((slot, spec.question(question_id)))
    return given


def slot_scores(spec: QuizSpec, draw: Mapping[str, str], answers: Any) -> dict[str, float]:
    """Points per slot id of one attempt: each slot scores the answer to the question drawn there.

    Never raises on learner data: an answer that does not fit its question,
    or to a question not drawn, scores 0.
    """
    if not isinstance(answers, Mapping):
        answers = {}
    scores = {}
    for slot, question in drawn_questions(spec, draw):
        try:
            scores[slot.id] = score_question(question, answers.get(question.id))
        except AnswerError:
            scores[slot.id] = 0.0
    return scores


def draw_problems(spec: QuizSpec, learner: str, section: str, attempt: int, recorded: Mapping[str, Any] | None,
                  secret: bytes | None = None) -> list[str]:
    """Why the draw recorded with attempt ``attempt`` is not the learner's deterministic draw (``[]``: it is).

    A quiz without pools needs no recorded draw. With pools, a missing draw,
    a missing or extra slot, or any slot holding another question than
    :func:`draw_for_attempt` gives is a problem.
    """
    if not spec.has_pools:
        return []
    expected = draw_for_attempt(spec, learner, section, attempt, secret)
    if not recorded:
        return [f"attempt {attempt}: no draw recorded (the questions given are unknown)"]
    problems = []
    for slot_id, question_id in expected.items():
        got = recorded.get(slot_id)
        if got != question_id:
            problems.append(f"attempt {attempt}: slot {slot_id!r} records question {str(got)[:40]!r}, "
                            f"but this learner's draw is {question_id!r} (draw edited)")
    unknown = sorted(str(k)[:40] for k in set(recorded) - set(expected))
    if unknown:
        problems.append(f"attempt {attempt}: draw names unknown slot(s) {', '.join(map(repr, unknown))}")
    return problems


def drawn_spec(spec: QuizSpec, draw: Mapping[str, str]) -> QuizSpec:
    """The quiz as one attempt was given: only the questions drawn, one per slot (``spec`` itself without pools).

    What a learner may be shown of an attempt (its review, its right answers)
    comes from this spec, so nothing of a question not drawn reaches them.

    Raises
    ------
    KeyError
        When ``draw`` misses a slot or names a question outside its pool.
    """
    if not spec.has_pools:
        return spec
    return QuizSpec(title=spec.title, settings=spec.settings,
                    questions=[question for _, question in drawn_questions(spec, draw)])
