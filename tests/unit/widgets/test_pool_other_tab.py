"""On one machine too, an older tab of a pooled quiz takes up the attempt another tab began and says so."""

from __future__ import annotations

import json

import pytest
from pool_service_support import POOLED, learner_folder, pooled_spec

from coursekit.quiz.draw import draw_for_attempt
from coursekit.widgets import quiz_view_for

SPEC = pooled_spec(attempts=3)


@pytest.fixture
def two_tabs(tmp_path, monkeypatch):
    for name in ("COURSEKIT_QUIZ_URL", "COURSEKIT_READONLY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    folder = learner_folder(tmp_path / "ada", SPEC)
    return folder, quiz_view_for(POOLED, folder), quiz_view_for(POOLED, folder)


def test_the_older_tabs_answer_and_submit_after_the_other_tab_submitted(two_tabs):
    folder, older, newer = two_tabs
    learner = older.session.responses.learner
    first, second = (draw_for_attempt(SPEC, learner, POOLED, n)["pick"] for n in (1, 2))
    older.answer("fixed", "a")
    newer.answer(first, "b")
    newer.submit(confirmed=True)
    assert older.root.view["message_place"] is None  # a save is said in the status line only
    older.answer(first, "c")
    assert older.root.view["warn"] and "question 2 was for a question attempt 2 does not give" in \
        older.root.view["message"]
    assert older.root.view["message_place"] == "question"  # shown at the top of the question area too
    assert older.root.view["focus"] == "legend:fixed"  # beside the question the learner is taken to
    assert [q.id for q in older.session.questions] == ["fixed", second]
    said = older.root.view["message_seq"]
    older.go(1)  # the learner moves on: the message goes back to the status line, not announced again
    assert older.root.view["message_place"] is None and older.root.view["message_seq"] == said
    older.answer(second, "c")
    assert older.root.view["message_place"] is None
    newer.answer("fixed", "b")  # the newer tab is behind now only in the answers: saved alongside
    newer.submit(confirmed=True)
    older.submit(confirmed=True)  # attempt 2 was submitted by the newer tab: not submitted again here
    assert older.root.view["message"].startswith("Not submitted from this tab: Attempt 2 was submitted")
    assert older.root.view["message_place"] == "question" and older.root.view["phase"] == "question"
    saved = json.loads((folder / "responses" / f"{POOLED}.json").read_text(encoding="utf-8"))
    assert [a["answers"] for a in saved["attempts"]] == [{"fixed": "a", first: "b"}, {"fixed": "b", second: "c"}]
    for attempt in saved["attempts"]:  # never an answer to a question the attempt did not give
        assert set(attempt["answers"]) <= set(attempt["draw"].values())


def test_without_pools_an_older_tabs_submit_is_an_attempt_of_its_own_as_before(tmp_path, monkeypatch):
    for name in ("COURSEKIT_QUIZ_URL", "COURSEKIT_READONLY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    plain = pooled_spec(attempts=3)
    folder = tmp_path / "ada"
    folder.mkdir()
    public = json.loads((learner_folder(tmp_path / "tmp", plain) / "quiz.json").read_text(encoding="utf-8"))
    public["questions"] = [q for q in public["questions"] if q["id"] == "fixed"]
    public["slots"] = [{"id": "fixed", "questions": ["fixed"]}]
    (folder / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    older, newer = quiz_view_for(POOLED, folder), quiz_view_for(POOLED, folder)
    older.answer("fixed", "a")
    newer.session.adopt(newer.store.save(newer.session.responses))
    newer.submit(confirmed=True)
    older.submit(confirmed=True)
    assert older.root.view["message"].startswith("Attempt 2 submitted"), older.root.view["message"]
    assert older.root.view["message_place"] is None
