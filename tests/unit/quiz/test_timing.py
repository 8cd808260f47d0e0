"""Moodle's Timing, user overrides, sequential navigation on the server and the review matrix (pure rules)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from coursekit.quiz.navigation import NavigationError, check_sequential_answer
from coursekit.quiz.overrides import Override, effective_rules, quiz_rules
from coursekit.quiz.review import reviewed_attempt
from coursekit.quiz.spec import QuizSpecError, Review, Settings, parse_quiz, public_spec
from coursekit.quiz.timing import (
    AttemptRefused,
    Rules,
    check_can_save,
    check_can_start,
    deadline,
    finish_time,
    review_column,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_no_jupyter_imports_in_the_rules():
    code = ("import sys, coursekit.quiz.timing, coursekit.quiz.overrides, coursekit.quiz.review;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'IPython', 'ipywidgets', 'anywidget', "
            "'tornado', 'jupyterhub', 'nbgrader', 'sqlalchemy'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_settings_read_dates_and_time_limit_and_keep_the_public_spec_as_before():
    quiz = {"title": "T", "questions": [{"id": "a", "type": "true_false", "answer": True, "text": "A"}]}
    plain = public_spec(parse_quiz(quiz, require_source=False), "s")
    assert "open" not in plain["settings"] and "time_limit" not in plain["settings"]
    timed = parse_quiz({**quiz, "settings": {"open": "2026-12-01 09:00", "close": "2026-12-01T12:00+01:00",
                                             "time_limit": 30}}, require_source=False)
    assert timed.settings.open == T0 and timed.settings.close == T0 + 2 * timedelta(hours=1)
    shipped = public_spec(timed, "s")["settings"]
    json.dumps(shipped)
    assert Settings(**shipped) == timed.settings
    with pytest.raises(QuizSpecError, match=r"close .* must be after open"):
        parse_quiz({**quiz, "settings": {"open": "2026-12-02", "close": "2026-12-01"}}, require_source=False)
    with pytest.raises(QuizSpecError, match=r"time_limit"):
        parse_quiz({**quiz, "settings": {"time_limit": 0}}, require_source=False)
    with pytest.raises(QuizSpecError, match="not a date"):
        parse_quiz({**quiz, "settings": {"open": "next tuesday"}}, require_source=False)


def test_start_refused_before_open_after_close_and_past_the_attempt_limit():
    rules = Rules(attempts=2, open=T0, close=T0 + 60 * MIN)
    with pytest.raises(AttemptRefused, match="opens at 2026-12-01 09:00 UTC") as refused:
        check_can_start(rules, T0 - MIN, 0)
    assert refused.value.reason == "not_open"
    check_can_start(rules, T0, 0)
    check_can_start(rules, T0, 1)
    with pytest.raises(AttemptRefused, match="no attempts left: 2 of 2 used") as refused:
        check_can_start(rules, T0, 2)
    assert refused.value.reason == "no_attempts"
    with pytest.raises(AttemptRefused, match="closed at 2026-12-01 10:00 UTC") as refused:
        check_can_start(rules, T0 + 60 * MIN, 0)
    assert refused.value.reason == "closed"
    check_can_start(Rules(), T0, 10_000)  # unlimited, always open


def test_time_runs_out_at_the_limit_or_the_close_whichever_comes_first():
    limited = Rules(time_limit=30 * MIN, close=T0 + 45 * MIN)
    assert deadline(limited, T0) == T0 + 30 * MIN
    assert deadline(limited, T0 + 20 * MIN) == T0 + 45 * MIN
    assert deadline(Rules(), T0) is None
    check_can_save(limited, T0, T0 + 29 * MIN)
    with pytest.raises(AttemptRefused, match="time ran out at 2026-12-01 09:30 UTC") as refused:
        check_can_save(limited, T0, T0 + 30 * MIN)
    assert refused.value.reason == "time_up"
    assert finish_time(limited, T0, T0 + 10 * MIN) == (T0 + 10 * MIN, False)
    assert finish_time(limited, T0, T0 + 3 * 60 * MIN) == (T0 + 30 * MIN, True)  # submitted at the deadline


def test_overrides_replace_only_what_they_set():
    settings = Settings(attempts=2, open=T0, close=T0 + 60 * MIN, time_limit=20)
    assert quiz_rules(settings) == Rules(2, T0, T0 + 60 * MIN, 20 * MIN)
    assert effective_rules(settings, None) == quiz_rules(settings)
    more = Override("ada", "s", attempts=3, set_by="trainer")
    assert effective_rules(settings, more) == Rules(3, T0, T0 + 60 * MIN, 20 * MIN)
    later = Override("ada", "s", close=T0 + 5 * 60 * MIN, time_limit_minutes=45)
    assert effective_rules(settings, later) == Rules(2, T0, T0 + 5 * 60 * MIN, 45 * MIN)
    assert effective_rules(Settings(), Override("ada", "s", attempts=1)).attempts == 1
    with pytest.raises(ValueError, match="at least 1"):
        Override("ada", "s", attempts=0)
    with pytest.raises(ValueError, match="more than 0 minutes"):
        Override("ada", "s", time_limit_minutes=-5)
    with pytest.raises(ValueError, match="not after the quiz's open date"):
        effective_rules(settings, Override("ada", "s", close=T0 - MIN))


def test_sequential_navigation_refuses_going_back_on_the_server():
    assert check_sequential_answer("free", 0, 3) == 3
    assert check_sequential_answer("sequential", 2, 1) == 2
    assert check_sequential_answer("sequential", 2, 2) == 2
    with pytest.raises(NavigationError, match="question 1 was left behind"):
        check_sequential_answer("sequential", 0, 2)


def test_review_column_follows_moodles_four_times():
    rules = Rules(close=T0 + 60 * MIN)
    assert review_column(rules, T0, None) == "during"
    assert review_column(rules, T0 + 2 * MIN, T0) == "immediately"
    assert review_column(rules, T0 + 3 * MIN, T0) == "open"
    assert review_column(rules, T0 + 60 * MIN, T0) == "closed"
    assert review_column(Rules(), T0 + 10_000 * MIN, T0) == "open"


QUIZ = {"title": "T", "questions": [
    {"id": "a", "type": "true_false", "answer": True, "points": 1, "text": "A"},
    {"id": "b", "type": "multiple_choice", "answer": ["x", "y"], "points": 2, "text": "B",
     "options": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}]},
]}


def test_review_matrix_shows_only_what_each_column_allows():
    spec = parse_quiz({**QUIZ, "settings": {"review": Review(
        immediately=("attempt", "correctness"), open=("attempt", "marks"),
        closed=("attempt", "marks", "correctness", "right_answer")).model_dump()}}, require_source=False)
    answers = {"a": True, "b": ["x"]}
    right_away = reviewed_attempt(spec, answers, "immediately")
    assert right_away["marks"] is None and right_away["right_answers"] is None
    assert right_away["verdicts"] == [{"number": 1, "right": True}, {"number": 2, "right": False}]
    later = reviewed_attempt(spec, answers, "open")
    assert later["verdicts"] is None and (later["marks"], later["max_marks"]) == ("2", "3")  # part marks on b
    assert later["passed"] is False
    closed = reviewed_attempt(spec, answers, "closed")
    assert closed["right_answers"] == [{"number": 1, "answer": "True"}, {"number": 2, "answer": "X; Y"}]
    assert reviewed_attempt(spec, {"a": "not a bool", "b": 7}, "closed")["marks"] == "0"
