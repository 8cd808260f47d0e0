"""Every learner's results as the learner page renders them (coursekit.results.learner_view)."""

from __future__ import annotations

import math

import pandas as pd

from coursekit.results.follow_up import status_reason
from coursekit.results.learner_view import SECTION_COLUMNS, chart_finding, learner_data, learner_rows

TITLES = {"s1": "Section one", "s2": "Section two"}


def _grades() -> pd.DataFrame:
    return pd.DataFrame([
        {"learner": "b", "section": "s2", "status": "not graded", "quiz_score": math.nan, "quiz_max": 10,
         "quiz_percent": math.nan, "pass_rate": 75, "problems": "s2.ipynb is not a notebook (damaged file)",
         "comments_answered": math.nan, "comments_total": 2, "review": "", "attempts": math.nan,
         "submitted_at": "2026-09-02 10:00"},
        {"learner": "b", "section": "s1", "status": "failed", "quiz_score": 5, "quiz_max": 10, "quiz_percent": 50,
         "pass_rate": 75, "problems": "", "comments_answered": 2, "comments_total": 2, "review": "pending review",
         "attempts": 3, "submitted_at": "2026-09-01 10:00", "late_penalty": 1.5},
        {"learner": "a", "section": "s1", "status": "passed", "quiz_score": 9, "quiz_max": 10, "quiz_percent": 90,
         "pass_rate": 75, "problems": None, "comments_answered": 2, "comments_total": 2, "review": "reviewed",
         "attempts": 1, "submitted_at": "2026-09-01 09:00"},
        {"learner": "a", "section": "s2", "status": "not submitted", "quiz_score": math.nan, "quiz_max": 10,
         "quiz_percent": math.nan, "pass_rate": 75, "problems": None, "comments_answered": math.nan,
         "comments_total": 2, "review": None, "attempts": math.nan, "submitted_at": None},
    ])


def _data() -> dict:
    scores = pd.DataFrame({"learner": ["a", "a", "b"], "section": ["s1", "s1", "s1"], "item": ["q1", "q2", "q1"],
                           "score": [1.0, 0.5, 0.0], "max_score": [1.0, 1.0, 1.0]})
    catalogue = pd.DataFrame({"section": ["s1", "s1", "s2"], "item": ["q1", "q2", "q1"], "number": [1, 2, 1],
                              "type": ["single choice"] * 3, "text": ["One?", "Two?", "Three?"]})
    return learner_data(_grades(), scores, catalogue, TITLES)


def test_every_learner_has_their_sections_in_course_order_with_the_reason():
    data = _data()
    assert data["learners"] == ["a", "b"]
    assert data["titles"] == ["Section one", "Section two"] and data["sections"]["b"][0][0] == 0
    first, second = (dict(zip(SECTION_COLUMNS, row, strict=True)) for row in learner_rows(data, "b")[0])
    assert first["Section"] == "Section one" and first["Score (%)"] == "50.0" and first["Attempts"] == "3"
    assert first["Why not passed"] == "quiz below the pass rate"
    assert first["Late penalty"] == "1.5" and second["Late penalty"] == ""  # as the feedback page says it
    assert second["Status"] == "not graded" and second["Score (%)"] == ""
    assert second["Why not passed"] == "grading could not finish: s2.ipynb is not a notebook (damaged file)"
    passed, absent = (dict(zip(SECTION_COLUMNS, row, strict=True)) for row in learner_rows(data, "a")[0])
    assert passed["Why not passed"] == "" and absent["Why not passed"] == "nothing handed in"
    assert "nan" not in str(data).lower()


def test_scores_follow_the_questions_with_the_cohort_mean():
    data = _data()
    assert data["questions"] == [["Section one", "1", "One?", "", "1", "0.50"], ["Section one", "2", "Two?", "", "1",
                                                                                 "0.50"],
                                 ["Section two", "1", "Three?", "", "", ""]]
    assert data["scores"] == {"a": [1.0, 0.5, None], "b": [0.0, None, None]}
    assert [row[3] for row in learner_rows(data, "a")[1]] == ["1.00", "0.50", ""]
    assert [row[3] for row in learner_rows(data, "b")[1]] == ["0.00", "", ""]
    assert learner_rows(data, "nobody") == ([], [[*row[:3], "", *row[4:]] for row in data["questions"]])


def test_the_chart_finding_names_scores_and_statuses():
    data = _data()
    assert chart_finding("b", learner_rows(data, "b")[0]) == ("b: Section one: 50 % (pass rate 75 %), failed; "
                                                         "Section two: not graded")


def test_status_reason_words():
    assert status_reason("passed") == ""
    assert status_reason("not graded", "  file\n damaged ") == "grading could not finish: file damaged"
    assert status_reason("not graded") == "grading could not finish"
    assert status_reason("failed", "ignored") == "quiz below the pass rate"
