"""Release to the nbgrader exchange, learners submit, the trainer collects and grades: the real round trip."""

from __future__ import annotations

import json

import pytest
from grading_support import answers, attempt, grade_all, grades_csv, make_project, write_submission

from coursekit.authoring.course import load_course
from coursekit.authoring.notebook import kernel_language_info
from coursekit.autograde.exchange import submit_as
from coursekit.cli import main
from coursekit.paths import ProjectPaths

pytestmark = pytest.mark.slow


def test_release_submit_collect_grade(tmp_path, monkeypatch, capsys):
    paths = make_project(tmp_path / "course")
    monkeypatch.setenv("COURSEKIT_EXCHANGE", str(tmp_path / "exchange"))
    assert main(["--root", str(paths.root), "release", "--exchange"]) == 0
    assert "released networks_consortia to the exchange" in capsys.readouterr().out
    outbound = tmp_path / "exchange" / "vet-quality" / "outbound"
    assert sorted(p.name for p in outbound.iterdir()) == ["cooperation_networking", "networks_consortia"]
    assert not list(outbound.rglob("*key*")) and "BEGIN HIDDEN" not in "".join(
        p.read_text(encoding="utf-8") for p in outbound.rglob("*.ipynb"))
    for released in outbound.rglob("*.ipynb"):  # opened untouched after a fetch, it is not marked unsaved
        assert json.loads(released.read_text(encoding="utf-8"))["metadata"]["language_info"] == kernel_language_info()

    course = load_course(paths.course)
    section = course.section("cooperation_networking")
    home = ProjectPaths(tmp_path / "home")  # where the learners' work is; never the trainer's workspace
    for learner, right in {"ada": None, "ben": set()}.items():
        folder = write_submission(home, course, section, learner, [attempt(1, answers(section, right))],
                                  release_root=paths.release)
        submit_as(course, paths, learner, folder.parent, section.id)

    assert main(["--root", str(paths.root), "collect"]) == 0
    assert "cooperation_networking: 2 submissions" in capsys.readouterr().out
    result = grade_all(paths)
    assert not result.failed and len(result.graded) == 2
    grades = grades_csv(paths)
    assert grades.loc[("ada", "cooperation_networking"), "quiz_score"] == section.quiz.max_points
    assert grades.loc[("ben", "cooperation_networking"), "quiz_score"] == 0
    assert grades.loc[("ada", "networks_consortia"), "status"] == "not submitted"


def test_collect_names_ids_it_cannot_grade_and_a_missing_exchange(tmp_path, monkeypatch, capsys):
    paths = make_project(tmp_path / "course")
    monkeypatch.setenv("COURSEKIT_EXCHANGE", str(tmp_path / "exchange"))
    assert main(["--root", str(paths.root), "collect"]) == 1
    err = capsys.readouterr().err
    assert "no inbound folder in the exchange" in err and "Traceback" not in err and len(err.splitlines()) == 1

    assert main(["--root", str(paths.root), "release", "--exchange"]) == 0
    course = load_course(paths.course)
    section = course.section("cooperation_networking")
    home = ProjectPaths(tmp_path / "home")
    for learner in ("ada", "odd[1]", "<svg onload=alert(1)>", "Ana"):
        folder = write_submission(home, course, section, learner, [attempt(1, answers(section))],
                                  release_root=paths.release)
        submit_as(course, paths, learner, folder.parent, section.id)
    capsys.readouterr()
    assert main(["--root", str(paths.root), "collect"]) == 1
    captured = capsys.readouterr()
    assert "refused: learner id 'odd[1]' contains [ ] (nbgrader reads ids as glob patterns)" in captured.err
    assert "refused: learner id '<svg onload=alert(1)>' contains '<'" in captured.err
    assert "refused: learner id 'Ana' contains upper-case letters: hub logins are lower case" in captured.err
    assert (paths.grader / "submitted" / "ada" / section.id).is_dir()
