"""The quiz service with pools: it draws per attempt, takes answers to the questions drawn only,
records the draw for grading and shows nothing of the questions not drawn."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from coursekit.gradebook.engine import make_engine
from coursekit.grading.hidden import SUBMITTER_ENV, grade_quiz, service_draw_key
from coursekit.quiz.draw import draw_for_attempt, drawn_spec
from coursekit.quiz.review import reviewed_attempt
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec, spec_hash
from coursekit.quiz.timing import AttemptRefused
from coursekit.service.book import AttemptBook
from coursekit.service.grading import ServerRecord, as_responses, substitute_record
from coursekit.service.migrate import migrate

SECTION = "pooled"
KEYS = {"fixed": "a", "pick-a": "a", "pick-b": "b", "pick-c": "c"}


def _single(qid: str) -> dict:
    return {"id": qid, "type": "single_choice", "text": f"Text of {qid}?",
            "options": [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}],
            "answer": KEYS[qid], "source": f"passage of {qid}"}


SPEC = parse_quiz({"title": "Quiz", "questions": [
    _single("fixed"), {"slot": "pick", "pool": [_single("pick-a"), _single("pick-b"), _single("pick-c")]}]})


@pytest.fixture
def book(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    migrate(url)
    engine = make_engine(url)
    yield AttemptBook(engine, clock=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    engine.dispose()


def test_the_service_takes_answers_to_the_questions_drawn_only(book):
    drawn = book.draw(SPEC, "ada", SECTION, 1)["pick"]  # drawn with the service's own key
    other = next(q for q in ("pick-a", "pick-b", "pick-c") if q != drawn)
    attempt = book.save(SPEC, "ada", SECTION, {"fixed": "a", drawn: KEYS[drawn]})
    assert attempt.answers == {"fixed": "a", drawn: KEYS[drawn]}
    with pytest.raises(AttemptRefused, match=repr(other)):
        book.save(SPEC, "ada", SECTION, {other: KEYS[other]})


def test_the_record_carries_each_attempts_draw_and_grades_as_given(book, tmp_path, monkeypatch):
    for number in (1, 2):
        drawn = book.draw(SPEC, "ada", SECTION, number)["pick"]
        answers = {"fixed": "b", drawn: KEYS[drawn]} if number == 1 else {"fixed": "a"}
        book.submit(SPEC, "ada", SECTION, f"client-{number}", answers)
    record = ServerRecord("ada", SECTION, tuple(book.attempts("ada", SECTION)))
    public = public_spec(SPEC, SECTION)
    responses = as_responses(record, spec_hash(public), SPEC, book.draw_key)
    assert [a.draw for a in responses.attempts] == [book.draw(SPEC, "ada", SECTION, n) for n in (1, 2)]
    assert as_responses(record, spec_hash(public)).attempts[0].draw is None  # without the spec, no draw
    (tmp_path / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    assert substitute_record(tmp_path, "ada", SECTION, record, spec_hash(public), SPEC, book.draw_key) == [
        "responses/pooled.json: missing from the submission; graded from the quiz server's record"]
    monkeypatch.setenv(SUBMITTER_ENV, "ada")
    with service_draw_key(book.draw_key):  # as the grader does for a section graded from the record
        graded = grade_quiz(tmp_path, SECTION, answer_key(SPEC))
    assert graded.result.refused is None
    assert graded.result.scores == {"fixed": 0.0, "pick": 1.0}  # highest: attempt 1 (1 point) over attempt 2 (1)


def test_a_review_shows_nothing_of_the_questions_not_drawn():
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    review = reviewed_attempt(drawn_spec(SPEC, draw), {draw["pick"]: KEYS[draw["pick"]]}, "closed",
                              attempts_over=True)
    words = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    assert review["right_answers"] == [{"number": 1, "answer": "Alpha"},
                                       {"number": 2, "answer": words[KEYS[draw["pick"]]]}]
    assert review["max_marks"] == "2" and review["marks"] == "1"
    assert len(review["verdicts"]) == 2  # one per slot: the other questions of the pool are not there
