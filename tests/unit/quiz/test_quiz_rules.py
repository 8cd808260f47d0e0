"""Scoring, attempts, shuffle and navigation: every question type and rule, with numbers worked by hand."""

from pathlib import Path

import pytest
import yaml

from coursekit.quiz.attempts import (
    Attempt,
    AttemptLimitError,
    attempts_left,
    check_can_submit,
    counted_attempts,
    grade_attempts,
    total,
)
from coursekit.quiz.navigation import NavigationError, Navigator
from coursekit.quiz.scoring import AnswerError, is_answered, score_answers, score_question, validate_answer
from coursekit.quiz.shuffle import option_order
from coursekit.quiz.spec import (
    Matching,
    MultipleChoice,
    QuizSpec,
    Settings,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_quiz,
)

REPO = Path(__file__).resolve().parents[3]


def _options(*ids):
    return [{"id": i, "text": f"option {i}"} for i in ids]


SINGLE = SingleChoice(type="single_choice", id="single", text="t", options=_options("a", "b", "c"), answer="b")
MULTI = MultipleChoice(type="multiple_choice", id="multi", text="t", points=2,
                       options=_options("a", "b", "c", "d", "e"), answer=["a", "b", "c"])
MULTI_PENALTY = MultipleChoice(type="multiple_choice", id="multi-p", text="t", points=3,
                               options=_options("a", "b", "c", "d"), answer=["a", "b", "c"], penalty=0.5)
TF = TrueFalse(type="true_false", id="tf", text="t", answer=False)
MATCH = Matching(type="matching", id="match", text="t", points=2, items=_options("x", "y", "z", "w"),
                 choices=_options("1", "2", "3", "4"), answer={"x": "1", "y": "2", "z": "3", "w": "4"})
SHORT = ShortAnswer(type="short_answer", id="short", text="t", answer=["Memorandum of Understanding"])
SPEC = QuizSpec(title="q", questions=[SINGLE, MULTI, TF, MATCH, SHORT])  # 1 + 2 + 1 + 2 + 1 = 7 points


@pytest.mark.parametrize(("question", "answer", "points"), [
    (SINGLE, "b", 1.0), (SINGLE, "a", 0.0), (SINGLE, None, 0.0),
    (TF, False, 1.0), (TF, True, 0.0),
    (MULTI, ["a", "b", "c"], 2.0),            # every right pick: 3 × 2/3
    (MULTI, ["a"], 0.666667),                 # one right pick: 2/3
    (MULTI, ["a", "b", "d"], 0.333333),       # 2 × 2/3 - 1 × 2/2 (penalty = points / wrong options)
    (MULTI, ["a", "b", "c", "d", "e"], 0.0),  # ticking every box: 2 - 2 = 0
    (MULTI, ["d", "e"], 0.0),                 # floor at 0, never negative
    (MULTI, [], 0.0),
    (MULTI_PENALTY, ["a", "d"], 0.5),         # 1 - 0.5
    (MULTI_PENALTY, ["a", "b", "c", "d"], 2.5),
    (MATCH, {"x": "1", "y": "2", "z": "3", "w": "4"}, 2.0),
    (MATCH, {"x": "1", "y": "3"}, 0.5),       # one pair of four right
    (MATCH, {"x": "2", "y": "1"}, 0.0),
    (SHORT, "  memorandum   of UNDERSTANDING ", 1.0),
    (SHORT, "memorandum", 0.0),
])
def test_score_question(question, answer, points):
    assert score_question(question, answer) == pytest.approx(points, abs=1e-6)


@pytest.mark.parametrize(("question", "answer", "message"), [
    (SINGLE, "z", "question 'single': unknown option id 'z' (options: a, b, c)"),
    (SINGLE, ["a", "b"], "question 'single': expected one option id, got list (too many answers?)"),
    (SINGLE, True, "question 'single': expected one option id, got bool"),
    (MULTI, "a", "question 'multi': expected a list of option ids, got str"),
    (MULTI, ["a", "a"], "question 'multi': an option is picked twice"),
    (MULTI, ["a", "b", "c", "d", "e", "a"], "question 'multi': too many answers: 6 for 5 options"),
    (MULTI, ["a", 3], "question 'multi': unknown option id '3'"),
    (TF, 1, "question 'tf': expected true or false, got int"),
    (TF, "false", "question 'tf': expected true or false, got str"),
    (MATCH, {"q": "1"}, "question 'match': unknown item id 'q'"),
    (MATCH, {"x": "9"}, "question 'match': unknown choice id '9'"),
    (MATCH, ["x"], "question 'match': expected item -> choice pairs, got list"),
    (SHORT, 42, "question 'short': expected text, got int"),
    (SHORT, "x" * 501, "question 'short': answer longer than 500 characters"),
])
def test_bad_answers_give_clear_errors(question, answer, message):
    with pytest.raises(AnswerError) as info:
        validate_answer(question, answer)
    assert str(info.value).startswith(message)
    with pytest.raises(AnswerError):
        score_question(question, answer)


