"""Statistics per slot and per question drawn, against hand-worked values; flags on synthetic cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit.cohort.metrics import item_stats, section_stats
from coursekit.cohort.variants import EASIER, HARDER, slot_items, variant_stats
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import parse_quiz

# Five learners; slot f is fixed, slot p draws p-a or p-b.
#   learner  f  p (drawn)   total
#   l1       1  1 (p-a)     2
#   l2       1  0 (p-a)     1
#   l3       0  1 (p-b)     1
#   l4       0  0 (p-b)     0
#   l5       0  1 (p-a)     1
ROWS = [("l1", "f", "f", 1), ("l1", "p", "p-a", 1), ("l2", "f", "f", 1), ("l2", "p", "p-a", 0),
        ("l3", "f", "f", 0), ("l3", "p", "p-b", 1), ("l4", "f", "f", 0), ("l4", "p", "p-b", 0),
        ("l5", "f", "f", 0), ("l5", "p", "p-a", 1)]
DRAWN = pd.DataFrame([(who, "s", slot, q, score, 1.0) for who, slot, q, score in ROWS],
                     columns=["learner", "section", "slot", "question", "score", "max_score"])


def test_per_question_drawn_facility_sd_and_discrimination_against_the_total():
    table = variant_stats(DRAWN).set_index(["slot", "question"])
    a, b = table.loc[("p", "p-a")], table.loc[("p", "p-b")]
    # p-a: scores 1, 0, 1 with totals 2, 1, 1: deviations (1/3, -2/3, 1/3) and (2/3, -1/3, -1/3),
    # co-deviation 1/3, squares 6/9 and 6/9, r = (1/3) / (6/9) = 0.5
    assert a["n"] == 3 and a["facility"] == pytest.approx(200 / 3) and a["discrimination_index"] == pytest.approx(50)
    assert a["sd"] == pytest.approx(100 * np.sqrt(1 / 3))  # sample SD of 1, 0, 1
    # p-b: scores 1, 0 with totals 1, 0: r = 1
    assert b["n"] == 2 and b["facility"] == 50 and b["discrimination_index"] == pytest.approx(100)
    assert a["slot_facility"] == 60 and a["siblings_n"] == 2 and a["siblings_facility"] == 50
    assert a["difference"] == pytest.approx(200 / 3 - 50) and a["flags"] == ""
    assert b["difference"] == pytest.approx(50 - 200 / 3)
    fixed = table.loc[("f", "f")]
    assert fixed["n"] == 5 and fixed["facility"] == 40 and np.isnan(fixed["siblings_facility"])
    assert np.isnan(fixed["difference"])


def test_cronbachs_alpha_is_taken_over_slots_as_moodle_does():
    # f: 1 1 0 0 0 (variance 0.3); p: 1 0 1 0 1 (variance 0.3); totals 2 1 1 0 1 (variance 0.5)
    # alpha = 2/1 · (1 - 0.6 / 0.5) = -0.4
    items = slot_items(DRAWN)
    assert section_stats(items).set_index("section").loc["s", "cronbach_alpha"] == pytest.approx(-0.4)
    per_slot = item_stats(items).set_index("item")
    assert list(per_slot.index) == ["f", "p"] and per_slot.loc["p", "facility"] == pytest.approx(60)


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="missing column"):
        variant_stats(DRAWN.drop(columns=["question"]))


def _cohort(facilities: dict[str, float], learners: int = 240, seed: int = 7) -> pd.DataFrame:
    """Learners drawn by the real draw; each answers its variant right with the given probability."""
    spec = parse_quiz({"title": "Q", "questions": [
        {"slot": "p", "pool": [{"id": qid, "type": "true_false", "text": qid, "answer": True, "source": "x"}
                               for qid in facilities]},
        {"id": "f", "type": "true_false", "text": "f", "answer": True, "source": "x"}]})
    rng = np.random.default_rng(seed)
    rows = []
    for n in range(learners):
        learner = f"learner{n}"
        drawn = draw_for_attempt(spec, learner, "s", 1)["p"]
        ability = rng.random()
        rows.append((learner, "s", "p", drawn, float(rng.random() < facilities[drawn]), 1.0))
        rows.append((learner, "s", "f", "f", float(ability < 0.7), 1.0))
    return pd.DataFrame(rows, columns=["learner", "section", "slot", "question", "score", "max_score"])


def test_a_deliberately_harder_variant_is_flagged_and_only_it():
    table = variant_stats(_cohort({"p-a": 0.75, "p-b": 0.75, "p-c": 0.3}))
    flags = dict(zip(table["question"], table["flags"], strict=True))
    assert flags == {"f": "", "p-a": "", "p-b": "", "p-c": HARDER}
    assert table.set_index("question").loc["p-c", "n"] >= 60  # the draw spread learners over the pool


def test_variants_of_equal_difficulty_are_not_flagged():
    for seed in range(5):
        table = variant_stats(_cohort({"p-a": 0.7, "p-b": 0.7, "p-c": 0.7}, seed=seed))
        assert set(table["flags"]) == {""}


def test_an_easier_variant_is_flagged_easier_but_not_with_too_few_learners():
    table = variant_stats(_cohort({"p-a": 0.7, "p-b": 0.7, "p-c": 0.98}))
    assert dict(zip(table["question"], table["flags"], strict=True)) == {"f": "", "p-a": "", "p-b": "", "p-c": EASIER}
    pair = variant_stats(_cohort({"p-a": 0.4, "p-b": 0.95}))  # two questions: which is off cannot be told
    assert dict(zip(pair["question"], pair["flags"], strict=True)) == {"f": "", "p-a": HARDER, "p-b": EASIER}
    few = variant_stats(_cohort({"p-a": 0.4, "p-b": 0.95}, learners=12))
    assert set(few["flags"]) == {""}


def test_the_drawn_questions_are_read_from_the_graded_responses_files(tmp_path):
    import json

    from coursekit.cohort.responses import load_drawn
    from coursekit.quiz.responses import empty_responses
    from coursekit.quiz.session import QuizSession
    from coursekit.quiz.spec import public_spec, spec_hash

    spec = parse_quiz({"title": "Q", "questions": [
        {"slot": "p", "pool": [{"id": qid, "type": "true_false", "text": qid, "answer": True, "source": "x"}
                               for qid in ("p-a", "p-b")]},
        {"id": "f", "type": "true_false", "text": "f", "answer": True, "source": "x"}]})
    public = public_spec(spec, "s")
    expected = []
    for n, learner in enumerate(["ada", "bo", "cy", "dee"]):
        session = QuizSession(public, empty_responses(learner, "s", spec_hash(public)),
                              clock=lambda: "2026-12-01T09:00:00.000+00:00")
        drawn = session.questions[0].id
        session.set_answer(drawn, n % 2 == 0)
        saved = session.set_answer("f", True)
        folder = tmp_path / learner / "s" / "responses"
        folder.mkdir(parents=True)
        text = saved.to_json()
        if learner == "dee":  # an edited draw: not graded, not counted here either
            data = json.loads(text)
            data["in_progress"]["draw"]["p"] = "p-b" if drawn == "p-a" else "p-a"
            text = json.dumps(data)
        else:
            expected += [(learner, "s", "p", drawn, float(n % 2 == 0), 1.0), (learner, "s", "f", "f", 1.0, 1.0)]
        (folder / "s.json").write_text(text, encoding="utf-8")
    loaded = load_drawn(tmp_path, {"s": spec})
    assert sorted(map(tuple, loaded.itertuples(index=False))) == sorted(expected)
    assert set(variant_stats(loaded)["question"]) >= {"f"}


def test_the_catalogue_lists_a_pool_as_one_item_under_its_slot():
    from coursekit.cohort.questions import question_catalogue

    spec = parse_quiz({"title": "Q", "questions": [
        {"id": "f", "type": "true_false", "text": "Fixed.", "answer": True, "source": "x"},
        {"slot": "p", "pool": [{"id": qid, "type": "true_false", "text": f"Text {qid}.", "answer": True,
                                "source": "x"} for qid in ("p-a", "p-b")]}]})
    catalogue = question_catalogue({"s": spec})
    assert catalogue[["item", "number", "text"]].values.tolist() == [
        ["f", 1, "Fixed."], ["p", 2, "Text p-a. (one of 2 questions drawn)"]]
