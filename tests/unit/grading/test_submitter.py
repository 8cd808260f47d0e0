"""A responses file counts only for the learner who saved it (the grade cells' view, no nbgrader run)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from grading_support import answers, attempt, drawn_attempts, expected_score
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.grading.hidden import (
    SUBMITTER_ENV,
    check_submission,
    key_from_notebook,
    question_points,
    section_scores,
    submitter,
    submitter_of,
)
from coursekit.simulate import responses_document

SECTION = "cooperation_networking"


@pytest.fixture(scope="module")
def course():
    return load_course(REPO / "course")


@pytest.fixture(autouse=True)
def _no_submitter(monkeypatch):
    monkeypatch.delenv(SUBMITTER_ENV, raising=False)


def _folder(root, learner, saved_by, course, step="autograded"):
    """``<root>/<step>/<learner>/<section>/`` with the section's quiz.json and a file saved by ``saved_by``."""
    section = course.section(SECTION)
    folder = root / step / learner / SECTION
    (folder / "responses").mkdir(parents=True)
    shutil.copy(REPO / "source" / SECTION / "quiz.json", folder)
    given = drawn_attempts(section, saved_by.strip(), [attempt(1, answers(section))])  # ids compared stripped
    document = responses_document(course, section, saved_by, given)
    (folder / "responses" / f"{SECTION}.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def _key():
    return key_from_notebook(REPO / "source" / SECTION / f"{SECTION}.ipynb")


def test_own_file_scores_in_full(tmp_path, course):
    folder = _folder(tmp_path, "ada", "ada", course)
    result = section_scores(folder, SECTION, _key())
    assert result.problems == []
    assert sum(result.scores.values()) == expected_score(course.section(SECTION), None) > 0


def test_file_copied_from_another_learner_scores_zero_with_the_reason(tmp_path, course):
    folder = _folder(tmp_path, "ben", "ada", course)
    result = section_scores(folder, SECTION, _key())
    assert set(result.scores.values()) == {0.0}
    assert result.attempts is None
    assert result.problems == [f"{SECTION}.json: saved by learner 'ada', not by the submitter 'ben' "
                               "(copied; not counted)"]


def test_the_grade_cell_sees_the_folder_it_runs_in(tmp_path, course, monkeypatch):
    key = _key()
    question = next(iter(key))
    monkeypatch.chdir(_folder(tmp_path, "ben", "ada", course))
    assert question_points(SECTION, question, key) == 0.0
    monkeypatch.chdir(_folder(tmp_path, "ada", "ada", course))
    assert question_points(SECTION, question, key) > 0


def test_the_graders_submitter_wins_over_the_folder_name(tmp_path, course):
    folder = _folder(tmp_path, "ada", "ada", course)  # a folder named like the file's learner ...
    with submitter("ben"):  # ... graded for ben (the worker knows whose submission this is)
        assert os.environ.get(SUBMITTER_ENV) == "ben"
        result = check_submission(folder, SECTION, REPO / "source" / SECTION / f"{SECTION}.ipynb")
    assert os.environ.get(SUBMITTER_ENV) is None
    assert set(result.scores.values()) == {0.0} and "not by the submitter 'ben'" in result.problems[0]


def test_unknown_submitter_is_refused(tmp_path, course):
    folder = _folder(tmp_path, "ada", "ada", course, step="elsewhere")
    assert submitter_of(folder) is None
    result = section_scores(folder, SECTION, _key())
    assert set(result.scores.values()) == {0.0}
    assert "the submitter is not known" in result.problems[0]


@pytest.mark.parametrize(("layout", "expected"), [
    ("autograded/ada/s", "ada"), ("submitted/ada/s", "ada"), ("autograded/ ada /s", "ada"), ("other/ada/s", None),
])
def test_submitter_from_nbgraders_layout(tmp_path, layout, expected):
    assert submitter_of(tmp_path / layout) == expected


def test_ids_compared_exactly_after_whitespace_stripping(tmp_path, course):
    for saved_by, counted in (("ada ", True), ("Ada", False), ("ada\u200b", False), ("ad", False)):
        folder = _folder(tmp_path / saved_by.encode().hex(), "ada", saved_by, course)
        result = section_scores(folder, SECTION, _key())
        assert (sum(result.scores.values()) > 0) is counted, saved_by
