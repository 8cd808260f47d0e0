"""What a timed attempt states before it starts and how its time-up splits the answers (pure rules)."""

from __future__ import annotations

import pytest

from coursekit.quiz.responses import InProgress
from coursekit.quiz.timed_attempt import (
    carried_over,
    duration_text,
    late_note,
    split_at_deadline,
    timing_statement,
    waits_for_start,
)


@pytest.mark.parametrize(("minutes", "text"), [(20, "20 minutes"), (1, "1 minute"), (90, "1 hour 30 minutes"),
                                               (0.2, "12 seconds"), (60, "1 hour"), (1.5, "1 minute 30 seconds")])
def test_duration_in_words(minutes, text):
    assert duration_text(minutes) == text


def test_timing_statement_names_the_limit_and_the_close_date_in_utc_for_the_browser_to_localise():
    assert timing_statement(20, "2026-12-07T10:42:00+01:00") == {"limit": "20 minutes",
                                                                   "close": "2026-12-07T09:42:00+00:00"}
    assert timing_statement(None, None) is None
    assert timing_statement(None, "2026-12-07 09:42") == {"limit": None, "close": "2026-12-07T09:42:00+00:00"}


def test_only_a_timed_quiz_waits_for_start_and_only_before_its_attempt():
    assert waits_for_start(timed=True, started=False, finished=False)
    assert not waits_for_start(timed=True, started=True, finished=False)
    assert not waits_for_start(timed=False, started=False, finished=False)
    assert not waits_for_start(timed=True, started=False, finished=True)


def test_answers_after_the_deadline_are_split_off_and_carried_only_when_an_attempt_is_left():
    pending = InProgress(started_at="2026-12-01T09:00:00.000+00:00", updated_at="2026-12-01T10:00:00.000+00:00",
                         answers={"q1": "a", "q2": "b", "q3": "c"},
                         answered_at={"q1": "2026-12-01T09:05:00.000+00:00", "q2": "2026-12-01T10:00:00.000+00:00",
                                      "q3": "2026-12-01T09:10:00.000+00:00"})
    split = split_at_deadline(pending, "2026-12-01T09:10:00+00:00")
    assert split.on_time == {"q1": "a", "q3": "c"}  # at the deadline itself still counts
    assert split.late == {"q2": "b"}
    kept = carried_over(split, attempt_left=True)
    assert kept.answers == {"q2": "b"} and kept.started_at is None  # the next clock starts with Start attempt
    assert carried_over(split, attempt_left=False) == InProgress()


def test_late_note_says_kept_or_not_counted():
    assert late_note([], 2) is None
    assert late_note([2], 2) == "Your answer to question 2, given after that time, is kept for attempt 2."
    assert late_note([2], 2, [3, 4]) == ("Your answer to question 2, given after that time, is kept for attempt 2. "
                                         "Your answers to questions 3 and 4, given after that time, were not "
                                         "counted and are not kept: attempt 2 gives other questions in their place.")
    assert late_note([], 3, [1]) == ("Your answer to question 1, given after that time, was not counted and is not "
                                     "kept: attempt 3 gives another question in its place.")
    assert late_note([2, 5, 7], None) == ("Your answers to questions 2, 5 and 7, given after that time, were not "
                                          "counted: no attempt is left.")
