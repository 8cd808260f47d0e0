"""Adversarial submissions, one learner each, graded in one batch with honest learners.

For every adversary: the score is never above what the honest answers in the
file earn, the reason is in grades.csv, and every other learner in the batch
is graded exactly as counted by hand.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from grading_support import (
    answers,
    attempt,
    edit_notebook,
    expected_score,
    grade_all,
    grades_csv,
    make_project,
    write_submission,
)

from coursekit.authoring.course import load_course
from coursekit.quiz.draw import draw_for_attempt

pytestmark = pytest.mark.slow

SECTION = "networks_consortia"  # states no settings of its own: the tests limit it to 2 attempts


def _added_cell(source: str):
    def edit(nb):
        nb.cells.insert(1, nbformat.v4.new_code_cell(source))
    return edit


CHEAT_JSON = ("import json\n_real = json.load\n"
              "json.load = lambda *a, **k: {'schema': 'x'}\njson.loads = lambda *a, **k: {'schema': 'x'}\n")
CHEAT_BUILTINS = "import builtins\nbuiltins.sum = lambda *a, **k: 1000\nbuiltins.float = lambda *a, **k: 1000.0\n"
CHEAT_SCORING = ("import coursekit.quiz.scoring as s, coursekit.grading.hidden as h\n"
                 "s.score_question = lambda *a, **k: 99.0\nh.question_points = lambda *a, **k: 99.0\n")


def _grade_cell_index(nb) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


def _edit_hidden(nb):
    nb.cells[_grade_cell_index(nb)].source = "10.0"


def _delete_quiz_cell(nb):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "quiz"]


def _duplicate_grade_cell(nb):
    index = _grade_cell_index(nb)
    twin = nbformat.from_dict(nb.cells[index])
    twin.id = "twin"
    twin.source = "1000.0"
    nb.cells.insert(index + 1, twin)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("adversarial"), attempts={SECTION: 2})
    course = load_course(paths.course)
    section = course.section(SECTION)
    ids = [q.id for q in section.quiz.questions]
    honest_right = set(ids[:5])
    honest = answers(section, honest_right)
    expected = {}

    def submit(learner, right, attempts=None, **kwargs):
        folder = write_submission(paths, course, section, learner,
                                  attempts or [attempt(1, answers(section, right))], **kwargs)
        expected[learner] = expected_score(section, right)
        return folder

    submit("honest-all", None)
    submit("honest-none", set())
    submit("honest-some", honest_right)

    for learner, source in {"cheat-json": CHEAT_JSON, "cheat-builtins": CHEAT_BUILTINS,
                            "cheat-scoring": CHEAT_SCORING, "infinite-loop": "while True:\n    pass\n"}.items():
        edit_notebook(submit(learner, honest_right), SECTION, _added_cell(source))
    edit_notebook(submit("edited-hidden-test", honest_right), SECTION, _edit_hidden)
    edit_notebook(submit("deleted-quiz-cell", honest_right), SECTION, _delete_quiz_cell)
    edit_notebook(submit("duplicated-grade-cell", honest_right), SECTION, _duplicate_grade_cell)
    broken = submit("unreadable-notebook", honest_right)
    (broken / f"{SECTION}.ipynb").write_text("this is not a notebook", encoding="utf-8")
    folder = submit("shadow-module", honest_right)
    (folder / "json.py").write_text("def load(*a, **k):\n    return {}\n", encoding="utf-8")

    for learner, text in {"garbage": "{not json", "empty": "",
                          "wrong-schema": json.dumps({"schema": "quiz/0", "answers": honest})}.items():
        submit(learner, honest_right, responses_text=text)
        expected[learner] = 0.0
    big = submit("huge", honest_right)
    with open(big / "responses" / f"{SECTION}.json", "w", encoding="utf-8") as handle:
        handle.write('{"schema": "coursekit.responses/1", "pad": "' + "x" * (50 * 1024 * 1024) + '"}')
    expected["huge"] = None  # a file grading needs, above its limit: not graded (no score), never 0
    link = submit("symlinked", honest_right)
    target = paths.grader / "submitted" / "honest-all" / SECTION / "responses" / f"{SECTION}.json"
    (link / "responses" / f"{SECTION}.json").unlink()
    os.symlink(target, link / "responses" / f"{SECTION}.json")
    expected["symlinked"] = 0.0

    all_right = answers(section, None)
    submit("forged-attempts", honest_right, attempts=[
        attempt(1, honest), attempt(2, honest), attempt(3, all_right), attempt(4, all_right)])
    other = submit("other-section", honest_right)
    doc = json.loads((other / "responses" / f"{SECTION}.json").read_text())
    doc["section"] = "cooperation_networking"
    (other / "responses" / f"{SECTION}.json").write_text(json.dumps(doc))
    expected["other-section"] = 0.0
    unknown = dict(honest)
    given = set(draw_for_attempt(section.quiz, "unknown-option", section.id, 1).values())  # a question drawn for it
    unknown[next(q.id for q in section.quiz.questions
                 if q.type == "single_choice" and q.id not in honest_right and q.id in given)] = "zz"
    submit("unknown-option", honest_right, attempts=[attempt(1, unknown)])

    result = grade_all(paths, jobs=2, timeout=10)
    return paths, result, grades_csv(paths), expected, expected_score(section, honest_right)


HONEST = ("honest-all", "honest-none", "honest-some")
ADVERSARIES = ("cheat-json", "cheat-builtins", "cheat-scoring", "infinite-loop", "edited-hidden-test",
               "deleted-quiz-cell", "duplicated-grade-cell", "shadow-module", "garbage", "empty", "wrong-schema",
               "huge", "symlinked", "forged-attempts", "other-section", "unknown-option",
               "unreadable-notebook")
REASONS = {
    "cheat-json": "added by the learner were not run", "cheat-builtins": "added by the learner were not run",
    "cheat-scoring": "added by the learner were not run", "infinite-loop": "added by the learner were not run",
    "edited-hidden-test": "was edited", "deleted-quiz-cell": "'quiz' was deleted",
    "duplicated-grade-cell": "appears 2 times", "garbage": "not JSON", "empty": "not JSON",
    "wrong-schema": "schema", "huge": f"not graded: 'responses/{SECTION}.json' is 52 MB, above the 1 MB limit",
    "symlinked": "symlink",
    "forged-attempts": "beyond the limit", "other-section": "belong to section", "unknown-option": "unknown option",
    "unreadable-notebook": "is not a readable notebook", "shadow-module": None,
}


def test_every_submission_was_graded(graded):
    _, result, _, expected, _ = graded
    assert [o.learner for o in result.failed] == ["huge"], [(o.learner, o.problems) for o in result.failed]
    assert len(result.graded) == len(expected) == len(HONEST) + len(ADVERSARIES)


@pytest.mark.parametrize("learner", HONEST)
def test_honest_learners_get_exactly_their_points(graded, learner):
    _, _, grades, expected, _ = graded
    row = grades.loc[(learner, SECTION)]
    assert row.quiz_score == pytest.approx(expected[learner])
    assert row.problems == "" or row.problems != row.problems  # empty or NaN


@pytest.mark.parametrize("learner", ADVERSARIES)
def test_adversary_never_scores_above_honest_answers(graded, learner):
    _, _, grades, expected, honest_score = graded
    row = grades.loc[(learner, SECTION)]
    if expected[learner] is None:
        assert row.status == "not graded" and row.quiz_score != row.quiz_score  # NaN: no score
        return
    assert row.quiz_score <= honest_score + 1e-9
    assert row.quiz_score == pytest.approx(expected[learner])


@pytest.mark.parametrize("learner", [a for a in ADVERSARIES if REASONS[a]])
def test_reason_is_in_grades_csv(graded, learner):
    paths, _, _, _, _ = graded
    text = (paths.reports / "grades.csv").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith(f"{learner},{SECTION},"))
    assert REASONS[learner] in line, line


def test_learner_files_are_kept(graded):
    paths, _, _, _, _ = graded
    huge = paths.grader / "submitted" / "huge" / SECTION / "responses" / f"{SECTION}.json"
    assert huge.stat().st_size > 50 * 1024 * 1024
    assert (paths.grader / "submitted" / "shadow-module" / SECTION / "json.py").exists()
    assert not (paths.grader / "autograded" / "shadow-module" / SECTION / "json.py").exists()
    # grading works on a snapshot: the learner's folder is left exactly as handed in
    kept = paths.grader / "submitted" / "unreadable-notebook" / SECTION / f"{SECTION}.ipynb"
    assert kept.read_text(encoding="utf-8") == "this is not a notebook"
    assert not list((paths.grader / "submitted").glob(f"*/{SECTION}/*.unreadable"))
    assert not (paths.grader / ".coursekit-snapshots").exists() or \
        not any((paths.grader / ".coursekit-snapshots").iterdir())


def test_a_rerun_skips_unchanged_submissions(graded):
    paths, _, _, expected, _ = graded
    again = grade_all(paths, jobs=2, timeout=10)
    not_graded = [learner for learner, score in expected.items() if score is None]
    assert [o.learner for o in again.graded] == not_graded  # tried again, like any submission not graded
    assert len(again.skipped) == len(expected) - len(not_graded)
