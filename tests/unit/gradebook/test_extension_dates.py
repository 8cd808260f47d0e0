"""The new due date of an extension: after the due date, at most a year later, a real number of days (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coursekit.gradebook.extensions import extension_until

DUE = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def test_days_and_until_give_the_new_due_date():
    assert extension_until(DUE, days=2.5) == DUE + timedelta(days=2.5)
    assert extension_until(DUE, until=datetime(2026, 10, 4, 12, 0)) == datetime(2026, 10, 4, 12, 0, tzinfo=UTC)
    assert extension_until(None, until=datetime(2026, 10, 4, tzinfo=UTC)) == datetime(2026, 10, 4, tzinfo=UTC)


@pytest.mark.parametrize(("days", "problem"), [
    (-30, "got -30"), (0, "got 0"), (1e9, "got 1e+09"), (365.01, "got 365.01"),
    (float("nan"), "expected a number of days, got 'nan'"), (float("inf"), "expected a number of days, got 'inf'"),
])
def test_days_out_of_range_are_refused_by_the_option(days, problem):
    with pytest.raises(ValueError, match=r"^--days: ") as refused:
        extension_until(DUE, days=days)
    assert problem in str(refused.value)


def test_until_must_be_after_the_due_date_and_within_a_year():
    with pytest.raises(ValueError, match=r"^--until: 2026-09-01 12:00 UTC is not after the section's due date"):
        extension_until(DUE, until=DUE - timedelta(days=30))
    with pytest.raises(ValueError, match="not after"):
        extension_until(DUE, until=DUE)
    with pytest.raises(ValueError, match="more than 365 days after"):
        extension_until(DUE, until=datetime(9999, 12, 31, tzinfo=UTC))


def test_days_need_a_due_date():
    with pytest.raises(ValueError, match="no due date"):
        extension_until(None, days=2)
