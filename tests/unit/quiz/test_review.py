"""Moodle's review options and the result panel (pure)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coursekit.quiz.review import (
    MARKS_WAIT,
    MARKS_WAIT_TRAINER,
    attempt_history,
    attempt_result,
    counting_attempt,
    marks_of,
)
from coursekit.quiz.spec import QuizSpecError, Review, Settings, parse_quiz

QUIZ = parse_quiz({"title": "T", "questions": [
    {"id": "a", "type": "true_false", "answer": True, "points": 1, "text": "A"},
    {"id": "b", "type": "true_false", "answer": True, "points": 3, "text": "B"},
]}, require_source=False)


def _attempt(number: int) -> SimpleNamespace:
    return SimpleNamespace(number=number, submitted_at=f"2026-11-25T09:0{number}:12.345+00:00")


def test_defaults_are_moodles():
    review = Review()
    for when in ("immediately", "open", "closed"):
        assert all(review.shows(when, item) for item in ("attempt", "correctness", "marks", "specific_feedback",
                                                        "general_feedback", "right_answer", "overall_feedback"))
    assert not review.shows("during", "overall_feedback") and review.shows("during", "marks")


def test_marks_in_kernel_only_with_unlimited_attempts_and_marks_shown():
    assert Settings().marks_in_kernel
    assert not Settings(attempts=2).marks_in_kernel
    assert not Settings(attempts=2, feedback="immediate").marks_in_kernel
    assert not Settings(review=Review(immediately=("attempt",))).marks_in_kernel
    assert Settings(review=Review(immediately=("attempt",)), feedback="immediate").marks_in_kernel


def test_unknown_review_row_is_refused_by_name():
    with pytest.raises(QuizSpecError, match=r"review\.immediately"):
        parse_quiz({"title": "T", "settings": {"review": {"immediately": ["score"]}},
                    "questions": QUIZ.model_dump()["questions"]}, origin="quiz.yml", require_source=False)


def test_result_shows_marks_and_pass_against_the_pass_rate():
    result = attempt_result(Settings(pass_rate=75), QUIZ.questions, _attempt(1), 2, {"a": False, "b": True})
    assert (result["marks"], result["max_marks"], result["percent"], result["passed"]) == ("3", "4", "75", True)
    assert result["submitted_at"] == "2026-11-25 09:01:12 UTC"
    assert [v["right"] for v in result["verdicts"]] == [False, True]
    failed = attempt_result(Settings(pass_rate=80), QUIZ.questions, _attempt(1), 2, {"a": False, "b": True})
    assert failed["passed"] is False


def test_result_hides_what_review_hides_and_says_why_marks_wait():
    hidden = Settings(review=Review(immediately=("attempt", "correctness")))
    result = attempt_result(hidden, QUIZ.questions, _attempt(1), 1, {"a": True, "b": True})
    assert result["marks"] is None and result["passed"] is None and result["verdicts"] is not None
    waiting = attempt_result(Settings(attempts=3), QUIZ.questions, _attempt(1), 1, None)
    assert waiting["marks"] is None and waiting["verdicts"] is None and waiting["note"] == MARKS_WAIT
    # Unlimited attempts, but a question the kernel cannot mark (a numerical tolerance): not "limited attempts".
    unmarkable = attempt_result(Settings(), QUIZ.questions, _attempt(1), 1, None)
    assert unmarkable["note"] == MARKS_WAIT_TRAINER


@pytest.mark.parametrize(("method", "expected"), [("highest", {1}), ("first", {0}), ("last", {2}),
                                                  ("average", {0, 1, 2})])
def test_counting_attempt_follows_the_grading_method(method, expected):
    marks = [marks_of(QUIZ.questions, v) for v in ({"a": True}, {"b": True}, {"a": True})]
    assert counting_attempt(method, marks) == expected


def test_history_lists_every_attempt_with_marks_and_which_counts():
    history = attempt_history(Settings(), QUIZ.questions, [_attempt(1), _attempt(2)], [{"b": True}, {"a": True}])
    assert [(h["number"], h["marks"], h["counts"]) for h in history] == [(1, "3", True), (2, "1", False)]
    unknown = attempt_history(Settings(attempts=2), QUIZ.questions, [_attempt(1)], [None])
    assert unknown[0]["marks"] is None and unknown[0]["counts"] is False
