"""Grading a quiz with pools: each slot scores the question drawn, and an edited draw is refused."""

from __future__ import annotations

import json

import pytest
from pool_support import pooled_quiz

from coursekit.authoring.notebook import hidden_test_source
from coursekit.grading.hidden import SUBMITTER_ENV, grade_quiz, trainer_view
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec, spec_hash

SECTION = "pooled"


SPEC = parse_quiz(pooled_quiz())
KEYS = {"pick-a": "a", "pick-b": "b", "pick-c": "c", "fixed": "a"}


@pytest.fixture(autouse=True)
def _submitter(monkeypatch):
    monkeypatch.setenv(SUBMITTER_ENV, "ada")


def _folder(tmp_path, attempts):
    """A submission folder: the learner's quiz.json and ada's responses with ``attempts`` (answers, draw)."""
    public = public_spec(SPEC, SECTION)
    (tmp_path / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    responses = empty_responses("ada", SECTION, spec_hash(public))
    data = json.loads(responses.to_json())
    data["attempts"] = [{"number": n, "submitted_at": f"2026-01-0{n}T00:00:00.000+00:00", "answers": answers,
                         **({"draw": draw} if draw is not None else {})}
                        for n, (answers, draw) in enumerate(attempts, 1)]
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / f"{SECTION}.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def _right(draw):
    return {qid: KEYS[qid] for qid in draw.values()}


def test_each_slot_scores_the_question_the_learner_was_given(tmp_path):
    draw1, draw2 = (draw_for_attempt(SPEC, "ada", SECTION, n) for n in (1, 2))
    answers2 = _right(draw2)
    graded = grade_quiz(_folder(tmp_path, [({}, draw1), (answers2, draw2)]), SECTION, answer_key(SPEC))
    assert graded.result.refused is None
    assert graded.result.scores == {"fixed": 1.0, "pick": 1.0}
    assert graded.result.problems == []
    view = trainer_view(graded, "pick")
    assert f"Drawn: {draw2['pick']!r}, one of 3 in this pool" in view
    assert f"Text of {draw2['pick']}?" in view and "Question 2 of 2" in view


def test_an_answer_to_a_question_not_drawn_counts_nothing_and_is_named(tmp_path):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    other = next(q for q in ("pick-a", "pick-b", "pick-c") if q != draw["pick"])
    graded = grade_quiz(_folder(tmp_path, [({"fixed": "a", other: KEYS[other]}, draw)]), SECTION, answer_key(SPEC))
    assert graded.result.scores == {"fixed": 1.0, "pick": 0.0}
    assert graded.result.problems == [f"{SECTION}.json: attempt 1: question {other!r} was not drawn for this "
                                      "learner (not counted)"]


def test_an_edited_draw_is_not_graded_with_the_reason(tmp_path):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    chosen = next(q for q in ("pick-a", "pick-b", "pick-c") if q != draw["pick"])
    tampered = {**draw, "pick": chosen}
    graded = grade_quiz(_folder(tmp_path, [(_right(tampered), tampered)]), SECTION, answer_key(SPEC))
    assert graded.result.scores == {"fixed": 0.0, "pick": 0.0}
    assert graded.result.refused is not None
    assert graded.result.problems == [
        f"not graded: {SECTION}.json: the questions recorded are not the ones this learner was given: attempt 1: "
        f"slot 'pick' records question {chosen!r}, but this learner's draw is {draw['pick']!r} (draw edited)"]


def test_a_draw_left_out_is_not_graded(tmp_path):
    graded = grade_quiz(_folder(tmp_path, [({"fixed": "a", "pick-a": "a"}, None)]), SECTION, answer_key(SPEC))
    assert graded.result.refused is not None and "no draw recorded" in graded.result.refused


def test_a_pools_grade_cell_holds_the_key_of_each_of_its_questions_only():
    source = hidden_test_source(SECTION, "pick", SPEC)
    assert "grade_question('pooled', 'pick', {'pick-a': {'answer': 'a'}, 'pick-b': {'answer': 'b'}, " \
           "'pick-c': {'answer': 'c'}})" in source
    assert "'fixed'" not in source
