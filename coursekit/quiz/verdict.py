"""Whether grading takes a learner's responses file at all (pure): one rule for the grade and the item analysis.

A responses file that was read and parsed can still be rejected as a whole:

* saved by another learner than the submitter (a copy): the quiz scores 0;
* holding the answers of another section: the quiz scores 0;
* recording, with an attempt that counts, other questions than the learner
  was given (a draw edited, or attempts copied under other numbers, which
  keep the copied draw; :func:`coursekit.quiz.draw.draw_problems`): the
  submission is not graded at all.

:func:`rejection` is what the hidden tests ask
(:func:`coursekit.grading.hidden.grade_quiz`) and what the item analysis
asks (:mod:`coursekit.cohort.accepted`), so a file whose picks count is
exactly a file whose answers were scored.
"""

from __future__ import annotations

from dataclasses import dataclass

from coursekit.quiz.attempts import Attempt, counted_attempts
from coursekit.quiz.draw import draw_problems
from coursekit.quiz.responses import Responses, graded_attempts, graded_draws
from coursekit.quiz.spec import QuizSpec


@dataclass(frozen=True)
class Rejection:
    """Why grading does not take a responses file: the problem it records, and whether it grades nothing."""

    problem: str
    not_graded: bool = False
    """True: the submission is not graded at all (a draw edited); False: its quiz scores 0."""


def recorded_attempts(responses: Responses) -> list[Attempt]:
    """Every attempt a grader reads from a responses file (limits not applied), each with its recorded draw."""
    return [Attempt(number, answers, when, draw) for (number, answers, when), draw
            in zip(graded_attempts(responses), graded_draws(responses), strict=True)]


def foreign_responses(responses: Responses, submitter_id: str | None, file_name: str) -> str | None:
    """The problem when a responses file was not saved by the submitter, else None."""
    if submitter_id is None:
        return f"{file_name}: the submitter is not known, so the answers cannot be checked as theirs (not counted)"
    if responses.learner.strip() != submitter_id:
        return (f"{file_name}: saved by learner {responses.learner[:60]!r}, not by the submitter "
                f"{submitter_id[:60]!r} (copied; not counted)")
    return None


def rejection(spec: QuizSpec, responses: Responses, section: str, submitter_id: str | None, file_name: str,
              secret: bytes | None = None) -> Rejection | None:
    """Why grading rejects the parsed responses file of ``submitter_id`` for ``section`` as a whole; None: it does not.

    ``spec`` is the section's quiz (its settings and pools), ``file_name``
    names the file in the problem, ``secret`` is the key the draws are
    checked with (the quiz service's; None: the public draw of one
    machine). Only the attempts within the quiz's limit are checked, as only
    they are graded. Problems with single answers (an unknown option, a
    question not drawn) do not reject the file: grading scores those answers 0
    and keeps the rest.
    """
    foreign = foreign_responses(responses, submitter_id, file_name)
    if foreign:
        return Rejection(foreign)
    if responses.section != section:
        return Rejection(f"{file_name}: answers belong to section {responses.section[:60]!r} (not counted)")
    edited = [problem for attempt in counted_attempts(spec.settings, recorded_attempts(responses))
              for problem in draw_problems(spec, responses.learner.strip(), section, attempt.number, attempt.draw,
                                           secret)]
    if edited:
        return Rejection(f"{file_name}: the questions recorded are not the ones this learner was given: "
                         f"{edited[0]}", not_graded=True)
    return None
