"""Option shares of a question drawn from a pool: counted over the learners given it, against hand-worked values."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from coursekit.cohort.metrics import distractor_stats
from coursekit.cohort.responses import GIVEN_COLUMNS, load_choices, load_given
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import parse_quiz, public_spec, spec_hash

# Six learners of section s, ranked by total: top third a, b; middle c, d; bottom e, f.
# Slot p draws p-a (for a, c, e) or p-b (for b, d, f); f1 is fixed. a also sent an answer to p-b, never drawn
# for a: it counts nothing.
#   learner total  p drawn  picked   f1
#   a       10     p-a      A        X   (and p-b: C, not drawn)
#   b        9     p-b      A        X
#   c        7     p-a      A        X
#   d        5     p-b      B        Y
#   e        3     p-a      B        Y
#   f        1     p-b      B        Y
TOTALS = pd.DataFrame({"learner": list("abcdef"), "section": ["s"] * 6, "total": [10.0, 9.0, 7.0, 5.0, 3.0, 1.0]})
CHOICES = pd.DataFrame([
    ("a", "s", "p-a", "A"), ("c", "s", "p-a", "A"), ("e", "s", "p-a", "B"),
    ("b", "s", "p-b", "A"), ("d", "s", "p-b", "B"), ("f", "s", "p-b", "B"), ("a", "s", "p-b", "C"),
    ("a", "s", "f1", "X"), ("b", "s", "f1", "X"), ("c", "s", "f1", "X"),
    ("d", "s", "f1", "Y"), ("e", "s", "f1", "Y"), ("f", "s", "f1", "Y"),
], columns=["learner", "section", "item", "option"])
GIVEN = pd.DataFrame([(who, "s", "p-a" if who in "ace" else "p-b") for who in "abcdef"],
                     columns=["learner", "section", "item"])


def test_a_pooled_questions_options_are_shared_among_the_learners_given_it():
    stats = distractor_stats(CHOICES, TOTALS, GIVEN).set_index(["item", "option"])
    assert ("p-b", "C") not in stats.index  # a's answer to a question a was not given
    # p-a was given to a (top), c (middle), e (bottom): 3 learners, 1 in each third
    a = stats.loc["p-a"]
    assert a["n_top"].tolist() == [1, 1] and a["n_bottom"].tolist() == [1, 1]
    assert a.loc["A", ["picked_top", "picked_bottom"]].tolist() == [1, 0]  # a and c picked A
    assert a["share_all"].tolist() == pytest.approx([2 / 3, 1 / 3])  # not 2/6 and 1/6 of the section
    assert a["share_top"].tolist() == [1.0, 0.0] and a["share_bottom"].tolist() == [0.0, 1.0]
    # point-biserial over a, c, e (totals 10, 7, 3): mean 20/3, sd √(74/9); A's pickers' mean 8.5, p = 2/3
    assert a.loc["A", "point_biserial"] == pytest.approx((8.5 - 20 / 3) / math.sqrt(74 / 9) * math.sqrt(2))
    # p-b was given to b (top), d (middle), f (bottom); totals 9, 5, 1: mean 5, sd √(32/3)
    b = stats.loc["p-b"]
    assert b["share_all"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert b["share_top"].tolist() == [1.0, 0.0] and b["share_bottom"].tolist() == [0.0, 1.0]
    assert b.loc["B", "point_biserial"] == pytest.approx((3 - 5) / math.sqrt(32 / 3) * math.sqrt(2))
    # the fixed question is shared among the whole section, as before
    f1 = stats.loc["f1"]
    assert f1["share_all"].tolist() == pytest.approx([0.5, 0.5])
    assert f1["n_top"].tolist() == [2, 2] and f1["share_top"].tolist() == [1.0, 0.0]
    assert f1.loc["X", "point_biserial"] == pytest.approx(
        distractor_stats(CHOICES, TOTALS).set_index(["item", "option"]).loc[("f1", "X"), "point_biserial"])


def test_without_the_draws_a_pooled_question_would_be_shared_among_the_whole_section():
    """What the draws change: the same counts divided by the section (the figures the dashboard showed before)."""
    stats = distractor_stats(CHOICES, TOTALS).set_index(["item", "option"])
    assert stats.loc["p-a", "share_all"].tolist() == pytest.approx([2 / 6, 1 / 6])
    assert ("p-b", "C") in stats.index


def test_a_learner_given_the_question_who_left_it_unanswered_still_counts():
    given = pd.concat([GIVEN, pd.DataFrame([("g", "s", "p-a")], columns=["learner", "section", "item"])])
    totals = pd.concat([TOTALS, pd.DataFrame({"learner": ["g"], "section": ["s"], "total": [0.0]})])
    stats = distractor_stats(CHOICES, totals, given).set_index(["item", "option"])
    assert stats.loc["p-a", "share_all"].tolist() == pytest.approx([2 / 4, 1 / 4])
    # seven learners: thirds of 2; g (0) joins f in the bottom third, e (3) moves to the middle
    assert stats.loc[("p-a", "B"), ["picked_bottom", "n_bottom"]].tolist() == [0, 1]


def test_the_given_table_must_name_its_columns():
    with pytest.raises(ValueError, match="given"):
        distractor_stats(CHOICES, TOTALS, GIVEN.drop(columns="item"))


SPEC = parse_quiz({"title": "Q", "questions": [
    {"slot": "p", "pool": [{"id": qid, "type": "single_choice", "text": qid, "answer": "a", "source": "x",
                            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
                           for qid in ("p-a", "p-b")]},
    {"id": "f", "type": "true_false", "text": "f", "answer": True, "source": "x"}]})


def _write(tmp_path, learner: str, answer_pool: bool, edit=None) -> str:
    """A learner's responses file as the widget saves it; returns the question drawn in slot p."""
    public = public_spec(SPEC, "s")
    session = QuizSession(public, empty_responses(learner, "s", spec_hash(public)),
                          clock=lambda: "2026-12-01T09:00:00.000+00:00")
    drawn = session.questions[0].id
    saved = session.set_answer("f", True)
    if answer_pool:
        saved = session.set_answer(drawn, "b")
    data = json.loads(saved.to_json())
    if edit:
        edit(data)
    folder = tmp_path / learner / "s" / "responses"
    folder.mkdir(parents=True)
    (folder / "s.json").write_text(json.dumps(data), encoding="utf-8")
    return drawn


