"""Pass rate and mean score per week and per cohort (coursekit.cohort.trends), counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from coursekit.cohort.trends import COHORT_COLUMNS, TREND_COLUMNS, cohort_labels, compare_cohorts, weekly_trends

ROWS = [  # learner, section, status, quiz %, pass rate, submitted at, group
    ("a", "s", "passed", 80.0, 75.0, "2026-09-01 10:00", "A"),          # Tue, week of Mon 08-31
    ("b", "s", "failed", 50.0, 75.0, "2026-09-06 23:59", "A"),          # Sun, same week
    ("c", "s", "incomplete", 75.0, 75.0, "2026-09-07 00:01", "B"),      # Mon, next week: passes the quiz
    ("d", "s", "not submitted", None, 75.0, None, "B"),
    ("e", "s", "not graded", None, 75.0, "2026-09-08 09:00", ""),       # handed in, not graded: not counted
    ("a", "t", "failed", 20.0, 60.0, "2026-10-02 09:00", "A"),
]
GRADES = pd.DataFrame(ROWS, columns=["learner", "section", "status", "quiz_percent", "pass_rate", "submitted_at",
                                     "group"])


def test_weekly_pass_rate_and_mean_score():
    trends = weekly_trends(GRADES)
    assert list(trends.columns) == TREND_COLUMNS
    assert [(r.section, str(r.week.date()), r.submitted, r.passed) for r in trends.itertuples()] == [
        ("s", "2026-08-31", 2, 1), ("s", "2026-09-07", 1, 1), ("t", "2026-09-28", 1, 0)]
    assert trends["pass_rate"].tolist() == [50.0, 100.0, 0.0]
    assert trends["mean_score"].tolist() == [65.0, 75.0, 20.0]


def test_cohorts_are_roster_groups_when_there_are_several():
    labels, basis = cohort_labels(GRADES)
    assert basis == "roster group"
    assert labels.to_dict() == {"a": "group A", "b": "group A", "c": "group B", "d": "group B", "e": "no group"}
    table = compare_cohorts(GRADES, labels)
    assert list(table.columns) == COHORT_COLUMNS
    s = table[table["section"] == "s"].set_index("cohort")
    assert s["learners"].to_dict() == {"group A": 2, "group B": 2, "no group": 1}
    assert s["submitted"].to_dict() == {"group A": 2, "group B": 1, "no group": 0}
    assert s.loc["group A", "pass_rate"] == 50.0 and s.loc["group B", "pass_rate"] == 100.0
    assert s.loc["group A", "mean_score"] == 65.0 and pd.isna(s.loc["no group", "pass_rate"])


def test_without_groups_cohorts_are_months_of_first_submission_or_none():
    october = pd.DataFrame([("f", "t", "passed", 90.0, 60.0, "2026-10-05 09:00", "")], columns=GRADES.columns)
    labels, basis = cohort_labels(pd.concat([GRADES, october]).assign(group=""))
    assert basis == "month of first submission"  # a's later submission in October does not move a
    assert labels.to_dict() == {"a": "started 2026-09", "b": "started 2026-09", "c": "started 2026-09",
                                "e": "started 2026-09", "f": "started 2026-10"}
    one_month = GRADES[GRADES["section"] == "s"].assign(group=None)
    labels, basis = cohort_labels(one_month)
    assert basis == "" and labels.empty and compare_cohorts(one_month, labels).empty


def test_nothing_graded_gives_empty_trends():
    assert weekly_trends(GRADES[GRADES["status"] == "not submitted"]).empty
    with pytest.raises(KeyError):
        weekly_trends(GRADES.drop(columns="submitted_at"))
