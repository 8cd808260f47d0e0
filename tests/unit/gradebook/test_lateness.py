"""Lateness: time late in words, started days, the late penalty, extensions."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from coursekit.gradebook.lateness import effective_due, format_late, late_days, late_penalty, seconds_late

DUE = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("late", "text", "days"), [
    (0, "", 0), (30, "1 min", 1), (3599, "1 h", 1), (3600, "1 h", 1), (3600 + 600, "1 h 10 min", 1),
    (86400, "1 d", 1), (86401, "1 d", 2), (2 * 86400 + 3600, "2 d 1 h", 3),
])
def test_format_late_and_started_days(late, text, days):
    assert format_late(late) == text
    assert late_days(late) == days


def test_seconds_late_with_and_without_an_extension():
    submitted = datetime(2026, 10, 3, 13, 0)  # naive: nbgrader's UTC timestamps
    assert seconds_late(submitted, DUE) == 2 * 86400 + 3600
    assert seconds_late(submitted, effective_due(DUE, DUE + timedelta(days=3))) == 0
    assert seconds_late(None, DUE) == 0 and seconds_late(submitted, None) == 0


def test_late_penalty_per_started_day_never_below_zero():
    assert late_penalty(15.0, 15.0, 2 * 86400 + 1, 10) == pytest.approx(4.5)
    assert late_penalty(3.0, 15.0, 20 * 86400, 10) == 3.0
    assert late_penalty(15.0, 15.0, 0, 10) == 0.0
    assert late_penalty(15.0, 15.0, 86400, 0) == 0.0
    assert late_penalty(math.nan, 15.0, 86400, 10) == 0.0
