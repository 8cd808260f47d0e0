"""Single-machine mode (no quiz service): the timer counts from the local attempt's start and ``time_limit``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from store_support import SECTION, quiz_folder

from coursekit.widgets import quiz_view_for

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_service(monkeypatch):
    monkeypatch.delenv("COURSEKIT_QUIZ_URL", raising=False)
    monkeypatch.delenv("COURSEKIT_READONLY", raising=False)


def _timed_folder(tmp_path, time_limit):
    folder = quiz_folder(tmp_path / "solo")
    spec = json.loads((folder / "quiz.json").read_text(encoding="utf-8"))
    spec["settings"]["time_limit"] = time_limit
    (folder / "quiz.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder


def _at(view, seconds):
    view.session.clock = lambda: (T0 + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


def _answer_first(view):
    first = view.session.questions[0]
    view.answer(first.id, view.session.option_ids(first)[0])


def test_local_countdown_runs_from_the_attempts_start_and_submits_at_zero(tmp_path):
    folder = _timed_folder(tmp_path, 0.1)
    view = quiz_view_for(SECTION, folder)
    assert view.link is None and view.root.view["timer"] is None  # no attempt started yet
    _at(view, 0)
    _answer_first(view)
    _at(view, 2)
    view._render()
    assert view.root.view["timer"]["seconds"] == 4.0
    view.time_up()  # a browser count running ahead is only redrawn
    assert view.session.submitted == [] and view.root.view["phase"] == "question"
    _at(view, 6)
    view.time_up()
    assert len(view.session.submitted) == 1 and view.root.view["phase"] == "result"
    assert view.root.view["message"].startswith("Time is up. Attempt 1 submitted and saved"), view.root.view
    assert view.root.view["warn"] is True and view.root.view["timer"] is None
    saved = json.loads((folder / "responses" / f"{SECTION}.json").read_text(encoding="utf-8"))
    assert len(saved["attempts"]) == 1
    view.time_up()  # a second "time is up" submits nothing more
    assert len(view.session.submitted) == 1


def test_without_a_time_limit_there_is_no_timer(tmp_path):
    view = quiz_view_for(SECTION, quiz_folder(tmp_path / "plain"))
    _answer_first(view)
    assert view.root.view["timer"] is None
    view.time_up()
    assert view.session.submitted == []
