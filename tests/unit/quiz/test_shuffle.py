"""Per-learner option order: a permutation, stable for one learner, section and question, varied across them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coursekit.quiz.shuffle import option_order
from coursekit.quiz.spec import Matching, MultipleChoice, ShortAnswer, SingleChoice, TrueFalse

IDS = list("abcdefgh")


def _options(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "text": f"option {i}"} for i in ids]


def _single(qid: str = "q") -> SingleChoice:
    return SingleChoice(type="single_choice", id=qid, text="t", options=_options(*IDS), answer="a")


MULTI = MultipleChoice(type="multiple_choice", id="m", text="t", options=_options(*IDS), answer=["a", "b"])
MATCH = Matching(type="matching", id="match", text="t", items=_options("x", "y"),
                 choices=_options("1", "2", "3", "4", "5"), answer={"x": "1", "y": "2"})
TF = TrueFalse(type="true_false", id="tf", text="t", answer=True)
SHORT = ShortAnswer(type="short_answer", id="s", text="t", answer=["x"])


def test_order_is_stable_across_calls():
    q = _single()
    first = option_order(q, "ada", "sec")
    assert all(option_order(q, "ada", "sec") == first for _ in range(5))
    assert option_order(_single(), "ada", "sec") == first  # an equal question object, same order


def test_order_is_pinned_so_a_learner_never_sees_options_move_between_releases():
    # sha256("sec/ada/q") seeds random.Random; changing the derivation reorders every learner's options.
    assert option_order(_single(), "ada", "sec") == ["e", "b", "c", "a", "h", "f", "g", "d"]


@pytest.mark.parametrize("question", [_single(), MULTI])
def test_order_is_a_permutation_of_the_options(question):
    for learner in ("ada", "bo", "cy"):
        order = option_order(question, learner, "sec")
        assert sorted(order) == IDS and len(order) == len(IDS)


def test_matching_shuffles_the_choices():
    order = option_order(MATCH, "ada", "sec")
    assert sorted(order) == ["1", "2", "3", "4", "5"]
    assert option_order(MATCH, "ada", "sec", enabled=False) == ["1", "2", "3", "4", "5"]


def test_order_differs_across_learners_sections_and_questions():
    q = _single()
    assert len({tuple(option_order(q, f"learner{i}", "sec")) for i in range(10)}) > 1
    assert len({tuple(option_order(q, "ada", f"section{i}")) for i in range(10)}) > 1
    assert len({tuple(option_order(_single(f"q{i}"), "ada", "sec")) for i in range(10)}) > 1


def test_disabled_keeps_the_authored_order():
    assert option_order(_single(), "ada", "sec", enabled=False) == IDS
    assert option_order(MULTI, "ada", "sec", enabled=False) == IDS


@pytest.mark.parametrize("question", [TF, SHORT])
@pytest.mark.parametrize("enabled", [True, False])
def test_questions_without_options_have_no_order(question, enabled):
    assert option_order(question, "ada", "sec", enabled) == []


def test_shuffling_does_not_touch_the_question():
    q = _single()
    option_order(q, "ada", "sec")
    assert [o.id for o in q.options] == IDS


def test_order_does_not_depend_on_the_hash_seed():
    code = ("from coursekit.quiz.shuffle import option_order\n"
            "from coursekit.quiz.spec import SingleChoice\n"
            "q = SingleChoice(type='single_choice', id='q', text='t', answer='a',\n"
            "                 options=[{'id': i, 'text': i} for i in 'abcdefgh'])\n"
            "print(''.join(option_order(q, 'ada', 'sec')))\n")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outputs.add(result.stdout.strip())
    assert outputs == {"".join(option_order(_single(), "ada", "sec"))}


@pytest.mark.parametrize("question", [
    SingleChoice(type="single_choice", id="fixed", text="t", options=_options(*IDS), answer="a", shuffle=False),
    MultipleChoice(type="multiple_choice", id="fixed", text="t", options=_options(*IDS), answer=["a"],
                   shuffle=False),
    Matching(type="matching", id="fixed", text="t", items=_options("x", "y"), choices=_options(*IDS),
             answer={"x": "a", "y": "b"}, shuffle=False),
])
def test_a_question_with_shuffle_off_keeps_its_authored_order_for_every_learner(question) -> None:
    assert {tuple(option_order(question, f"learner{n}", "s", True)) for n in range(20)} == {tuple(IDS)}
    shuffled = question.model_copy(update={"shuffle": None})
    assert len({tuple(option_order(shuffled, f"learner{n}", "s", True)) for n in range(20)}) > 1
