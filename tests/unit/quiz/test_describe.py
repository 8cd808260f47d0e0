"""Answers in words and the attempt a grade reflects (pure)."""

from __future__ import annotations

from coursekit.quiz.attempts import Attempt
from coursekit.quiz.describe import NO_ANSWER, describe_answer, points_text, shown_attempt
from coursekit.quiz.spec import parse_quiz

QUIZ = {
    "title": "t",
    "settings": {"grading_method": "highest"},
    "questions": [
        {"id": "s", "type": "single_choice", "text": "S?", "answer": "b",
         "options": [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}]},
        {"id": "m", "type": "multiple_choice", "text": "M?", "answer": ["a", "c"], "points": 2,
         "options": [{"id": "a", "text": "One"}, {"id": "b", "text": "Two"}, {"id": "c", "text": "Three"}]},
        {"id": "t", "type": "true_false", "text": "T?", "answer": False},
        {"id": "x", "type": "matching", "text": "X?", "answer": {"i": "p", "j": "q"},
         "items": [{"id": "i", "text": "Item I"}, {"id": "j", "text": "Item J"}],
         "choices": [{"id": "p", "text": "Choice P"}, {"id": "q", "text": "Choice Q"}]},
        {"id": "w", "type": "short_answer", "text": "W?", "answer": ["open days"]},
    ],
}


def _spec(method: str = "highest"):
    return parse_quiz({**QUIZ, "settings": {"grading_method": method}}, require_source=False)


def test_answers_are_told_in_the_options_words_never_their_ids():
    spec = _spec()
    assert describe_answer(spec.question("s"), "a") == "Alpha"
    assert describe_answer(spec.question("m"), ["c", "b"]) == "Three; Two"
    assert describe_answer(spec.question("t"), True) == "True"
    assert describe_answer(spec.question("x"), {"i": "q", "j": "p"}) == "Item I → Choice Q; Item J → Choice P"
    assert describe_answer(spec.question("w"), "  Open\n days ") == "Open days"


def test_missing_and_invalid_answers_are_named():
    spec = _spec()
    assert describe_answer(spec.question("s"), None) == NO_ANSWER
    assert describe_answer(spec.question("m"), []) == NO_ANSWER
    assert describe_answer(spec.question("w"), "   ") == NO_ANSWER
    assert describe_answer(spec.question("s"), "zz") == "(not a valid answer)"
    assert describe_answer(spec.question("s"), {"a": 1}) == "(not a valid answer)"


def test_a_long_short_answer_is_cut():
    shown = describe_answer(_spec().question("w"), "word " * 90)  # 450 characters, within the 500 allowed
    assert len(shown) == 300 and shown.endswith("…")


def test_the_shown_attempt_is_the_one_the_grade_comes_from():
    right = {"s": "b", "m": ["a", "c"], "t": False, "x": {"i": "p", "j": "q"}, "w": "open days"}
    worse = {"s": "a"}
    best_first = [Attempt(1, right), Attempt(2, worse), Attempt(3, worse)]
    assert shown_attempt(_spec("highest"), best_first).number == 1
    assert shown_attempt(_spec("last"), best_first).number == 3
    assert shown_attempt(_spec("first"), list(reversed(best_first))).number == 1
    assert shown_attempt(_spec("average"), best_first).number == 3
    tie = [Attempt(2, worse), Attempt(1, worse)]
    assert shown_attempt(_spec("highest"), tie).number == 1  # the earliest on a tie
    assert shown_attempt(_spec(), []) is None


def test_points_read_as_a_trainer_writes_them():
    assert points_text(1) == "1 point"
    assert points_text(2) == "2 points"
    assert points_text(4 / 3) == "1.33 points"
