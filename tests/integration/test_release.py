"""``coursekit release`` with nbgrader: current, key-free, and --check catches drift."""

from __future__ import annotations

import json

import nbformat
import pytest
import yaml
from pool_support import authored_questions

from coursekit.authoring.course import load_course
from coursekit.authoring.leaks import find_leaks
from coursekit.cli import main
from coursekit.paths import ProjectPaths

pytestmark = pytest.mark.slow


def test_release_in_repo_is_current_and_key_free(repo: ProjectPaths, capsys) -> None:
    assert main(["--root", str(repo.root), "release", "--check"]) == 0, capsys.readouterr()


def test_no_key_material_in_release(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    assert find_leaks(repo.release, course) == []
    for section in course.sections:
        files = sorted(p.name for p in (repo.release / section.id).iterdir())
        assert files == [f"{section.id}.ipynb", "quiz.json"]
        nb = nbformat.read(repo.release / section.id / f"{section.id}.ipynb", as_version=4)
        text = json.dumps(nb)
        public = json.loads((repo.release / section.id / "quiz.json").read_text(encoding="utf-8"))
        settings = section.quiz.settings
        for question in public["questions"]:
            assert not {"answer", "penalty", "source"} & set(question), question["id"]
            # Salted digests only where the learner's kernel may mark: unlimited attempts, marks shown.
            assert ("answer_digest" in question) == settings.marks_in_kernel, question["id"]
        assert "BEGIN HIDDEN TESTS" not in text
        assert "question_points(" not in text


def test_leak_check_catches_planted_keys(project: ProjectPaths) -> None:
    course = load_course(project.course)
    section = course.sections[0]
    folder = project.release / section.id
    spec = json.loads((folder / "quiz.json").read_text(encoding="utf-8"))
    spec["questions"][0]["answer"] = "a"
    (folder / "quiz.json").write_text(json.dumps(spec), encoding="utf-8")
    (folder / "answer_key.txt").write_text("q1: a\n", encoding="utf-8")
    nb_path = folder / f"{section.id}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"))
    nbformat.write(nb, nb_path)
    leaks = "\n".join(find_leaks(project.release, course))
    assert "quiz.json: question" in leaks and "key field 'answer'" in leaks
    assert "answer_key.txt: file name suggests a key file" in leaks
    assert f"{nb_path}: contains '### BEGIN HIDDEN TESTS'" in leaks


def test_release_check_fails_after_hand_edit(project: ProjectPaths, capsys) -> None:
    notebook = project.release / "cooperation_networking" / "cooperation_networking.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("quality", "qualities", 1)
    nbformat.write(nb, notebook)
    assert main(["--root", str(project.root), "release", "--check"]) == 1
    out = capsys.readouterr()
    assert str(notebook) in out.out
    assert "coursekit release" in out.err


def test_release_writes_what_check_expects(project: ProjectPaths) -> None:
    for path in project.release.rglob("*.ipynb"):
        path.unlink()
    assert main(["--root", str(project.root), "release"]) == 0
    assert (project.grader / "gradebook.db").is_file()
    assert main(["--root", str(project.root), "release", "--check"]) == 0


def _keys_first(quiz_path) -> None:
    """Rewrite a quiz.yml the way the habit goes: every key first, ids a, b, c... in that order."""
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    for question in authored_questions(quiz):
        if question["type"] not in ("single_choice", "multiple_choice"):
            continue
        keys = [question["answer"]] if isinstance(question["answer"], str) else question["answer"]
        ordered = sorted(question["options"], key=lambda o, keys=keys: o["id"] not in keys)
        rename = {o["id"]: "abcdefgh"[i] for i, o in enumerate(ordered)}
        question["options"] = [{**o, "id": rename[o["id"]]} for o in ordered]
        question["answer"] = rename[question["answer"]] if isinstance(question["answer"], str) else sorted(
            rename[k] for k in question["answer"])
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_release_refuses_a_quiz_guessable_by_position(project: ProjectPaths, capsys) -> None:
    _keys_first(project.course / "networks_consortia" / "quiz.yml")
    assert main(["--root", str(project.root), "build"]) == 0
    released = project.release / "networks_consortia" / "quiz.json"
    before = released.read_text(encoding="utf-8")
    capsys.readouterr()

    assert main(["--root", str(project.root), "release", "--check"]) == 1
    out = capsys.readouterr().out
    quiz = load_course(project.course).section("networks_consortia").quiz
    single = sum(q.type == "single_choice" for q in quiz.questions)  # every question of every pool counted
    rule = "'single choice: always option 1'"
    assert f"{released}: guessable without reading: {rule} scores {single} of {single} points" in out
    assert f"{released}: guessable without reading: \"single choice: always id 'a'\"" in out
    assert "cooperation_networking/quiz.json: guessable" not in out

    assert main(["--root", str(project.root), "release"]) == 1
    err = capsys.readouterr().err
    assert "error: the key shows in the option order" in err and f"{released}: guessable" in err
    assert released.read_text(encoding="utf-8") == before  # nothing released
