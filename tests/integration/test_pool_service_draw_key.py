"""The widget under the quiz service (real tornado app) shows the questions the service drew with its own key."""

from __future__ import annotations

import json

import pytest
from pool_service_support import POOLED, learner_folder, learners_drawn_apart, pooled_source, pooled_spec
from service_support import Clock, as_learner, running_service, service_client, service_tokens, sqlite_service_db

from coursekit.quiz.draw import draw_for_attempt
from coursekit.widgets import quiz_view_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("writable")]


def test_the_widget_shows_and_answers_the_services_draw_which_learner_files_do_not_reveal(tmp_path, monkeypatch):
    spec = pooled_spec(attempts=3)
    db_url, key = sqlite_service_db(tmp_path)
    learner = learners_drawn_apart(spec, key)[0]
    folder = learner_folder(tmp_path / learner, spec)
    with running_service(db_url, pooled_source(tmp_path, spec), service_tokens([learner]), Clock()) as url:
        as_learner(monkeypatch, url, learner)
        view = quiz_view_for(POOLED, folder)
        served = draw_for_attempt(spec, learner, POOLED, 1, key)["pick"]
        assert [q.id for q in view.session.questions] == ["fixed", served]
        assert served != draw_for_attempt(spec, learner, POOLED, 1)["pick"]  # the public draw would be wrong
        view.answer(served, "a")
        assert "Not accepted" not in view.root.view["message"], view.root.view["message"]
        state = service_client(url, learner).state(POOLED)
        assert state["attempts"][0]["answers"] == {served: "a"}
        saved = json.loads((folder / "responses" / f"{POOLED}.json").read_text(encoding="utf-8"))
        assert saved["in_progress"]["draw"] == {"fixed": "fixed", "pick": served}
        view.submit(confirmed=True)
        assert "recorded by the quiz server" in view.root.view["message"], view.root.view["message"]
        second = draw_for_attempt(spec, learner, POOLED, 2, key)["pick"]
        state = service_client(url, learner).state(POOLED)
        assert state["next_draw"] == {"fixed": "fixed", "pick": second}
        assert [q.id for q in view.session.questions] == ["fixed", second]
        # nothing the learner holds or is sent carries the key
        visible = json.dumps(state) + "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*")
                                              if p.is_file())
        assert key.hex() not in visible.lower()
