"""Every folder under submitted/ is graded or named with its reason: odd ids, FIFOs, renamed notebooks.

One cohort of honest and hostile submissions, graded once for real; each test checks one case.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal

import pytest
from grading_support import answers, attempt, edit_notebook, grades_csv, make_project, write_submission

from coursekit.authoring.course import load_course
from coursekit.autograde.job import MAX_PROBLEMS
from coursekit.autograde.runner import format_summary, grade_workspace
from coursekit.cli import main
from coursekit.gradebook.state import GradedState, make_engine, save_state

pytestmark = pytest.mark.slow
SECTION = "networks_consortia"
ODD_IDS = {
    "trailing-space ": "white space", "star*": "glob", "br[ack]et": "glob", "what?": "glob",
    "new\nline": "line-break", "x" * 200: "more than the 128",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("hostile"))
    course = load_course(paths.course)
    section = next(s for s in course.sections if s.id == SECTION)
    right = answers(section)

    def submit(learner, **kwargs):
        return write_submission(paths, course, section, learner, [attempt(1, right)], **kwargs)

    submit("honest")
    for learner in ODD_IDS:
        submit(learner)
    os.mkfifo(submit("fifo-notebook") / f"{SECTION}.ipynb.fifo")
    fifo = submit("fifo-notebook-itself") / f"{SECTION}.ipynb"
    fifo.unlink()
    os.mkfifo(fifo)
    fifo = submit("fifo-responses") / "responses" / f"{SECTION}.json"
    fifo.unlink()
    os.mkfifo(fifo)
    as_file = paths.grader / "submitted" / "section-is-a-file" / SECTION
    as_file.parent.mkdir(parents=True)
    as_file.write_text("not a folder", encoding="utf-8")
    deep = submit("deep-folders")
    for _ in range(40):
        deep = deep / "d"
    deep.mkdir(parents=True)
    renamed = submit("renamed-notebook")
    (renamed / f"{SECTION}.ipynb").rename(renamed / f"{SECTION}-Copy1.ipynb")
    (submit("missing-notebook") / f"{SECTION}.ipynb").unlink()
    extra = submit("extra-notebook")
    shutil.copy(extra / f"{SECTION}.ipynb", extra / "Untitled.ipynb")
    edit_notebook(submit("list-grade-id"), SECTION, _grade_ids_into_lists)
    linked = submit("linked-responses-dir")
    shutil.rmtree(linked / "responses")
    os.symlink(paths.grader / "submitted" / "honest" / SECTION / "responses", linked / "responses")
    flood = submit("unknown-question-flood")
    doc = json.loads((flood / "responses" / f"{SECTION}.json").read_text(encoding="utf-8"))
    doc["attempts"][0]["answers"] = {**right, **{f"q{n}": "a" for n in range(60_000)}}
    (flood / "responses" / f"{SECTION}.json").write_text(json.dumps(doc), encoding="utf-8")

    def hung(signum, frame):
        raise TimeoutError("autograde hung on a submission")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(300)
    try:
        result = _grade(paths)
        assert main(["--root", str(paths.root), "report"]) == 0  # reads submitted/ too (copied responses)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    with open(paths.reports / "grades.csv", encoding="utf-8", newline="") as handle:
        rows = {(r["learner"], r["section"]): r for r in csv.DictReader(handle)}
    return paths, section, result, rows


def _grade(paths):
    """Grade without putting the odd ids on the roster first (the roster refuses them)."""
    return grade_workspace(load_course(paths.course), paths, paths.gradebook_url, jobs=2, quiet=True, timeout=10)


def _grade_ids_into_lists(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            meta["grade_id"] = [meta["grade_id"]]


def _row(graded, learner):
    return graded[3][(learner, SECTION)]


@pytest.mark.parametrize(("learner", "why"), ODD_IDS.items())
def test_ids_nbgrader_cannot_use_are_refused_by_name(graded, learner, why):
    _, _, result, _ = graded
    refused = [r for r in result.refused if r.learner == learner]
    assert len(refused) == 1 and why in refused[0].reason
    assert repr(learner[:60]) in format_summary(result)
    row = _row(graded, learner)
    assert row["status"] == "not graded" and row["quiz_score"] == "" and why in row["problems"]


def test_odd_ids_do_not_touch_other_learners(graded):
    _, section, result, rows = graded
    graded_learners = sorted(o.learner for o in result.graded)
    assert len(graded_learners) == len(set(graded_learners))  # nobody graded twice under a glob
    assert not set(graded_learners) & set(ODD_IDS)
    assert float(rows[("honest", SECTION)]["quiz_score"]) == section.quiz.max_points


def test_a_fifo_is_refused_before_reading(graded):
    _, section, result, _ = graded
    problems = {o.learner: o.problems for o in result.graded}
    assert problems["fifo-notebook"] == []  # a FIFO grading does not use is never opened, nor named
    assert float(_row(graded, "fifo-notebook")["quiz_score"]) == section.quiz.max_points
    itself = problems["fifo-notebook-itself"]
    assert any(f"'{SECTION}.ipynb': a FIFO" in p for p in itself)
    assert any("missing: graded from the responses file only" in p for p in itself)
    assert float(_row(graded, "fifo-notebook-itself")["quiz_score"]) == section.quiz.max_points
    assert any(f"'responses/{SECTION}.json': a FIFO" in p for p in problems["fifo-responses"])


@pytest.mark.parametrize(("learner", "reason"), [
    ("renamed-notebook", f"handed in as '{SECTION}-Copy1.ipynb': graded as {SECTION}.ipynb"),
    ("missing-notebook", f"{SECTION}.ipynb missing: graded from the responses file only"),
    ("extra-notebook", "extra notebook 'Untitled.ipynb' not graded"),
    ("list-grade-id", "was deleted (restored from the release)"),
])
def test_damaged_notebooks_are_graded_with_a_named_problem(graded, learner, reason):
    _, section, _, _ = graded
    row = _row(graded, learner)
    assert reason in row["problems"]
    assert row["status"] != "not graded" and float(row["quiz_score"]) == section.quiz.max_points


def test_renamed_notebook_keeps_the_learners_comments(graded):
    row = _row(graded, "renamed-notebook")
    assert int(row["comments_answered"]) == int(row["comments_total"])


def test_a_symlinked_responses_folder_is_named(graded):
    row = _row(graded, "linked-responses-dir")
    assert "'responses': a symlink (refused)" in row["problems"]
    assert float(row["quiz_score"]) == 0.0


def test_problems_are_capped_per_submission(graded):
    _, _, result, _ = graded
    problems = next(o.problems for o in result.graded if o.learner == "unknown-question-flood")
    assert len(problems) == MAX_PROBLEMS and problems[-1].startswith("… and ") and problems[-1].endswith(" more")
    assert 59_000 < int(problems[-1].split()[2].replace(",", "")) <= 60_000
    assert len(_row(graded, "unknown-question-flood")["problems"]) < 5_000


def test_not_graded_is_exported_as_not_graded(graded):
    """A submission nbgrader recorded in part before grading failed: no 0 / failed in any export."""
    paths, section, _, _ = graded
    engine = make_engine(paths.gradebook_url)
    save_state(engine, GradedState("honest", SECTION, "x", ("not graded: the kernel died",), "2026-11-01", 1.0,
                                   None, False))
    engine.dispose()
    try:
        grades = grades_csv(paths)
        assert grades.loc[("honest", SECTION), "status"] == "not graded"
        assert grades.loc[("honest", SECTION), "quiz_score"] != grades.loc[("honest", SECTION), "quiz_score"]
        with open(paths.reports / "moodle_grades.csv", encoding="utf-8", newline="") as handle:
            moodle = {r["Username"]: r for r in csv.DictReader(handle)}
        title = section.quiz.title
        assert moodle["honest"][title] == ""
        assert moodle["honest"][f"{title} (Feedback)"] == "not graded: the kernel died"
    finally:
        grade_workspace(load_course(paths.course), paths, paths.gradebook_url, learners=["honest"], jobs=1,
                        quiet=True, force=True)


def test_unknown_section_and_learner_are_clear_errors(graded, capsys):
    paths = graded[0]
    assert main(["--root", str(paths.root), "autograde", "--section", "nosuch"]) == 1
    assert "no section 'nosuch'" in capsys.readouterr().err
    assert main(["--root", str(paths.root), "autograde", "--learner", "nobody"]) == 1
    assert "no submissions of learner 'nobody'" in capsys.readouterr().err


def test_a_section_that_is_a_file_is_named(graded):
    _, _, result, _ = graded
    assert [r.reason for r in result.refused if r.learner == "section-is-a-file"] == ["not a folder (refused)"]
    assert _row(graded, "section-is-a-file")["status"] == "not graded"


def test_deep_folders_are_not_read_and_do_not_hide_the_answers(graded):
    _, section, result, _ = graded
    assert next(o.ok for o in result.graded if o.learner == "deep-folders")
    assert float(_row(graded, "deep-folders")["quiz_score"]) == section.quiz.max_points
