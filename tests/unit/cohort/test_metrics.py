"""Moodle's quiz statistics (coursekit.cohort.metrics): hand-worked numbers, degenerate cases, distractors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from coursekit.cohort.metrics import (
    DISTRACTOR_COLUMNS,
    ITEM_COLUMNS,
    SECTION_COLUMNS,
    cronbach_alpha,
    distractor_stats,
    item_matrix,
    item_stats,
    section_stats,
)


def _items(scores: dict[str, list[float]], maxima: dict[str, float] | None = None, section: str = "s",
           learners: list[str] | None = None) -> pd.DataFrame:
    """Tidy item scores from ``{item: [score of each learner]}`` (learners l0, l1, ... unless given)."""
    count = len(next(iter(scores.values())))
    learners = learners or [f"l{i}" for i in range(count)]
    return pd.DataFrame([
        {"learner": learner, "section": section, "item": item, "score": values[i],
         "max_score": (maxima or {}).get(item, 1.0)}
        for item, values in scores.items() for i, learner in enumerate(learners)
    ])


@pytest.fixture
def strict_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# Four learners a-d, three items; q3 is worth 2 points (max total 4):
#
#         q1  q2  q3 | total
#    a     1   1   2 |  4
#    b     1   1   1 |  3
#    c     0   1   0 |  1
#    d     1   0   0 |  1
#
# Totals: mean 9/4 = 2.25 -> 56.25 % of 4; median (1+3)/2 = 2 -> 50 %.
#   deviations 1.75 .75 -1.25 -1.25, squares sum 6.75, sample variance 6.75/3 = 2.25, SD 1.5 -> 37.5 %.
# Item sample variances: q1 (.75 .75 → SS .75) .25; q2 .25; q3 (mean .75, SS 2.75) 11/12. Sum 17/12.
#   alpha = 3/2 · (1 - (17/12)/(27/12)) = 3/2 · 10/27 = 5/9 = 0.5556.
#   error ratio = 100 √(1 - 5/9) = 100 · 2/3 = 66.667 %; standard error = 37.5 · 2/3 = 25 %.
# Skewness: z = dev/1.5 = 7/6, 1/2, -5/6, -5/6; Σz³ = (343 + 27 - 250)/216 = 5/9;
#   4/(3·2) · 5/9 = 10/27 = 0.370370.
# Kurtosis: Σz⁴ = (2401 + 81 + 625 + 625)/1296 = 3732/1296;
#   4·5/(3·2·1) · 3732/1296 - 3·3²/(2·1) = 9.598765 - 13.5 = -3.901235.
# Facility: q1 75 %, q2 75 %, q3 .75/2 = 37.5 %. SD: q1 100·√.25 = 50 %, q3 100·√(11/12)/2 = 47.871 %.
# q1 against the rest q2+q3 = 3 2 1 0: dx .25 .25 -.75 .25, dy 1.5 .5 -.5 -1.5;
#   Σdxdy = .375 + .125 + .375 - .375 = .5, Σdx² = .75, Σdy² = 5: r = .5/√3.75 = .258199 -> DI 25.82.
#   Sorted: x 0 1 1 1, rest 0 1 2 3: Σ = (-.75)(-1.5) + .25(-.5) + .25(.5) + .25(1.5) = 1.5 -> DE .5/1.5 = 33.33 %.
# q2 against q1+q3 = 3 2 0 1: dx .25 .25 .25 -.75, dy 1.5 .5 -1.5 -.5: Σdxdy = .5, same sums: DI 25.82, DE 33.33.
# q3 against q1+q2 = 2 2 1 1: dx 1.25 .25 -.75 -.75, dy .5 .5 -.5 -.5: Σdxdy = 1.5, Σdx² = 2.75, Σdy² = 1:
#   r = 1.5/√2.75 = .904534 -> DI 90.45; already in sorted order together -> DE 100 %.
HAND = {"q1": [1, 1, 0, 1], "q2": [1, 1, 1, 0], "q3": [2, 1, 0, 0]}
HAND_MAXIMA = {"q3": 2.0}


def _hand() -> pd.DataFrame:
    return _items(HAND, HAND_MAXIMA, learners=["a", "b", "c", "d"])


def test_item_matrix_fills_missing_with_zero_and_gives_maxima():
    items = _hand()
    items.loc[(items["learner"] == "b") & (items["item"] == "q2"), "score"] = np.nan
    items = items[~((items["learner"] == "c") & (items["item"] == "q3"))]  # no row at all
    matrix, maxima = item_matrix(items, "s")
    assert list(matrix.index) == ["a", "b", "c", "d"] and list(matrix.columns) == ["q1", "q2", "q3"]
    assert matrix.loc["b", "q2"] == 0.0 and matrix.loc["c", "q3"] == 0.0
    assert matrix.to_numpy().tolist() == [[1, 1, 2], [1, 0, 1], [0, 1, 0], [1, 0, 0]]
    assert maxima.to_dict() == {"q1": 1.0, "q2": 1.0, "q3": 2.0}
    empty, none = item_matrix(items, "no such section")
    assert empty.empty and none.empty


def test_hand_worked_section_statistics(strict_warnings):
    stats = section_stats(_hand())
    assert list(stats.columns) == SECTION_COLUMNS
    row = stats.iloc[0]
    assert row["section"] == "s" and row["n"] == 4 and row["items"] == 3 and row["max_points"] == 4.0
    assert row["mean"] == pytest.approx(56.25)
    assert row["median"] == pytest.approx(50.0)
    assert row["sd"] == pytest.approx(37.5)
    assert row["cronbach_alpha"] == pytest.approx(5 / 9)
    assert row["error_ratio"] == pytest.approx(66.6667, abs=1e-4)
    assert row["standard_error"] == pytest.approx(25.0)
    assert row["skewness"] == pytest.approx(0.370370, abs=1e-6)
    assert row["kurtosis"] == pytest.approx(-3.901235, abs=1e-6)
    assert row["reason"] == ""
    # the same sample formulas as pandas' bias-corrected skew and kurtosis
    totals = pd.Series([4.0, 3, 1, 1])
    assert row["skewness"] == pytest.approx(totals.skew()) and row["kurtosis"] == pytest.approx(totals.kurt())


def test_hand_worked_item_statistics(strict_warnings):
    stats = item_stats(_hand())
    assert list(stats.columns) == ITEM_COLUMNS
    stats = stats.set_index("item")
    assert stats["n"].tolist() == [4, 4, 4] and stats["answered"].tolist() == [4, 4, 4]
    assert stats["max_score"].tolist() == [1.0, 1.0, 2.0]
    assert stats["facility"].tolist() == pytest.approx([75.0, 75.0, 37.5])
    assert stats.loc["q1", "sd"] == pytest.approx(50.0)
    assert stats.loc["q3", "sd"] == pytest.approx(47.8714, abs=1e-4)
    assert stats["discrimination_index"].tolist() == pytest.approx([25.8199, 25.8199, 90.4534], abs=1e-4)
    assert stats["discriminative_efficiency"].tolist() == pytest.approx([100 / 3, 100 / 3, 100.0])
    assert (stats["flags"] == "").all() and (stats["reason"] == "").all()


def test_discrimination_is_the_correlation_with_the_rest_of_the_test():
    items = _hand()
    matrix, _ = item_matrix(items, "s")
    stats = item_stats(items).set_index("item")
    for item in matrix.columns:
        rest = matrix.sum(axis=1) - matrix[item]
        expected = 100 * np.corrcoef(matrix[item], rest)[0, 1]
        assert stats.loc[item, "discrimination_index"] == pytest.approx(expected)


def test_flags_follow_the_thresholds():
    stats = item_stats(_hand(), weak_discrimination=30).set_index("item")
    assert stats["flags"].to_dict() == {"q1": "weak discrimination", "q2": "weak discrimination", "q3": ""}
    stats = item_stats(_hand(), too_easy=70, too_hard=40).set_index("item")
    assert stats["flags"].to_dict() == {"q1": "too easy", "q2": "too easy", "q3": "too hard"}


def test_cronbach_alpha_formula_and_its_nan_cases(strict_warnings):
    matrix = pd.DataFrame(HAND, dtype=float)
    assert cronbach_alpha(matrix) == pytest.approx(5 / 9)
    rng = np.random.default_rng(1)
    random = pd.DataFrame(rng.integers(0, 3, size=(40, 5)).astype(float))
    k = random.shape[1]
    expected = k / (k - 1) * (1 - random.var(ddof=1).sum() / random.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(random) == pytest.approx(expected)
    assert math.isnan(cronbach_alpha(matrix[["q1"]]))               # one item
    assert math.isnan(cronbach_alpha(matrix.iloc[:1]))              # one learner
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0, 1], "b": [0.0, 0]})))  # no variance
    assert cronbach_alpha(pd.DataFrame({"a": [1.0, np.nan, 1, 0], "b": [1.0, 0, 0, 0]})) == pytest.approx(
        cronbach_alpha(pd.DataFrame({"a": [1.0, 0, 1, 0], "b": [1.0, 0, 0, 0]})))  # NaN counts as 0


def test_one_learner_gives_nan_with_reasons(strict_warnings):
    items = _items({"q1": [1], "q2": [0]})
    section = section_stats(items).iloc[0]
    assert section["n"] == 1 and section["mean"] == pytest.approx(50.0)
    for column in ("sd", "skewness", "kurtosis", "cronbach_alpha", "error_ratio", "standard_error"):
        assert math.isnan(section[column]), column
    assert section["reason"] == "fewer than 2 learners"
    stats = item_stats(items)
    assert stats["sd"].isna().all() and stats["discrimination_index"].isna().all()
    assert stats["discriminative_efficiency"].isna().all()
    assert (stats["reason"] == "fewer than 2 learners").all()
    assert stats["facility"].tolist() == [100.0, 0.0]


def test_two_and_three_learners_lack_skewness_or_kurtosis(strict_warnings):
    two = section_stats(_items({"q1": [1, 0], "q2": [1, 1]})).iloc[0]
    assert math.isnan(two["skewness"]) and math.isnan(two["kurtosis"])
    assert two["reason"] == "fewer than 3 learners: no skewness or kurtosis"
    assert not math.isnan(two["sd"])
    # totals 0 1 3: mean 4/3, sample variance 7/3; skewness 3/(2·1) · (60/27)/(7/3)^1.5 = 10√21/49 = 0.935220
    three = section_stats(_items({"q1": [0, 1, 1], "q2": [0, 0, 2]}, {"q2": 2.0})).iloc[0]
    assert three["skewness"] == pytest.approx(10 * math.sqrt(21) / 49)
    assert math.isnan(three["kurtosis"]) and three["reason"] == "fewer than 4 learners: no kurtosis"


def test_zero_variance_gives_nan_with_a_reason(strict_warnings):
    everyone_same = _items({"q1": [1, 1, 1, 1], "q2": [0, 0, 0, 0]})
    section = section_stats(everyone_same).iloc[0]
    assert section["sd"] == 0.0 and math.isnan(section["cronbach_alpha"]) and math.isnan(section["skewness"])
    assert section["reason"] == "zero variance in totals"
    stats = item_stats(everyone_same).set_index("item")
    assert stats["discrimination_index"].isna().all() and (stats["reason"] == "zero variance").all()
    assert stats.loc["q1", "flags"] == "too easy" and stats.loc["q2", "flags"] == "too hard"
    assert stats["sd"].tolist() == [0.0, 0.0]


def test_float_rounding_is_not_variance(strict_warnings):
    # 0.1 everywhere is constant even if its mean is not exactly 0.1
    stats = item_stats(_items({"q1": [0.1] * 7, "q2": [1, 0, 1, 1, 0, 0, 1]})).set_index("item")
    assert stats.loc["q1", "reason"] == "zero variance" and math.isnan(stats.loc["q1", "discrimination_index"])
    # totals 0.1+0.2, 0.3+0.0, 0.0+0.3 differ only by rounding
    section = section_stats(_items({"q1": [0.1, 0.3, 0.0], "q2": [0.2, 0.0, 0.3]})).iloc[0]
    assert section["reason"] == "zero variance in totals" and math.isnan(section["cronbach_alpha"])


def test_zero_variance_in_the_rest_of_the_test(strict_warnings):
    # q1 and q2 are the same, q3 the opposite: the rest of q1 (q2 + q3) is 1 for everyone.
    # q3 against its rest q1 + q2 = 2 2 0 0: r = -1, and sorted both ways the covariance is +2, actual -2.
    stats = item_stats(_items({"q1": [1, 1, 0, 0], "q2": [1, 1, 0, 0], "q3": [0, 0, 1, 1]})).set_index("item")
    assert stats.loc["q1", "reason"] == "zero variance in the rest of the test"
    assert math.isnan(stats.loc["q1", "discrimination_index"]) and stats.loc["q1", "flags"] == ""
    assert stats.loc["q3", "discrimination_index"] == pytest.approx(-100.0)
    assert stats.loc["q3", "discriminative_efficiency"] == pytest.approx(-100.0)
    assert stats.loc["q3", "flags"] == "negative discrimination" and stats.loc["q3", "reason"] == ""


def test_missing_answers_count_as_zero_and_are_reported(strict_warnings):
    items = _items({"q1": [1, np.nan, 1, 0], "q2": [1, 1, 0, 0], "q3": [np.nan] * 4})
    items = items[~((items["learner"] == "l3") & (items["item"] == "q2"))]  # l3 has no q2 row at all
    stats = item_stats(items).set_index("item")
    assert stats["answered"].to_dict() == {"q1": 3, "q2": 3, "q3": 0}
    assert stats.loc["q1", "facility"] == pytest.approx(50.0)  # 2 of 4 learners, the unanswered one as 0
    assert stats.loc["q3", "facility"] == 0.0 and stats.loc["q3", "flags"] == "too hard"
    assert stats.loc["q3", "reason"] == "not answered by anyone"
    assert math.isnan(stats.loc["q3", "discrimination_index"])
    section = section_stats(items).iloc[0]
    assert section["n"] == 4 and section["mean"] == pytest.approx(100 * 4 / 4 / 3)  # totals 2 1 1 0 of 3


def test_single_item_section(strict_warnings):
    section = section_stats(_items({"q1": [1, 0, 1, 1]})).iloc[0]
    assert math.isnan(section["cronbach_alpha"]) and math.isnan(section["error_ratio"])
    assert section["reason"] == "fewer than 2 items"
    assert not math.isnan(section["skewness"])
    stats = item_stats(_items({"q1": [1, 0, 1, 1]})).iloc[0]
    assert stats["reason"] == "fewer than 2 items" and math.isnan(stats["discrimination_index"])


def test_zero_maximum_gives_no_percentages(strict_warnings):
    items = _items({"q1": [1, 0, 1], "q2": [0, 0, 0]}, {"q1": 0.0, "q2": 0.0})
    section = section_stats(items).iloc[0]
    assert math.isnan(section["mean"]) and "maximum points not positive" in section["reason"]
    stats = item_stats(items).set_index("item")
    assert math.isnan(stats.loc["q1", "facility"]) and "max_score not positive" in stats.loc["q1", "reason"]


def test_several_sections_and_empty_input(strict_warnings):
    items = pd.concat([_hand(), _items({"q1": [1, 0], "q9": [0, 1]}, section="a")], ignore_index=True)
    assert section_stats(items)["section"].tolist() == ["a", "s"]
    assert item_stats(items)[["section", "item"]].values.tolist() == [
        ["a", "q1"], ["a", "q9"], ["s", "q1"], ["s", "q2"], ["s", "q3"]]
    assert item_stats(items).query("section == 's'")["facility"].tolist() == pytest.approx([75.0, 75.0, 37.5])
    empty = items.iloc[:0]
    assert section_stats(empty).empty and list(section_stats(empty).columns) == SECTION_COLUMNS
    assert item_stats(empty).empty and list(item_stats(empty).columns) == ITEM_COLUMNS
    with pytest.raises(ValueError, match="max_score"):
        item_stats(items.drop(columns="max_score"))


def test_miskeyed_item_is_the_one_with_negative_discrimination():
    rng = np.random.default_rng(2024)
    learners = 300
    ability = rng.normal(0.0, 1.0, learners)
    scores = {}
    for number, difficulty in enumerate(np.linspace(-1.2, 1.2, 9), start=1):
        p_right = 1 / (1 + np.exp(-1.7 * (ability - difficulty)))
        scores[f"q{number}"] = (rng.random(learners) < p_right).astype(float).tolist()
    # q5 is scored against a wrong key: its "right" answer is a distractor the weaker learners pick
    p_keyed = 1 / (1 + np.exp(1.7 * ability))
    scores["q5"] = (rng.random(learners) < p_keyed).astype(float).tolist()
    stats = item_stats(_items(scores)).set_index("item")
    negative = stats.index[stats["flags"].str.contains("negative discrimination")].tolist()
    assert negative == ["q5"]
    assert stats.loc["q5", "discrimination_index"] < -20
    assert (stats.drop(index="q5")["discrimination_index"] > 20).all()


# Section s, seven learners ranked by total (ties by id): a 9, b 8, c 8, d 5, e 3, f 3, g 1.
# n // 3 = 2: top {a, b} (b beats c on id), middle {c, d, e}, bottom {f, g} (e beats f on id).
# q1 (one option each): a A, b A (twice: counts once), c B, d A, e C, f B, g nothing.
#   A: top 2/2, bottom 0/2, all 3/7.  B: top 0, bottom 1/2 (f), all 2/7.  C: only e (middle), all 1/7.
# q2 (several options): a X and Y, g Y.   X: top 1/2.   Y: top 1/2, bottom 1/2, all 2/7.
# Section t, two learners: q (2) top, p (1) bottom. Section u, one learner: top only.
# "zz" is not in the totals and is ignored.
def test_distractor_shares_by_thirds(strict_warnings):
    totals = pd.DataFrame({
        "learner": ["a", "b", "c", "d", "e", "f", "g", "p", "q", "z"],
        "section": ["s"] * 7 + ["t", "t", "u"],
        "total": [9, 8, 8, 5, 3, 3, 1, 1, 2, 5],
    })
    choices = pd.DataFrame([
        ("a", "s", "q1", "A"), ("b", "s", "q1", "A"), ("b", "s", "q1", "A"), ("c", "s", "q1", "B"),
        ("d", "s", "q1", "A"), ("e", "s", "q1", "C"), ("f", "s", "q1", "B"),
        ("a", "s", "q2", "X"), ("a", "s", "q2", "Y"), ("g", "s", "q2", "Y"), ("zz", "s", "q1", "C"),
        ("p", "t", "q1", "A"), ("z", "u", "q1", "B"),
    ], columns=["learner", "section", "item", "option"])
    stats = distractor_stats(choices, totals)
    assert list(stats.columns) == DISTRACTOR_COLUMNS
    s = stats[stats["section"] == "s"].set_index(["item", "option"])
    assert s.index.tolist() == [("q1", "A"), ("q1", "B"), ("q1", "C"), ("q2", "X"), ("q2", "Y")]
    assert s["picked_top"].tolist() == [2, 0, 0, 1, 1]
    assert s["picked_bottom"].tolist() == [0, 1, 0, 0, 1]
    assert (s["n_top"] == 2).all() and (s["n_bottom"] == 2).all() and (s["note"] == "").all()
    assert s["share_top"].tolist() == [1.0, 0.0, 0.0, 0.5, 0.5]
    assert s["share_bottom"].tolist() == [0.0, 0.5, 0.0, 0.0, 0.5]
    assert s["share_all"].tolist() == pytest.approx([3 / 7, 2 / 7, 1 / 7, 1 / 7, 2 / 7])
    t = stats[stats["section"] == "t"].iloc[0]
    assert (t["picked_top"], t["picked_bottom"], t["n_top"], t["n_bottom"]) == (0, 1, 1, 1)
    assert t["share_all"] == 0.5 and "2 learners" in t["note"]
    u = stats[stats["section"] == "u"].iloc[0]
    assert (u["picked_top"], u["n_top"], u["n_bottom"]) == (1, 1, 0)
    assert math.isnan(u["share_bottom"]) and "1 learner" in u["note"]


def test_distractors_of_nothing_are_empty():
    none = pd.DataFrame(columns=["learner", "section", "item", "option"])
    stats = distractor_stats(none, pd.DataFrame({"learner": ["a"], "section": ["s"], "total": [1.0]}))
    assert stats.empty and list(stats.columns) == DISTRACTOR_COLUMNS


def test_ten_thousand_learners_two_sections_give_every_item_and_section():
    rng = np.random.default_rng(3)
    learners, items = 10_000, 11
    frames = []
    for section in ("s1", "s2"):
        scores = rng.integers(0, 2, size=(learners, items)).astype(float)
        scores[rng.random(scores.shape) < 0.05] = np.nan
        frames.append(pd.DataFrame({
            "learner": np.repeat([f"l{i:05d}" for i in range(learners)], items), "section": section,
            "item": np.tile([f"q{j:02d}" for j in range(items)], learners), "score": scores.ravel(),
            "max_score": 1.0,
        }))
    data = pd.concat(frames, ignore_index=True)
    stats, sections = item_stats(data), section_stats(data)  # its speed: benchmarks/item_statistics.py
    assert len(stats) == 22 and sections["n"].tolist() == [learners, learners]
