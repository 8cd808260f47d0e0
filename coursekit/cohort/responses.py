"""Raw quiz responses of a cohort, for option-level (distractor) analysis.

Reads ``autograded/<learner>/<section>/responses/<section>.json`` (the copies
nbgrader graded, already pruned of anything else the learner sent) into one
row per picked option: learner, section, item, option, attempt, submitted_at.
Only the files grading accepted count (:mod:`coursekit.cohort.accepted`, by
grading's own rule): the learner of a rejected file (unreadable, copied from
another learner, of another section, a draw edited) counts as one who gave no
answer in every loader here, as their grade counts no answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from coursekit.cohort.accepted import CohortFiles, section_files
from coursekit.quiz.attempts import Attempt
from coursekit.quiz.describe import shown_attempt
from coursekit.quiz.draw import drawn_questions, slot_scores
from coursekit.quiz.spec import QuizSpec
from coursekit.quiz.types import question_type
from coursekit.quiz.verdict import recorded_attempts

COLUMNS = ["learner", "section", "item", "option", "attempt", "submitted_at"]


AttemptChoice = Literal["graded", "last", "every"]
"""Which attempts :func:`load_choices` counts: the one the grade reflects, the last one, or every one."""


def _counted_attempts(autograded: Path | CohortFiles, quizzes: Mapping[str, QuizSpec], attempts: AttemptChoice,
                      draw_keys: Mapping[str, bytes] | None = None) -> Iterator[tuple[str, QuizSpec, str, Attempt]]:
    """(section, quiz, learner, attempt) of every attempt :func:`load_choices` counts, in path order.

    Only files grading accepted (:func:`coursekit.cohort.accepted.read_section`) give attempts.
    ``autograded``: the folder, or its files already read (:func:`coursekit.cohort.accepted.read_cohort`).
    """
    if attempts not in ("graded", "last", "every"):
        raise ValueError(f"attempts must be 'graded', 'last' or 'every', not {attempts!r}")
    for section, spec in quizzes.items():
        for learner, responses in section_files(autograded, section, spec, draw_keys).accepted:
            counted = recorded_attempts(responses)
            if attempts == "graded":
                shown = shown_attempt(spec, counted)
                counted = [a for a in counted if shown is not None and a.number == shown.number]
            elif attempts == "last":
                counted = counted[-1:]
            for attempt in counted:
                yield section, spec, learner, attempt


def load_choices(autograded: Path | CohortFiles, quizzes: Mapping[str, QuizSpec], attempts: AttemptChoice = "graded",
                 draw_keys: Mapping[str, bytes] | None = None) -> pd.DataFrame:
    """Every option picked in the responses files grading accepted, for the sections of ``quizzes``.

    ``quizzes`` are the full quizzes (keys included) by section id. Each answer
    becomes the values its question's type counts
    (:meth:`~coursekit.quiz.types.base.QuestionType.picked_values`: the options
    picked, the pairs matched, true or false, a typed answer in the form
    grading compares it); an answer to a question the quiz does not have is not
    counted. ``attempts="graded"`` (the default) counts the attempt each
    learner's grade reflects, as grading picks it
    (:func:`coursekit.quiz.describe.shown_attempt`: the best one under
    ``highest``, the first or last under ``first`` or ``last``, the last under
    ``average``), so the share of learners who picked a key and the facility
    tell the same story; ``"last"`` the last attempt; ``"every"`` every one.
    A file grading rejected (:func:`coursekit.cohort.accepted.load_rejected`
    lists them) gives no row. ``autograded`` is the folder, or its files
    already read by :func:`coursekit.cohort.accepted.read_cohort` (to read
    them once for several loaders). ``draw_keys``: the quiz service's draw key
    of each section graded from its record (the others drew publicly), which
    grading checked the draws with.
    """
    rows = []
    questions = {section: {question.id: question for question in spec.questions} for section, spec in quizzes.items()}
    for section, _, learner, attempt in _counted_attempts(autograded, quizzes, attempts, draw_keys):
        for item, answer in attempt.answers.items():
            question = questions[section].get(item)
            if question is None:
                continue
            values = question_type(question).picked_values(question, answer)
            rows.extend((learner, section, item, value, attempt.number, attempt.submitted_at) for value in values)
    return pd.DataFrame(rows, columns=COLUMNS)


GIVEN_COLUMNS = ["learner", "section", "slot", "item", "attempt"]


def load_given(autograded: Path | CohortFiles, quizzes: Mapping[str, QuizSpec], attempts: AttemptChoice = "graded",
               draw_keys: Mapping[str, bytes] | None = None) -> pd.DataFrame:
    """Which question of each pool every learner was given, in the attempts :func:`load_choices` counts.

    One row per learner, pooled slot and counted attempt: ``learner``,
    ``section``, ``slot``, ``item`` (the question drawn there, as recorded with
    the attempt) and ``attempt``. Fixed slots and quizzes without pools give
    no rows; an attempt without a recorded draw, or one naming a question
    outside its pool, gives none either (grading does not count it). This is
    what :func:`coursekit.cohort.metrics.distractor_stats` divides a pooled
    question's option counts by: the learners given that question, not
    everyone who met its slot. A file grading rejected gives no row, as in
    :func:`load_choices` (``draw_keys`` likewise).
    """
    rows = []
    pooled = {section: {slot.id: set(slot.questions) for slot in spec.quiz_slots if len(slot.questions) > 1}
              for section, spec in quizzes.items() if spec.has_pools}
    for section, _, learner, attempt in _counted_attempts(
            autograded, {s: q for s, q in quizzes.items() if s in pooled}, attempts, draw_keys):
        draw = attempt.draw if isinstance(attempt.draw, Mapping) else {}
        rows.extend((learner, section, slot_id, draw[slot_id], attempt.number)
                    for slot_id, members in pooled[section].items() if draw.get(slot_id) in members)
    return pd.DataFrame(rows, columns=GIVEN_COLUMNS)


DRAWN_COLUMNS = ["learner", "section", "slot", "question", "score", "max_score"]


def load_drawn(autograded: Path | CohortFiles, quizzes: Mapping[str, QuizSpec],
               draw_keys: Mapping[str, bytes] | None = None) -> pd.DataFrame:
    """The question each learner was given in each slot, and its score (input of :mod:`coursekit.cohort.variants`).

    One row per learner, section and slot, from the attempt the learner's
    grade reflects (:func:`coursekit.quiz.describe.shown_attempt`; under
    ``average`` the last attempt). Only sections whose quiz has pools; a file
    grading rejected gives no row, as in :func:`load_choices` (its draws not
    the learner's: not graded; saved by another learner; unreadable).
    ``draw_keys``: the quiz service's draw key of each section graded from its
    record (the others drew publicly).
    """
    rows = []
    for section, spec in quizzes.items():
        if not spec.has_pools:
            continue
        for learner, responses in section_files(autograded, section, spec, draw_keys).accepted:
            shown = shown_attempt(spec, recorded_attempts(responses))  # the attempts within the limit
            if shown is None or not shown.draw:
                continue
            given = drawn_questions(spec, shown.draw)
            scores = slot_scores(spec, shown.draw, shown.answers)
            rows.extend((learner, section, slot.id, question.id, scores[slot.id], float(question.points))
                        for slot, question in given)
    return pd.DataFrame(rows, columns=DRAWN_COLUMNS)
