"""Single-machine mode (no quiz service): the timer counts from the local attempt's start and ``time_limit``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from store_support import SECTION, quiz_folder

from coursekit.widgets import load_quiz, quiz_view_for
from coursekit.widgets.quiz import QuizView

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


def test_local_countdown_runs_from_start_attempt_and_submits_at_zero(tmp_path):
    folder = _timed_folder(tmp_path, 0.1)
    view = quiz_view_for(SECTION, folder)
    assert view.link is None and view.root.view["timer"] is None  # no attempt started yet
    assert view.root.view["phase"] == "start" and view.root.view["timing"] == {"limit": "6 seconds", "close": None}
    _at(view, 0)
    _answer_first(view)  # no answer before Start attempt in a timed quiz
    assert view.session.answers == {} and "Press Start attempt first" in view.root.view["message"]
    view._on_message(None, {"action": "start"}, None)
    assert view.root.view["phase"] == "question" and view.root.view["focus"].startswith("legend:")
    _at(view, 2)
    view._render()
    assert view.root.view["timer"]["seconds"] == 4.0  # the clock started with Start attempt, at 0
    _answer_first(view)
    assert view.root.view["message"] == "Saved at {clock}."  # the browser writes the time in local time
    assert view.root.view["message_time"] == "2026-12-01T09:00:02.000+00:00"
    view.time_up()  # a browser count running ahead is only redrawn
    assert view.session.submitted == [] and view.root.view["phase"] == "question"
    _at(view, 6)
    view.time_up()
    assert len(view.session.submitted) == 1 and view.root.view["phase"] == "result"
    said = view.root.view
    assert said["message"].startswith("Time is up: your attempt was submitted at {time}"), said
    assert said["message_time"] == "2026-12-01T09:00:06.000+00:00" and said["focus"] == "timeup"
    assert said["time_up"] == {"number": 1, "at": said["message_time"], "note": None}
    assert said["warn"] is True and said["timer"] is None
    saved = json.loads((folder / "responses" / f"{SECTION}.json").read_text(encoding="utf-8"))
    assert len(saved["attempts"]) == 1 and len(saved["attempts"][0]["answers"]) == 1
    view.time_up()  # a second "time is up" submits nothing more
    assert len(view.session.submitted) == 1
    view._on_message(None, {"action": "again"}, None)  # Start attempt 2 starts its clock at once
    assert view.root.view["phase"] == "question" and 5.99 < view.root.view["timer"]["seconds"] <= 6.01


def test_time_ran_out_while_away_is_submitted_at_its_deadline_and_late_answers_go_to_the_next(tmp_path):
    folder = _timed_folder(tmp_path, 10)
    view = quiz_view_for(SECTION, folder)
    _at(view, 0)
    view.start()
    questions = view.session.questions
    again = set(view.session.draw(2).values())  # what attempt 2 gives: the fixed slots' questions, other draws
    first, second = [q for q in questions if q.id in again][:2]
    pooled = next(q for q in questions if q.id not in again)  # a pool's question attempt 2 does not give
    view.answer(first.id, view.session.option_ids(first)[0])  # on time
    _at(view, 3600)  # an hour later, the page still open: the browser's count was asleep
    view.answer(second.id, view.session.option_ids(second)[0])
    view.answer(pooled.id, view.session.option_ids(pooled)[0])
    session, store, _ = load_quiz(SECTION, folder)  # the notebook opened again (new kernel)
    session.clock = view.session.clock
    back = QuizView(session, store)
    shown = back.root.view
    assert shown["phase"] == "result" and shown["time_up"]["at"] == "2026-12-01T09:10:00.000+00:00", shown
    kept, dropped = questions.index(second) + 1, questions.index(pooled) + 1
    assert shown["time_up"]["note"] == (
        f"Your answer to question {kept}, given after that time, is kept for attempt 2. Your answer to question "
        f"{dropped}, given after that time, was not counted and is not kept: attempt 2 gives another question in "
        "its place.")
    saved = json.loads((folder / "responses" / f"{SECTION}.json").read_text(encoding="utf-8"))
    assert saved["attempts"][0]["submitted_at"] == "2026-12-01T09:10:00.000+00:00"
    assert list(saved["attempts"][0]["answers"]) == [first.id]
    assert list(saved["in_progress"]["answers"]) == [second.id] and saved["in_progress"]["started_at"] is None
    back._on_message(None, {"action": "again"}, None)  # Start attempt 2: the late answer is its first
    assert back.root.view["phase"] == "question" and list(back.session.answers) == [second.id]
    assert 599.9 < back.root.view["timer"]["seconds"] <= 600


def test_without_a_time_limit_there_is_no_timer(tmp_path):
    view = quiz_view_for(SECTION, quiz_folder(tmp_path / "plain"))
    _answer_first(view)
    assert view.root.view["timer"] is None
    view.time_up()
    assert view.session.submitted == []
