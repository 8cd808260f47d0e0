"""Two tabs of one pooled quiz under the quiz service (real tornado app): when the other tab submitted and the
next attempt draws other questions, the older tab says so plainly, takes up the new attempt and loses nothing
it can keep; the service refuses an answer to a question not drawn with its own reason."""

from __future__ import annotations

import pytest
from pool_service_support import POOLED, learner_folder, pooled_source, pooled_spec
from service_support import Clock, as_learner, running_service, service_client, service_tokens, sqlite_service_db

from coursekit.quiz.draw import draw_for_attempt
from coursekit.service.client import ServiceRefused
from coursekit.widgets import quiz_view_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("writable")]


@pytest.fixture
def tabs(tmp_path, monkeypatch):
    spec = pooled_spec(attempts=4)
    db_url, key = sqlite_service_db(tmp_path)
    folder = learner_folder(tmp_path / "ada", spec)
    with running_service(db_url, pooled_source(tmp_path, spec), service_tokens(["ada"]), Clock()) as url:
        as_learner(monkeypatch, url, "ada")
        older, newer = quiz_view_for(POOLED, folder), quiz_view_for(POOLED, folder)
        yield spec, key, older, newer, service_client(url, "ada")


def _picks(spec, key, *numbers):
    return [draw_for_attempt(spec, "ada", POOLED, n, key)["pick"] for n in numbers]


def test_an_answer_in_the_older_tab_to_a_question_the_new_attempt_does_not_give(tabs):
    spec, key, older, newer, server = tabs
    first, second = _picks(spec, key, 1, 2)
    older.answer("fixed", "a")
    newer.answer(first, "b")  # the newer tab sees the older one's answer and submits attempt 1 with both
    newer.submit(confirmed=True)
    newer.answer("fixed", "c")  # attempt 2 begins on the service
    seq = older.root.view["message_seq"]
    older.answer(first, "c")  # the older tab still shows attempt 1's question of the pool
    shown = older.root.view
    assert shown["message"] == (
        "Attempt 1 was submitted in another tab or window of this quiz. This tab now shows attempt 2, whose "
        "questions were drawn for it; answers already saved for it are filled in. Your answer to question 2 was "
        "for a question attempt 2 does not give, so it is not saved; answer the questions shown now."), shown
    assert shown["warn"] and shown["message_seq"] > seq  # announced in the live region, as a warning
    assert [q.id for q in older.session.questions] == ["fixed", second]
    assert shown["focus"] == "legend:fixed"
    attempts = server.state(POOLED)["attempts"]
    assert [a["answers"] for a in attempts] == [{"fixed": "a", first: "b"}, {"fixed": "c"}]  # nothing lost
    older.answer(second, "a")  # the new attempt's question: saved, accepted
    assert not older.root.view["warn"], older.root.view["message"]
    assert server.state(POOLED)["attempts"][1]["answers"] == {"fixed": "c", second: "a"}


def test_an_answer_the_new_attempt_still_gives_is_saved_there_and_said(tabs):
    _, _, older, newer, server = tabs
    newer.submit(confirmed=True)
    older.answer("fixed", "b")
    said = older.root.view["message"]
    assert said.startswith("Attempt 1 was submitted in another tab or window of this quiz. This tab now shows "
                           "attempt 2") and "Saved at {clock}." in said, said
    assert older.root.view["message_place"] == "question"  # shown at the top of the question area too
    attempts = server.state(POOLED)["attempts"]
    assert attempts[1]["state"] == "open" and attempts[1]["answers"] == {"fixed": "b"}


def test_a_submit_from_the_older_tab_is_not_sent_for_questions_not_drawn(tabs):
    spec, key, older, newer, server = tabs
    first, second = _picks(spec, key, 1, 2)
    older.answer(first, "a")
    newer.session.adopt(newer.store.save(newer.session.responses))
    newer.submit(confirmed=True)
    older.submit(confirmed=True)
    shown = older.root.view
    assert shown["message"].startswith("Not submitted from this tab: Attempt 1 was submitted in another tab"), shown
    assert shown["warn"] and shown["phase"] == "question"
    assert [q.id for q in older.session.questions] == ["fixed", second]
    attempts = server.state(POOLED)["attempts"]
    assert [(a["state"], a["answers"]) for a in attempts] == [("submitted", {first: "a"})]  # counted once
    with pytest.raises(ServiceRefused) as refused:  # what an out-of-date client would meet
        server.save(POOLED, {"fixed": "a", first: "b"})
    assert refused.value.reason == "not_drawn" and repr(first) in str(refused.value)
    assert server.state(POOLED)["attempts"] == attempts  # nothing of that request was saved, no attempt begun