def test_the_questions_given_are_read_from_the_draws_recorded_in_the_responses_files(tmp_path):
    drawn = {learner: _write(tmp_path, learner, answer_pool=learner != "bo") for learner in ("ada", "bo", "cy")}
    _write(tmp_path, "dee", True, edit=lambda data: data["in_progress"].pop("draw"))  # no draw: nothing given
    given = load_given(tmp_path, {"s": SPEC})
    assert list(given.columns) == GIVEN_COLUMNS
    # bo left the pooled question unanswered and is still given it; the fixed slot f gives no row
    assert sorted(map(tuple, given[["learner", "slot", "item"]].itertuples(index=False))) == [
        (learner, "p", drawn[learner]) for learner in ("ada", "bo", "cy")]
    assert set(given["attempt"]) == {1}
    choices = load_choices(tmp_path, {"s": SPEC})
    totals = pd.DataFrame({"learner": ["ada", "bo", "cy"], "section": "s", "total": [2.0, 1.0, 0.0]})
    stats = distractor_stats(choices, totals, given).set_index(["item", "option"])
    assert drawn == {"ada": "p-b", "bo": "p-b", "cy": "p-a"}  # the draw is deterministic
    assert stats.loc[("p-b", "b"), "share_all"] == 0.5  # ada of ada and bo (not 1/3 of the section)
    assert stats.loc[("p-a", "b"), "share_all"] == 1.0  # cy alone was given p-a


def test_a_quiz_without_pools_gives_nobody_a_drawn_question(tmp_path):
    fixed = parse_quiz({"title": "Q", "questions": [
        {"id": "f", "type": "true_false", "text": "f", "answer": True, "source": "x"}]})
    public = public_spec(fixed, "s")
    session = QuizSession(public, empty_responses("ada", "s", spec_hash(public)),
                          clock=lambda: "2026-12-01T09:00:00.000+00:00")
    folder = tmp_path / "ada" / "s" / "responses"
    folder.mkdir(parents=True)
    (folder / "s.json").write_text(session.set_answer("f", True).to_json(), encoding="utf-8")
    assert load_given(tmp_path, {"s": fixed}).empty
    assert len(load_choices(tmp_path, {"s": fixed})) == 1
