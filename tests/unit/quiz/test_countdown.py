"""The quiz timer's arithmetic: time left from the server's time and the deadline (pure, no Jupyter)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from coursekit.quiz.countdown import (
    ANNOUNCE_AT_SECONDS,
    FINAL_SECONDS,
    countdown,
    local_deadline,
    remaining_seconds,
    spoken_time_left,
    time_left_text,
)
from coursekit.widgets.quiz_state import service_timer

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_no_jupyter_imports_in_the_timer_arithmetic():
    code = ("import sys, coursekit.quiz.countdown, coursekit.widgets.quiz_state;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'IPython', 'ipywidgets', 'anywidget', "
            "'tornado', 'jupyterhub', 'nbgrader', 'sqlalchemy', 'traitlets'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_remaining_seconds_come_from_the_servers_time_less_the_time_since_it_was_read():
    ends = T0 + timedelta(minutes=12, seconds=34)
    assert remaining_seconds(ends, T0) == 754.0
    assert remaining_seconds(ends, T0, elapsed=4.5) == 749.5
    assert remaining_seconds(ends.isoformat(), "2026-12-01T09:00:00Z") == 754.0  # the service's ISO text
    assert remaining_seconds("2026-12-01T10:00:00+01:00", T0) == 0.0  # offsets: 10:00+01:00 is 09:00 UTC
    assert remaining_seconds(ends, ends + timedelta(minutes=3)) == 0.0  # overdue: never negative
    assert remaining_seconds(ends, T0, elapsed=-30) == 754.0  # a clock going back adds no time


def test_time_left_reads_hours_minutes_seconds_rounded_up():
    assert time_left_text(754) == "0:12:34"
    assert time_left_text(753.2) == "0:12:34"  # 0:00:00 only when time is really up
    assert time_left_text(0.01) == "0:00:01"
    assert time_left_text(0) == "0:00:00"
    assert time_left_text(-5) == "0:00:00"
    assert time_left_text(2 * 3600 + 5) == "2:00:05"


def test_screen_readers_are_told_whole_minutes_or_seconds():
    assert [spoken_time_left(s) for s in (300, 60, 120, 40, 1)] == [
        "5 minutes left", "1 minute left", "2 minutes left", "40 seconds left", "1 second left"]
    assert ANNOUNCE_AT_SECONDS == (300, 60) and FINAL_SECONDS == 60


def test_countdown_names_the_deadline_and_its_thresholds():
    timer = countdown(T0 + timedelta(seconds=6), T0, elapsed=1.25)
    assert timer == {"seconds": 4.75, "deadline": "2026-12-01T09:00:06+00:00", "announce_at": [300, 60],
                     "final": 60}


def test_local_deadline_needs_a_start_and_a_time_limit():
    assert local_deadline("2026-12-01T09:00:00+00:00", 0.1) == T0 + timedelta(seconds=6)
    assert local_deadline(None, 10) is None
    assert local_deadline("2026-12-01T09:00:00+00:00", None) is None
    with pytest.raises(ValueError, match="not a date"):
        local_deadline("yesterday", 10)


def _state(*attempts, server_time="2026-12-01T09:00:02+00:00"):
    return {"server_time": server_time, "attempts": list(attempts), "attempts_allowed": 1}


def test_service_timer_follows_the_open_attempts_deadline_only():
    open_attempt = {"state": "open", "deadline": "2026-12-01T09:00:06+00:00"}
    assert service_timer(_state(open_attempt), elapsed=0.5)["seconds"] == 3.5
    assert service_timer(_state({"state": "open", "deadline": None}), 0) is None  # no limit, no close
    assert service_timer(_state({"state": "submitted", "deadline": "2026-12-01T09:00:06+00:00"}), 0) is None
    assert service_timer(None, 0) is None
    assert service_timer(_state(open_attempt, server_time=None), 0) is None  # no server time: no guessing
    assert service_timer(_state({"state": "open", "deadline": "soon"}), 0) is None  # bad text: no timer
