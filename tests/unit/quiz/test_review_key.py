"""The right answers appear in a review only once the learner can make no further attempt (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coursekit.quiz.review import reviewed_attempt
from coursekit.quiz.spec import parse_quiz
from coursekit.quiz.timing import Rules, attempts_over

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SPEC = parse_quiz({"title": "T", "settings": {"attempts": 2}, "questions": [
    {"id": "a", "type": "true_false", "answer": True, "points": 1, "text": "A"}]}, require_source=False)


def test_attempts_are_over_when_all_are_submitted_or_the_quiz_closed():
    assert not attempts_over(Rules(attempts=2), T0, 1)
    assert attempts_over(Rules(attempts=2), T0, 2)
    assert not attempts_over(Rules(), T0, 50)  # unlimited: never over while open
    assert attempts_over(Rules(close=T0), T0, 0) and not attempts_over(Rules(close=T0 + timedelta(minutes=1)), T0, 0)


def test_key_rows_wait_for_the_attempts_to_be_over_and_the_other_rows_do_not():
    for column in ("immediately", "open"):
        early = reviewed_attempt(SPEC, {"a": False}, column, attempts_over=False)
        assert early["right_answers"] is None and early["verdicts"] == [{"number": 1, "right": False}]
        assert early["marks"] == "0"
        late = reviewed_attempt(SPEC, {"a": False}, column, attempts_over=True)
        assert late["right_answers"] == [{"number": 1, "answer": "True"}]
    assert reviewed_attempt(SPEC, {"a": False}, "closed")["right_answers"] == [{"number": 1, "answer": "True"}]


def test_right_answers_of_typed_questions_read_as_their_type_words_them():
    spec = parse_quiz({"title": "T", "settings": {"attempts": 1}, "questions": [
        {"id": "programme", "type": "short_answer", "text": "Which programme?",
         "answer": [{"text": "Erasmus+", "fraction": 100, "feedback": "Right."}, {"text": "Erasmus", "fraction": 50}]},
        {"id": "days", "type": "numerical", "text": "How many days?", "answer": [{"value": 4, "tolerance": 0.5}],
         "units": [{"unit": "days"}]},
    ]}, require_source=False)
    shown = reviewed_attempt(spec, {}, "closed", attempts_over=True)["right_answers"]
    assert shown == [{"number": 1, "answer": "Erasmus+"}, {"number": 2, "answer": "4 ± 0.5 days"}]
