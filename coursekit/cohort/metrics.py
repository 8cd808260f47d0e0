"""Moodle's quiz statistics in pandas/numpy (no Jupyter, no SQL).

Definitions follow Moodle's "Quiz statistics calculations". A section has items
i = 1..k; a learner scores x_i on item i (maximum m_i), totals T = Σ x_i out of
M = Σ m_i. There are n learners. Every variance, SD and covariance is the
*sample* one (divisor n - 1), as in Moodle.

Section (test) statistics
    mean, median and SD of T, in percent of M;
    skewness ``n / ((n-1)(n-2)) · Σ z³`` and excess kurtosis
    ``n(n+1) / ((n-1)(n-2)(n-3)) · Σ z⁴ - 3(n-1)² / ((n-2)(n-3))`` with
    ``z = (T - mean) / SD`` (Moodle's k3/k2^1.5 and k4/k2², written out);
    Cronbach's alpha, Moodle's coefficient of internal consistency,
    ``k/(k-1) · (1 - Σ var(x_i) / var(T))`` (a fraction; Moodle prints it ×100);
    error ratio ``100 √(1 - alpha)`` (percent of the spread that is noise);
    standard error ``SD · √(1 - alpha)`` (percent of M, like the SD).

Item statistics
    facility index ``100 · mean(x_i) / m_i``; SD ``100 · sd(x_i) / m_i``;
    discrimination index ``100 · r(x_i, R_i)``, the Pearson correlation of the
    item with the rest of the test ``R_i = T - x_i``;
    discriminative efficiency ``100 · cov(x_i, R_i) / cov(sort(x_i), sort(R_i))``:
    the covariance against the largest the two score distributions allow
    (both sorted the same way);
    intended weight ``100 · m_i / M``; effective weight
    ``100 · √cov(x_i, T) / Σ_j √cov(x_j, T)`` (the share of the spread of the
    totals the item carries; NaN when its covariance with the total is not
    positive, and such items are left out of the sum, as Moodle does);
    weight ratio ``effective / intended`` (1: the item counts as much as its
    points say); alpha if item deleted: Cronbach's alpha of the other k - 1
    items, ``(k-1)/(k-2) · (1 - (Σ var(x_j) - var(x_i)) / var(R_i))``.

Option statistics
    point-biserial correlation of picking the option (1/0) with the total
    ``(M_1 - M) / s · √(p / (1 - p))`` (``M_1`` the mean total of those who
    picked it, ``M`` and ``s`` mean and population SD of all totals, ``p`` the
    share who picked it): positive for a good key, negative for a good
    distractor.

Missing scores (NaN: question not answered, or no row at all) count as 0 in
every statistic, like an unanswered question in Moodle, and are counted in the
``answered`` column. Degenerate cases (one learner, no variance, fewer than two
items, a zero maximum) give NaN and say why in a ``reason`` column; they never
raise and never emit numpy warnings. Values within ``1e-9`` (relative) of each
other count as equal, so rounding noise in float scores is not read as variance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

ITEM_SCORE_COLUMNS = ["learner", "section", "item", "score", "max_score"]
SECTION_COLUMNS = ["section", "n", "items", "max_points", "mean", "median", "sd", "skewness", "kurtosis",
                   "cronbach_alpha", "error_ratio", "standard_error", "reason"]
ITEM_COLUMNS = ["section", "item", "n", "answered", "max_score", "facility", "sd", "discrimination_index",
                "discriminative_efficiency", "intended_weight", "effective_weight", "weight_ratio",
                "alpha_if_deleted", "flags", "reason"]
DISTRACTOR_COLUMNS = ["section", "item", "option", "picked_top", "picked_bottom", "n_top", "n_bottom", "share_top",
                      "share_bottom", "share_all", "point_biserial", "note"]

_NAN = float("nan")
_RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class _Section:
    """One section's scores as arrays: ``values`` is learners × items, missing = 0."""

    learners: pd.Index
    items: pd.Index
    values: np.ndarray
    maxima: np.ndarray
    answered: np.ndarray


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)}")


