"""The item analysis counts only the responses files grading accepted, by grading's own verdict.

A hand-made cohort of one section, every file graded by the hidden tests' own function
(:func:`coursekit.grading.hidden.grade_quiz`) and read by the item analysis' loaders:

    learner              file                                   f picked   grading
    ada                  her own                                a (key)    f: 1 point
    bo                   his own                                b          0
    cy                   her own                                b          0
    dee                  a copy of ada's file (learner "ada")   a          0, copied (rejected)
    eve                  her own, the draw of slot p edited     a          not graded (rejected)
    fay<img …>           not a responses file                   -          0, unreadable (rejected)

The facility of f is 1/6 (ada's point among six learners); the share of learners who picked its key must be the
same 1/6, not the 3/6 that counting the rejected files' picks gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coursekit.cohort.accepted import REJECTED_COLUMNS, load_rejected, read_cohort, read_section, rejected_note
from coursekit.cohort.metrics import distractor_stats
from coursekit.cohort.responses import load_choices, load_drawn, load_given
from coursekit.grading.hidden import DRAW_KEY_ENV, SUBMITTER_ENV, grade_quiz, service_draw_key
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import answer_key, parse_quiz, public_spec, spec_hash

SPEC = parse_quiz({"title": "Q", "questions": [
    {"slot": "p", "pool": [{"id": qid, "type": "single_choice", "text": qid, "answer": "a", "source": "x",
                            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
                           for qid in ("p-a", "p-b")]},
    {"id": "f", "type": "single_choice", "text": "f", "answer": "a", "source": "x",
     "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}]})
PUBLIC = public_spec(SPEC, "s")
GARBAGE = "fay<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _grading_environment(monkeypatch):
    monkeypatch.delenv(SUBMITTER_ENV, raising=False)
    monkeypatch.delenv(DRAW_KEY_ENV, raising=False)


def _saved(learner: str, picks: dict[str, str], secret: bytes | None = None) -> dict:
    """The responses file ``learner``'s widget saves: ``f`` and the question drawn in slot p answered."""
    session = QuizSession(PUBLIC, empty_responses(learner, "s", spec_hash(PUBLIC)),
                          clock=lambda: "2026-12-01T09:00:00.000+00:00")
    if secret is not None:  # the quiz service drew, with its own key
        session.given_draws = lambda number: draw_for_attempt(SPEC, learner, "s", number, secret)
    drawn = session.questions[0].id
    saved = session.set_answer("f", picks["f"])
    saved = session.set_answer(drawn, picks["p"])
    return json.loads(saved.to_json())


def _hand_in(root: Path, learner: str, content: dict | str) -> Path:
    """``autograded/<learner>/s/`` with the section's quiz.json and ``content`` as the responses file."""
    folder = root / "autograded" / learner / "s"
    (folder / "responses").mkdir(parents=True)
    (folder / PUBLIC_SPEC_NAME).write_text(json.dumps(PUBLIC), encoding="utf-8")
    text = content if isinstance(content, str) else json.dumps(content)
    (folder / "responses" / "s.json").write_text(text, encoding="utf-8")
    return folder


def _cohort(root: Path) -> dict[str, Path]:
    folders = {name: _hand_in(root, name, _saved(name, picks)) for name, picks in
               (("ada", {"f": "a", "p": "a"}), ("bo", {"f": "b", "p": "b"}), ("cy", {"f": "b", "p": "a"}))}
    folders["dee"] = _hand_in(root, "dee", _saved("ada", {"f": "a", "p": "a"}))  # ada's file, handed in by dee
    edited = _saved("eve", {"f": "a", "p": "a"})
    draw = edited["in_progress"]["draw"]
    draw["p"] = "p-b" if draw["p"] == "p-a" else "p-a"  # the other question of the pool
    folders["eve"] = _hand_in(root, "eve", edited)
    folders[GARBAGE] = _hand_in(root, GARBAGE, "{}")
    return folders


