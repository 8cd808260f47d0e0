"""The learner's quiz session with pools: it shows and records the questions drawn, and grading accepts them."""

from __future__ import annotations

import json
from itertools import count

import pytest

from coursekit.grading.hidden import SUBMITTER_ENV, grade_quiz
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.scoring import AnswerError
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec, spec_hash

SECTION = "pooled"
KEYS = {"fixed": "a", "pick-a": "a", "pick-b": "b", "pick-c": "c"}


def _single(qid: str) -> dict:
    return {"id": qid, "type": "single_choice", "text": f"Text of {qid}?",
            "options": [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}],
            "answer": KEYS[qid], "source": f"passage of {qid}"}


SPEC = parse_quiz({"title": "Quiz", "settings": {"grading_method": "last"}, "questions": [
    _single("fixed"), {"slot": "pick", "pool": [_single("pick-a"), _single("pick-b"), _single("pick-c")]}]})
PUBLIC = public_spec(SPEC, SECTION)


def _session(learner: str = "ada") -> QuizSession:
    ticks = count()
    return QuizSession(PUBLIC, empty_responses(learner, SECTION, spec_hash(PUBLIC)),
                       clock=lambda: f"2026-12-01T09:{next(ticks) % 60:02d}:00.000+00:00")


def test_the_session_shows_the_questions_drawn_for_each_attempt_and_records_the_draw():
    session = _session()
    first, second = (draw_for_attempt(SPEC, "ada", SECTION, n) for n in (1, 2))
    assert [q.id for q in session.questions] == ["fixed", first["pick"]]
    saved = session.set_answer(first["pick"], KEYS[first["pick"]])
    assert saved.in_progress.draw == first
    undrawn = next(q for q in ("pick-a", "pick-b", "pick-c") if q not in (first["pick"],))
    with pytest.raises(AnswerError, match="not drawn for this attempt"):
        session.set_answer(undrawn, "a")
    with pytest.raises(KeyError):
        session.set_answer("no-such-question", "a")
    saved = session.submit()
    assert saved.attempts[0].draw == first
    assert [q.id for q in session.questions] == ["fixed", second["pick"]] and second["pick"] != first["pick"]


def test_a_file_the_session_wrote_is_graded_on_the_questions_given(tmp_path, monkeypatch):
    session = _session()
    first = draw_for_attempt(SPEC, "ada", SECTION, 1)
    session.set_answer("fixed", "b")
    session.set_answer(first["pick"], KEYS[first["pick"]])
    session.submit()
    second = draw_for_attempt(SPEC, "ada", SECTION, 2)
    session.set_answer("fixed", "a")
    saved = session.set_answer(second["pick"], "c" if KEYS[second["pick"]] != "c" else "a")  # wrong
    (tmp_path / "quiz.json").write_text(json.dumps(PUBLIC), encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / f"{SECTION}.json").write_text(saved.to_json(), encoding="utf-8")
    monkeypatch.setenv(SUBMITTER_ENV, "ada")
    graded = grade_quiz(tmp_path, SECTION, answer_key(SPEC))
    assert graded.result.refused is None and graded.result.problems == []
    assert graded.result.attempts == 2
    assert graded.result.scores == {"fixed": 1.0, "pick": 0.0}  # last: the attempt in progress, handed in


def test_a_late_answer_to_a_question_the_next_attempt_does_not_draw_is_not_kept():
    """Attempt 2 draws another question of the pool: the late answer to attempt 1's could never count there."""
    timed = parse_quiz({"title": "Quiz", "settings": {"time_limit": 10, "grading_method": "last"}, "questions": [
        _single("fixed"), {"slot": "pick", "pool": [_single("pick-a"), _single("pick-b"), _single("pick-c")]}]})
    public = public_spec(timed, SECTION)
    times = iter(["2026-12-01T09:15:00.000+00:00", "2026-12-01T09:16:00.000+00:00",
                  "2026-12-01T09:20:00.000+00:00"])
    session = QuizSession(public, empty_responses("ada", SECTION, spec_hash(public)), clock=lambda: next(times))
    first, second = (draw_for_attempt(timed, "ada", SECTION, n)["pick"] for n in (1, 2))
    assert first != second  # a pool of three: attempts 1 to 3 never repeat a question
    session.set_answer("fixed", "b")  # late, and attempt 2 gives the fixed question again: kept
    session.set_answer(first, "b")  # late, and attempt 2 gives another question in its slot: dropped
    saved, split = session.with_time_up(session.responses, "2026-12-01T09:10:00.000+00:00")
    assert set(split.late) == {"fixed", first} and saved.attempts[0].answers == {}
    assert saved.in_progress.answers == {"fixed": "b"} and set(saved.in_progress.answered_at) == {"fixed"}
    assert saved.in_progress.draw == draw_for_attempt(timed, "ada", SECTION, 2)


def test_when_time_runs_out_the_attempt_keeps_its_draw_and_the_next_one_carries_its_own(tmp_path, monkeypatch):
    timed = parse_quiz({"title": "Quiz", "settings": {"time_limit": 10, "grading_method": "last"}, "questions": [
        _single("fixed"), {"slot": "pick", "pool": [_single("pick-a"), _single("pick-b"), _single("pick-c")]}]})
    public = public_spec(timed, SECTION)
    times = iter(["2026-12-01T09:00:00.000+00:00", "2026-12-01T09:15:00.000+00:00",
                  "2026-12-01T09:20:00.000+00:00", "2026-12-01T09:21:00.000+00:00"])
    session = QuizSession(public, empty_responses("ada", SECTION, spec_hash(public)), clock=lambda: next(times))
    session.set_answer("fixed", "a")  # on time
    session.set_answer("fixed", "b")  # late: carried over to the next attempt
    saved, _ = session.with_time_up(session.responses, "2026-12-01T09:10:00.000+00:00")
    assert saved.attempts[0].draw == draw_for_attempt(timed, "ada", SECTION, 1)
    assert saved.in_progress.answers == {"fixed": "b"}
    assert saved.in_progress.draw == draw_for_attempt(timed, "ada", SECTION, 2)
    (tmp_path / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / f"{SECTION}.json").write_text(saved.to_json(), encoding="utf-8")
    monkeypatch.setenv(SUBMITTER_ENV, "ada")
    graded = grade_quiz(tmp_path, SECTION, answer_key(timed))
    assert graded.result.refused is None and graded.result.attempts == 2
