"""Overrides: values the service can apply, one field changed at a time, what is in force (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from coursekit.quiz.overrides import (
    Override,
    attempts_problem,
    changed_override,
    in_force_lines,
    stored_override,
    time_limit_problem,
)
from coursekit.quiz.timing import Rules, check_can_save, deadline

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("minutes", [1e12, float("inf"), float("-inf"), float("nan"), 0, -1, 525_601, True, "10"])
def test_a_time_limit_out_of_range_is_refused(minutes):
    assert time_limit_problem(minutes) is not None
    with pytest.raises(ValueError, match="time limit must be"):
        Override("ada", "s", time_limit_minutes=minutes)


@pytest.mark.parametrize("attempts", [0, -1, 1001, 10**12, 2.5, True])
def test_attempts_out_of_range_are_refused(attempts):
    assert attempts_problem(attempts) is not None


def test_in_range_values_pass():
    assert time_limit_problem(525_600) is None and time_limit_problem(0.5) is None and time_limit_problem(None) is None
    assert attempts_problem(1) is None and attempts_problem(1000) is None and attempts_problem(None) is None


def test_changing_one_field_keeps_the_others():
    first = changed_override(None, "ada", "s", "tess", attempts=4, time_limit_minutes=10)
    later = changed_override(first, "ada", "s", "jo", time_limit_minutes=1)
    assert (later.attempts, later.time_limit_minutes, later.close, later.set_by) == (4, 1, None, "jo")
    closed = changed_override(later, "ada", "s", "jo", close=T0)
    assert (closed.attempts, closed.time_limit_minutes, closed.close) == (4, 1, T0)


def test_a_value_stored_before_it_was_checked_keeps_the_quizs_setting():
    old = stored_override("ada", "s", 10**12, None, float("inf"), "tess", T0)
    assert (old.attempts, old.time_limit_minutes, old.set_by) == (None, None, "tess")


def test_a_deadline_past_the_calendar_is_no_deadline_and_saving_goes_on():
    rules = Rules(time_limit=timedelta(minutes=1e12))
    assert deadline(rules, T0) is None
    check_can_save(rules, T0, T0 + timedelta(days=3))


def test_in_force_lists_overrides_and_extensions_with_who_and_when():
    overrides = [Override("bob", "s", attempts=4, time_limit_minutes=1, set_by="jo", set_at=T0)]
    extensions = [SimpleNamespace(learner="bob", section="s", until=T0 + timedelta(days=2), set_by="tess",
                                  set_at="2026-11-30T10:00:00+00:00"),
                  SimpleNamespace(learner="ada", section="s", until=T0, set_by="tess", set_at="2026-11-30T10:00:00")]
    assert in_force_lines(overrides, extensions) == [
        "'ada' / s: due 2026-12-01 09:00 UTC (extension set by tess, 2026-11-30T10:00:00)",
        "'bob' / s: attempts 4, time limit 1 min (set by jo, 2026-12-01 09:00 UTC); "
        "due 2026-12-03 09:00 UTC (extension set by tess, 2026-11-30T10:00:00+00:00)",
    ]
