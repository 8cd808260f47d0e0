"""Effective weight, weight ratio, alpha if item deleted and point-biserial per option: hand-worked numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coursekit.cohort.metrics import cronbach_alpha, distractor_stats, item_matrix, item_stats


def _scores(rows: dict[str, list[float]], maxima: dict[str, float]) -> pd.DataFrame:
    learners = ["a", "b", "c", "d"]
    return pd.DataFrame([{"learner": learner, "section": "s", "item": item, "score": values[i],
                          "max_score": maxima[item]} for item, values in rows.items()
                         for i, learner in enumerate(learners)])


# Four learners, three items (maxima 1, 1, 2): a 1 1 2 (T 4), b 1 0 2 (3), c 0 1 0 (1), d 0 0 0 (0).
# Mean T 2, deviations 2 1 -1 -2. cov(x1, T) = (.5·2 + .5·1 + .5·1 + .5·2)/3 = 1; cov(x2, T) = (1 - .5 - .5 + 1)/3
# = 1/3; cov(x3, T) = (2 + 1 + 1 + 2)/3 = 2 (they add up to var(T) = 10/3).
# Effective weight 100·√cov / Σ√cov: √1, √(1/3), √2 over 2.99156 → 33.43, 19.30, 47.27 %; intended 25, 25, 50 %.
# Item variances 1/3, 1/3, 4/3 (Σ 2). Without x1: rest 3 2 1 0, var 5/3, alpha 2·(1 - (5/3)/(5/3)) = 0.
# Without x2: rest 3 3 0 0, var 3, alpha 2·(1 - (5/3)/3) = 8/9. Without x3: rest 2 1 1 0, var 2/3, alpha 0.
HAND = _scores({"q1": [1, 1, 0, 0], "q2": [1, 0, 1, 0], "q3": [2, 2, 0, 0]}, {"q1": 1, "q2": 1, "q3": 2})


def test_effective_and_intended_weight_by_hand():
    stats = item_stats(HAND).set_index("item")
    root_sum = 1 + math.sqrt(1 / 3) + math.sqrt(2)
    assert stats["intended_weight"].tolist() == pytest.approx([25, 25, 50])
    assert stats["effective_weight"].tolist() == pytest.approx(
        [100 / root_sum, 100 * math.sqrt(1 / 3) / root_sum, 100 * math.sqrt(2) / root_sum])
    assert stats["effective_weight"].tolist() == pytest.approx([33.428, 19.299, 47.273], abs=1e-3)
    assert stats["weight_ratio"].tolist() == pytest.approx([33.428 / 25, 19.299 / 25, 47.273 / 50], abs=1e-4)


def test_alpha_if_item_deleted_by_hand_and_against_the_smaller_matrix():
    stats = item_stats(HAND).set_index("item")
    assert stats["alpha_if_deleted"].tolist() == pytest.approx([0, 8 / 9, 0], abs=1e-12)
    matrix, _ = item_matrix(HAND, "s")
    for item in matrix.columns:
        assert stats.loc[item, "alpha_if_deleted"] == pytest.approx(cronbach_alpha(matrix.drop(columns=item)))


def test_an_item_moving_against_the_total_has_no_effective_weight():
    # q3 is right exactly for the weakest: cov(q3, T) < 0; the others share the weight between them.
    scores = _scores({"q1": [1, 1, 0, 0], "q2": [1, 1, 1, 0], "q3": [0, 0, 0, 1]}, {"q1": 1, "q2": 1, "q3": 1})
    stats = item_stats(scores).set_index("item")
    assert math.isnan(stats.loc["q3", "effective_weight"]) and math.isnan(stats.loc["q3", "weight_ratio"])
    assert stats.loc[["q1", "q2"], "effective_weight"].sum() == pytest.approx(100)


def test_alpha_if_deleted_needs_three_items():
    stats = item_stats(_scores({"q1": [1, 1, 0, 0], "q2": [1, 0, 1, 0]}, {"q1": 1, "q2": 1}))
    assert stats["alpha_if_deleted"].isna().all()
    assert stats["intended_weight"].tolist() == [50, 50]


# Totals a 4, b 3, c 1, d 0: mean 2, population SD √(10/4) = 1.5811.
# X picked by a, b: M1 3.5, p 1/2: (3.5 - 2)/1.5811 · √1 = 0.9487 (Pearson of 1 1 0 0 with 4 3 1 0: same).
# Y picked by c: M1 1, p 1/4: (1 - 2)/1.5811 · √(1/3) = -0.3651 = -1/√7.5. Z picked by everyone: NaN.
def test_point_biserial_per_option_by_hand():
    totals = pd.DataFrame({"learner": ["a", "b", "c", "d"], "section": "s", "total": [4, 3, 1, 0]})
    picks = [("a", "s", "q", "X"), ("b", "s", "q", "X"), ("c", "s", "q", "Y"), *[(w, "s", "r", "Z") for w in "abcd"]]
    choices = pd.DataFrame(picks, columns=["learner", "section", "item", "option"])
    stats = distractor_stats(choices, totals).set_index(["item", "option"])["point_biserial"]
    assert stats[("q", "X")] == pytest.approx(1.5 / math.sqrt(2.5))
    assert stats[("q", "X")] == pytest.approx(0.94868, abs=1e-5)
    assert stats[("q", "Y")] == pytest.approx(-1 / math.sqrt(7.5))
    assert math.isnan(stats[("r", "Z")])
