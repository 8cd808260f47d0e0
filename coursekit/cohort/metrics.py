"""Moodle's quiz statistics, in pandas/numpy (no Jupyter, no SQL).

Definitions follow Moodle's "Quiz statistics calculations". For a section with
items i = 1..k, learner scores x_i, item maximum m_i, test total T = Σ x_i and
maximum M = Σ m_i; SDs and variances are sample ones (n - 1), as in Moodle:

* mean, median, SD of T in percent of M; skewness
  ``n / ((n-1)(n-2)) Σ ((T - T̄)/s)³``; excess kurtosis
  ``n(n+1) / ((n-1)(n-2)(n-3)) Σ ((T - T̄)/s)⁴ - 3(n-1)² / ((n-2)(n-3))``;
* Cronbach's alpha (Moodle's coefficient of internal consistency)
  ``k/(k-1) (1 - Σ var(x_i) / var(T))``; error ratio ``100 √(1 - alpha)``;
  standard error ``SD × √(1 - alpha)`` (percent of M);
* facility index ``100 mean(x_i) / m_i``; item SD in percent of m_i;
* discrimination index ``100 r(x_i, T - x_i)`` (the item against the rest of the
  test); discriminative efficiency ``100 cov(x_i, T - x_i) / cov_max``, where
  ``cov_max`` is the covariance of both sorted (the most the data allow).

Degenerate cases (one learner, no variance, fewer than two items) give NaN and
a ``reason``, never an exception or a numpy warning. Missing scores (NaN:
question not answered) count as 0 in totals and are reported in ``answered``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ITEM_COLUMNS = ["section", "item", "n", "answered", "max_score", "facility", "sd", "discrimination_index",
                "discriminative_efficiency", "flags", "reason"]
SECTION_COLUMNS = ["section", "n", "items", "max_points", "mean", "median", "sd", "skewness", "kurtosis",
                   "cronbach_alpha", "error_ratio", "standard_error", "reason"]
DISTRACTOR_COLUMNS = ["section", "item", "option", "picked_top", "picked_bottom", "n_top", "n_bottom", "share_top",
                      "share_bottom", "share_all"]


def item_matrix(items: pd.DataFrame, section: str) -> tuple[pd.DataFrame, pd.Series]:
    """Learners × items score matrix of one section (missing = 0) and each item's maximum."""
    part = items[items["section"] == section]
    matrix = part.pivot_table(index="learner", columns="item", values="score", aggfunc="sum", fill_value=0.0,
                              dropna=False)
    matrix = matrix.fillna(0.0).astype(float)
    maxima = part.groupby("item")["max_score"].max().reindex(matrix.columns).astype(float)
    return matrix, maxima


def cronbach_alpha(matrix: pd.DataFrame) -> float:
    """Cronbach's alpha of a learners × items matrix (NaN with < 2 items, < 2 learners or no variance)."""
    n, k = matrix.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = matrix.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_var))


def _moments(totals: np.ndarray) -> tuple[float, float]:
    n = len(totals)
    s = totals.std(ddof=1) if n > 1 else 0.0
    if n < 3 or s == 0:
        return float("nan"), float("nan")
    z = (totals - totals.mean()) / s
    skew = n / ((n - 1) * (n - 2)) * float((z**3).sum())
    if n < 4:
        return skew, float("nan")
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * float((z**4).sum()) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    return skew, kurt


def section_stats(items: pd.DataFrame) -> pd.DataFrame:
    """One row per section: n, mean/median/SD (% of max), skewness, kurtosis, alpha, error ratio, SE."""
    rows = []
    for section in sorted(items["section"].unique()):
        matrix, maxima = item_matrix(items, section)
        n, k = matrix.shape
        max_points = float(maxima.sum())
        totals = matrix.sum(axis=1).to_numpy()
        reasons = []
        sd = float(totals.std(ddof=1)) if n > 1 else float("nan")
        if n < 2:
            reasons.append("fewer than 2 learners")
        elif sd == 0:
            reasons.append("zero variance in totals")
        if k < 2:
            reasons.append("fewer than 2 items")
        skew, kurt = _moments(totals)
        alpha = cronbach_alpha(matrix)
        pct = 100.0 / max_points if max_points > 0 else float("nan")
        error_ratio = 100 * float(np.sqrt(1 - alpha)) if 1 - alpha >= 0 else float("nan")
        rows.append({
            "section": section, "n": n, "items": k, "max_points": max_points,
            "mean": float(totals.mean()) * pct if n else float("nan"),
            "median": float(np.median(totals)) * pct if n else float("nan"),
            "sd": sd * pct, "skewness": skew, "kurtosis": kurt, "cronbach_alpha": alpha,
            "error_ratio": error_ratio, "standard_error": sd * pct * error_ratio / 100,
            "reason": "; ".join(reasons),
        })
    return pd.DataFrame(rows, columns=SECTION_COLUMNS)


