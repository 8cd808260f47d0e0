"""What a learner sees of submitted attempts, by Moodle's review options (pure, no widgets).

:func:`attempt_result` is the panel shown right after Submit (Moodle's
"immediately after the attempt" column) and :func:`attempt_history` the list
of earlier attempts (the "later, while the quiz is still open" column), with
the attempt that counts under the grading method marked.

Marks are computed in the learner's kernel from the salted digests of the
key, so a question counts only when it is fully right; the trainer's grade
gives part marks where the question type does. Where the kernel may not mark
(limited attempts: see :attr:`~coursekit.quiz.spec.Settings.marks_in_kernel`)
marks wait for grading and the panel says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coursekit.quiz.spec import Question, Settings

MARKS_WAIT = "Your marks come with your trainer's grading (this quiz has a limited number of attempts)."
MARKS_WAIT_TRAINER = "Your marks come with your trainer's grading (some of these questions only your trainer marks)."
WHOLE_QUESTIONS = "Here a question counts only when fully right; your trainer's grade may give part marks."
GRADING_METHODS = {
    "highest": "Your highest-marked attempt counts.",
    "average": "The average of your attempts counts.",
    "first": "Your first attempt counts.",
    "last": "Your last attempt counts.",
}


def readable_time(stamp: str | None) -> str:
    """``2026-11-25T09:30:12.123+00:00`` as ``2026-11-25 09:30:12 UTC`` (empty for None)."""
    if not stamp:
        return ""
    return f"{stamp[:10]} {stamp[11:19]} UTC"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Marks:
    """An attempt's marks as the kernel can tell them."""

    marks: float
    max_marks: float

    @property
    def percent(self) -> float:
        """Marks as a percentage of the maximum (0 when the quiz has no points)."""
        return 100.0 * self.marks / self.max_marks if self.max_marks else 0.0


def marks_of(questions: Sequence[Question], verdicts: Mapping[str, bool] | None) -> Marks | None:
    """Full points for each question judged right; None when there are no verdicts."""
    if verdicts is None:
        return None
    got = sum(q.points for q in questions if verdicts.get(q.id))
    return Marks(round(got, 6), round(sum(q.points for q in questions), 6))


def attempt_result(settings: Settings, questions: Sequence[Question], attempt: Any, answered: int,
                   verdicts: Mapping[str, bool] | None, when: str = "immediately") -> dict[str, Any]:
    """The result panel of one submitted attempt, showing only what the review options allow at ``when``.

    Parameters
    ----------
    settings
        The quiz's settings (review options, pass rate).
    questions
        The quiz's questions in order.
    attempt
        The submitted attempt (``number``, ``submitted_at``).
    answered
        How many questions the attempt answered.
    verdicts
        Right or not per question id, or None when the kernel may not mark.
    when
        The review column: ``"immediately"`` after Submit, ``"open"`` later.
    """
    review = settings.review
    marks = marks_of(questions, verdicts) if review.shows(when, "marks") else None
    show_right = verdicts is not None and review.shows(when, "correctness")
    answers = getattr(attempt, "answers", {}) or {}
    outcomes = None
    if show_right and verdicts is not None:
        outcomes = {}
        for n, q in enumerate(questions, 1):
            right = bool(verdicts.get(q.id))
            outcomes[n] = {"state": question_state(_answered(q, answers), q.points if right else 0.0, q.points),
                           "marks": _number(q.points if right else 0.0) if marks is not None else None}
    note = None
    if verdicts is None and (review.shows(when, "marks") or review.shows(when, "correctness")):
        # Limited attempts keep the key away from the kernel; otherwise a question (a numerical
        # tolerance, a wildcard) cannot be marked from a digest.
        note = MARKS_WAIT_TRAINER if settings.marks_in_kernel else MARKS_WAIT
    elif marks is not None or show_right:
        note = WHOLE_QUESTIONS
    return {
        "number": attempt.number,
        "submitted_at": readable_time(attempt.submitted_at),
        "submitted_iso": attempt.submitted_at,
        "answered": answered,
        "total": len(questions),
        "marks": _number(marks.marks) if marks else None,
        "max_marks": _number(marks.max_marks) if marks else None,
        "percent": _number(marks.percent) if marks else None,
        "passed": (marks.percent >= settings.pass_rate) if marks else None,
        "pass_rate": _number(settings.pass_rate),
        "verdicts": ([{"number": n, "right": bool(verdicts.get(q.id))} for n, q in enumerate(questions, 1)]
                     if show_right and verdicts is not None else None),
        "questions": result_rows(questions, answers, outcomes, None),
        "note": note,
    }


STATE_WORDS = {"right": "Right", "partly": "Partly right", "wrong": "Not right", "unanswered": "Not answered"}
"""How the result names each question's outcome."""


def question_state(answered: bool, score: float, points: float) -> str:
    """``unanswered``, ``right`` (full points), ``partly`` (some points) or ``wrong`` (none)."""
    if not answered:
        return "unanswered"
    if score >= points - 1e-9:
        return "right"
    return "partly" if score > 1e-9 else "wrong"


def _answered(question: Question, answers: Mapping[str, Any]) -> bool:
    from coursekit.quiz.scoring import AnswerError, is_answered, validate_answer

    try:
        return is_answered(question, validate_answer(question, answers.get(question.id)))
    except AnswerError:
        return False


