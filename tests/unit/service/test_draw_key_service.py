"""The quiz service's draw is keyed by a secret of its own, kept in the gradebook: learner-visible files
cannot reproduce it; the grader, reading the same key, rebuilds and checks it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pool_service_support import POOLED, learners_drawn_apart, pooled_spec

from coursekit.gradebook.engine import make_engine
from coursekit.grading.hidden import DRAW_KEY_ENV, SUBMITTER_ENV, draw_key, grade_quiz, service_draw_key
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import answer_key, public_spec, spec_hash
from coursekit.quiz.timing import AttemptRefused
from coursekit.service.book import AttemptBook
from coursekit.service.draw_key import DrawKeyMissingError, read_draw_key
from coursekit.service.grading import ServerRecord, as_responses, section_draw_keys, substitute_record
from coursekit.service.migrate import migrate
from coursekit.service.tables import DRAW_KEY

SPEC = pooled_spec()
KEYS = {"fixed": "a", "pick-a": "a", "pick-b": "b", "pick-c": "c"}


def _book(tmp_path, name="gradebook.db"):
    url = f"sqlite:///{tmp_path / name}"
    migrate(url)
    return url, AttemptBook(make_engine(url), clock=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def test_the_key_is_made_once_per_gradebook_and_kept(tmp_path):
    url, book = _book(tmp_path)
    key = book.draw_key
    assert len(key) == 32
    assert migrate(url) == (2, 2)  # migrating again keeps it
    assert read_draw_key(make_engine(url)) == key
    _, other = _book(tmp_path, "other.db")
    assert other.draw_key != key  # random per gradebook, never a constant of the code


def test_an_older_gradebook_without_the_key_is_named(tmp_path):
    url, book = _book(tmp_path)
    with book.engine.begin() as conn:
        conn.execute(DRAW_KEY.delete())
    with pytest.raises(DrawKeyMissingError, match="coursekit service migrate"):
        read_draw_key(make_engine(url))


def test_the_service_draws_with_its_key_and_the_public_draw_does_not_reproduce_it(tmp_path):
    _, book = _book(tmp_path)
    apart = learners_drawn_apart(SPEC, book.draw_key)
    # a pool of 3: about two learners in three get another question than the public draw gives them
    assert len(apart) > 100, len(apart)
    learner = apart[0]
    served = book.draw(SPEC, learner, POOLED, 1)
    assert served == draw_for_attempt(SPEC, learner, POOLED, 1, book.draw_key)
    public = draw_for_attempt(SPEC, learner, POOLED, 1)["pick"]
    accepted = book.save(SPEC, learner, POOLED, {served["pick"]: KEYS[served["pick"]]})
    assert accepted.answers == {served["pick"]: KEYS[served["pick"]]}
    with pytest.raises(AttemptRefused, match=repr(public)):  # the public draw's question is not this learner's
        book.save(SPEC, learner, POOLED, {public: KEYS[public]})


def test_the_grader_with_the_key_agrees_with_the_service_and_without_it_refuses(tmp_path, monkeypatch):
    url, book = _book(tmp_path)
    learner = learners_drawn_apart(SPEC, book.draw_key)[0]
    served = book.draw(SPEC, learner, POOLED, 1)
    book.submit(SPEC, learner, POOLED, "client-1", {"fixed": "a", served["pick"]: KEYS[served["pick"]]})
    assert section_draw_keys(url, [POOLED, "other"]) == {POOLED: book.draw_key}
    record = ServerRecord(learner, POOLED, tuple(book.attempts(learner, POOLED)))
    public = public_spec(SPEC, POOLED)
    (tmp_path / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    substitute_record(tmp_path, learner, POOLED, record, spec_hash(public), SPEC, book.draw_key)
    written = json.loads((tmp_path / "responses" / f"{POOLED}.json").read_text(encoding="utf-8"))
    assert written["attempts"][0]["draw"] == served
    assert as_responses(record, spec_hash(public), SPEC, book.draw_key).attempts[0].draw == served
    monkeypatch.setenv(SUBMITTER_ENV, learner)
    monkeypatch.delenv(DRAW_KEY_ENV, raising=False)
    without = grade_quiz(tmp_path, POOLED, answer_key(SPEC))
    assert without.result.refused is not None and "draw edited" in without.result.refused
    with service_draw_key(book.draw_key):
        assert draw_key() == book.draw_key
        graded = grade_quiz(tmp_path, POOLED, answer_key(SPEC))
    assert draw_key() is None  # set around the submission only
    assert graded.result.refused is None
    assert graded.result.scores == {"fixed": 1.0, "pick": 1.0}