def _max_covariance(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.cov(np.sort(x), np.sort(y), ddof=1)[0, 1])


def _flags(facility: float, di: float, too_easy: float, too_hard: float, weak: float) -> str:
    flags = []
    if facility > too_easy:
        flags.append("too easy")
    if facility < too_hard:
        flags.append("too hard")
    if di < 0:
        flags.append("negative discrimination")
    elif di < weak:
        flags.append("weak discrimination")
    return ", ".join(flags)


def item_stats(items: pd.DataFrame, too_easy: float = 90.0, too_hard: float = 20.0,
               weak_discrimination: float = 20.0) -> pd.DataFrame:
    """One row per section × item: facility, SD, discrimination index and efficiency, flags, reason."""
    rows = []
    answered = items.dropna(subset=["score"]).groupby(["section", "item"]).size()
    for section in sorted(items["section"].unique()):
        matrix, maxima = item_matrix(items, section)
        totals = matrix.sum(axis=1).to_numpy()
        n = len(matrix)
        for item in matrix.columns:
            x = matrix[item].to_numpy()
            rest = totals - x
            m = maxima[item]
            facility = 100 * float(x.mean()) / m if n and m > 0 else float("nan")
            sd = 100 * float(x.std(ddof=1)) / m if n > 1 and m > 0 else float("nan")
            di = de = float("nan")
            reason = ""
            if n < 2:
                reason = "fewer than 2 learners"
            elif x.std() == 0:
                reason = "zero variance"
            elif rest.std() == 0:
                reason = "zero variance in the rest of the test"
            else:
                di = 100 * float(np.corrcoef(x, rest)[0, 1])
                cov_max = _max_covariance(x, rest)
                de = 100 * float(np.cov(x, rest, ddof=1)[0, 1]) / cov_max if cov_max > 0 else float("nan")
            flags = _flags(facility, di, too_easy, too_hard, weak_discrimination) if not reason else (
                _flags(facility, 0.0, too_easy, too_hard, -np.inf))
            rows.append({
                "section": section, "item": item, "n": n, "answered": int(answered.get((section, item), 0)),
                "max_score": m, "facility": facility, "sd": sd, "discrimination_index": di,
                "discriminative_efficiency": de, "flags": flags, "reason": reason,
            })
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _thirds(totals: pd.DataFrame) -> pd.DataFrame:
    """Label each learner of each section top / middle / bottom third by total (ties by learner id)."""
    ranked = totals.sort_values(["section", "total", "learner"], ascending=[True, False, True]).copy()
    ranked["rank"] = ranked.groupby("section").cumcount()
    size = ranked.groupby("section")["learner"].transform("size")
    third = np.maximum(size // 3, 1)
    ranked["group"] = np.where(ranked["rank"] < third, "top",
                               np.where(ranked["rank"] >= size - third, "bottom", "middle"))
    return ranked[["learner", "section", "group"]]


def distractor_stats(choices: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """How often each option was picked by the top and the bottom third of learners, per item."""
    if choices.empty or totals.empty:
        return pd.DataFrame(columns=DISTRACTOR_COLUMNS)
    groups = _thirds(totals)
    sizes = groups.groupby(["section", "group"]).size().unstack(fill_value=0)
    picked = choices.drop_duplicates(["learner", "section", "item", "option"]).merge(
        groups, on=["learner", "section"], how="inner")
    counts = picked.groupby(["section", "item", "option", "group"]).size().unstack(fill_value=0)
    for group in ("top", "middle", "bottom"):
        if group not in counts.columns:
            counts[group] = 0
    out = counts.reset_index()
    n_top = out["section"].map(sizes.get("top", pd.Series(dtype=float))).fillna(0).astype(int)
    n_bottom = out["section"].map(sizes.get("bottom", pd.Series(dtype=float))).fillna(0).astype(int)
    n_all = out["section"].map(sizes.sum(axis=1)).astype(int)
    result = pd.DataFrame({
        "section": out["section"], "item": out["item"], "option": out["option"],
        "picked_top": out["top"].astype(int), "picked_bottom": out["bottom"].astype(int),
        "n_top": n_top, "n_bottom": n_bottom,
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        result["share_top"] = result["picked_top"] / result["n_top"].replace(0, np.nan)
        result["share_bottom"] = result["picked_bottom"] / result["n_bottom"].replace(0, np.nan)
        result["share_all"] = (out["top"] + out["middle"] + out["bottom"]) / n_all.replace(0, np.nan)
    return result[DISTRACTOR_COLUMNS].sort_values(["section", "item", "option"]).reset_index(drop=True)