def result_rows(questions: Sequence[Question], answers: Any, outcomes: Mapping[int, Mapping[str, Any]] | None,
                right_answers: Mapping[int, str] | None) -> list[dict[str, Any]]:
    """Per question what the result shows: number, text, the learner's answer in words, and what review allows.

    Parameters
    ----------
    questions
        The quiz's questions in order (their options give the words).
    answers
        The attempt's answers by question id (untrusted).
    outcomes
        By question number: ``state`` (:func:`question_state`) and ``marks`` (None: marks not shown);
        None when the review options do not show correctness.
    right_answers
        By question number, the right answer in words; None while the review options (or attempts
        still left) keep it back.
    """
    from coursekit.quiz.describe import describe_answer

    given = answers if isinstance(answers, Mapping) else {}
    rows = []
    for number, question in enumerate(questions, 1):
        outcome = (outcomes or {}).get(number) or {}
        state = outcome.get("state")
        rows.append({
            "number": number, "text": question.text,
            "answer": describe_answer(question, given.get(question.id)),
            "state": state, "state_words": STATE_WORDS.get(state) if state else None,
            "marks": outcome.get("marks"), "points": _number(question.points),
            "right_answer": (right_answers or {}).get(number),
        })
    return rows


def counting_attempt(method: str, marks: Sequence[Marks | None]) -> set[int]:
    """Indexes of the attempts that count under the grading method (all of them for ``average``).

    With ``highest`` and no marks known yet, none is marked: the grade decides.
    """
    if not marks:
        return set()
    if method == "first":
        return {0}
    if method == "last":
        return {len(marks) - 1}
    if method == "average":
        return set(range(len(marks)))
    known = [(m.marks, -i) for i, m in enumerate(marks) if m is not None]
    return {-max(known)[1]} if known else set()


def attempt_history(settings: Settings, questions: Sequence[Question], attempts: Sequence[Any],
                    verdicts: Sequence[Mapping[str, bool] | None],
                    given: Sequence[Sequence[Question]] | None = None) -> list[dict[str, Any]]:
    """Every submitted attempt with its time, marks (where allowed later) and whether it counts.

    ``given``: the questions of each attempt, where they differ (a quiz with pools); else ``questions``.
    """
    shows_marks = settings.review.shows("open", "marks")
    per_attempt = list(given) if given is not None else [questions] * len(verdicts)
    marks = [marks_of(asked, v) if shows_marks else None for asked, v in zip(per_attempt, verdicts, strict=True)]
    counts = counting_attempt(settings.grading_method, marks)
    return [{"number": a.number, "submitted_at": readable_time(a.submitted_at), "submitted_iso": a.submitted_at,
             "marks": _number(m.marks) if m else None, "max_marks": _number(m.max_marks) if m else None,
             "counts": i in counts}
            for i, (a, m) in enumerate(zip(attempts, marks, strict=True))]


KEY_ROWS = ("right_answer",)
"""Review rows that reveal the key: shown only once the learner can make no further attempt."""


def shows_key_row(review: Any, column: str, item: str, attempts_over: bool) -> bool:
    """Whether review row ``item`` is shown at ``column``; a row of :data:`KEY_ROWS` also needs the attempts over.

    Moodle's "later, while the quiz is still open" column would otherwise hand
    the right answers to a learner who still has an attempt to make. A key row
    appears once the quiz is closed (column ``closed``) or no attempt is left.
    """
    if not review.shows(column, item):
        return False
    return item not in KEY_ROWS or column == "closed" or attempts_over


def reviewed_attempt(spec: Any, answers: Mapping[str, Any], column: str,
                     attempts_over: bool = False) -> dict[str, Any]:
    """What the quiz service shows of one attempt in review column ``column``, scored with the full key.

    Only the rows the review options show at ``column`` are filled in; the
    others are None. Marks are the trainer's (part marks where the question
    type gives them); correctness is right only for full points. The right
    answers (:data:`KEY_ROWS`) are left out while the learner may still make
    an attempt (:func:`shows_key_row`).

    Parameters
    ----------
    spec
        The full :class:`~coursekit.quiz.spec.QuizSpec` (on the server only).
    answers
        The attempt's answers by question id (untrusted: an answer that does not fit scores 0).
    column
        ``during``, ``immediately``, ``open`` or ``closed`` (:func:`coursekit.quiz.timing.review_column`).
    attempts_over
        Whether the learner can make no further attempt (:func:`coursekit.quiz.timing.attempts_over`).
    """
    from coursekit.quiz.attempts import attempt_scores
    from coursekit.quiz.types import question_type

    settings, review = spec.settings, spec.settings.review
    scores = attempt_scores(spec, answers)
    got, most = round(sum(scores.values()), 6), round(spec.max_points, 6)
    percent = 100.0 * got / most if most else 0.0
    shows_marks = review.shows(column, "marks")
    given = answers if isinstance(answers, Mapping) else {}
    return {
        "column": column,
        "marks": _number(got) if shows_marks else None,
        "max_marks": _number(most) if shows_marks else None,
        "percent": _number(percent) if shows_marks else None,
        "passed": (percent >= settings.pass_rate) if shows_marks else None,
        "pass_rate": _number(settings.pass_rate),
        "verdicts": ([{"number": n, "right": scores[q.id] >= q.points - 1e-9}
                      for n, q in enumerate(spec.questions, 1)] if review.shows(column, "correctness") else None),
        "outcomes": ([{"number": n, "state": question_state(_answered(q, given), scores[q.id], q.points),
                       "marks": _number(scores[q.id]) if shows_marks else None}
                      for n, q in enumerate(spec.questions, 1)] if review.shows(column, "correctness") else None),
        "right_answers": ([{"number": n, "answer": question_type(q).key_text(q)}
                           for n, q in enumerate(spec.questions, 1)]
                          if shows_key_row(review, column, "right_answer", attempts_over) else None),
    }