def test_a_rejected_files_picks_do_not_count_and_its_learner_counts_as_giving_no_answer(tmp_path):
    folders = _cohort(tmp_path)
    graded = {name: grade_quiz(folder, "s", answer_key(SPEC)) for name, folder in folders.items()}
    totals = pd.DataFrame({"learner": list(graded), "section": "s",
                           "total": [sum(g.result.scores.values()) for g in graded.values()]})
    facility = sum(g.result.scores["f"] for g in graded.values()) / len(graded)
    assert facility == pytest.approx(1 / 6)
    autograded = tmp_path / "autograded"
    choices = load_choices(autograded, {"s": SPEC})
    given = load_given(autograded, {"s": SPEC})
    stats = distractor_stats(choices, totals, given).set_index(["item", "option"])
    # the hand-worked share: ada alone of the six picked the key of f; bo and cy picked b
    assert stats.loc[("f", "a"), "share_all"] == pytest.approx(1 / 6) == pytest.approx(facility)
    assert stats.loc[("f", "b"), "share_all"] == pytest.approx(2 / 6)
    # every loader leaves the same learners out: none of dee, eve, fay picked, was given or drew anything
    counted = {"ada", "bo", "cy"}
    drawn = load_drawn(autograded, {"s": SPEC})
    assert set(choices["learner"]) == set(given["learner"]) == set(drawn["learner"]) == counted
    # the files read once for every loader give the same tables
    files = read_cohort(autograded, {"s": SPEC})
    assert load_choices(files, {"s": SPEC}).equals(choices) and load_given(files, {"s": SPEC}).equals(given)
    assert load_drawn(files, {"s": SPEC}).equals(drawn)
    assert load_rejected(files, {"s": SPEC}).equals(load_rejected(autograded, {"s": SPEC}))


def test_the_files_left_out_are_those_grading_rejected_with_grading_s_own_words(tmp_path):
    folders = _cohort(tmp_path)
    rejected = load_rejected(tmp_path / "autograded", {"s": SPEC})
    assert list(rejected.columns) == REJECTED_COLUMNS
    problems = dict(zip(rejected["learner"], rejected["problem"], strict=True))
    assert sorted(problems) == sorted(["dee", "eve", GARBAGE])
    for name, folder in folders.items():
        result = grade_quiz(folder, "s", answer_key(SPEC)).result
        if name in problems:  # the problem grading recorded is the one the item analysis names
            assert result.attempts is None and sum(result.scores.values()) == 0
            assert result.problems == [f"not graded: {problems[name]}" if name == "eve" else problems[name]]
            assert (result.refused is not None) == (name == "eve")
        else:
            assert result.attempts == 1 and result.refused is None
    assert "copied; not counted" in problems["dee"] and "(draw edited)" in problems["eve"]


def test_a_section_the_quiz_service_drew_is_checked_with_its_key(tmp_path):
    """Drawn with the service's key, the files are accepted with that key, as grading accepts them, and not without."""
    secret = bytes(range(32))
    folders = {name: _hand_in(tmp_path, name, _saved(name, {"f": "a", "p": "a"}, secret)) for name in ("ada", "bo")}
    autograded = tmp_path / "autograded"
    with service_draw_key(secret):  # as autograde grades a section from the service's record
        assert all(grade_quiz(f, "s", answer_key(SPEC)).result.attempts == 1 for f in folders.values())
    assert set(load_choices(autograded, {"s": SPEC}, draw_keys={"s": secret})["learner"]) == {"ada", "bo"}
    assert set(load_given(autograded, {"s": SPEC}, draw_keys={"s": secret})["learner"]) == {"ada", "bo"}
    assert load_rejected(autograded, {"s": SPEC}, {"s": secret}).empty
    files = read_cohort(autograded, {"s": SPEC}, {"s": secret})
    assert set(load_choices(files, {"s": SPEC})["learner"]) == {"ada", "bo"}
    # checked against the public draw, at least one of the two draws is not theirs (the pool has two questions)
    public = read_section(autograded, "s", SPEC)
    assert len(public.accepted) + len(public.rejected) == 2
    if public.rejected:
        assert all("draw edited" in f.problem for f in public.rejected)


def test_the_note_says_how_many_files_are_left_out_and_whose_escaped(tmp_path):
    _cohort(tmp_path)
    rejected = load_rejected(tmp_path / "autograded", {"s": SPEC})
    note = rejected_note(rejected, {"s": "Section <S>"})
    assert note.startswith("<p>3 responses files are left out of these counts because grading rejected them")
    assert "<img" not in note and "<S>" not in note
    assert note.endswith(": dee (Section &lt;S&gt;), eve (Section &lt;S&gt;), "
                         "fay&lt;img src=x onerror=alert(1)&gt; (Section &lt;S&gt;).</p>")
    one = rejected_note(rejected[rejected["learner"] == "dee"], {"s": "S"})
    assert one.startswith("<p>1 responses file is left out of these counts because grading rejected it ")
    assert rejected_note(rejected.iloc[0:0], {}) == (
        "<p>No responses file is left out of these counts: grading rejected none.</p>")
