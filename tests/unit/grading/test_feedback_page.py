"""The feedback page's blocks: pass rate on the quiz alone, provisional note, learner and trainer text escaped."""

from __future__ import annotations

from coursekit.grading.feedback_page import (
    CommentItem,
    QuizItem,
    Summary,
    UndrawnSlot,
    comment_html,
    header_html,
    quiz_html,
    undrawn_html,
)
from coursekit.quiz.spec import parse_quiz

SPEC = parse_quiz({"title": "t", "questions": [
    {"id": "w", "type": "short_answer", "text": "Name <it>", "answer": ["open days"], "points": 2,
     "source": "a passage"}]}, require_source=False)


def _summary(quiz_score: float, pending: int = 0) -> Summary:
    return Summary("Section", "ada", quiz_score, 15.0, 75.0, comment_score=8.0, comment_max=8.0, pending=pending)


def test_the_pass_rate_applies_to_the_quiz_points_only():
    assert "not yet passed" in header_html(_summary(11.0))  # 73 %, though with comments it would be 83 %
    passed = header_html(_summary(11.25))
    assert "not yet passed" not in passed and ">passed<" in passed and "Comments: 8 of 8 points" in passed


def test_pending_reviews_make_the_page_provisional():
    page = header_html(_summary(12.0, pending=2))
    assert "Provisional" in page and "2 not yet reviewed" in page
    assert "Provisional" not in header_html(_summary(12.0))


def test_learner_and_trainer_text_is_escaped():
    comment = comment_html(CommentItem(1, "Q?", 2.0, "<script>x()</script>", 1.0, False, "<b>well</b>"))
    assert "<script>" not in comment and "&lt;script&gt;x()&lt;/script&gt;" in comment
    assert "<b>" not in comment and "&lt;b&gt;well&lt;/b&gt;" in comment
    quiz = quiz_html(QuizItem(1, SPEC.questions[0], "<img src=x onerror=y>", 0.0), show_answer=False)
    assert "<img" not in quiz and "Name &lt;it&gt;" in quiz and "open days" not in quiz
    assert "Not right</span>: 0 of 2 points" in quiz and "Read again: “a passage”" in quiz


def test_a_pending_comment_shows_no_zero():
    html = comment_html(CommentItem(1, "Q?", 2.0, "my answer", None, True, None))
    assert "Not yet reviewed (2 points possible)" in html and "0 of" not in html


def test_a_pooled_place_without_an_attempt_is_one_line_with_its_points_and_no_question():
    html = undrawn_html(UndrawnSlot(3, 2.0, None))
    assert html == ('<section class="coursekit-quiz-question coursekit-quiz-undrawn"><h3>Question 3</h3>\n'
                    "<p>No answer given: 0 of 2 points. This question is drawn from a pool for each attempt, and you "
                    "have no graded attempt.</p></section>")
    assert "No answer given: 1.5 of 2 points." in undrawn_html(UndrawnSlot(3, 2.0, 1.5))  # a trainer's points
