"""Copied responses files: same attempts at the same times in two learners' submissions."""

from __future__ import annotations

import json

import pytest
from grading_support import answers, attempt
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.quiz.responses import parse_responses
from coursekit.results.copies import CopyGroup, attempts_fingerprint, copied_groups, find_copied_responses
from coursekit.simulate import responses_document

SECTION = "cooperation_networking"


@pytest.fixture(scope="module")
def course():
    return load_course(REPO / "course")


def _doc(course, learner, attempts, in_progress=None):
    document = responses_document(course, course.section(SECTION), learner, attempts)
    if in_progress is not None:
        document["in_progress"] = {"answers": in_progress, "updated_at": "2026-10-09T10:00:00"}
    return document


def _fingerprint(document):
    return attempts_fingerprint(parse_responses(json.dumps(document)))


def test_same_attempts_same_fingerprint_whoever_saved_them(course):
    given = answers(course.section(SECTION))
    ada = _fingerprint(_doc(course, "ada", [attempt(1, given), attempt(2, given)]))
    ben = _fingerprint(_doc(course, "ben", [attempt(1, given), attempt(2, given)]))
    assert ada is not None and ada == ben


def test_other_times_or_answers_differ(course):
    section = course.section(SECTION)
    given = answers(section)
    base = _fingerprint(_doc(course, "ada", [attempt(1, given)]))
    later = attempt(1, given)
    later["submitted_at"] = "2026-10-01T09:10:01"
    other = answers(section, right=set())
    variants = [[later], [attempt(1, other)], [attempt(2, given)]]
    assert len({base, *(_fingerprint(_doc(course, "ada", v)) for v in variants)}) == 4


def test_nothing_answered_has_no_fingerprint(course):
    assert _fingerprint(_doc(course, "ada", [])) is None
    assert _fingerprint(_doc(course, "ada", [attempt(1, {})])) is None
    assert _fingerprint(_doc(course, "ada", [attempt(1, {"q": ""})])) is None


def test_answers_in_progress_count(course):
    given = answers(course.section(SECTION))
    assert _fingerprint(_doc(course, "ada", [], in_progress=given)) is not None
    assert _fingerprint(_doc(course, "ada", [], given)) == _fingerprint(_doc(course, "ben", [], given))


def test_groups_of_two_or_more():
    groups = copied_groups("s", {"ben": "f1", "ada": "f1", "cleo": "f2", "dan": None, "eve": None, "fay": "f1",
                                 "gus": "f3", "hal": "f3"})
    assert groups == [CopyGroup("s", "f1", ("ada", "ben", "fay")), CopyGroup("s", "f3", ("gus", "hal"))]
    assert copied_groups("s", {"ada": None, "ben": None}) == []


def test_find_in_a_workspace_skips_unreadable_files(tmp_path, course):
    given = answers(course.section(SECTION))
    files = {"ada": _doc(course, "ada", [attempt(1, given)]), "ben": _doc(course, "ada", [attempt(1, given)]),
             "cleo": _doc(course, "cleo", [attempt(1, answers(course.section(SECTION), set()))])}
    for learner, document in files.items():
        folder = tmp_path / learner / SECTION / "responses"
        folder.mkdir(parents=True)
        (folder / f"{SECTION}.json").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "dan" / SECTION / "responses").mkdir(parents=True)
    (tmp_path / "dan" / SECTION / "responses" / f"{SECTION}.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "eve" / SECTION / "responses").mkdir(parents=True)
    (tmp_path / "eve" / SECTION / "responses" / f"{SECTION}.json").symlink_to(
        tmp_path / "ada" / SECTION / "responses" / f"{SECTION}.json")
    groups = find_copied_responses(tmp_path, [SECTION, "networks_consortia"])
    assert [(g.section, g.learners) for g in groups] == [(SECTION, ("ada", "ben"))]
    assert find_copied_responses(tmp_path / "missing", [SECTION]) == []
