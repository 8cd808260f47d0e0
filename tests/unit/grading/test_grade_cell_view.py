"""What a quiz grade cell prints for the trainer, and how it completes its one-question key."""

from __future__ import annotations

import json
import shutil

import pytest
from grading_support import answers, attempt, drawn_attempts
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.leaks import find_leaks
from coursekit.authoring.notebook import hidden_test_source
from coursekit.grading.hidden import SOURCE_ENV, SUBMITTER_ENV, complete_key, grade_question, key_from_notebook
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import answer_key
from coursekit.simulate import responses_document

SECTION = "cooperation_networking"


@pytest.fixture(scope="module")
def section():
    return load_course(REPO / "course").section(SECTION)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv(SUBMITTER_ENV, raising=False)
    monkeypatch.delenv(SOURCE_ENV, raising=False)


def _workspace(root, section, attempts, with_source=True):
    """``root/grader/autograded/ada/<section>/`` with quiz.json and ada's responses; ``root/source`` beside it."""
    folder = root / "grader" / "autograded" / "ada" / SECTION
    (folder / "responses").mkdir(parents=True)
    shutil.copy(REPO / "source" / SECTION / "quiz.json", folder)
    course = load_course(REPO / "course")
    document = responses_document(course, section, "ada", drawn_attempts(section, "ada", attempts))
    (folder / "responses" / f"{SECTION}.json").write_text(json.dumps(document), encoding="utf-8")
    if with_source:
        shutil.copytree(REPO / "source" / SECTION, root / "source" / SECTION)
    return folder


def _one_key(section, slot_id):
    """What the grade cell of one slot holds: the keys of the slot's questions (one, or a pool's)."""
    slot = next(s for s in section.quiz.quiz_slots if s.id == slot_id)
    return {qid: answer_key(section.quiz)[qid] for qid in slot.questions}


def test_each_grade_cell_holds_only_its_own_key(section):
    assert any(slot.pooled for slot in section.quiz.quiz_slots)
    for slot in section.quiz.quiz_slots:
        source = hidden_test_source(SECTION, slot.id, section.quiz)
        others = [q.id for q in section.quiz.questions if q.id not in slot.questions]
        assert not [o for o in others if repr(o) in source]
        assert all(repr(own) in source for own in slot.questions)
        assert "grade_question(" in source


def test_the_source_notebooks_key_is_every_cells_key_merged(section):
    assert key_from_notebook(REPO / "source" / SECTION / f"{SECTION}.ipynb") == answer_key(section.quiz)


def test_the_cell_prints_question_answer_in_words_and_points(tmp_path, section, monkeypatch, capsys):
    quiz = section.quiz
    qids = [s.id for s in quiz.quiz_slots]
    first_right = answers(section, {qids[0]})
    all_right = answers(section)
    for qid in quiz.quiz_slots[1].questions:  # attempt 2 is best overall, but wrong on question 2
        all_right[qid] = first_right[qid]
    monkeypatch.chdir(_workspace(tmp_path, section, [attempt(1, first_right), attempt(2, all_right)]))
    first = quiz.question(draw_for_attempt(quiz, "ada", SECTION, 2)[qids[0]])  # the question ada was given
    points = grade_question(SECTION, qids[0], _one_key(section, qids[0]))
    out = capsys.readouterr()
    assert out.err == ""
    assert points == first.points
    text = " ".join(out.out.split())
    pool = quiz.quiz_slots[0].questions
    drawn = f"Drawn: {first.id!r}, one of {len(pool)} in this pool " if len(pool) > 1 else ""
    assert text.startswith(f"Question 1 of {len(qids)} (single choice, 1 point) {drawn}{' '.join(first.text.split())}")
    right_text = next(o.text for o in first.options if o.id == first.answer)
    assert f"Learner's answer (attempt 2, the attempt with the highest total): {right_text}" in text
    assert "Points: 1 of 1 point" in text
    assert "'answer'" not in text and first.answer not in text.split()
    # question 2 scores from attempt 2 (the highest total), where it is wrong: the whole key found the attempt
    assert grade_question(SECTION, qids[1], _one_key(section, qids[1])) == 0.0


def test_without_the_source_notebook_the_cell_says_why_it_scores_zero(tmp_path, section, monkeypatch, capsys):
    monkeypatch.chdir(_workspace(tmp_path, section, [attempt(1, answers(section))], with_source=False))
    first = section.quiz.questions[0].id
    assert grade_question(SECTION, first, _one_key(section, first)) == 0.0
    out = capsys.readouterr()
    assert out.err == "" and "not scored" in out.out and "source notebook" in out.out


def test_the_source_folder_can_be_named_by_the_grader(tmp_path, section, monkeypatch):
    folder = _workspace(tmp_path / "a", section, [attempt(1, answers(section))], with_source=False)
    shutil.copytree(REPO / "source", tmp_path / "elsewhere")
    monkeypatch.setenv(SOURCE_ENV, str(tmp_path / "elsewhere"))
    first = section.quiz.questions[0].id
    assert complete_key(folder, SECTION, _one_key(section, first)) == answer_key(section.quiz)


def test_a_source_folder_inside_the_submission_is_never_used(tmp_path, section):
    folder = _workspace(tmp_path, section, [attempt(1, answers(section))], with_source=False)
    shutil.copytree(REPO / "source" / SECTION, folder / "source" / SECTION)  # planted by the learner
    first = section.quiz.questions[0].id
    with pytest.raises(ValueError, match="source notebook"):
        complete_key(folder, SECTION, _one_key(section, first))


def test_the_leak_check_finds_one_questions_key(tmp_path, section):
    course = load_course(REPO / "course")
    shutil.copytree(REPO / "release", tmp_path / "release")
    question = section.quiz.quiz_slots[3]  # a fixed question: its slot is named by its id
    assert question.questions == (question.id,)
    notebook = tmp_path / "release" / SECTION / "notes.txt"
    notebook.write_text(hidden_test_source(SECTION, question.id, section.quiz).splitlines()[3], encoding="utf-8")
    found = find_leaks(tmp_path / "release", course)
    assert any(f"key of question {question.id!r}" in line for line in found)