def test_is_answered():
    assert not any(is_answered(SINGLE, a) for a in (None, "", "  ", [], {}))
    assert all(is_answered(SINGLE, a) for a in ("a", ["a"], {"x": "1"}, False))


def test_score_answers_rejects_unknown_questions():
    assert sum(score_answers(SPEC, {"single": "b", "tf": False}).values()) == 2.0
    with pytest.raises(AnswerError, match="'nope': not in this quiz"):
        score_answers(SPEC, {"nope": "a"})


def _spec(**settings):
    return SPEC.model_copy(update={"settings": Settings(**settings)})


FULL = {"single": "b", "multi": ["a", "b", "c"], "tf": False, "match": dict(MATCH.answer),
        "short": "memorandum of understanding"}
HALF = {"single": "b", "tf": False, "match": {"x": "1"}}  # 1 + 1 + 0.5 = 2.5
NONE = {"single": "a"}                                      # 0


@pytest.mark.parametrize(("method", "expected"), [
    ("highest", 7.0), ("first", 2.5), ("last", 0.0), ("average", (2.5 + 7.0 + 0.0) / 3),
])
def test_grading_methods(method, expected):
    attempts = [Attempt(1, HALF), Attempt(2, FULL), Attempt(3, NONE)]
    assert total(grade_attempts(_spec(grading_method=method), attempts)) == pytest.approx(expected)


def test_highest_takes_the_earliest_best_attempt_on_a_tie():
    tie_a = {"single": "b"}
    tie_b = {"tf": False}
    scores = grade_attempts(_spec(), [Attempt(1, tie_a), Attempt(2, tie_b)])
    assert scores["single"] == 1.0 and scores["tf"] == 0.0


def test_no_attempt_scores_zero_and_bad_answers_score_zero_without_raising():
    assert total(grade_attempts(_spec(), [])) == 0.0
    scores = grade_attempts(_spec(), [Attempt(1, {"single": "zz", "tf": False, "multi": "oops"})])
    assert scores == {"single": 0.0, "multi": 0.0, "tf": 1.0, "match": 0.0, "short": 0.0}


def test_attempt_limits():
    two = Settings(attempts=2)
    assert attempts_left(two, 0) == 2 and attempts_left(two, 2) == 0
    assert attempts_left(Settings(), 50) is None
    check_can_submit(two, 1)
    with pytest.raises(AttemptLimitError, match="no attempts left: 2 of 2 used"):
        check_can_submit(two, 2)
    forged = [Attempt(3, FULL), Attempt(1, NONE), Attempt(2, HALF), Attempt(4, FULL)]
    assert [a.number for a in counted_attempts(two, forged)] == [1, 2]
    assert total(grade_attempts(_spec(attempts=2), forged)) == 2.5  # attempts beyond the limit are ignored


def test_shuffle_is_a_stable_permutation_that_differs_between_learners():
    question = SingleChoice(type="single_choice", id="q", text="t", options=_options(*"abcdefgh"), answer="a")
    first = option_order(question, "ada", "sec")
    assert first == option_order(question, "ada", "sec")
    assert sorted(first) == list("abcdefgh")
    assert len({tuple(option_order(question, f"learner{i}", "sec")) for i in range(10)}) > 1
    assert option_order(question, "ada", "other-section") != first or option_order(question, "bo", "sec") != first
    assert option_order(question, "ada", "sec", enabled=False) == list("abcdefgh")
    assert option_order(TF, "ada", "sec") == [] and sorted(option_order(MATCH, "ada", "sec")) == ["1", "2", "3", "4"]


def test_free_navigation():
    nav = Navigator(3)
    assert not nav.can_back and nav.can_next
    nav.next()
    nav.next()
    assert not nav.can_next and nav.can_back
    nav.back()
    nav.go(0)
    assert nav.index == 0 and nav.visited == {0, 1, 2}
    with pytest.raises(NavigationError, match="no question 4"):
        nav.go(3)


def test_sequential_navigation_allows_no_going_back_or_revisiting():
    nav = Navigator(3, "sequential")
    nav.next()
    assert not nav.can_back
    with pytest.raises(NavigationError, match="does not allow"):
        nav.back()
    with pytest.raises(NavigationError, match="does not allow"):
        nav.go(0)
    nav.next()
    with pytest.raises(NavigationError, match="does not allow"):
        nav.go(1)  # no revisiting
    assert nav.index == 2


@pytest.mark.parametrize("section", ["cooperation_networking", "networks_consortia"])
def test_real_quiz_keys_score_full_and_nothing_scores_zero(section):
    spec = parse_quiz(yaml.safe_load((REPO / "course" / section / "quiz.yml").read_text(encoding="utf-8")))
    keys = {q.id: (q.answer[0] if q.type == "short_answer" else q.answer) for q in spec.questions}
    assert total(score_answers(spec, keys)) == spec.max_points
    assert total(score_answers(spec, {})) == 0.0
