"""Late answers of a timed attempt are carried to the next one only for the questions it gives (pools)."""

from __future__ import annotations

import itertools
import json

from pool_service_support import POOLED, pooled_spec

from coursekit.grading.hidden import SUBMITTER_ENV, grade_quiz
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import InProgress, empty_responses
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import answer_key, public_spec, spec_hash
from coursekit.quiz.timed_attempt import DeadlineSplit, carried_over, late_note, not_carried, replaced_note

TIMED = pooled_spec(time_limit=10)
PUBLIC = public_spec(TIMED, POOLED)
DEADLINE = "2026-12-01T09:10:00.000+00:00"


def _session(times):
    ticks = iter(times)
    return QuizSession(PUBLIC, empty_responses("ada", POOLED, spec_hash(PUBLIC)), clock=lambda: next(ticks))


def test_carried_over_keeps_late_answers_to_the_next_attempts_questions_only():
    split = DeadlineSplit({}, {"fixed": "b", "pick-a": "a"}, {"fixed": "T1", "pick-a": "T2"})
    carried = carried_over(split, True, {"fixed", "pick-c"})
    assert carried == InProgress(updated_at="T1", answers={"fixed": "b"}, answered_at={"fixed": "T1"})
    assert not_carried(split, True, carried) == ["pick-a"]
    assert not_carried(split, False, InProgress()) == []  # no attempt left: not counted, said otherwise
    assert carried_over(split, True, {"pick-c"}) == InProgress()
    assert carried_over(split, True) == InProgress(updated_at="T2", answers={"fixed": "b", "pick-a": "a"},
                                                   answered_at={"fixed": "T1", "pick-a": "T2"})


def test_the_note_says_which_late_answers_are_kept_and_which_are_not():
    assert late_note([1], 2, [2]) == (
        "Your answer to question 1, given after that time, is kept for attempt 2. Your answer to question 2, "
        "given after that time, was not counted and is not kept: attempt 2 gives another question in its place.")
    assert late_note([], 3, [1, 2]) == (
        "Your answers to questions 1 and 2, given after that time, were not counted and are not kept: "
        "attempt 3 gives other questions in their place.")
    assert replaced_note([2], 2, 1) == ("Your answer to question 2 of attempt 1, given after its time ran out, "
                                        "was not counted and is not kept: attempt 2 gives another question in "
                                        "its place.")


def test_a_late_answer_to_a_pooled_question_is_not_applied_to_the_next_attempts_other_question(tmp_path,
                                                                                           monkeypatch):
    first, second = (draw_for_attempt(TIMED, "ada", POOLED, n)["pick"] for n in (1, 2))
    assert first != second  # consecutive attempts never give the same question of a pool
    session = _session(["2026-12-01T09:12:00.000+00:00", "2026-12-01T09:13:00.000+00:00",
                        "2026-12-01T09:20:00.000+00:00", "2026-12-01T09:21:00.000+00:00"])
    session.set_answer("fixed", "b")  # late
    session.set_answer(first, "c")  # late, to the question attempt 2 does not give
    saved, split = session.with_time_up(session.responses, DEADLINE)
    assert set(split.late) == {"fixed", first}
    assert saved.attempts[0].answers == {}
    assert saved.in_progress.answers == {"fixed": "b"} and set(saved.in_progress.answered_at) == {"fixed"}
    assert saved.in_progress.draw == draw_for_attempt(TIMED, "ada", POOLED, 2)
    assert not_carried(split, True, saved.in_progress) == [first]
    session.adopt(saved)
    assert session.without_undrawn(saved) == (saved, [])  # nothing left to drop on one machine
    (tmp_path / "quiz.json").write_text(json.dumps(PUBLIC), encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / f"{POOLED}.json").write_text(session.submit().to_json(), encoding="utf-8")
    monkeypatch.setenv(SUBMITTER_ENV, "ada")
    graded = grade_quiz(tmp_path, POOLED, answer_key(TIMED))
    assert graded.result.refused is None and graded.result.problems == []  # no answer to an undrawn question


def test_answers_saved_for_another_draw_are_dropped_once_the_services_draw_is_known():
    session = _session(["2026-12-01T09:00:00.000+00:00"] * 4)
    public_first = draw_for_attempt(TIMED, "ada", POOLED, 1)["pick"]
    saved = session.set_answer(public_first, "a")
    service_draw = {"fixed": "fixed", "pick": next(q for q in ("pick-a", "pick-b", "pick-c") if q != public_first)}
    session.given_draws = lambda number: service_draw if number == 1 else None
    session.set_answer("fixed", "b")
    kept, dropped = session.without_undrawn(session.responses)
    assert dropped == [public_first]
    assert kept.in_progress.answers == {"fixed": "b"} and kept.in_progress.draw == service_draw
    assert public_first not in kept.in_progress.answered_at
    assert saved.in_progress.answers == {public_first: "a"}  # the document given is never changed


def test_consecutive_attempts_never_give_the_same_question_of_a_pool_whatever_the_key():
    two = pooled_spec()
    for key in (None, b"k" * 32, bytes(range(32))):
        for learner in (f"l{n}" for n in range(40)):
            picks = [draw_for_attempt(two, learner, POOLED, n, key)["pick"] for n in range(1, 9)]
            assert all(a != b for a, b in itertools.pairwise(picks)), (key, learner, picks)


def test_while_the_service_cannot_be_reached_the_attempt_keeps_the_questions_the_service_drew():
    """Answered online (the service's draw kept with the attempt), then opened while the service is down: the
    attempt still gives the service's questions, not the public draw, so the answer given offline is to a question
    the service drew. On one machine (no service) the file's draw is never taken: the public draw counts."""
    session = _session(["2026-12-01T09:00:00.000+00:00"] * 4)
    public = draw_for_attempt(TIMED, "ada", POOLED, 1)
    service_draw = {"fixed": "fixed", "pick": next(q for q in ("pick-a", "pick-b", "pick-c") if q != public["pick"])}
    session.given_draws = lambda number: service_draw if number == 1 else None
    kept = session.set_answer("fixed", "b")
    assert kept.in_progress.draw == service_draw

    offline = _session(["2026-12-01T09:05:00.000+00:00"] * 4)
    offline.adopt(kept)
    offline.given_draws = lambda number: None  # the service's state could not be read
    assert [q.id for q in offline.questions] == ["fixed", service_draw["pick"]]
    assert offline.set_answer(service_draw["pick"], "a").in_progress.answers == {"fixed": "b",
                                                                                 service_draw["pick"]: "a"}

    alone = _session(["2026-12-01T09:05:00.000+00:00"] * 4)
    alone.adopt(kept)  # a file claiming another draw, with no service: the public draw
    assert [q.id for q in alone.questions] == ["fixed", public["pick"]]
