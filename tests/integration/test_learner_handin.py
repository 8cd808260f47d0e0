"""Hand-in from ``make lab``: the Assignments panel's server side submits the copy the learner works in.

The learner's workspace is what ``coursekit lab`` lays out (a copy of release/,
one folder per section); the panel's manager (:class:`LearnerAssignmentList`)
runs in this process with the learner-mode Jupyter config, as the lab's server
runs it. The trainer's release, collect and autograde are the real commands.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from grading_support import answers, attempt, drawn_attempts, grade_all, grades_csv, make_project

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.learner import copy_release, hand_in_state, lab_environment, local_exchange
from coursekit.learner_assignments import NOT_RELEASED, LearnerAssignmentList
from coursekit.simulate import responses_document
from coursekit.widgets.comment_store import CommentStore

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"
COMMENT = "Our school shares its welding workshop with two upper secondary schools in the district."


def test_lab_submits_the_working_copy_with_its_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("COURSEKIT_EXCHANGE", raising=False)
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    paths = make_project(tmp_path / "project")
    course = load_course(paths.course)
    section = course.section(SECTION)
    course_id, exchange = local_exchange(paths.root)
    workspace = tmp_path / "learner"
    copy_release(paths.release, workspace / "course")
    env = lab_environment(workspace, learner="ada", course_id=course_id, exchange=exchange)
    for name in ("JUPYTER_CONFIG_DIR", "COURSEKIT_LEARNER"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.chdir(workspace / "course")  # the lab's server runs in the folder it serves
    panel = LearnerAssignmentList()
    panel.root_dir = str(workspace / "course")

    # the learner works in the copy the lab opened
    working = workspace / "course" / SECTION
    (working / "responses").mkdir()
    saved = drawn_attempts(section, "ada", [attempt(1, answers(section))])  # as the widget saves them, with the draw
    (working / "responses" / f"{SECTION}.json").write_text(
        json.dumps(responses_document(course, section, "ada", saved)), encoding="utf-8")
    CommentStore(working, SECTION, "ada").save("comment-own-cooperation", COMMENT)

    # before the trainer's release: the course and the learner's sections, no error; Submit says why not
    assert "hand-in: not open yet" in hand_in_state(course_id, exchange)
    assert panel.list_courses() == {"success": True, "value": [course_id]}
    listed = panel.list_assignments(course_id)
    assert listed["success"], listed
    assert [(a["assignment_id"], a["status"], a["path"]) for a in listed["value"]] == [
        (SECTION, "fetched", SECTION), ("networks_consortia", "fetched", "networks_consortia")]
    assert panel.submit_assignment(course_id, SECTION) == {"success": False,
                                                            "value": NOT_RELEASED.format(section=SECTION)}

    assert main(["--root", str(paths.root), "release", "--exchange"]) == 0
    assert "hand-in: open for cooperation_networking, networks_consortia" in hand_in_state(course_id, exchange)
    listed = panel.list_assignments(course_id)["value"]
    assert {(a["assignment_id"], a["status"]) for a in listed} == {(SECTION, "fetched"),
                                                                    ("networks_consortia", "fetched")}
    assert not any(a["status"] == "released" for a in listed)  # no second, empty copy to fetch
    assert panel.submit_assignment(course_id, SECTION) == {"success": True}
    submitted = [a for a in panel.list_assignments(course_id)["value"] if a["status"] == "submitted"]
    assert [(a["student_id"], a["assignment_id"]) for a in submitted] == [("ada", SECTION)]
    inbound = next((tmp_path / "project" / "grader" / "exchange" / course_id / "inbound").iterdir())
    assert sorted(p.name for p in (inbound / "responses").iterdir() if not p.name.startswith(".")) == [
        f"{SECTION}.comments.json", f"{SECTION}.json"]

    capsys.readouterr()
    assert main(["--root", str(paths.root), "collect"]) == 0
    assert f"{SECTION}: 1 submissions" in capsys.readouterr().out
    result = grade_all(paths)
    assert not result.failed and not result.problems, result
    grades = grades_csv(paths)
    assert grades.loc[("ada", SECTION), "quiz_score"] == section.quiz.max_points
    graded = nbformat.read(paths.grader / "autograded" / "ada" / SECTION / f"{SECTION}.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    assert cells["comment-own-cooperation"].source == COMMENT
