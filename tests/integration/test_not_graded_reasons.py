"""A submission grading could not finish is `not graded: <reason>` with no score, in every report file.

One cohort graded once for real with ``coursekit autograde``, then ``coursekit report``: submissions
refused while copying (a file grading needs above its limit, a notebook over the cell cap), a folder of
symlinks; beside them an honest one, one cluttered with large sparse files that grading never reads, and
one whose ``timestamp.txt`` is no date (only compared with the hand-in time, so it is named, not fatal).
Non-submitters stay 0 (``grading.not_submitted: zero``).
"""

from __future__ import annotations

import csv
import os
import shutil
from datetime import UTC, datetime, timedelta

import nbformat
import pytest
import yaml
from grading_support import answers, attempt, make_project, write_submission

from coursekit.authoring.course import load_course
from coursekit.autograde.snapshot import MAX_CELLS
from coursekit.cli import main

pytestmark = pytest.mark.slow
SECTION = "networks_consortia"
OTHER = "cooperation_networking"
REASONS = {
    "huge-responses": f"'responses/{SECTION}.json' is 3 MB, above the 1 MB limit",
    "huge-notebook": f"'{SECTION}.ipynb' is 104 MB, above the 20 MB limit",
    "million-cells": f"'{SECTION}.ipynb' has {MAX_CELLS + 1:,} cells, above the {MAX_CELLS:,} cell limit",
    "all-symlinks": f"nothing of the learner's work could be read ('{SECTION}.ipynb': a symlink (refused); "
                    "'responses': a symlink (refused)",
}


def _sparse(path, size):
    path.unlink(missing_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("not-graded"))
    course_yml = paths.course / "course.yml"
    data = yaml.safe_load(course_yml.read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    data["grading"] = {"not_submitted": "zero", "due": {SECTION: _iso(now - timedelta(days=1)),
                                                        OTHER: _iso(now + timedelta(days=7))}}
    course_yml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    course = load_course(paths.course)
    section = course.section(SECTION)

    def submit(learner):
        return write_submission(paths, course, section, learner, [attempt(1, answers(section))])

    honest = submit("honest")
    cluttered = submit("sparse-clutter")
    for n in range(10):
        _sparse(cluttered / f"video{n}.mp4", 99 * 1024 * 1024)  # 0 bytes on disk, 99 MB each when read
    _sparse(submit("huge-responses") / "responses" / f"{SECTION}.json", 3_000_000)
    _sparse(submit("huge-notebook") / f"{SECTION}.ipynb", 99 * 1024 * 1024)
    many = submit("million-cells") / f"{SECTION}.ipynb"
    nb = nbformat.read(many, as_version=4)
    nb.cells += [nbformat.v4.new_raw_cell("") for _ in range(MAX_CELLS + 1 - len(nb.cells))]
    nbformat.write(nb, many)
    linked = submit("all-symlinks")
    for name in (f"{SECTION}.ipynb", "responses", "timestamp.txt"):
        target = linked / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        os.symlink(honest / name, target)
    (submit("bad-timestamp") / "timestamp.txt").write_text("next tuesday, after lunch", encoding="utf-8")
    root = ["--root", str(paths.root)]
    assert main([*root, "roster", "import", str(_roster(paths, ["absent", "extended"]))]) == 0
    assert main([*root, "extend", "--section", SECTION, "--learner", "extended", "--until",
                 _iso(datetime.now(UTC) + timedelta(days=2)), "--by", "trainer-jo"]) == 0
    main([*root, "autograde", "--jobs", "2", "--quiet"])
    assert main([*root, "report"]) == 0
    rows = _read(paths.reports / "grades.csv")
    grades = {r["learner"]: r for r in rows if r["section"] == SECTION}
    moodle = {r["Username"]: r for r in _read(paths.reports / "moodle_grades.csv")}
    canvas = {r["SIS Login ID"]: r for r in _read(paths.reports / "canvas_grades.csv")}
    later = {r["learner"]: r for r in rows if r["section"] == OTHER}
    return section, grades, moodle, canvas, (course.section(OTHER), later)


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _roster(paths, learners):
    roster = paths.root / "roster.csv"
    roster.write_text("login,name\n" + "".join(f"{learner},{learner.title()}\n" for learner in learners),
                      encoding="utf-8")
    return roster


@pytest.mark.parametrize("learner", list(REASONS))
def test_not_graded_with_its_reason_and_no_score_everywhere(reported, learner):
    section, grades, moodle, canvas, _ = reported
    row = grades[learner]
    assert row["status"] == "not graded" and row["quiz_score"] == "" and row["comments_score"] == ""
    assert row["submitted_at"] == ""
    reason = REASONS[learner]
    assert f"not graded: {reason}" in row["problems"], row
    title = section.quiz.title
    assert moodle[learner][title] == "" and moodle[learner][f"Comments: {title.removeprefix('Quiz: ')}"] == ""
    assert moodle[learner][f"{title} (Feedback)"].startswith("not graded: ")
    assert reason in moodle[learner][f"{title} (Feedback)"]
    assert canvas[learner][title] == ""


def test_non_submitters_and_honest_submissions_keep_their_grades(reported):
    section, grades, moodle, canvas, _ = reported
    title = section.quiz.title
    assert grades["absent"]["status"] == "not submitted" and canvas["absent"][title] == "0"
    assert moodle["absent"][title] == "0"
    for learner in ("honest", "sparse-clutter", "bad-timestamp"):
        assert float(grades[learner]["quiz_score"]) == section.quiz.max_points, grades[learner]["problems"]
        assert grades[learner]["status"] != "not graded"
    assert grades["sparse-clutter"]["problems"] == ""  # the files grading does not read are not even named
    assert grades["bad-timestamp"]["problems"].startswith(
        "timestamp.txt is not a date ('next tuesday, after lunch'); its files were last changed at ")


def test_nobody_is_not_submitted_before_their_due_date(reported):
    section, grades, moodle, canvas, (later_section, later) = reported
    assert grades["extended"]["status"] == "not due yet"  # the section's date passed, not the extension
    assert grades["absent"]["status"] == "not submitted"
    assert {row["status"] for row in later.values()} == {"not due yet"}  # nobody handed in, due next week
    for learner in ("extended", "absent", "honest"):
        assert later[learner]["quiz_score"] == "" and later[learner]["late"] == ""
        assert moodle[learner][later_section.quiz.title] == "" and canvas[learner][later_section.quiz.title] == ""
        assert moodle[learner][f"{later_section.quiz.title} (Feedback)"] == "not due yet"
    title = section.quiz.title
    assert moodle["extended"][title] == "" and canvas["extended"][title] == ""
    assert moodle["absent"][title] == "0" and canvas["absent"][title] == "0"
