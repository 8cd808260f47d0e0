"""Pass rate and mean score per week of submission, and per cohort (pure: rows of ``grades.csv`` in pandas).

A submission counts when it was graded (status neither ``not submitted`` nor
``not graded``) and has a submission time; it passes when its quiz score is at
or above the section's pass rate. Weeks start on Monday. Cohorts are the
roster groups when the gradebook holds two or more, else the month of each
learner's first submission when there are two or more such months: an analyst
sees whether a change to a section between cohorts helped.
"""

from __future__ import annotations

import pandas as pd

NOT_COUNTED = ("not submitted", "not graded", "not due yet")
TREND_COLUMNS = ["section", "week", "submitted", "passed", "pass_rate", "mean_score"]
COHORT_COLUMNS = ["section", "cohort", "learners", "submitted", "passed", "pass_rate", "mean_score"]


def _counted(grades: pd.DataFrame) -> pd.DataFrame:
    rows = grades[~grades["status"].isin(NOT_COUNTED)].copy()
    rows["when"] = pd.to_datetime(rows["submitted_at"], errors="coerce")
    rows["score"] = pd.to_numeric(rows["quiz_percent"], errors="coerce")
    rows["passed"] = rows["score"] >= pd.to_numeric(rows["pass_rate"], errors="coerce")
    return rows


def _summary(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    summary = (rows.groupby(keys, observed=True, sort=True)
               .agg(submitted=("learner", "size"), passed=("passed", "sum"), mean_score=("score", "mean"))
               .reset_index())
    summary["passed"] = summary["passed"].astype(int)
    summary["pass_rate"] = 100.0 * summary["passed"] / summary["submitted"]
    return summary


def weekly_trends(grades: pd.DataFrame) -> pd.DataFrame:
    """Per section and week of submission (Monday): submissions, passes, pass rate (%), mean quiz score (%).

    Parameters
    ----------
    grades
        Rows of ``grades.csv``: learner, section, status, quiz_percent, pass_rate, submitted_at.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TREND_COLUMNS`, sorted by section and week; submissions without a time are left out.
    """
    rows = _counted(grades).dropna(subset=["when"])
    if rows.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    rows["week"] = rows["when"].dt.to_period("W-SUN").dt.start_time
    return _summary(rows, ["section", "week"])[TREND_COLUMNS]


def cohort_labels(grades: pd.DataFrame) -> tuple[pd.Series, str]:
    """Each learner's cohort and what it is based on, or an empty series when the gradebook holds one cohort.

    Returns
    -------
    labels : pandas.Series
        Learner id to cohort name (``"group A"``, ``"started 2026-09"``).
    basis : str
        ``"roster group"``, ``"month of first submission"`` or ``""`` (one cohort).
    """
    if "group" in grades:
        groups = grades.drop_duplicates("learner").set_index("learner")["group"].fillna("").astype(str).str.strip()
        if groups[groups != ""].nunique() >= 2:
            return groups.where(groups != "", "no group").map(lambda g: g if g == "no group" else f"group {g}"), \
                "roster group"
    when = pd.to_datetime(grades["submitted_at"], errors="coerce")
    first = when.groupby(grades["learner"], observed=True).min().dropna()
    months = first.dt.strftime("%Y-%m")
    if months.nunique() >= 2:
        return "started " + months, "month of first submission"
    return pd.Series(dtype=str), ""


def compare_cohorts(grades: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Per section and cohort: learners, graded submissions, passes, pass rate (%) and mean quiz score (%).

    Learners without a label are left out. Columns :data:`COHORT_COLUMNS`, sorted by section and cohort.
    """
    if labels.empty:
        return pd.DataFrame(columns=COHORT_COLUMNS)
    everyone = grades.assign(cohort=grades["learner"].map(labels)).dropna(subset=["cohort"])
    learners = everyone.groupby(["section", "cohort"], observed=True)["learner"].nunique().rename("learners")
    summary = _summary(_counted(everyone), ["section", "cohort"]).set_index(["section", "cohort"])
    table = summary.join(learners, how="outer").reset_index()
    table[["submitted", "passed"]] = table[["submitted", "passed"]].fillna(0).astype(int)
    return table[COHORT_COLUMNS].sort_values(["section", "cohort"]).reset_index(drop=True)
