"""The follow-up list (coursekit.results.follow_up): who is on it, in which order, with readable cells."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.results.follow_up import FOLLOW_UP_COLUMNS, follow_up_table

TITLES = {"second": "Second section", "first": "First section"}  # course order: second, then first


def _grades() -> pd.DataFrame:
    rows = [
        ("ann", "first", "Ann A", "passed", 90.0, 1, "2026-01-02 10:00:00", ""),
        ("bob", "first", "", "failed", 40.0, 3, "2026-01-03 11:00:00", ""),
        ("cat", "first", "Cat C", "not submitted", np.nan, pd.NA, "", ""),
        ("=cmd", "second", "", "passed, review pending", 80.0, 2, "2026-01-04 12:00:00", ""),
        ("dan", "second", "Dan D", "incomplete", 77.5, 1, "2026-01-05 09:30:00", ""),
        ("eve", "second", "", "not graded", np.nan, pd.NA, "", "not JSON"),
        ("fay", "second", "", "passed", 100.0, 1, "2026-01-01 08:00:00", ""),
        ("gus", "elsewhere", "", "failed", 10.0, 1, "2026-01-01 08:00:00", ""),
    ]
    frame = pd.DataFrame(rows, columns=["learner", "section", "name", "status", "quiz_percent", "attempts",
                                        "submitted_at", "problems"])
    frame["attempts"] = frame["attempts"].astype("Int64")
    return frame


def test_lists_exactly_the_statuses_that_need_follow_up_in_course_order():
    table = follow_up_table(_grades(), TITLES)
    assert list(table.columns) == FOLLOW_UP_COLUMNS
    assert list(table.index) == list(range(len(table)))
    assert list(zip(table["Section"], table["Learner"], table["Status"], strict=True)) == [
        ("Second section", "dan", "incomplete"),
        ("Second section", "eve", "not graded"),
        ("Second section", "=cmd", "passed, review pending"),
        ("First section", "bob", "failed"),
        ("First section", "cat", "not submitted"),
    ]


def test_cells_are_readable_text_without_nan():
    table = follow_up_table(_grades(), TITLES).set_index("Learner")
    assert table.loc["bob", "Quiz score (%)"] == "40.0" and table.loc["bob", "Attempts"] == "3"
    assert table.loc["bob", "Last activity"] == "2026-01-03 11:00:00"
    assert table.loc["cat", "Quiz score (%)"] == "" and table.loc["cat", "Attempts"] == ""
    assert table.loc["eve", "Grading problem"] == "not JSON"
    assert table.loc["cat", "Why"] == "nothing handed in"
    assert "nan" not in table.to_csv().lower()


def test_the_learners_to_dos_and_the_trainers_reviews_are_told_apart():
    table = follow_up_table(_grades(), TITLES).set_index("Learner")
    assert table.loc["=cmd", "Next step by"] == "trainer"
    assert {learner for learner, by in table["Next step by"].items() if by == "learner"} == {"bob", "cat", "dan",
                                                                                             "eve"}
