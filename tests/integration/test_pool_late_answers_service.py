"""Under the quiz service (real tornado app), a late answer to a pooled question is not carried into the next
attempt, which gives another question there: the learner is told, and the other late answers reach the service."""

from __future__ import annotations

import pytest
from pool_service_support import POOLED, learner_folder, pooled_source, pooled_spec
from service_support import Clock, as_learner, running_service, service_client, service_tokens, sqlite_service_db

from coursekit.quiz.draw import draw_for_attempt
from coursekit.service.book import iso
from coursekit.widgets import quiz_view_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("writable")]


def test_a_late_answer_to_a_pooled_question_is_not_sent_into_the_next_attempt(tmp_path, monkeypatch):
    spec = pooled_spec(attempts=3, time_limit=10)
    db_url, key = sqlite_service_db(tmp_path)
    clock = Clock()
    folder = learner_folder(tmp_path / "ada", spec)
    with running_service(db_url, pooled_source(tmp_path, spec), service_tokens(["ada"]), clock) as url:
        as_learner(monkeypatch, url, "ada")
        server_side = service_client(url, "ada")
        view = quiz_view_for(POOLED, folder)
        view.session.clock = lambda: iso(clock.now)
        view.start()  # attempt 1 on the service, 09:00
        first = draw_for_attempt(spec, "ada", POOLED, 1, key)["pick"]
        assert [q.id for q in view.session.questions] == ["fixed", first]
        view.answer("fixed", "a")  # on time
        clock.advance(60)  # back at 10:00, the page still shows attempt 1
        view.answer(first, "c")  # late, to the pool's question of attempt 1 (refused by the service, kept here)
        assert view.session.responses.in_progress.answers == {"fixed": "a", first: "c"}
        back = quiz_view_for(POOLED, folder)  # the notebook run again: time ran out while away
        shown = back.root.view
        assert shown["phase"] == "result"
        assert shown["time_up"]["note"] == (
            "Your answer to question 2, given after that time, was not counted and is not kept: attempt 2 gives "
            "another question in its place."), shown["time_up"]
        assert shown["time_up"]["note"] in shown["message"] and shown["warn"]  # announced in the live region too
        assert back.session.submitted[0].answers == {"fixed": "a"}
        assert back.session.responses.in_progress.answers == {}  # not applied to attempt 2's other question

        back.session.clock = lambda: iso(clock.now)
        back._on_message(None, {"action": "again"}, None)  # Start attempt 2
        second = draw_for_attempt(spec, "ada", POOLED, 2, key)["pick"]
        assert second != first and [q.id for q in back.session.questions] == ["fixed", second]
        said = back.root.view["message"]
        assert said.startswith("Attempt 2 started.") and not back.root.view["warn"], said
        back.answer("fixed", "b")
        back.answer(second, "b")
        assert not back.root.view["warn"], back.root.view["message"]  # every save accepted by the service
        back.submit(confirmed=True)
        recorded = server_side.state(POOLED)["attempts"]
        assert [a["answers"] for a in recorded] == [{"fixed": "a"}, {"fixed": "b", second: "b"}]