def _constant(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Whether all values (along ``axis``) are equal, up to float rounding."""
    if values.size == 0:
        return np.ones(values.shape[1] if axis == 0 else (), dtype=bool)
    spread = values.max(axis=axis) - values.min(axis=axis)
    scale = np.maximum(1.0, np.abs(values).max(axis=axis))
    return spread <= _RELATIVE_TOLERANCE * scale


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques)


def _sections(items: pd.DataFrame) -> Iterator[tuple[object, _Section]]:
    """Each section (sorted) with its arrays; strings are factorized once for all sections."""
    _require(items, ITEM_SCORE_COLUMNS, "item scores")
    section_codes, sections = _codes(items["section"])
    learner_codes, learners = _codes(items["learner"])
    item_codes, names = _codes(items["item"])
    scores = pd.to_numeric(items["score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    maxima = pd.to_numeric(items["max_score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = np.flatnonzero((section_codes >= 0) & (learner_codes >= 0) & (item_codes >= 0))
    order = keep[np.argsort(section_codes[keep], kind="stable")]
    bounds = np.searchsorted(section_codes[order], np.arange(len(sections) + 1))
    for s, section in enumerate(sections):
        rows = order[bounds[s]:bounds[s + 1]]
        if len(rows):
            yield section, _section_arrays(learner_codes[rows], item_codes[rows], scores[rows], maxima[rows],
                                           learners, names)


def _section_arrays(learner_codes: np.ndarray, item_codes: np.ndarray, scores: np.ndarray, maxima: np.ndarray,
                    learners: pd.Index, names: pd.Index) -> _Section:
    learner_ids, learner_codes = np.unique(learner_codes, return_inverse=True)
    item_ids, item_codes = np.unique(item_codes, return_inverse=True)
    n, k = len(learner_ids), len(item_ids)
    present = ~np.isnan(scores)
    flat = learner_codes * k + item_codes
    values = np.bincount(flat, weights=np.where(present, scores, 0.0), minlength=n * k).reshape(n, k)
    answered = (np.bincount(flat[present], minlength=n * k).reshape(n, k) > 0).sum(axis=0)
    item_max = np.full(k, -np.inf)
    np.maximum.at(item_max, item_codes, np.where(np.isnan(maxima), -np.inf, maxima))
    item_max[item_max == -np.inf] = np.nan  # no max_score given for the item
    return _Section(pd.Index(learners[learner_ids], name="learner"), pd.Index(names[item_ids], name="item"),
                    values, item_max, answered)


def item_matrix(items: pd.DataFrame, section: str) -> tuple[pd.DataFrame, pd.Series]:
    """Score matrix of one section, and each item's maximum.

    Parameters
    ----------
    items : pandas.DataFrame
        Item scores: ``learner, section, item, score, max_score``, one row per
        learner × section × item; ``score`` NaN means not answered.
    section : str
        The section to take.

    Returns
    -------
    matrix : pandas.DataFrame
        Learners (index, sorted) × items (columns, sorted), float scores; a
        missing score or a missing row is 0.
    maxima : pandas.Series
        The maximum score of each item (the largest ``max_score`` seen), indexed
        like ``matrix.columns``.

    Notes
    -----
    Duplicate rows of one learner × item are summed. An unknown section gives
    an empty matrix.
    """
    _require(items, ITEM_SCORE_COLUMNS, "item scores")
    arrays = next((a for _, a in _sections(items[items["section"] == section])), None)
    if arrays is None:  # no such section: an empty matrix
        names = pd.Index([], name="item")
        matrix = pd.DataFrame(index=pd.Index([], name="learner"), columns=names, dtype=float)
        return matrix, pd.Series(index=names, dtype=float, name="max_score")
    matrix = pd.DataFrame(arrays.values, index=arrays.learners, columns=arrays.items)
    return matrix, pd.Series(arrays.maxima, index=arrays.items, name="max_score")


def _alpha(values: np.ndarray) -> float:
    n, k = values.shape
    if k < 2 or n < 2:
        return _NAN
    totals = values.sum(axis=1)
    if _constant(totals):
        return _NAN
    return float(k / (k - 1) * (1.0 - values.var(axis=0, ddof=1).sum() / totals.var(ddof=1)))


def cronbach_alpha(matrix: pd.DataFrame) -> float:
    """Cronbach's alpha (Moodle's coefficient of internal consistency) of a score matrix.

    ``k/(k-1) · (1 - Σ var(item) / var(total))`` with sample variances.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Learners × items scores; NaN counts as 0.

    Returns
    -------
    float
        Alpha as a fraction (at most 1, possibly negative); NaN with fewer than
        2 items, fewer than 2 learners or no variance in the totals.
    """
    values = matrix.to_numpy(dtype=float, na_value=np.nan)
    return _alpha(np.nan_to_num(values, nan=0.0))


def _percent_factor(max_points: float) -> float:
    return 100.0 / max_points if max_points > 0 else _NAN


def _shape(totals: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis (caller guarantees n >= 3 and non-zero variance)."""
    n = len(totals)
    z = (totals - totals.mean()) / totals.std(ddof=1)
    skewness = n / ((n - 1) * (n - 2)) * float((z**3).sum())
    if n < 4:
        return skewness, _NAN
    kurtosis = (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * float((z**4).sum())
                - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    return skewness, kurtosis


def _one_section(section: object, arrays: _Section) -> dict[str, object]:
    values = arrays.values
    n, k = values.shape
    totals = values.sum(axis=1)
    max_points = float(arrays.maxima.sum())
    pct = _percent_factor(max_points)
    reasons = []
    sd = skewness = kurtosis = _NAN
    if n < 2:
        reasons.append("fewer than 2 learners")
    elif _constant(totals):
        sd = 0.0
        reasons.append("zero variance in totals")
    else:
        sd = float(totals.std(ddof=1))
        if n < 3:
            reasons.append("fewer than 3 learners: no skewness or kurtosis")
        else:
            skewness, kurtosis = _shape(totals)
            if n < 4:
                reasons.append("fewer than 4 learners: no kurtosis")
    if k < 2:
        reasons.append("fewer than 2 items")
    if not max_points > 0:
        reasons.append("maximum points not positive: no percentages")
    alpha = _alpha(values)
    noise = float(np.sqrt(max(0.0, 1.0 - alpha))) if not np.isnan(alpha) else _NAN
    return {
        "section": section, "n": n, "items": k, "max_points": max_points,
        "mean": float(totals.mean()) * pct if n else _NAN,
        "median": float(np.median(totals)) * pct if n else _NAN,
        "sd": sd * pct, "skewness": skewness, "kurtosis": kurtosis, "cronbach_alpha": alpha,
        "error_ratio": 100.0 * noise, "standard_error": sd * pct * noise,
        "reason": "; ".join(reasons),
    }


def section_stats(items: pd.DataFrame) -> pd.DataFrame:
    """Moodle's quiz-level statistics, one row per section.

    Parameters
    ----------
    items : pandas.DataFrame
        Item scores: ``learner, section, item, score, max_score`` (see
        :func:`item_matrix`).

    Returns
    -------
    pandas.DataFrame
        Sorted by section, columns: ``section``; ``n`` (learners); ``items``;
        ``max_points`` (Σ item maxima); ``mean``, ``median``, ``sd`` of the
        totals in percent of ``max_points``; ``skewness``, ``kurtosis`` (excess);
        ``cronbach_alpha`` (fraction); ``error_ratio`` (percent);
        ``standard_error`` (percent of ``max_points``); ``reason`` (empty when
        everything was computed, else why some values are NaN, ``; ``-joined:
        "fewer than 2 learners", "zero variance in totals", "fewer than 3
        learners: no skewness or kurtosis", "fewer than 4 learners: no
        kurtosis", "fewer than 2 items", "maximum points not positive: no
        percentages").
    """
    rows = [_one_section(section, arrays) for section, arrays in _sections(items)]
    return pd.DataFrame(rows, columns=SECTION_COLUMNS)


def _flags(facility: float, discrimination: float, too_easy: float, too_hard: float, weak: float) -> str:
    flags = []
    if facility > too_easy:
        flags.append("too easy")
    if facility < too_hard:
        flags.append("too hard")
    if discrimination < 0:
        flags.append("negative discrimination")
    elif discrimination < weak:
        flags.append("weak discrimination")
    return ", ".join(flags)


def _item_reason(n: int, k: int, answered: int, constant_item: bool, constant_rest: bool, maximum: float) -> str:
    reasons = []
    if n < 2:
        reasons.append("fewer than 2 learners")
    elif answered == 0:
        reasons.append("not answered by anyone")
    elif constant_item:
        reasons.append("zero variance")
    elif k < 2:
        reasons.append("fewer than 2 items")
    elif constant_rest:
        reasons.append("zero variance in the rest of the test")
    if not maximum > 0:
        reasons.append("max_score not positive: no facility")
    return "; ".join(reasons)


def _weights(values: np.ndarray, maxima: np.ndarray, rest: np.ndarray,
             constant_rest: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Intended and effective weight (percent), their ratio, and alpha if item deleted, per item."""
    n, k = values.shape
    total_max = float(np.nansum(maxima))
    intended = np.where(np.isfinite(maxima) & (total_max > 0), 100.0 * maxima / (total_max or 1.0), np.nan)
    effective = np.full(k, np.nan)
    alpha_deleted = np.full(k, np.nan)
    if n >= 2:
        totals = values.sum(axis=1)
        centred = values - values.mean(axis=0)
        covariance = (centred * (totals - totals.mean())[:, None]).sum(axis=0) / (n - 1)
        scale = np.maximum(1.0, np.abs(values).max(initial=0.0)) ** 2
        positive = covariance > _RELATIVE_TOLERANCE * scale
        roots = np.sqrt(np.where(positive, covariance, 0.0))
        if roots.sum() > 0:
            effective = np.where(positive, 100.0 * roots / roots.sum(), np.nan)
        if k >= 3:
            variances = values.var(axis=0, ddof=1)
            rest_variance = rest.var(axis=0, ddof=1)
            ok = ~constant_rest
            alpha_deleted[ok] = (k - 1) / (k - 2) * (1.0 - (variances.sum() - variances[ok]) / rest_variance[ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(intended > 0, effective / intended, np.nan)
    return intended, effective, ratio, alpha_deleted


def _section_items(section: object, arrays: _Section, too_easy: float, too_hard: float,
                   weak: float) -> pd.DataFrame:
    values, maxima = arrays.values, arrays.maxima
    n, k = values.shape
    rest = values.sum(axis=1, keepdims=True) - values
    constant_item, constant_rest = _constant(values, axis=0), _constant(rest, axis=0)
    scale = np.where(maxima > 0, 100.0 / np.where(maxima > 0, maxima, 1.0), np.nan)
    facility = values.mean(axis=0) * scale
    sd = np.full(k, np.nan)
    discrimination = np.full(k, np.nan)
    efficiency = np.full(k, np.nan)
    if n >= 2:
        sd = np.where(constant_item, 0.0, values.std(axis=0, ddof=1)) * scale
        ok = ~constant_item & ~constant_rest & (arrays.answered > 0) & (k >= 2)
        x, r = values[:, ok], rest[:, ok]
        xc, rc = x - x.mean(axis=0), r - r.mean(axis=0)
        sxy = (xc * rc).sum(axis=0)
        sxx, syy = (xc * xc).sum(axis=0), (rc * rc).sum(axis=0)
        # Rearrangement inequality: sorted-with-sorted is the largest attainable co-deviation (> 0 here).
        best = ((np.sort(x, axis=0) - x.mean(axis=0)) * (np.sort(r, axis=0) - r.mean(axis=0))).sum(axis=0)
        discrimination[ok] = 100.0 * sxy / np.sqrt(sxx * syy)
        efficiency[ok] = 100.0 * sxy / best
    intended, effective, ratio, alpha_deleted = _weights(values, maxima, rest, constant_rest)
    reasons = [_item_reason(n, k, int(arrays.answered[j]), bool(constant_item[j]), bool(constant_rest[j]),
                            float(maxima[j])) for j in range(k)]
    flags = [_flags(float(facility[j]), float(discrimination[j]), too_easy, too_hard, weak) for j in range(k)]
    return pd.DataFrame({
        "section": [section] * k, "item": arrays.items.to_numpy(), "n": n,
        "answered": arrays.answered.astype(int), "max_score": maxima, "facility": facility, "sd": sd,
        "discrimination_index": discrimination, "discriminative_efficiency": efficiency,
        "intended_weight": intended, "effective_weight": effective, "weight_ratio": ratio,
        "alpha_if_deleted": alpha_deleted, "flags": flags, "reason": reasons,
    }, columns=ITEM_COLUMNS)


def item_stats(items: pd.DataFrame, too_easy: float = 90.0, too_hard: float = 20.0,
               weak_discrimination: float = 20.0) -> pd.DataFrame:
    """Moodle's per-question statistics, one row per section × item.

    Parameters
    ----------
    items : pandas.DataFrame
        Item scores: ``learner, section, item, score, max_score`` (see
        :func:`item_matrix`).
    too_easy : float
        Flag "too easy" when the facility index is above this (percent).
    too_hard : float
        Flag "too hard" when the facility index is below this (percent).
    weak_discrimination : float
        Flag "weak discrimination" when 0 <= discrimination index < this;
        a negative index is flagged "negative discrimination" (likely a
        mis-keyed or misleading question).

    Returns
    -------
    pandas.DataFrame
        Sorted by section and item, columns: ``section``, ``item``, ``n``
        (learners in the section), ``answered`` (learners with a non-missing
        score), ``max_score``, ``facility`` (percent), ``sd`` (percent of
        ``max_score``), ``discrimination_index`` (100 × correlation with the rest
        of the test), ``discriminative_efficiency`` (percent), ``flags``
        (``, ``-joined, empty when none) and ``reason`` (empty, or why values are
        NaN: "fewer than 2 learners", "not answered by anyone", "zero
        variance", "fewer than 2 items", "zero variance in the rest of the
        test", "max_score not positive: no facility"). A NaN index raises no
        discrimination flag. Also ``intended_weight`` (the item's share of the
        points, percent), ``effective_weight`` (its share of the spread of the
        totals, percent; NaN when its covariance with the total is not
        positive), ``weight_ratio`` (effective / intended) and
        ``alpha_if_deleted`` (Cronbach's alpha of the section without the item;
        NaN with fewer than 3 items or no variance in the rest).
    """
    frames = [_section_items(section, arrays, too_easy, too_hard, weak_discrimination)
              for section, arrays in _sections(items)]
    if not frames:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _thirds(totals: pd.DataFrame) -> pd.DataFrame:
    """Each learner's group per section, ``top``, ``middle`` or ``bottom``, and the section's note."""
    ranked = (totals.drop_duplicates(["section", "learner"])
              .sort_values(["section", "total", "learner"], ascending=[True, False, True], na_position="last",
                           kind="mergesort"))
    rank = ranked.groupby("section", sort=False, observed=True).cumcount().to_numpy()
    size = ranked.groupby("section", sort=False, observed=True)["learner"].transform("size").to_numpy()
    third = np.maximum(size // 3, 1)
    group = np.where(rank < third, "top", np.where(rank >= np.maximum(size - third, 1), "bottom", "middle"))
    note = np.select([size == 1, size == 2], ["1 learner: top only, no bottom group",
                                              "2 learners: one in the top, one in the bottom group"], "")
    return pd.DataFrame({"learner": ranked["learner"].to_numpy(), "section": ranked["section"].to_numpy(),
                         "group": group, "note": note})


def _learner_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """``learner, section, total``: one row per learner and section, a missing total counted as 0."""
    learners = totals.drop_duplicates(["section", "learner"])[["learner", "section", "total"]].copy()
    learners["total"] = pd.to_numeric(learners["total"], errors="coerce").fillna(0.0).astype(float)
    return learners


def _point_biserial(picked: pd.DataFrame, totals: pd.DataFrame, counts: pd.DataFrame,
                    given: pd.DataFrame | None = None) -> np.ndarray:
    """Point-biserial correlation of each counted option (rows of ``counts``) with the learners' totals.

    The learners are those given the option's item: the section's, or for an
    item of ``given`` (a question drawn from a pool) those it was drawn for.
    """
    learners = _learner_totals(totals)
    per_section = learners.groupby("section", observed=True)["total"].agg(["mean", "size"])
    per_section["sd"] = learners.groupby("section", observed=True)["total"].std(ddof=0)
    picked_totals = picked.merge(learners, on=["learner", "section"])
    mean_picked = picked_totals.groupby(["section", "item", "option"], observed=True)["total"].mean()
    number_picked = picked_totals.groupby(["section", "item", "option"], observed=True)["total"].size()
    keys = pd.MultiIndex.from_frame(counts[["section", "item", "option"]])
    m1 = mean_picked.reindex(keys).to_numpy(dtype=float)
    picked_n = number_picked.reindex(keys).to_numpy(dtype=float)
    section = per_section.reindex(counts["section"])
    mean, size, sd = (section[c].to_numpy(dtype=float) for c in ("mean", "size", "sd"))
    if given is not None and not given.empty:
        given_totals = given.merge(learners, on=["learner", "section"]).groupby(["section", "item"], observed=True)
        per_item = given_totals["total"].agg(["mean", "size"])
        per_item["sd"] = given_totals["total"].std(ddof=0)
        items = pd.MultiIndex.from_frame(counts[["section", "item"]])
        pooled = items.isin(per_item.index)
        of_item = per_item.reindex(items)
        mean, size, sd = (np.where(pooled, of_item[c].to_numpy(dtype=float), value)
                          for c, value in (("mean", mean), ("size", size), ("sd", sd)))
    p = np.divide(picked_n, size, out=np.full(len(size), np.nan), where=size > 0)
    scale = np.maximum(1.0, np.abs(mean))
    ok = (p > 0) & (p < 1) & (sd > _RELATIVE_TOLERANCE * scale)
    result = np.full(len(counts), np.nan)
    result[ok] = (m1[ok] - mean[ok]) / sd[ok] * np.sqrt(p[ok] / (1.0 - p[ok]))
    return result


def distractor_stats(choices: pd.DataFrame, totals: pd.DataFrame, given: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which options the top and bottom third of each section picked, per item.

    Learners are ranked per section by ``total`` (highest first, NaN last, ties
    by learner id); the first ``n // 3`` are the top third, the last ``n // 3``
    the bottom third, the rest the middle. With fewer than 3 learners each
    group holds one learner: with 2, one top and one bottom; with 1, top only
    (the bottom shares are NaN); the ``note`` column says so.

    Parameters
    ----------
    choices : pandas.DataFrame
        ``learner, section, item, option``: one row per option picked (a
        learner who picked nothing has no row; repeats count once). Learners
        missing from ``totals`` are ignored.
    totals : pandas.DataFrame
        ``learner, section, total``: every learner to count, also those who
        picked nothing.
    given : pandas.DataFrame, optional
        ``learner, section, item``: who was given each question drawn from a
        pool (:func:`coursekit.cohort.responses.load_given`). An item listed
        here is counted over the learners it was drawn for only: its group
        sizes, shares and point-biserial leave out the learners of the
        section given another question of its pool, and an option picked by a
        learner it was not drawn for counts nothing. The thirds stay those of
        the whole section. Items not listed are counted over every learner of
        the section.

    Returns
    -------
    pandas.DataFrame
        One row per section × item × option that anyone picked, sorted, columns:
        ``section``, ``item``, ``option``, ``picked_top``, ``picked_bottom``
        (learners of the group who picked it), ``n_top``, ``n_bottom`` (group
        sizes; for a question drawn from a pool, the group's learners it was
        drawn for), ``share_top``, ``share_bottom`` (picked / group size, NaN for an
        empty group), ``share_all`` (pickers / all learners of the section in
        ``totals``, or of those the question was drawn for), ``point_biserial``
        (correlation of picking the option with the totals of the learners
        counted; NaN when everyone or no one picked it or the totals do not
        vary), ``note`` (empty unless the section has fewer than 3 learners).
    """
    _require(choices, ["learner", "section", "item", "option"], "choices")
    _require(totals, ["learner", "section", "total"], "totals")
    if given is not None:
        _require(given, ["learner", "section", "item"], "given")
        given = given[["learner", "section", "item"]].drop_duplicates()
    if choices.empty or totals.empty:
        return pd.DataFrame(columns=DISTRACTOR_COLUMNS)
    groups = _thirds(totals)
    sizes = pd.crosstab(groups["section"], groups["group"]).reindex(columns=["top", "middle", "bottom"],
                                                                    fill_value=0)
    notes = groups.drop_duplicates("section").set_index("section")["note"]
    picked = (choices[["learner", "section", "item", "option"]]
              .drop_duplicates().merge(groups[["learner", "section", "group"]], on=["learner", "section"]))
    if given is not None and not given.empty:  # a pooled question counts only the learners it was drawn for
        pooled_items = pd.MultiIndex.from_frame(given[["section", "item"]].drop_duplicates())
        in_pool = pd.MultiIndex.from_frame(picked[["section", "item"]]).isin(pooled_items)
        drawn = pd.MultiIndex.from_frame(picked[["learner", "section", "item"]]).isin(
            pd.MultiIndex.from_frame(given))
        picked = picked[~in_pool | drawn]
    if picked.empty:
        return pd.DataFrame(columns=DISTRACTOR_COLUMNS)
    counts = (picked.groupby(["section", "item", "option", "group"], observed=True).size()
              .unstack(fill_value=0).reindex(columns=["top", "middle", "bottom"], fill_value=0).reset_index())
    section_sizes = sizes.reindex(counts["section"])
    n_top = section_sizes["top"].to_numpy()
    n_bottom = section_sizes["bottom"].to_numpy()
    n_all = section_sizes.sum(axis=1).to_numpy()
    if given is not None and not given.empty:
        given_groups = given.merge(groups[["learner", "section", "group"]], on=["learner", "section"])
        item_sizes = (pd.crosstab([given_groups["section"], given_groups["item"]], given_groups["group"])
                      .reindex(columns=["top", "middle", "bottom"], fill_value=0))
        items = pd.MultiIndex.from_frame(counts[["section", "item"]])
        pooled = items.isin(item_sizes.index)
        of_item = item_sizes.reindex(items)
        n_top = np.where(pooled, of_item["top"].to_numpy(dtype=float), n_top)
        n_bottom = np.where(pooled, of_item["bottom"].to_numpy(dtype=float), n_bottom)
        n_all = np.where(pooled, of_item.sum(axis=1).to_numpy(dtype=float), n_all)
    picked_top, picked_bottom = counts["top"].to_numpy(), counts["bottom"].to_numpy()
    picked_all = picked_top + counts["middle"].to_numpy() + picked_bottom

    def share(count: np.ndarray, size: np.ndarray) -> np.ndarray:
        return np.divide(count, size, out=np.full(len(count), np.nan), where=size > 0)

    biserial = _point_biserial(picked, totals, counts, given)
    result = pd.DataFrame({
        "section": counts["section"], "item": counts["item"], "option": counts["option"],
        "picked_top": picked_top.astype(int), "picked_bottom": picked_bottom.astype(int),
        "n_top": n_top.astype(int), "n_bottom": n_bottom.astype(int),
        "share_top": share(picked_top, n_top), "share_bottom": share(picked_bottom, n_bottom),
        "share_all": share(picked_all, n_all), "point_biserial": biserial,
        "note": notes.reindex(counts["section"]).to_numpy(),
    })
    return result[DISTRACTOR_COLUMNS].sort_values(["section", "item", "option"]).reset_index(drop=True)
