"""A notebook's grade cells share one scoring of the quiz, and a reuse always gives what scoring again would."""

from __future__ import annotations

import json
import os

import pytest
from pool_support import pooled_quiz

from coursekit.grading.hidden import (
    SUBMITTER_ENV,
    grade_question,
    grade_quiz,
    graded_once,
    one_scoring_per_notebook,
    trainer_view,
)
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec, spec_hash

SECTION = "pooled_once"


SPEC = parse_quiz(pooled_quiz())
KEY = answer_key(SPEC)


@pytest.fixture(autouse=True)
def _submitter(monkeypatch):
    monkeypatch.setenv(SUBMITTER_ENV, "ada")


def _write(folder, answers, draw):
    """Write ``folder``'s quiz.json and ada's responses: one attempt with ``answers`` and ``draw``."""
    public = public_spec(SPEC, SECTION)
    (folder / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    data = json.loads(empty_responses("ada", SECTION, spec_hash(public)).to_json())
    data["attempts"] = [{"number": 1, "submitted_at": "2026-01-01T00:00:00.000+00:00", "answers": answers,
                         "draw": draw}]
    (folder / "responses").mkdir(exist_ok=True)
    path = folder / "responses" / f"{SECTION}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _right(draw):
    return {qid: qid.removeprefix("pick-") if qid.startswith("pick-") else "a" for qid in draw.values()}


def test_the_grade_cells_of_one_notebook_share_one_scoring(tmp_path):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    _write(tmp_path, _right(draw), draw)
    with one_scoring_per_notebook():
        first = graded_once(tmp_path, SECTION, {"fixed": KEY["fixed"]} | KEY)
        second = graded_once(tmp_path, SECTION, KEY)
    assert second is first
    fresh = grade_quiz(tmp_path, SECTION, KEY)
    assert first.result == fresh.result and first.shown == fresh.shown
    assert first.result.scores == {"fixed": 1.0, "pick": 1.0}


def test_a_responses_file_changed_with_the_same_size_and_time_is_scored_again(tmp_path):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    path = _write(tmp_path, _right(draw), draw)
    before = path.stat()
    with one_scoring_per_notebook():
        assert graded_once(tmp_path, SECTION, KEY).result.scores["fixed"] == 1.0
        _write(tmp_path, {**_right(draw), "fixed": "b"}, draw)  # same length, one answer changed
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size
        assert graded_once(tmp_path, SECTION, KEY).result.scores == {"fixed": 0.0, "pick": 1.0}


def test_another_submitter_is_never_given_a_remembered_score(tmp_path, monkeypatch):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    _write(tmp_path, _right(draw), draw)
    with one_scoring_per_notebook():
        assert graded_once(tmp_path, SECTION, KEY).result.scores == {"fixed": 1.0, "pick": 1.0}
        monkeypatch.setenv(SUBMITTER_ENV, "bob")
        copied = graded_once(tmp_path, SECTION, KEY).result
    assert copied.scores == {"fixed": 0.0, "pick": 0.0}
    assert "not by the submitter 'bob'" in copied.problems[0]


def test_an_edited_draw_is_refused_by_every_grade_cell_as_before(tmp_path, monkeypatch, capsys):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    tampered = {**draw, "pick": next(q for q in ("pick-a", "pick-b", "pick-c") if q != draw["pick"])}
    _write(tmp_path, _right(tampered), tampered)
    monkeypatch.chdir(tmp_path)
    expected = grade_quiz(tmp_path, SECTION, KEY)
    assert expected.result.refused is not None
    with one_scoring_per_notebook():
        for question in ("fixed", "pick", "fixed"):
            assert grade_question(SECTION, question, KEY) == 0.0
            out = capsys.readouterr()
            assert out.err == ""
            assert out.out == trainer_view(expected, question) + "\n"
            assert "Not counted: not graded: " in out.out


def test_nothing_is_kept_from_one_notebook_for_the_next(tmp_path):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    _write(tmp_path, _right(draw), draw)
    with one_scoring_per_notebook():
        earlier = graded_once(tmp_path, SECTION, KEY)
    with one_scoring_per_notebook():
        later = graded_once(tmp_path, SECTION, KEY)
    assert later is not earlier
    assert later.result == earlier.result


def test_a_broken_quiz_json_scores_zero_on_every_cell_with_the_reason(tmp_path, monkeypatch, capsys):
    draw = draw_for_attempt(SPEC, "ada", SECTION, 1)
    _write(tmp_path, _right(draw), draw)
    (tmp_path / "quiz.json").write_bytes(b'{"questions": [\xff')
    monkeypatch.chdir(tmp_path)
    with one_scoring_per_notebook():
        for question in ("fixed", "pick"):
            assert grade_question(SECTION, question, KEY) == 0.0
            out = capsys.readouterr()
            assert out.err == ""
            assert out.out.startswith(f"Question {question}: not scored (") and "utf-8" in out.out
