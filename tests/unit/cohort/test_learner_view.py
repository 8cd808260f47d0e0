"""Every learner's results as the learner page renders them (coursekit.results.learner_view)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coursekit.results.follow_up import status_reason
from coursekit.results.learner_view import (
    SECTION_COLUMNS,
    chart_finding,
    learner_data,
    learner_file,
    learner_rows,
    split_learner_data,
)

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


def test_fnv1a_of_the_utf8_picks_the_file():
    """The published FNV-1a (32-bit) vectors: the browser's copy (learner.js) computes the same numbers."""
    assert learner_file("", 2**32 - 1) == 0x811C9DC5 % (2**32 - 1)
    assert learner_file("a", 2**32 - 1) == 0xE40C292C
    assert learner_file("foobar", 2**32 - 1) == 0xBF9CF968
    assert learner_file("\ud800x", 7) == learner_file("\ufffdx", 7)  # a lone surrogate reads as U+FFFD, as in JS
    with pytest.raises(ValueError, match="at least one data file"):
        learner_file("a", 0)


def test_split_puts_every_learner_in_the_one_file_its_id_names():
    hostile = ["__proto__", "constructor", "</script><b>", "naïve ü", "a b", "x" * 300, "🙂", "0"]
    ids = sorted([f"learner{n:04d}" for n in range(1, 251)] + hostile)
    data = {"learners": ids, "titles": ["Section one"], "questions": [["Section one", "1", "One?", "", "1", "0.5"]],
            "sections": {who: [[0, f"row of {who}"]] for who in ids}, "scores": {who: [float(len(who))] for who in ids}}
    page, files = split_learner_data(data, per_file=100)
    assert page == {"titles": ["Section one"], "questions": data["questions"], "files": 3}
    assert sorted(who for chunk in files for who in chunk["learners"]) == ids  # each once
    for number, chunk in enumerate(files):
        assert chunk["learners"] and all(learner_file(who, 3) == number for who in chunk["learners"])
        for who, rows, scores in zip(chunk["learners"], chunk["sections"], chunk["scores"], strict=True):
            assert rows == [[0, f"row of {who}"]] and scores == [float(len(who))]
    assert split_learner_data({**data, "learners": []})[0]["files"] == 1  # no learner: one empty file
    with pytest.raises(ValueError, match="1 or more"):
        split_learner_data(data, per_file=0)
