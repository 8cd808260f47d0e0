"""The quiz widget's code path with the quiz service (real tornado app, real PostgreSQL): what the kernel runs."""

from __future__ import annotations

import json

import pytest
from service_support import (
    SECTION,
    Clock,
    as_learner,
    fixed_right_answers,
    quiz_source,
    running_service,
    service_client,
    service_tokens,
)
from store_support import fixed_quiz_folder, quiz_folder

from coursekit.service.book import iso
from coursekit.widgets import quiz_view_for
from coursekit.widgets.service_link import QUEUED

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("writable")]


def _submit(view):
    view.submit()
    if view.root.view["phase"] == "confirm":
        view.submit(confirmed=True)


TOKENS = service_tokens(["ada", "bob"])


def test_the_widget_submits_through_the_service_and_the_file_no_longer_decides(postgres_db, tmp_path, monkeypatch):
    source = quiz_source(tmp_path, pools=True, attempts=2)
    folder = quiz_folder(tmp_path / "ada")
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        as_learner(monkeypatch, url, "ada")
        view = quiz_view_for(SECTION, folder)
        assert view.link is not None
        assert view.session.public["salt"] is None  # no key digest in the kernel
        assert not any("answer_digest" in q for q in view.session.public["questions"])
        assert "attempts left: 2" in view.root.view["header"]
        first = view.session.questions[0]
        view.answer(first.id, view.session.option_ids(first)[0])
        server_side = service_client(url, "ada").state(SECTION)
        assert server_side["attempts"][0]["state"] == "open" and first.id in server_side["attempts"][0]["answers"]
        _submit(view)
        said = view.root.view["message"]
        assert said.startswith("Attempt 1 submitted and recorded by the quiz server"), said  # nothing was queued
        assert view.root.view["result"]["note"].startswith("Recorded and marked by the quiz server")
        assert view.root.view["result"]["marks"] is not None  # the service's marks (review: marks immediately)
        # deleting the file starts nothing again: the server still counts one attempt
        (folder / "responses" / f"{SECTION}.json").unlink()
        view = quiz_view_for(SECTION, folder)
        assert "attempts left: 1" in view.root.view["header"]
        _submit(view)
        assert "Attempt 2 submitted and recorded" in view.root.view["message"]
        assert view.root.view["finished"] is True
        (folder / "responses" / f"{SECTION}.json").unlink()
        (folder / "responses" / f".{SECTION}.service.json").unlink()
        view = quiz_view_for(SECTION, folder)
        assert view.root.view["finished"] is True and view.root.view["header"].startswith("All attempts used (2)")
        view.submit(confirmed=True)
        said = view.root.view["message"]
        assert "did not record this attempt: no attempts left: 2 of 2 used" in said, said
        assert len(service_client(url, "ada").state(SECTION)["attempts"]) == 2


