"""What the result shows per question: its text, the answer in words, right / partly / not right / not answered."""

from __future__ import annotations

from types import SimpleNamespace

from coursekit.quiz.review import attempt_result, question_state, result_rows, reviewed_attempt
from coursekit.quiz.spec import Settings, parse_quiz

SPEC = parse_quiz({"title": "T", "settings": {"attempts": 2}, "questions": [
    {"id": "tf", "type": "true_false", "answer": True, "points": 1, "text": "Quality is a habit."},
    {"id": "mc", "type": "multiple_choice", "points": 2, "text": "Which are partners?", "answer": ["a", "b", "c"],
     "options": [{"id": "a", "text": "Schools"}, {"id": "b", "text": "Firms"}, {"id": "c", "text": "Chambers"},
                 {"id": "d", "text": "Nobody"}]},
    {"id": "tf2", "type": "true_false", "answer": False, "points": 1, "text": "Nothing changes."},
]}, require_source=False)


def test_question_state_tells_part_marks_and_unanswered_apart_from_wrong():
    assert question_state(False, 0, 2) == "unanswered"
    assert question_state(True, 2, 2) == "right"
    assert question_state(True, 1.333333, 2) == "partly"
    assert question_state(True, 0, 2) == "wrong"


def test_service_review_gives_part_marks_and_not_answered_and_keeps_the_key_while_attempts_are_left():
    review = reviewed_attempt(SPEC, {"tf": True, "mc": ["a", "b"]}, "immediately", attempts_over=False)
    assert review["outcomes"] == [{"number": 1, "state": "right", "marks": "1"},
                                  {"number": 2, "state": "partly", "marks": "1.33"},
                                  {"number": 3, "state": "unanswered", "marks": "0"}]
    assert review["right_answers"] is None
    over = reviewed_attempt(SPEC, {"tf": True, "mc": ["a", "b"]}, "immediately", attempts_over=True)
    outcomes = {o["number"]: o for o in over["outcomes"]}
    right = {r["number"]: r["answer"] for r in over["right_answers"]}
    rows = result_rows(SPEC.questions, {"tf": True, "mc": ["a", "b"]}, outcomes, right)
    assert rows[1] == {"number": 2, "text": "Which are partners?", "answer": "Schools; Firms", "state": "partly",
                       "state_words": "Partly right", "marks": "1.33", "points": "2",
                       "right_answer": "Schools; Firms; Chambers"}
    assert rows[2]["answer"] == "(no answer)" and rows[2]["state_words"] == "Not answered"


def test_rows_without_correctness_show_the_question_and_answer_only():
    rows = result_rows(SPEC.questions, {"tf": False}, None, None)
    assert rows[0] == {"number": 1, "text": "Quality is a habit.", "answer": "False", "state": None,
                       "state_words": None, "marks": None, "points": "1", "right_answer": None}


def test_kernel_result_calls_an_unanswered_question_not_answered_never_not_right():
    attempt = SimpleNamespace(number=1, submitted_at="2026-12-01T09:00:00.000+00:00", answers={"tf": True})
    result = attempt_result(Settings(), SPEC.questions, attempt, 1, {"tf": True, "mc": False, "tf2": False})
    states = [(q["state"], q["marks"]) for q in result["questions"]]
    assert states == [("right", "1"), ("unanswered", "0"), ("unanswered", "0")]
