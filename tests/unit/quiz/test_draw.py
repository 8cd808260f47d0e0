"""Pools in the quiz spec and the deterministic draw per learner, section and attempt."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from coursekit.quiz.attempts import Attempt, grade_attempts
from coursekit.quiz.draw import draw_for_attempt, draw_problems, member_order, seen_before, slot_scores
from coursekit.quiz.responses import empty_responses, graded_attempts, graded_draws, parse_responses
from coursekit.quiz.spec import QuizSpecError, answer_key, parse_quiz, public_spec, rebuild_spec, spec_hash


def _single(qid: str, answer: str = "a", points: int = 1) -> dict:
    return {"id": qid, "type": "single_choice", "text": f"Question {qid}?", "points": points,
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
            "answer": answer, "source": f"passage of {qid}"}


def _pooled(members: int = 3) -> dict:
    return {"title": "Quiz", "questions": [
        _single("fixed"),
        {"slot": "transition", "pool": [_single(f"transition-{n}", "abc"[n % 3]) for n in range(members)]},
    ]}


def test_a_pool_is_a_slot_of_several_questions_each_with_its_key_and_source():
    spec = parse_quiz(_pooled())
    assert [q.id for q in spec.questions] == ["fixed", "transition-0", "transition-1", "transition-2"]
    assert [(s.id, s.questions) for s in spec.quiz_slots] == [
        ("fixed", ("fixed",)), ("transition", ("transition-0", "transition-1", "transition-2"))]
    assert spec.has_pools
    assert spec.max_points == 2.0  # one question's points per slot
    assert set(answer_key(spec)) == {"fixed", "transition-0", "transition-1", "transition-2"}


def test_the_learners_copy_lists_the_slots_and_no_key_and_rebuilds_with_the_key():
    spec = parse_quiz(_pooled())
    public = public_spec(spec, "s")
    assert public["slots"] == [{"id": "fixed", "questions": ["fixed"]},
                               {"id": "transition", "questions": ["transition-0", "transition-1", "transition-2"]}]
    text = json.dumps(public)
    assert '"answer"' not in text and "passage of" not in text
    rebuilt = rebuild_spec(public, answer_key(spec))
    assert rebuilt.quiz_slots == spec.quiz_slots
    assert rebuilt.question("transition-1").answer == "b"


def test_a_pool_of_one_is_exactly_the_question_alone():
    plain = {"title": "Quiz", "questions": [_single("fixed"), _single("other", "b")]}
    pooled = {"title": "Quiz", "questions": [_single("fixed"), {"pool": [_single("other", "b")]}]}
    a, b = parse_quiz(plain), parse_quiz(pooled)
    assert a == b and not b.slots and not b.has_pools
    assert spec_hash(public_spec(a, "s")) == spec_hash(public_spec(b, "s"))
    assert "slots" not in public_spec(b, "s")
    assert draw_for_attempt(b, "ada", "s", 1) == {"fixed": "fixed", "other": "other"}


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p["pool"][1].update(points=2),
     "pool 'transition': its questions must have the same points (found 1, 2)"),
    (lambda p: p.update(shuffle=True), "pool 'transition': unknown key(s) shuffle"),
    (lambda p: p.update(pool=[]), "pool 'transition': 'pool' must be a non-empty list of questions"),
    (lambda p: p["pool"][2].update(source=" "), "question 'transition-2': no source: cite the passage it tests"),
    (lambda p: p.update(slot="fixed"), "duplicate slot id 'fixed'"),
])
def test_a_bad_pool_is_named_with_the_file(change, message):
    data = _pooled()
    change(data["questions"][1])
    with pytest.raises(QuizSpecError) as caught:
        parse_quiz(data, origin="course/s/quiz.yml")
    assert "course/s/quiz.yml" in str(caught.value) and message in str(caught.value)


def test_the_same_learner_and_attempt_always_get_the_same_questions():
    spec = parse_quiz(_pooled(4))
    first = [draw_for_attempt(spec, "ada", "s", n) for n in range(1, 9)]
    again = [draw_for_attempt(parse_quiz(_pooled(4)), "ada", "s", n) for n in range(1, 9)]
    assert first == again
    assert first[0]["fixed"] == "fixed"
    # another section or another secret orders the pool otherwise, for some learner
    learners = [f"l{n}" for n in range(40)]
    assert any(member_order(spec.quiz_slots[1], who, "s") != member_order(spec.quiz_slots[1], who, "t")
               for who in learners)
    assert any(member_order(spec.quiz_slots[1], who, "s") != member_order(spec.quiz_slots[1], who, "s", b"k")
               for who in learners)


def test_learners_spread_evenly_over_a_pool():
    spec = parse_quiz(_pooled(3))
    learners = 3000
    counts = Counter(draw_for_attempt(spec, f"learner{n}", "s", 1)["transition"] for n in range(learners))
    expected = learners / 3
    chi_square = sum((counts[q] - expected) ** 2 / expected for q in spec.quiz_slots[1].questions)
    assert len(counts) == 3
    assert chi_square < 13.82  # 2 degrees of freedom, p = 0.001


def test_later_attempts_bring_questions_not_seen_before_then_start_over():
    spec = parse_quiz(_pooled(3))
    for learner in ("ada", "bo", "cy", "dee"):
        given = [draw_for_attempt(spec, learner, "s", n)["transition"] for n in range(1, 7)]
        assert len(set(given[:3])) == 3  # nothing repeats while the pool has questions left
        assert given[3:] == given[:3]  # then the same order again
        assert given[2] not in seen_before(spec, learner, "s", 3)["transition"]
        assert seen_before(spec, learner, "s", 4)["transition"] == set(given[:3])


def test_a_draw_edited_in_the_responses_is_named():
    spec = parse_quiz(_pooled(3))
    honest = draw_for_attempt(spec, "ada", "s", 2)
    assert draw_problems(spec, "ada", "s", 2, honest) == []
    other = next(q for q in spec.quiz_slots[1].questions if q != honest["transition"])
    problems = draw_problems(spec, "ada", "s", 2, {**honest, "transition": other})
    assert problems == [f"attempt 2: slot 'transition' records question {other!r}, "
                        f"but this learner's draw is {honest['transition']!r} (draw edited)"]
    assert draw_problems(spec, "ada", "s", 2, None) == [
        "attempt 2: no draw recorded (the questions given are unknown)"]
    assert "unknown slot(s) 'extra'" in draw_problems(spec, "ada", "s", 2, {**honest, "extra": "x"})[0]
    # another learner's honest draw is not this learner's, somewhere among a few learners
    assert any(draw_problems(spec, "ada", "s", 1, draw_for_attempt(spec, who, "s", 1))
               for who in ("bo", "cy", "dee", "eve", "fay", "gus"))
    plain = parse_quiz({"title": "Quiz", "questions": [_single("fixed")]})
    assert draw_problems(plain, "ada", "s", 1, None) == []


def test_each_attempt_scores_the_questions_it_was_given_per_slot():
    spec = parse_quiz(_pooled(3))
    draw1 = {"fixed": "fixed", "transition": "transition-1"}  # key b
    draw2 = {"fixed": "fixed", "transition": "transition-2"}  # key c
    assert slot_scores(spec, draw1, {"fixed": "a", "transition-1": "b"}) == {"fixed": 1.0, "transition": 1.0}
    # the answer to a question not drawn counts for nothing
    assert slot_scores(spec, draw1, {"transition-2": "c"}) == {"fixed": 0.0, "transition": 0.0}
    attempts = [Attempt(1, {"fixed": "a", "transition-1": "a"}, draw=draw1),
                Attempt(2, {"fixed": "b", "transition-2": "c"}, draw=draw2)]
    assert grade_attempts(spec, attempts, "highest") == {"fixed": 1.0, "transition": 0.0}
    assert grade_attempts(spec, attempts, "last") == {"fixed": 0.0, "transition": 1.0}
    assert grade_attempts(spec, attempts, "average") == {"fixed": 0.5, "transition": 0.5}
    assert grade_attempts(spec, [Attempt(1, {"fixed": "a", "transition-1": "b"})]) == {
        "fixed": 0.0, "transition": 0.0}  # no draw: nothing is known to have been asked
    assert grade_attempts(spec, []) == {"fixed": 0.0, "transition": 0.0}


def test_the_responses_file_records_the_draw_only_with_pools():
    plain = empty_responses("ada", "s", "h")
    assert "draw" not in plain.to_json()
    data = json.loads(plain.to_json())
    data["attempts"] = [{"number": 1, "submitted_at": "2026-01-01T00:00:00.000+00:00",
                         "answers": {"transition-1": "b"}, "draw": {"transition": "transition-1"}},
                        {"number": 2, "submitted_at": "2026-01-02T00:00:00.000+00:00", "answers": {"fixed": "a"}}]
    data["in_progress"] = {"answers": {"transition-0": "a"}, "draw": {"transition": "transition-0"}}
    responses = parse_responses(json.dumps(data))
    assert graded_draws(responses) == [{"transition": "transition-1"}, None, {"transition": "transition-0"}]
    assert len(graded_draws(responses)) == len(graded_attempts(responses))
    again = json.loads(responses.to_json())
    assert again["attempts"][0]["draw"] == {"transition": "transition-1"} and "draw" not in again["attempts"][1]
    data["attempts"][0]["draw"] = {"transition": ["not", "a", "text"]}
    with pytest.raises(ValueError, match=r"responses/s\.json: attempts\.0\.draw\.transition"):
        parse_responses(json.dumps(data), "responses/s.json")
