"""Validation of the authored course: every bad file names the file, the question and the problem."""

from __future__ import annotations

import re

import pytest
import yaml
from pool_support import authored_questions

from coursekit.authoring.course import CourseError, load_course
from coursekit.paths import ProjectPaths


def _edit_quiz(project: ProjectPaths, section: str, edit) -> str:
    path = project.course / section / "quiz.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def _first(data, qtype):
    return next(q for q in authored_questions(data) if q["type"] == qtype)


def test_the_course_loads(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    assert [s.id for s in course.sections] == ["cooperation_networking", "networks_consortia"]
    for section in course.sections:
        assert len(section.quiz.questions) >= 8
        assert len(section.comments) >= 3
        kinds = {q.type for q in section.quiz.questions}
        assert {"single_choice", "multiple_choice", "true_false", "matching"} <= kinds


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: _first(d, "single_choice").update(type="essay"), r"unknown type 'essay'"),
        (lambda d: authored_questions(d)[1].update(id=authored_questions(d)[0]["id"]), r"duplicate question id"),
        (lambda d: _first(d, "single_choice").update(answer="zz"), r"key 'zz' is not among the options"),
        (lambda d: _first(d, "multiple_choice").update(answer=["a", "zz"]), r"key 'zz' is not among"),
        (lambda d: _first(d, "true_false").update(points=0), r"points must be greater than 0"),
        (lambda d: d["settings"].update(pass_rate=120), r"pass_rate: .*less than or equal to 100"),
        (lambda d: d["settings"].update(pass_rate=-5), r"pass_rate: .*greater than or equal to 0"),
        (lambda d: _first(d, "matching")["answer"].popitem(), r"key must pair every item"),
    ],
    ids=["unknown-type", "duplicate-id", "key-not-option", "multi-key-not-option", "zero-points",
         "pass-rate-high", "pass-rate-negative", "matching-incomplete"],
)
def test_bad_quiz_names_file_question_and_problem(project: ProjectPaths, edit, expected: str) -> None:
    data_holder = {}

    def remember(data):
        edit(data)
        data_holder["data"] = data

    path = _edit_quiz(project, "cooperation_networking", remember)
    with pytest.raises(CourseError) as info:
        load_course(project.course)
    message = str(info.value)
    assert message.startswith(path)
    assert re.search(expected, message), message
    if "settings" not in expected and "pass_rate" not in expected:
        assert "question '" in message


def test_changed_quote_fails_naming_file_and_question(project: ProjectPaths) -> None:
    def change_quote(data):
        q = authored_questions(data)[2]
        q["source"] = q["source"].replace(q["source"].split()[1], "altered", 1)
        change_quote.qid = q["id"]

    path = _edit_quiz(project, "networks_consortia", change_quote)
    with pytest.raises(CourseError) as info:
        load_course(project.course)
    assert str(info.value).startswith(path)
    assert f"question {change_quote.qid!r}: source not found in section.md" in str(info.value)


def test_quiz_settings_must_agree_with_the_seed(project: ProjectPaths) -> None:
    path = _edit_quiz(project, "cooperation_networking", lambda d: d["settings"].update(navigation="sequential"))
    with pytest.raises(CourseError, match="Backwards navigation: Allowed") as info:
        load_course(project.course)
    assert str(info.value).startswith(path)


def test_comment_source_must_be_in_text(project: ProjectPaths) -> None:
    path = project.course / "cooperation_networking" / "comments.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["source"] = "A sentence the section never says."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CourseError, match=r"source not found in section\.md") as info:
        load_course(project.course)
    assert str(info.value).startswith(str(path))
    assert repr(data["questions"][0]["id"]) in str(info.value)


def test_invalid_yaml_and_missing_files_are_named(project: ProjectPaths) -> None:
    quiz = project.course / "networks_consortia" / "quiz.yml"
    quiz.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseError, match="not valid YAML") as info:
        load_course(project.course)
    assert str(info.value).startswith(str(quiz))
    quiz.unlink()
    with pytest.raises(CourseError, match="file is missing"):
        load_course(project.course)


def test_unknown_section_in_course_yml(project: ProjectPaths) -> None:
    path = project.course / "course.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sections"].append("no_such_section")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CourseError, match="section 'no_such_section' has no folder"):
        load_course(project.course)


def test_comment_min_words_defaults_and_is_checked(project: ProjectPaths) -> None:
    from coursekit.authoring.course import DEFAULT_MIN_WORDS
    from coursekit.authoring.notebook import build_notebook

    path = project.course / "cooperation_networking" / "comments.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert all(c.min_words == DEFAULT_MIN_WORDS == 3 for c in load_course(project.course).sections[0].comments)
    data["questions"][0]["min_words"] = 10
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    section = load_course(project.course).section("cooperation_networking")
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in build_notebook(section).cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    first, second = (f"comment-{q['id']}" for q in data["questions"][:2])
    assert cells[first].metadata["coursekit"] == {"min_words": 10}
    assert cells[second].metadata["coursekit"] == {"min_words": 3}
    data["questions"][0]["min_words"] = 0
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CourseError, match=r"\(min_words\): Input should be greater than or equal to 1") as info:
        load_course(project.course)
    assert str(info.value).startswith(str(path))
    assert repr(data["questions"][0]["id"]) in str(info.value)
