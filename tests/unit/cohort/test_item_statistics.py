"""Moodle's quiz statistics on small hand-worked cohorts, and the degenerate cases."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from coursekit.cohort.metrics import cronbach_alpha, distractor_stats, item_matrix, item_stats, section_stats


def _items(matrix: dict[str, list[float]], maxima: dict[str, float] | None = None, section: str = "s"):
    learners = [f"l{i}" for i in range(len(next(iter(matrix.values()))))]
    rows = [{"learner": learner, "section": section, "item": item, "score": scores[i],
             "max_score": (maxima or {}).get(item, 1.0)}
            for item, scores in matrix.items() for i, learner in enumerate(learners)]
    return pd.DataFrame(rows)


# Four learners, three one-point items:
#   q1: 1 1 1 0   q2: 1 1 0 0   q3: 1 0 0 0      totals: 3 2 1 0
# Sample variances: q1 0.25, q2 1/3, q3 0.25 (sum 5/6); totals 5/3.
# alpha = 3/2 × (1 - (5/6)/(5/3)) = 0.75. Facility q1 = 75 %, q2 = 50 %, q3 = 25 %.
# q1 against the rest (q2 + q3 = 2 1 0 0): deviations .25 .25 .25 -.75 and 1.25 .25 -.75 -.75,
# Σxy = .75, Σx² = .75, Σy² = 2.75, r = .75 / √(.75 × 2.75) = 0.522233 -> discrimination index 52.22.
HAND = {"q1": [1, 1, 1, 0], "q2": [1, 1, 0, 0], "q3": [1, 0, 0, 0]}


def test_hand_worked_section_statistics():
    stats = section_stats(_items(HAND)).iloc[0]
    assert stats["n"] == 4 and stats["max_points"] == 3
    assert stats["mean"] == pytest.approx(50.0)        # mean total 1.5 of 3
    assert stats["median"] == pytest.approx(50.0)
    assert stats["sd"] == pytest.approx(100 * math.sqrt(5 / 3) / 3)
    assert stats["cronbach_alpha"] == pytest.approx(0.75)
    assert stats["error_ratio"] == pytest.approx(50.0)  # 100 × √(1 - 0.75)
    assert stats["standard_error"] == pytest.approx(stats["sd"] * 0.5)
    assert stats["skewness"] == pytest.approx(0.0)      # totals 3 2 1 0 are symmetric
    assert stats["kurtosis"] == pytest.approx(-1.2)     # uniform 4 points: excess kurtosis -1.2
    assert stats["reason"] == ""


def test_hand_worked_item_statistics():
    stats = item_stats(_items(HAND)).set_index("item")
    assert stats.loc["q1", "facility"] == pytest.approx(75.0)
    assert stats.loc["q2", "facility"] == pytest.approx(50.0)
    assert stats.loc["q3", "facility"] == pytest.approx(25.0)
    assert stats.loc["q1", "sd"] == pytest.approx(50.0)
    assert stats.loc["q1", "discrimination_index"] == pytest.approx(52.2233, abs=1e-4)
    # q2 against the rest (q1 + q3 = 2 1 1 0): Σxy = 1, Σx² = 1, Σy² = 2, r = 1/√2
    assert stats.loc["q2", "discrimination_index"] == pytest.approx(70.7107, abs=1e-4)
    # q3 against the rest (q1 + q2 = 2 2 1 0): Σxy = .75, Σx² = .75, Σy² = 2.75, as for q1
    assert stats.loc["q3", "discrimination_index"] == pytest.approx(52.2233, abs=1e-4)
    # q1 and its rest are already in the same order: efficiency is 100 %
    assert stats.loc["q1", "discriminative_efficiency"] == pytest.approx(100.0)
    assert (stats["flags"] == "").all()


def test_partial_credit_items_use_their_maximum():
    items = _items({"q1": [2, 1, 0, 1], "q2": [1, 1, 0, 0]}, maxima={"q1": 2.0})
    stats = item_stats(items).set_index("item")
    assert stats.loc["q1", "facility"] == pytest.approx(50.0)  # mean 1 of 2
    assert section_stats(items).iloc[0]["max_points"] == 3.0


def test_alpha_matches_the_formula():
    rng = np.random.default_rng(1)
    matrix = pd.DataFrame(rng.integers(0, 2, size=(50, 6)).astype(float))
    k = matrix.shape[1]
    expected = k / (k - 1) * (1 - matrix.var(ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(matrix) == pytest.approx(expected)


def test_one_learner_gives_nan_with_a_reason():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        section = section_stats(_items({"q1": [1], "q2": [0]})).iloc[0]
        items = item_stats(_items({"q1": [1], "q2": [0]}))
    assert math.isnan(section["cronbach_alpha"]) and math.isnan(section["sd"])
    assert "fewer than 2 learners" in section["reason"]
    assert items["discrimination_index"].isna().all()
    assert (items["reason"] == "fewer than 2 learners").all()


def test_zero_variance_gives_nan_with_a_reason():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        items = item_stats(_items({"q1": [1, 1, 1], "q2": [1, 0, 1]})).set_index("item")
        section = section_stats(_items({"q1": [1, 1, 1], "q2": [1, 1, 1]})).iloc[0]
    assert math.isnan(items.loc["q1", "discrimination_index"])
    assert items.loc["q1", "reason"] == "zero variance"
    assert "too easy" in items.loc["q1", "flags"]
    assert section["reason"] == "zero variance in totals" and math.isnan(section["cronbach_alpha"])


def test_missing_answers_count_as_zero_and_are_reported():
    items = _items({"q1": [1, np.nan, 1, 0], "q2": [1, 1, 0, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = item_stats(items).set_index("item")
    assert stats.loc["q1", "answered"] == 3 and stats.loc["q2", "answered"] == 4
    assert stats.loc["q1", "facility"] == pytest.approx(50.0)
    matrix, maxima = item_matrix(items, "s")
    assert matrix.loc["l1", "q1"] == 0.0 and maxima["q1"] == 1.0


def test_single_item_section_has_no_alpha():
    section = section_stats(_items({"q1": [1, 0, 1]})).iloc[0]
    assert math.isnan(section["cronbach_alpha"]) and "fewer than 2 items" in section["reason"]


def test_miskeyed_item_shows_negative_discrimination():
    rng = np.random.default_rng(7)
    ability = rng.normal(0, 1, 300)
    scores = {}
    for i, difficulty in enumerate(np.linspace(-1, 1, 8)):
        p = 1 / (1 + np.exp(-1.7 * (ability - difficulty)))
        scores[f"q{i}"] = (rng.random(300) < p).astype(float).tolist()
    # a mis-keyed item: its "right" option is a distractor, picked less the stronger the learner
    p_wrong = 1 / (1 + np.exp(1.7 * ability))
    scores["bad"] = (rng.random(300) < p_wrong).astype(float).tolist()
    stats = item_stats(_items(scores)).set_index("item")
    flagged = stats.index[stats["flags"].str.contains("negative discrimination")].tolist()
    assert flagged == ["bad"]
    assert stats.loc["bad", "discrimination_index"] < -10


def test_distractor_shares_by_thirds():
    # six learners: totals rank l0 > l1 > ... > l5; thirds of 2: top {l0, l1}, bottom {l4, l5}
    totals = pd.DataFrame({"learner": [f"l{i}" for i in range(6)], "section": "s", "total": [6, 5, 4, 3, 2, 1]})
    choices = pd.DataFrame([
        ("l0", "a"), ("l1", "a"), ("l2", "a"), ("l3", "b"), ("l4", "b"), ("l5", "c"), ("l4", "c"),
    ], columns=["learner", "option"]).assign(section="s", item="q1")
    stats = distractor_stats(choices, totals).set_index("option")
    assert stats.loc["a", "picked_top"] == 2 and stats.loc["a", "picked_bottom"] == 0
    assert stats.loc["a", "share_top"] == 1.0 and stats.loc["a", "share_all"] == pytest.approx(0.5)
    assert stats.loc["b", "share_bottom"] == 0.5 and stats.loc["c", "share_bottom"] == 1.0
    assert (stats["n_top"] == 2).all() and (stats["n_bottom"] == 2).all()


def test_distractors_of_nothing_is_empty():
    empty = pd.DataFrame(columns=["learner", "section", "item", "option"])
    assert distractor_stats(empty, pd.DataFrame(columns=["learner", "section", "total"])).empty


def test_ten_thousand_learners_give_one_row_per_item_and_one_per_section():
    """Its speed is measured by benchmarks/item_statistics.py."""
    rng = np.random.default_rng(3)
    matrix = {f"q{i}": rng.integers(0, 2, 10_000).astype(float).tolist() for i in range(11)}
    items = _items(matrix)
    assert len(item_stats(items)) == 11
    assert section_stats(items)["n"].tolist() == [10_000]
