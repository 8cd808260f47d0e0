"""Scoring of every question type, answer validation with clear messages, and the real course quizzes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from coursekit.quiz.draw import draw_for_attempt, slot_scores
from coursekit.quiz.scoring import (
    MAX_TEXT,
    AnswerError,
    is_answered,
    score_answers,
    score_question,
    validate_answer,
)
from coursekit.quiz.spec import (
    Matching,
    MultipleChoice,
    QuizSpec,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_quiz,
)

REPO = Path(__file__).resolve().parents[3]
QUIZ_FILES = sorted((REPO / "course").glob("*/quiz.yml"))


def _options(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "text": f"option {i}"} for i in ids]


SINGLE = SingleChoice(type="single_choice", id="single", text="t", options=_options("a", "b", "c"), answer="b")
MULTI = MultipleChoice(type="multiple_choice", id="multi", text="t", points=2,
                       options=_options("a", "b", "c", "d", "e"), answer=["a", "b", "c"])
MULTI_PENALTY = MultipleChoice(type="multiple_choice", id="multi-p", text="t", points=3,
                               options=_options("a", "b", "c", "d"), answer=["a", "b", "c"], penalty=0.5)
TF = TrueFalse(type="true_false", id="tf", text="t", answer=False)
MATCH = Matching(type="matching", id="match", text="t", points=2, items=_options("x", "y", "z", "w"),
                 choices=_options("1", "2", "3", "4"), answer={"x": "1", "y": "2", "z": "3", "w": "4"})
SHORT = ShortAnswer(type="short_answer", id="short", text="t", answer=["Memorandum of Understanding", "MoU"])
SPEC = QuizSpec(title="q", questions=[SINGLE, MULTI, TF, MATCH, SHORT])  # 1 + 2 + 1 + 2 + 1 = 7 points


# --- scores, worked by hand -------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "points"), [("b", 1.0), ("a", 0.0), ("c", 0.0), (None, 0.0)])
def test_single_choice_is_all_or_nothing(answer, points):
    assert score_question(SINGLE, answer) == points


def test_single_choice_earns_its_points():
    q = SINGLE.model_copy(update={"points": 2.5})
    assert score_question(q, "b") == 2.5


@pytest.mark.parametrize(("answer", "points"), [(False, 1.0), (True, 0.0), (None, 0.0)])
def test_true_false_is_all_or_nothing(answer, points):
    assert score_question(TF, answer) == points


@pytest.mark.parametrize(("answer", "points"), [
    (["a", "b", "c"], 2.0),            # every right pick: 3 × 2/3
    (["c", "b", "a"], 2.0),            # order does not matter
    (["a"], 0.666667),                 # one right pick: 2/3
    (["a", "c"], 1.333333),
    (["a", "b", "d"], 0.333333),       # 2 × 2/3 - 1 × 2/2 (default penalty = points / wrong options)
    (["a", "b", "c", "d"], 1.0),       # 2 - 1
    (["a", "b", "c", "d", "e"], 0.0),  # ticking every box: 2 - 2 = 0
    (["d", "e"], 0.0),                 # floor at 0, never negative
    (["a", "d", "e"], 0.0),            # 2/3 - 2 floors at 0
    ([], 0.0),
    (None, 0.0),
])
def test_multiple_choice_partial_credit_with_default_penalty(answer, points):
    assert score_question(MULTI, answer) == points


@pytest.mark.parametrize(("answer", "points"), [
    (["a", "b", "c"], 3.0),
    (["a", "d"], 0.5),                 # 1 - 0.5
    (["a", "b", "c", "d"], 2.5),       # 3 - 0.5: the explicit penalty, not 3 / 1
    (["d"], 0.0),                      # floor
])
def test_multiple_choice_explicit_penalty(answer, points):
    assert score_question(MULTI_PENALTY, answer) == points


def test_multiple_choice_without_wrong_options_and_zero_penalty_reach_but_never_pass_the_cap():
    all_right = MultipleChoice(type="multiple_choice", id="all", text="t", points=0.7,
                               options=_options("a", "b", "c"), answer=["a", "b", "c"])
    assert score_question(all_right, ["a", "b", "c"]) == 0.7  # 3 × 0.7/3 rounds back to exactly 0.7
    assert score_question(all_right, ["a"]) == 0.233333
    free_picks = MULTI.model_copy(update={"penalty": 0.0})
    assert score_question(free_picks, ["a", "b", "c", "d", "e"]) == 2.0


@pytest.mark.parametrize("question", [MULTI, MULTI_PENALTY])
def test_multiple_choice_every_subset_scores_within_zero_and_points(question):
    ids = [o.id for o in question.options]
    for size in range(len(ids) + 1):
        for picks in itertools.combinations(ids, size):
            assert 0.0 <= score_question(question, list(picks)) <= question.points


@pytest.mark.parametrize(("answer", "points"), [
    ({"x": "1", "y": "2", "z": "3", "w": "4"}, 2.0),
    ({"x": "1", "y": "3"}, 0.5),                 # one pair of four right: 2/4
    ({"x": "1", "y": "2", "z": "3"}, 1.5),       # an item left out earns nothing
    ({"x": "1", "y": "1"}, 0.5),                 # a choice used twice is allowed, right once
    ({"x": "2", "y": "1", "z": "4", "w": "3"}, 0.0),
    ({"x": "1", "y": None}, 0.5),                # a None choice is an unanswered item
    ({}, 0.0),
])
def test_matching_credit_per_right_pair(answer, points):
    assert score_question(MATCH, answer) == points


@pytest.mark.parametrize(("answer", "points"), [
    ("Memorandum of Understanding", 1.0),
    ("  memorandum   of UNDERSTANDING ", 1.0),
    ("Memorandum\tof\nunderstanding", 1.0),
    ("mou", 1.0),
    ("MEMORANDUM OF UNDERSTANDING.", 1.0),       # a full stop at the end is ignored
    ("memorandum", 0.0),
    ("memorandum of", 0.0),
    ("", 0.0),
])
def test_short_answer_ignores_case_spaces_and_end_punctuation(answer, points):
    assert score_question(SHORT, answer) == points


def test_short_answer_normalises_accepted_answers_too():
    q = ShortAnswer(type="short_answer", id="s", text="t", points=2, answer=["  Quality   MARK "])
    assert score_question(q, "quality mark") == 2.0


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "answer", "message"), [
    (SINGLE, "z", "question 'single': unknown option id 'z' (options: a, b, c)"),
    (SINGLE, ["a"], "question 'single': expected one option id, got list (too many answers?)"),
    (SINGLE, ["a", "b"], "question 'single': expected one option id, got list (too many answers?)"),
    (SINGLE, True, "question 'single': expected one option id, got bool"),
    (SINGLE, 1, "question 'single': expected one option id, got int"),
    (MULTI, "a", "question 'multi': expected a list of option ids, got str"),
    (MULTI, {"a": True}, "question 'multi': expected a list of option ids, got dict"),
    (MULTI, ["a", "z"], "question 'multi': unknown option id 'z' (options: a, b, c, d, e)"),
    (MULTI, ["a", 3], "question 'multi': unknown option id '3' (options: a, b, c, d, e)"),
    (MULTI, ["a", "a"], "question 'multi': an option is picked twice"),
    (MULTI, ["a", "b", "c", "d", "e", "a"], "question 'multi': too many answers: 6 for 5 options"),
    (TF, 1, "question 'tf': expected true or false, got int"),
    (TF, 0, "question 'tf': expected true or false, got int"),
    (TF, "false", "question 'tf': expected true or false, got str"),
    (MATCH, ["x"], "question 'match': expected item -> choice pairs, got list"),
    (MATCH, {"q": "1"}, "question 'match': unknown item id 'q' (items: x, y, z, w)"),
    (MATCH, {"q": None}, "question 'match': unknown item id 'q' (items: x, y, z, w)"),
    (MATCH, {"x": "9"}, "question 'match': unknown choice id '9' (choices: 1, 2, 3, 4)"),
    (SHORT, 42, "question 'short': expected text, got int"),
    (SHORT, ["mou"], "question 'short': expected text, got list"),
    (SHORT, "x" * (MAX_TEXT + 1), "question 'short': answer longer than 500 characters"),
])
def test_bad_answers_raise_with_the_question_id_and_the_problem(question, answer, message):
    with pytest.raises(AnswerError) as info:
        validate_answer(question, answer)
    assert str(info.value) == message
    with pytest.raises(AnswerError) as info:
        score_question(question, answer)
    assert str(info.value) == message


def test_answer_error_is_a_value_error():
    assert issubclass(AnswerError, ValueError)


@pytest.mark.parametrize("question", [SINGLE, MULTI, TF, MATCH, SHORT])
def test_none_is_always_a_valid_unanswered_answer(question):
    assert validate_answer(question, None) is None
    assert score_question(question, None) == 0.0


def test_validate_answer_normalises():
    assert validate_answer(SINGLE, "a") == "a"
    assert validate_answer(MULTI, ("b", "a")) == ["b", "a"]
    assert validate_answer(MULTI, []) == []
    assert validate_answer(TF, True) is True
    assert validate_answer(MATCH, {"x": "1", "y": None}) == {"x": "1"}
    assert validate_answer(SHORT, "x" * MAX_TEXT) == "x" * MAX_TEXT


def test_is_answered():
    assert [is_answered(SINGLE, a) for a in (None, "", "   ", [], {})] == [False] * 5
    assert [is_answered(TF, a) for a in (False, True)] == [True, True]
    assert is_answered(SINGLE, "a") and is_answered(MULTI, ["a"]) and is_answered(MATCH, {"x": "1"})


# --- whole quizzes ----------------------------------------------------------------------------


def test_score_answers_scores_every_question_and_missing_ones_zero():
    scores = score_answers(SPEC, {"single": "b", "multi": ["a"], "tf": True})
    assert scores == {"single": 1.0, "multi": 0.666667, "tf": 0.0, "match": 0.0, "short": 0.0}
    assert list(scores) == ["single", "multi", "tf", "match", "short"]
    assert score_answers(SPEC, {}) == dict.fromkeys(scores, 0.0)


def test_score_answers_rejects_unknown_questions_and_bad_answers():
    with pytest.raises(AnswerError) as info:
        score_answers(SPEC, {"single": "b", "nope": "a"})
    assert str(info.value) == "question 'nope': not in this quiz"
    with pytest.raises(AnswerError, match=r"^question 'tf': expected true or false, got str$"):
        score_answers(SPEC, {"tf": "yes"})


def _key_answer(question):
    return question.answer[0] if question.type == "short_answer" else question.answer


def test_the_course_has_quizzes():
    assert len(QUIZ_FILES) >= 1


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.parent.name)
def test_real_quiz_key_scores_full_marks_and_nothing_scores_zero(path):
    spec = parse_quiz(yaml.safe_load(path.read_text(encoding="utf-8")), origin=str(path))
    keys = {q.id: _key_answer(q) for q in spec.questions}
    scores = score_answers(spec, keys)
    assert scores == {q.id: q.points for q in spec.questions}
    assert any(slot.pooled for slot in spec.quiz_slots)
    longest = max(len(slot.questions) for slot in spec.quiz_slots)
    for number in range(1, longest + 1):  # every question of every pool is drawn once in these attempts
        draw = draw_for_attempt(spec, "ada", path.parent.name, number)
        assert sum(slot_scores(spec, draw, keys).values()) == pytest.approx(spec.max_points)
    assert spec.max_points > 0
    assert sum(score_answers(spec, {}).values()) == 0.0
    assert sum(score_answers(spec, dict.fromkeys(keys)).values()) == 0.0