def test_service_down_keeps_answers_here_and_sends_them_once_when_back(postgres_db, tmp_path, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = quiz_source(tmp_path)
    folder = fixed_quiz_folder(tmp_path / "bob")
    url = f"http://127.0.0.1:{port}/services/quiz/"
    as_learner(monkeypatch, url, "bob")
    view = quiz_view_for(SECTION, folder)  # the service is not running
    assert view.root.view["message"] == QUEUED and view.root.view["warn"]
    question = view.session.questions[0]
    view.answer(question.id, view.session.option_ids(question)[0])
    assert view.root.view["message"] == QUEUED
    _submit(view)
    said = view.root.view["message"]
    assert said.startswith("Attempt 1 submitted and saved") and said.endswith(QUEUED), said
    assert "Traceback" not in json.dumps(view.root.view)
    saved = json.loads((folder / "responses" / f"{SECTION}.json").read_text())
    assert len(saved["attempts"]) == 1  # kept on this computer
    with running_service(postgres_db, source, TOKENS, Clock(), port=port):
        back = quiz_view_for(SECTION, folder)  # the notebook opened again: the queued attempt is sent
        assert "1 attempt(s) kept on this computer were sent" in back.root.view["message"]
        again = quiz_view_for(SECTION, folder)
        assert "were sent" not in again.root.view["message"]
        link = again.link
        link.state = None
        (folder / "responses" / f".{SECTION}.service.json").unlink()
        assert link.flush(again.session.submitted).accepted is not None  # sent again: counted once
        recorded = service_client(url, "bob").state(SECTION)["attempts"]
    assert [a["attempt_id"] for a in recorded] == [saved["attempts"][0]["id"]]


def test_without_the_service_the_quiz_works_on_its_file_as_before(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_QUIZ_URL", raising=False)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "some-token")
    view = quiz_view_for(SECTION, quiz_folder(tmp_path / "solo"))
    assert view.link is None and view.session.public["salt"]  # the file's digests, as today
    _submit(view)
    assert "Attempt 1 submitted and saved" in view.root.view["message"]


def test_the_timer_counts_from_the_servers_time_and_time_up_submits_once(postgres_db, tmp_path, monkeypatch):
    clock = Clock()
    source = quiz_source(tmp_path, pools=True, attempts=1, time_limit=10)
    folder = quiz_folder(tmp_path / "ada")
    with running_service(postgres_db, source, TOKENS, clock) as url:
        as_learner(monkeypatch, url, "ada")
        view = quiz_view_for(SECTION, folder)
        view.session.clock = lambda: iso(clock.now)  # the kernel's clock agrees with the server's
        assert view.root.view["timer"] is None  # no attempt on the server yet
        assert view.root.view["phase"] == "start" and view.root.view["timing"]["limit"] == "10 minutes"
        first = view.session.questions[0]
        view.answer(first.id, view.session.option_ids(first)[0])  # refused: the clock has not started
        assert service_client(url, "ada").state(SECTION)["attempts"] == []
        view.start()  # Start attempt: starts the attempt on the server at 09:00
        view.answer(first.id, view.session.option_ids(first)[0])
        clock.advance(4)  # the server's clock, not this machine's, decides the time left
        view.link.refresh()
        view._render()
        timer = view.root.view["timer"]
        assert timer["deadline"] == "2026-12-01T09:10:00+00:00" and 359 < timer["seconds"] <= 360, timer
        assert view.root.view["finished"] is False  # the open attempt is still the learner's to submit
        assert "attempts left: 1" in view.root.view["header"]
        view.time_up()  # the browser's count ran ahead: nothing is submitted
        assert view.session.submitted == [] and view.root.view["phase"] == "question"
        clock.advance(7)  # 09:11: past the deadline
        view.link.refresh()  # any request finishes the overdue attempt on the server
        view.time_up()
        said = view.root.view["message"]
        assert said == "Time is up: your attempt was submitted at {time}, with the answers given until then.", said
        assert view.root.view["message_time"].startswith("2026-12-01T09:10:00")  # the service's time, said once
        assert view.root.view["phase"] == "result" and view.root.view["timer"] is None
        view.time_up()
        recorded = service_client(url, "ada").state(SECTION)["attempts"]
        assert len(recorded) == 1 and recorded[0]["auto_submitted"] is True
        assert recorded[0]["attempt_id"] == view.session.submitted[0].id
        assert recorded[0]["submitted_at"].startswith("2026-12-01T09:10:00")


@pytest.mark.parametrize("late", ["fixed", "pooled"])
def test_time_ran_out_while_away_shows_the_attempt_at_its_deadline_and_the_next_starts_clean(
        postgres_db, tmp_path, monkeypatch, late):
    """The late answer is to a question attempt 2 gives again (kept for it) or to a pool's question it does not
    give (not counted, and attempt 2 is not refused for it)."""
    clock = Clock()
    source = quiz_source(tmp_path, pools=True, attempts=2, time_limit=10)
    folder = quiz_folder(tmp_path / "ada")
    with running_service(postgres_db, source, TOKENS, clock) as url:
        as_learner(monkeypatch, url, "ada")
        server_side = service_client(url, "ada")
        view = quiz_view_for(SECTION, folder)
        view.session.clock = lambda: iso(clock.now)
        view.start()  # a timed attempt's questions come from the service with its start
        questions = view.session.questions
        # attempt 2 gives the fixed slots' questions again and another question in every pool
        again = {slot.questions[0] for slot in view.session.spec.quiz_slots if len(slot.questions) == 1}
        first, second = [q for q in questions if q.id in again][:2]
        pooled = next(q for q in questions if q.id not in again)  # a pool's question attempt 2 does not give
        view.answer(first.id, view.session.option_ids(first)[0])  # 09:00, on time
        clock.advance(60)  # the learner went away; back at 10:00 the page still shows attempt 1
        given_late = second if late == "fixed" else pooled
        view.answer(given_late.id, view.session.option_ids(given_late)[0])  # given after the deadline
        assert view.root.view["warn"]  # the service refused it; the file keeps it

        back = quiz_view_for(SECTION, folder)  # the notebook run again on return
        shown = back.root.view
        assert shown["phase"] == "result" and shown["focus"] == "timeup"
        assert shown["time_up"]["at"].startswith("2026-12-01T09:10:00"), shown["time_up"]  # not 10:00
        number = questions.index(given_late) + 1
        assert shown["time_up"]["note"] == (
            f"Your answer to question {number}, given after that time, is kept for attempt 2." if late == "fixed"
            else f"Your answer to question {number}, given after that time, was not counted and is not kept: "
                 "attempt 2 gives another question in its place.")
        assert "attempts left: 1" in shown["header"] and shown["finished"] is False
        recorded = server_side.state(SECTION)["attempts"]
        assert len(recorded) == 1 and recorded[0]["submitted_at"].startswith("2026-12-01T09:10:00")
        assert recorded[0]["attempt_id"] == back.session.submitted[0].id  # the file's attempt 1 is that one
        assert list(back.session.submitted[0].answers) == [first.id]
        assert back.session.submitted[0].submitted_at.startswith("2026-12-01T09:10:00")

        back.session.clock = lambda: iso(clock.now)
        back._on_message(None, {"action": "again"}, None)  # Start attempt 2
        shown = back.root.view
        assert shown["phase"] == "question" and shown["timer"]["deadline"] == "2026-12-01T10:10:00+00:00"
        back.answer(first.id, back.session.option_ids(first)[1])
        assert not back.root.view["warn"], back.root.view["message"]  # accepted: no more "time ran out"
        _submit(back)
        recorded = server_side.state(SECTION)["attempts"]
        assert [a["state"] for a in recorded] == ["submitted", "submitted"]
        # the late answer and the new one, none lost; a late answer to a question attempt 2 does not give is not
        # carried into it (the service would refuse the attempt for it)
        assert set(recorded[1]["answers"]) == ({first.id, second.id} if late == "fixed" else {first.id})
        assert back.root.view["finished"] is True


def test_the_result_shows_part_marks_not_answered_and_the_right_answer_only_once_no_attempt_is_left(
        postgres_db, tmp_path, monkeypatch):
    source = quiz_source(tmp_path, attempts=2)
    folder = fixed_quiz_folder(tmp_path / "ada")
    key = fixed_right_answers()
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        as_learner(monkeypatch, url, "ada")
        view = quiz_view_for(SECTION, folder)
        view.answer("purposes", key["purposes"][:1])  # one of the right boxes: part marks
        text = view.session.question("purposes").text
        _submit(view)
        rows = {row["number"]: row for row in view.root.view["result"]["questions"]}
        purposes = rows[2]
        assert purposes["state"] == "partly" and purposes["state_words"] == "Partly right", purposes
        assert 0 < float(purposes["marks"]) < 2 and purposes["points"] == "2"
        assert purposes["text"] == text and purposes["answer"] != "(no answer)"
        assert rows[1]["state"] == "unanswered" and rows[1]["answer"] == "(no answer)"
        assert all(row["right_answer"] is None for row in rows.values())  # an attempt is left: no key
        _submit(view)  # the last attempt
        rows = {row["number"]: row for row in view.root.view["result"]["questions"]}
        assert view.root.view["finished"] is True
        assert all(row["right_answer"] for row in rows.values()), rows  # now the review shows the key


def test_a_timed_quiz_starts_here_when_the_service_cannot_be_reached(tmp_path, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = quiz_folder(tmp_path / "bob")
    spec = json.loads((folder / "quiz.json").read_text(encoding="utf-8"))
    spec["settings"]["time_limit"] = 20
    (folder / "quiz.json").write_text(json.dumps(spec), encoding="utf-8")
    as_learner(monkeypatch, f"http://127.0.0.1:{port}/services/quiz/", "bob")  # nothing listens there
    view = quiz_view_for(SECTION, folder)
    assert view.root.view["phase"] == "start" and view.root.view["timing"]["limit"] == "20 minutes"
    view.start()
    assert view.root.view["phase"] == "question" and view.root.view["message"].endswith(QUEUED)
    first = view.session.questions[0]
    view.answer(first.id, view.session.option_ids(first)[0])  # kept here, sent when the service is back
    saved = json.loads((folder / "responses" / f"{SECTION}.json").read_text(encoding="utf-8"))
    assert saved["in_progress"]["started_at"] and first.id in saved["in_progress"]["answers"]


def test_an_attempt_kept_here_while_the_service_is_down_is_shown_with_its_own_numbers(
        postgres_db, tmp_path, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = quiz_source(tmp_path, pools=True)
    folder = quiz_folder(tmp_path / "ada")
    with running_service(postgres_db, source, TOKENS, Clock(), port=port) as url:
        as_learner(monkeypatch, url, "ada")
        view = quiz_view_for(SECTION, folder)
        first = view.session.questions[0]
        view.answer(first.id, view.session.option_ids(first)[0])
        _submit(view)
        assert view.root.view["result"]["number"] == 1
        view._on_message(None, {"action": "again"}, None)  # Start attempt 2, with the service still up
    # the service stops; attempt 2 is answered and submitted: kept on this computer
    view.answer(first.id, view.session.option_ids(first)[1])
    _submit(view)
    shown = view.root.view
    assert shown["message"].endswith(QUEUED), shown["message"]
    assert shown["result"]["number"] == 2  # the attempt just submitted, not the service's attempt 1
    assert [row["number"] for row in shown["history"]] == [1, 2]
    assert shown["header"].startswith("Attempt 3") and shown["attempt"] == 3  # header and "Start attempt 3" agree
    assert "Recorded and marked by the quiz server" not in json.dumps(shown["result"])


def test_after_the_responses_file_is_deleted_the_attempt_numbers_are_the_services(postgres_db, tmp_path, monkeypatch):
    source = quiz_source(tmp_path, pools=True, attempts=3)
    folder = quiz_folder(tmp_path / "ada")
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        as_learner(monkeypatch, url, "ada")
        view = quiz_view_for(SECTION, folder)
        _submit(view)
        (folder / "responses" / f"{SECTION}.json").unlink()  # the learner deletes the file
        view = quiz_view_for(SECTION, folder)
        assert view.root.view["header"].startswith("Attempt 2") and view.root.view["attempt"] == 2
        _submit(view)
        shown = view.root.view
        assert "Attempt 2 submitted and recorded" in shown["message"]
        assert shown["result"]["number"] == 2
        assert shown["header"].startswith("Attempt 3") and shown["attempt"] == 3  # "Start attempt 3"
        assert [row["number"] for row in shown["history"]] == [1, 2]
