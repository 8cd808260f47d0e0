"""The learner's feedback page, as HTML blocks: answers, verdicts, pass or not, the trainer's remarks.

Pure functions from graded data to escaped HTML (no nbgrader, no Jupyter).
:class:`~coursekit.results.feedback.QuizFeedback` gathers the data from the
gradebook and the submission; the page shows per question the learner's own
answer, the verdict and the points, the quiz against its pass rate and the
comment points apart from it, and the trainer's remarks. Every text a learner
or a trainer wrote is HTML-escaped; the key is named only when the section's
settings say ``show_correct_answers``. A place of the quiz that draws from a
pool, for a learner with no graded attempt, is one line with its points
(:class:`UndrawnSlot`): no question of the pool was given to them, so neither
its text nor its key is shown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from coursekit.quiz.describe import points_text
from coursekit.quiz.scoring import AnswerError, validate_answer
from coursekit.quiz.spec import Question, Review
from coursekit.quiz.types import question_type

PROVISIONAL = "Provisional"


def verdict(score: float | None, points: float) -> str:
    """``right``, ``partly right`` or ``not right`` for a score out of ``points``."""
    if score is None or score <= 0:
        return "not right"
    return "right" if score >= points - 1e-9 else "partly right"


def correct_answer_text(question: Question) -> str:
    """The key of a question in words (only shown when the settings allow it)."""
    return question_type(question).key_text(question)


FEEDBACK_REVIEW_COLUMN = "open"
"""The review column returned feedback follows: Moodle's "later, while the quiz is still open"."""


def feedback_texts(question: Question, answer: Any, score: float | None, review: Review,
                   when: str = FEEDBACK_REVIEW_COLUMN) -> tuple[str, ...]:
    """The question's feedback for a learner's answer, as the review options show it at ``when``.

    Specific feedback (the answer's own and the correct / partially correct /
    incorrect feedback) when the column shows ``specific_feedback``; the
    general feedback when it shows ``general_feedback``. An answer that does
    not fit the question gets no answer feedback.
    """
    try:
        answer = validate_answer(question, answer)
    except AnswerError:
        answer = None
    return tuple(question_type(question).feedback(
        question, answer, score or 0.0, specific=review.shows(when, "specific_feedback"),
        general=review.shows(when, "general_feedback")))


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _text_block(text: str) -> str:
    return f'<pre class="coursekit-learner-text">{_e(text)}</pre>'


@dataclass(frozen=True)
class QuizItem:
    """One quiz question as graded for one learner."""

    number: int
    question: Question
    answer: str  # the learner's answer in words
    score: float | None
    feedback: tuple[str, ...] = ()  # the question's feedback for this answer, as the review options allow


@dataclass(frozen=True)
class UndrawnSlot:
    """A pooled place of the quiz for a learner with no graded attempt: which question it gave them is unknown."""

    number: int
    points: float  # the slot's points (every question of a pool has the same)
    score: float | None  # the grade cell's score (0 unless a trainer gave points)


@dataclass(frozen=True)
class CommentItem:
    """One reflection question as graded for one learner."""

    number: int
    text: str
    points: float
    answer: str  # the learner's text ("" when blank)
    score: float | None
    pending: bool
    remark: str | None


@dataclass(frozen=True)
class Summary:
    """The head of the page: quiz points against the pass rate, comment points apart."""

    title: str
    learner: str
    quiz_score: float
    quiz_max: float
    pass_rate: float
    comment_score: float
    comment_max: float
    pending: int
    outcome: str = ""
    """The learner's quiz in words from the grade record (``grades.csv``): the status, how late, the penalty."""
    due: str = ""
    """The learner's due date (an extension's, else the section's), as the record gives it; '' when none."""
    late_penalty: float = 0.0
    """Points the late penalty took off ``quiz_score`` (already taken off)."""

    @property
    def quiz_percent(self) -> float:
        """The quiz score in percent of its points."""
        return 100.0 * self.quiz_score / self.quiz_max if self.quiz_max else 0.0

    @property
    def passed(self) -> bool:
        """Whether the quiz reaches the pass rate."""
        return self.quiz_percent >= self.pass_rate - 1e-9


