"""Spreadsheet formula injection: every CSV cell that could start a formula is neutralised."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

from coursekit.csv_export import neutralise, neutralise_frame, write_csv

HOSTILE = ["=1+2", "@SUM(1+1)", "+cmd|calc!A0", "-2+3", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_prefixed(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["ada", "learner001", "1+2", "", "passed", "'=already", " =1", "-1.5", "15",
                                   "+3", "-.5", "1e-3"])
def test_other_text_and_plain_numbers_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-1.5, 0, -3, 2.25, None, np.int64(-4), np.float64(-0.5)])
def test_numbers_and_missing_values_unchanged(value):
    assert neutralise(value) is value


def test_frame_cells_and_headers(tmp_path):
    frame = pd.DataFrame({
        "learner": HOSTILE[:3],
        "score": [-1.5, np.nan, 2.0],
        "attempts": pd.array([1, None, -2], dtype="Int64"),
        "=title": ["-1+1", "@x", None],
        "mixed": ["Points Possible", 12.5, -3.0],
    })
    path = write_csv(frame, tmp_path / "out.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["learner", "score", "attempts", "'=title", "mixed"]
    assert [r[0] for r in rows[1:]] == ["'=1+2", "'@SUM(1+1)", "'+cmd|calc!A0"]
    assert [r[1] for r in rows[1:]] == ["-1.5", "", "2.0"]
    assert [r[2] for r in rows[1:]] == ["1", "", "-2"]
    assert [r[3] for r in rows[1:]] == ["'-1+1", "'@x", ""]
    assert [r[4] for r in rows[1:]] == ["Points Possible", "12.5", "-3.0"]
    unsafe = [cell for row in rows for cell in row if cell[:1] in "=+-@\t\r" and cell
              and not _is_number(cell)]
    assert unsafe == []
    assert frame.loc[0, "learner"] == "=1+2"  # the caller's frame is not changed


def _is_number(text):
    try:
        return not math.isnan(float(text))
    except ValueError:
        return False


def test_empty_frame():
    assert neutralise_frame(pd.DataFrame(columns=["=a"])).columns.tolist() == ["'=a"]
