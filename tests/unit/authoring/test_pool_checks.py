"""The authoring checks cover every question of every pool: citations, the leak check, the positional check."""

from __future__ import annotations

import json
import pprint
import shutil

import pytest
import yaml
from pool_support import authored_questions, variant
from project_support import REPO

from coursekit.authoring.build import section_files
from coursekit.authoring.course import CourseError, load_course
from coursekit.authoring.leaks import find_leaks
from coursekit.authoring.positional import find_positional
from coursekit.quiz.spec import answer_key

SECTION = "cooperation_networking"


def _pooled_course(tmp_path, change=None):
    """A copy of the course whose first quiz question is a pool of three variants, each citing its passage."""
    shutil.copytree(REPO / "course", tmp_path / "course")
    path = tmp_path / "course" / SECTION / "quiz.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = authored_questions(data)[0]  # the shipped slot is replaced by a pool of three of its own
    members = [first, variant(first, f"{first['id']}-b", "c"), variant(first, f"{first['id']}-c", "d")]
    if change:
        change(members)
    data["questions"][0] = {"slot": first["id"], "pool": members}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_course(tmp_path / "course")


def _released(tmp_path, course):
    """The learners' quiz.json of every section, as a release holds it."""
    for section in course.sections:
        folder = tmp_path / "release" / section.id
        folder.mkdir(parents=True)
        (folder / "quiz.json").write_text(section_files(course, section)["quiz.json"], encoding="utf-8")
    return tmp_path / "release"


def test_every_pool_question_must_cite_its_passage_verbatim(tmp_path):
    def misquote(members):
        members[2]["source"] = "A sentence the section never says."

    with pytest.raises(CourseError, match="partner-schools-c"):
        _pooled_course(tmp_path, misquote)


def test_no_key_of_any_pool_question_in_a_release_and_each_one_is_checked(tmp_path):
    course = _pooled_course(tmp_path)
    quiz = course.section(SECTION).quiz
    assert quiz.quiz_slots[0].questions == ("partner-schools", "partner-schools-b", "partner-schools-c")
    release = _released(tmp_path, course)
    assert find_leaks(release, course) == []
    assert find_positional(release, course) == []
    # the key of the last variant, as its grade cell writes it, is found anywhere in the release
    planted = pprint.pformat({"partner-schools-c": answer_key(quiz)["partner-schools-c"]}, width=100,
                             sort_dicts=True)
    (release / SECTION / "notes.md").write_text(planted, encoding="utf-8")
    assert find_leaks(release, course) == [
        f"{release / SECTION / 'notes.md'}: contains the key of question 'partner-schools-c' of section {SECTION!r}"]
    # and a key field on the last variant of the learner's copy
    (release / SECTION / "notes.md").unlink()
    public = json.loads((release / SECTION / "quiz.json").read_text(encoding="utf-8"))
    public["questions"][2]["answer"] = "d"
    (release / SECTION / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    assert find_leaks(release, course) == [
        f"{release / SECTION / 'quiz.json'}: question 'partner-schools-c' has key field 'answer'"]


def test_the_positional_check_counts_the_variants_that_follow_the_pools_first(tmp_path):
    def all_first(members):  # every variant keeps its key at option a
        for member in members[1:]:
            member.update(variant(member, member["id"], "a"))

    course = _pooled_course(tmp_path, all_first)
    release = _released(tmp_path, course)
    found = find_positional(release, course)
    assert any("'single choice: always option 1'" in line for line in found)


def test_simulated_learners_answer_the_questions_drawn_and_record_the_draw(tmp_path):
    from coursekit.quiz.draw import draw_problems
    from coursekit.quiz.responses import parse_responses
    from coursekit.simulate import simulate

    course = _pooled_course(tmp_path)
    quiz = course.section(SECTION).quiz
    simulate(course, REPO / "release", tmp_path / "submitted", 12, seed=3, tamper_rate=0.0, absent_rate=0.0)
    files = sorted((tmp_path / "submitted").glob(f"*/{SECTION}/responses/{SECTION}.json"))
    assert len(files) == 12
    given = set()
    for path in files:
        responses = parse_responses(path.read_bytes())
        for attempt in responses.attempts:
            assert draw_problems(quiz, responses.learner, SECTION, attempt.number, attempt.draw) == []
            assert set(attempt.answers) <= set(attempt.draw.values())
            given.add(attempt.draw["partner-schools"])
    assert len(given) >= 2  # the cohort spreads over the pool