def header_html(summary: Summary) -> str:
    """The page head: section, learner, quiz passed or not yet passed, comment points, provisional note."""
    outcome = ('<span class="passed">passed</span>' if summary.passed
               else '<span class="not-passed">not yet passed</span>')
    lines = [
        f"<h1>Feedback: {_e(summary.title)}</h1>",
        f"<p>Learner: {_e(summary.learner)}</p>",
        f"<p>Quiz: {round(summary.quiz_score, 2):g} of {points_text(summary.quiz_max)} "
        f"({summary.quiz_percent:.0f} %), {outcome} (pass rate {summary.pass_rate:g} %).</p>",
    ]
    if summary.late_penalty:
        lines.append(f"<p>Late penalty: {round(summary.late_penalty, 2):g} points, already taken off the quiz "
                     "score above.</p>")
    if summary.outcome:
        lines.append(f"<p>Status: {_e(summary.outcome)}.</p>")
    if summary.due:
        lines.append(f"<p>Due: {_e(summary.due)}.</p>")
    if summary.comment_max:
        reviewed = "" if not summary.pending else f", {summary.pending} not yet reviewed"
        lines.append(f"<p>Comments: {round(summary.comment_score, 2):g} of {points_text(summary.comment_max)}"
                     f"{reviewed} (graded by your trainer; not part of the quiz's pass rate).</p>")
    css = ""
    if summary.pending:
        css = ' class="provisional"'
        lines.insert(0, f'<p class="pending">{PROVISIONAL}: your trainer has not yet reviewed every answer; '
                        "points may still change.</p>")
    return f"<header{css}>" + "\n".join(lines) + "</header>"


def comment_html(item: CommentItem) -> str:
    """One reflection question: the question, the learner's answer, points or pending, the trainer's remarks."""
    parts = [f"<h3>Question {item.number}</h3>", f"<p>{_e(item.text)}</p>",
             "<p>Your answer:</p>", _text_block(item.answer) if item.answer.strip() else "<p>(no answer)</p>"]
    if item.pending:
        parts.append(f'<p class="pending">Not yet reviewed ({points_text(item.points)} possible).</p>')
    else:
        parts.append(f"<p>Points: {round(item.score or 0.0, 2):g} of {points_text(item.points)}</p>")
    if item.remark and item.remark.strip():
        parts += ["<p>Your trainer's remarks:</p>", _text_block(item.remark)]
    return '<section class="coursekit-comment">' + "\n".join(parts) + "</section>"


def quiz_html(item: QuizItem, show_answer: bool) -> str:
    """One quiz question: number and text, the learner's answer, the verdict and points, the passage it tests."""
    said = verdict(item.score, item.question.points)
    css = {"right": "verdict-right", "partly right": "verdict-partly", "not right": "verdict-not"}[said]
    parts = [
        f"<h3>Question {item.number}</h3>",
        f"<p>{_e(item.question.text)}</p>",
        f"<p>Your answer: {_e(item.answer)}</p>",
        f'<p><span class="{css}">{said.capitalize()}</span>: {round(item.score or 0.0, 2):g} of '
        f"{points_text(item.question.points)}</p>",
    ]
    parts += [f'<p class="coursekit-question-feedback">{_e(text)}</p>' for text in item.feedback]
    parts += [f"<p>Read again: “{_e(' '.join(p.split()))}”</p>" for p in item.question.cited]
    if show_answer:
        parts.append(f"<p>Correct answer: {_e(correct_answer_text(item.question))}</p>")
    return '<section class="coursekit-quiz-question">' + "\n".join(parts) + "</section>"


def undrawn_html(item: UndrawnSlot) -> str:
    """One pooled place of the quiz for a learner with no graded attempt: no answer, its points; no question."""
    return ('<section class="coursekit-quiz-question coursekit-quiz-undrawn">'
            f"<h3>Question {item.number}</h3>\n"
            f"<p>No answer given: {round(item.score or 0.0, 2):g} of {_e(points_text(item.points))}. This question "
            "is drawn from a pool for each attempt, and you have no graded attempt.</p></section>")


def heading_html(text: str) -> str:
    """A heading between the parts of the page."""
    return f"<h2>{_e(text)}</h2>"
