"""Attempt limits and Moodle's grading methods (highest, average, first, last), worked by hand."""

from __future__ import annotations

import dataclasses

import pytest

from coursekit.quiz.attempts import (
    Attempt,
    AttemptLimitError,
    attempts_left,
    check_can_submit,
    counted_attempts,
    grade_attempts,
    total,
)
from coursekit.quiz.spec import Matching, MultipleChoice, QuizSpec, Settings, ShortAnswer, SingleChoice, TrueFalse


def _options(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "text": f"option {i}"} for i in ids]


SINGLE = SingleChoice(type="single_choice", id="single", text="t", options=_options("a", "b", "c"), answer="b")
MULTI = MultipleChoice(type="multiple_choice", id="multi", text="t", points=2,
                       options=_options("a", "b", "c", "d", "e"), answer=["a", "b", "c"])
TF = TrueFalse(type="true_false", id="tf", text="t", answer=False)
MATCH = Matching(type="matching", id="match", text="t", points=2, items=_options("x", "y", "z", "w"),
                 choices=_options("1", "2", "3", "4"), answer={"x": "1", "y": "2", "z": "3", "w": "4"})
SHORT = ShortAnswer(type="short_answer", id="short", text="t", answer=["MoU"])
SPEC = QuizSpec(title="q", questions=[SINGLE, MULTI, TF, MATCH, SHORT])  # 7 points

FULL = {"single": "b", "multi": ["a", "b", "c"], "tf": False, "match": dict(MATCH.answer), "short": "mou"}
HALF = {"single": "b", "tf": False, "match": {"x": "1"}}  # 1 + 1 + 0.5 = 2.5
NONE = {"single": "a"}                                      # 0
ZERO = {"single": 0.0, "multi": 0.0, "tf": 0.0, "match": 0.0, "short": 0.0}


def _spec(**settings) -> QuizSpec:
    return SPEC.model_copy(update={"settings": Settings(**settings)})


# --- limits -----------------------------------------------------------------------------------


def test_attempts_left():
    two = Settings(attempts=2)
    assert [attempts_left(two, n) for n in (0, 1, 2, 5)] == [2, 1, 0, 0]
    assert attempts_left(Settings(attempts="unlimited"), 0) is None
    assert attempts_left(Settings(), 1000) is None


def test_check_can_submit_refuses_once_the_limit_is_reached():
    check_can_submit(Settings(attempts=2), 0)
    check_can_submit(Settings(attempts=2), 1)
    with pytest.raises(AttemptLimitError) as info:
        check_can_submit(Settings(attempts=2), 2)
    assert str(info.value) == "no attempts left: 2 of 2 used"
    with pytest.raises(AttemptLimitError, match=r"^no attempts left: 1 of 1 used$"):
        check_can_submit(Settings(attempts=1), 1)
    with pytest.raises(AttemptLimitError, match=r"^no attempts left: 1 of 1 used$"):
        check_can_submit(Settings(attempts=1), 3)
    check_can_submit(Settings(), 1000)  # unlimited
    assert issubclass(AttemptLimitError, ValueError)


def test_counted_attempts_are_the_first_n_by_number():
    forged = [Attempt(3, FULL), Attempt(1, NONE), Attempt(2, HALF), Attempt(4, FULL)]
    assert [a.number for a in counted_attempts(Settings(attempts=2), forged)] == [1, 2]
    assert [a.number for a in counted_attempts(Settings(), forged)] == [1, 2, 3, 4]
    assert counted_attempts(Settings(attempts=3), []) == []


def test_attempt_is_frozen_with_optional_timestamp():
    attempt = Attempt(1, {"single": "b"})
    assert attempt.submitted_at is None
    assert Attempt(2, {}, "2026-01-01T10:00:00Z").submitted_at == "2026-01-01T10:00:00Z"
    with pytest.raises(dataclasses.FrozenInstanceError):
        attempt.number = 2  # type: ignore[misc]


# --- grading methods --------------------------------------------------------------------------


ATTEMPTS = [Attempt(1, HALF), Attempt(2, FULL), Attempt(3, NONE)]


def test_highest_takes_the_best_attempt():
    scores = grade_attempts(_spec(grading_method="highest"), ATTEMPTS)
    assert scores == {"single": 1.0, "multi": 2.0, "tf": 1.0, "match": 2.0, "short": 1.0}
    assert total(scores) == 7.0


def test_first_and_last_go_by_attempt_number_not_list_order():
    shuffled = [Attempt(3, NONE), Attempt(1, HALF), Attempt(2, FULL)]
    assert grade_attempts(_spec(grading_method="first"), shuffled) == {**ZERO, "single": 1.0, "tf": 1.0, "match": 0.5}
    assert grade_attempts(_spec(grading_method="last"), shuffled) == ZERO


def test_average_is_the_mean_per_question_so_totals_average_too():
    scores = grade_attempts(_spec(grading_method="average"), ATTEMPTS)
    assert scores == {"single": 0.666667, "multi": 0.666667, "tf": 0.666667, "match": 0.833333, "short": 0.333333}
    assert total(scores) == pytest.approx((2.5 + 7.0 + 0.0) / 3, abs=1e-5)


def test_method_argument_overrides_the_setting():
    spec = _spec(grading_method="highest")
    assert total(grade_attempts(spec, ATTEMPTS, "first")) == 2.5
    assert total(grade_attempts(spec, ATTEMPTS, "last")) == 0.0
    assert total(grade_attempts(spec, ATTEMPTS)) == 7.0
    with pytest.raises(ValueError, match="unknown grading method 'best'"):
        grade_attempts(spec, ATTEMPTS, "best")  # type: ignore[arg-type]


def test_highest_takes_the_earliest_attempt_on_a_tie():
    only_single = {"single": "b"}  # 1 point
    only_tf = {"tf": False}        # 1 point
    assert grade_attempts(_spec(), [Attempt(1, only_single), Attempt(2, only_tf)]) == {**ZERO, "single": 1.0}
    assert grade_attempts(_spec(), [Attempt(2, only_single), Attempt(1, only_tf)]) == {**ZERO, "tf": 1.0}


def test_no_attempt_scores_zero_for_every_question():
    for method in ("highest", "average", "first", "last"):
        assert grade_attempts(_spec(), [], method) == ZERO


def test_bad_learner_data_scores_zero_without_raising():
    bad = {"single": "zz", "multi": "oops", "tf": False, "match": {"q": "1"}, "short": 42, "ghost": "a"}
    assert grade_attempts(_spec(), [Attempt(1, bad)]) == {**ZERO, "tf": 1.0}
    assert grade_attempts(_spec(), [Attempt(1, None)]) == ZERO  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "expected"), [
    ("highest", 2.5),   # the full-marks attempt 3 is beyond the limit
    ("first", 0.0),
    ("last", 2.5),      # attempt 2, not attempt 3
    ("average", 1.25),  # (0 + 2.5) / 2
])
def test_attempts_beyond_the_limit_are_ignored(method, expected):
    attempts = [Attempt(3, FULL), Attempt(1, NONE), Attempt(2, HALF)]
    assert total(grade_attempts(_spec(attempts=2, grading_method=method), attempts)) == expected


def test_total_rounds_away_float_noise():
    assert total({"a": 0.1, "b": 0.2}) == 0.3
    assert total({}) == 0.0
