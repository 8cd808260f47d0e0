"""Item statistics of quizzes with pools: per slot, and per question drawn in a slot (pure pandas/numpy).

Moodle's quiz statistics with random questions work on two levels, and so do these:

* **Per slot** (Moodle's "position"): the slot is the item, whatever question
  was drawn there. Facility, discrimination and Cronbach's alpha of the
  section are those of :mod:`coursekit.cohort.metrics` on the slot scores
  (:func:`slot_items`), so alpha sums the variance of each *slot's* marks, as
  Moodle's ``sum of mark variance`` does.
* **Per question drawn** (Moodle's "sub-question"): only the learners who were
  given that question. Facility ``100 · mean(x) / m``; SD ``100 · sd(x) / m``;
  discrimination index ``100 · r(x, T)`` against the learner's **total** T
  (Moodle correlates a sub-question with the whole quiz mark, not with the
  rest of it, because the slot's other questions were never asked of the
  same learner).

A question is flagged **harder than its siblings** (or **easier than its
siblings**) when it stands apart from *each* other question of its slot that
was drawn at least ``min_n`` times (default 10), in the same direction:

* it was drawn at least ``min_n`` times itself;
* its facility differs from that sibling's by more than ``gap`` percentage
  points (default 20): a difference that makes the draw unfair, whatever
  its cause;
* the difference is more than twice its standard error,
  ``√(sd_q²/n_q + sd_r²/n_r)`` (Welch's, SDs in percent of the maximum): at
  ten learners each, two facilities near 50 % differ by about 22 points by
  chance alone, so size alone would flag noise.

Comparing with each sibling, not with the others pooled, keeps one hard
question from making its normal siblings look easy. With only two questions
in a pool both are flagged when they differ (one harder, one easier): which
one is off cannot be told from the numbers. ``difference`` is the question's
facility minus that of its nearest sibling (the smallest gap, signed).
Variants of equal difficulty are what the course asks authors for.

Input (one row per learner, section and slot, the attempt the grade reflects):
``learner, section, slot, question, score, max_score``. Missing scores count
as 0, as in :mod:`coursekit.cohort.metrics`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DRAWN_COLUMNS = ["learner", "section", "slot", "question", "score", "max_score"]
VARIANT_COLUMNS = ["section", "slot", "question", "n", "max_score", "facility", "sd", "discrimination_index",
                   "slot_facility", "siblings_n", "siblings_facility", "difference", "flags"]
HARDER, EASIER = "harder than its siblings", "easier than its siblings"


def _require(frame: pd.DataFrame) -> None:
    missing = [c for c in DRAWN_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"drawn questions: missing column(s) {', '.join(missing)}")


def slot_items(drawn: pd.DataFrame) -> pd.DataFrame:
    """The item scores per slot (``learner, section, item, score, max_score``; ``item`` is the slot id).

    Feed them to :func:`coursekit.cohort.metrics.item_stats` and
    :func:`~coursekit.cohort.metrics.section_stats` for Moodle's statistics of
    each position and the section's Cronbach's alpha over slots.
    """
    _require(drawn)
    return drawn.rename(columns={"slot": "item"})[["learner", "section", "item", "score", "max_score"]]


def _facility(scores: np.ndarray, maximum: float) -> float:
    return float(100.0 * scores.mean() / maximum) if len(scores) and maximum > 0 else float("nan")


def _sd(scores: np.ndarray, maximum: float) -> float:
    return float(100.0 * scores.std(ddof=1) / maximum) if len(scores) >= 2 and maximum > 0 else float("nan")


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    xc, yc = x - x.mean(), y - y.mean()
    sxx, syy = float((xc * xc).sum()), float((yc * yc).sum())
    scale = max(1.0, float(np.abs(x).max()), float(np.abs(y).max())) ** 2 * 1e-12
    if sxx <= scale or syy <= scale:
        return float("nan")
    return float(100.0 * (xc * yc).sum() / np.sqrt(sxx * syy))


def _flag(question: str, summary: dict[str, tuple[int, float, float]], gap: float, min_n: int) -> str:
    """``harder/easier than its siblings`` when ``question`` stands apart from each sibling drawn ``min_n`` times."""
    n, facility, sd = summary[question]
    siblings = [summary[other] for other in summary if other != question and summary[other][0] >= min_n]
    if n < min_n or not siblings:
        return ""
    signs = set()
    for n_r, facility_r, sd_r in siblings:
        difference = facility - facility_r
        error = np.sqrt(sd ** 2 / n + sd_r ** 2 / n_r)
        if not (abs(difference) > gap and abs(difference) > 2 * error):
            return ""
        signs.add(difference < 0)
    if len(signs) != 1:
        return ""
    return HARDER if signs.pop() else EASIER


def variant_stats(drawn: pd.DataFrame, gap: float = 20.0, min_n: int = 10) -> pd.DataFrame:
    """One row per section, slot and question drawn there: n, facility, SD, discrimination and the flag.

    Parameters
    ----------
    drawn : pandas.DataFrame
        ``learner, section, slot, question, score, max_score`` (see the module docstring).
    gap : float
        Flag a question whose facility differs from its siblings' by more than this (percentage points).
    min_n : int
        Flag only a question drawn at least this many times, against siblings drawn as often.

    Returns
    -------
    pandas.DataFrame
        Sorted by section, slot and question; ``slot_facility`` is the slot's
        facility over every learner, ``siblings_facility`` that of the slot's
        other questions together (NaN for a fixed question), ``difference`` the
        question's facility minus its nearest sibling's (NaN for a fixed
        question), ``flags`` empty or ``harder than its siblings`` /
        ``easier than its siblings``.
    """
    _require(drawn)
    if drawn.empty:
        return pd.DataFrame(columns=VARIANT_COLUMNS)
    frame = drawn.assign(score=pd.to_numeric(drawn["score"], errors="coerce").fillna(0.0).astype(float),
                         max_score=pd.to_numeric(drawn["max_score"], errors="coerce").astype(float))
    totals = frame.groupby(["section", "learner"])["score"].sum().rename("total")
    frame = frame.join(totals, on=["section", "learner"])
    rows = []
    for (section, slot), in_slot in frame.groupby(["section", "slot"], sort=True):
        maximum = float(in_slot["max_score"].max())
        slot_facility = _facility(in_slot["score"].to_numpy(), maximum)
        groups = {question: given for question, given in in_slot.groupby("question", sort=True)}
        summary = {question: (len(given), _facility(given["score"].to_numpy(), maximum),
                              _sd(given["score"].to_numpy(), maximum)) for question, given in groups.items()}
        for question, given in groups.items():
            scores, total = given["score"].to_numpy(), given["total"].to_numpy()
            others = in_slot[in_slot["question"] != question]["score"].to_numpy()
            n, facility, sd = summary[question]
            gaps = [facility - summary[other][1] for other in summary if other != question]
            difference = min(gaps, key=abs) if gaps else float("nan")
            rows.append({"section": section, "slot": slot, "question": question, "n": n,
                         "max_score": maximum, "facility": facility, "sd": sd,
                         "discrimination_index": _correlation(scores, total), "slot_facility": slot_facility,
                         "siblings_n": len(others), "siblings_facility": _facility(others, maximum),
                         "difference": difference, "flags": _flag(question, summary, gap, min_n)})
    return pd.DataFrame(rows, columns=VARIANT_COLUMNS)
