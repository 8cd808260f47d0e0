"""Formgrader meets coursekit's grading: its statuses count what coursekit graded, its Autograde button grades
with coursekit (the learner's added code never runs, the hand-in time stays the trusted one, reviews stay).

``cleo``'s ``timestamp.txt`` claims a hand-in before the due date while her files were handed in after it:
coursekit records the files' time, so stock formgrader's rule (gradebook time == ``timestamp.txt``) would call
her submission "needs autograding", and its button would grade her with stock nbgrader.
"""

from __future__ import annotations

import pytest
from trainer_support import LATE_DUE, SECTION, late_claiming_workspace, review

from coursekit.authoring.course import load_course

pytestmark = pytest.mark.slow


def _api(paths, course, stock=False):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from coursekit.formgrader_autograde import CoursekitGraderAPI

    # what formgrader reads: the workspace's grader/nbgrader_config.py (coursekit's feedback included)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(paths.grader)).load_config()
    assert config.CourseDirectory.db_url == paths.gradebook_url
    cls = NbGraderAPI if stock else CoursekitGraderAPI
    return cls(coursedir=CourseDirectory(config=config), config=config)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    paths, marker = late_claiming_workspace(tmp_path_factory.mktemp("formgrader-autograde"))
    return paths, load_course(paths.course), marker


def _handed_in(paths, learner):
    from nbgrader.api import Gradebook

    with Gradebook(paths.gradebook_url) as gradebook:
        return gradebook.find_submission(SECTION, learner).timestamp


def test_every_submission_coursekit_graded_counts_as_autograded_in_formgrader(project):
    paths, course, _ = project
    assert _api(paths, course).get_autograded_students(SECTION) == {"ada", "ben", "cleo"}
    assert "cleo" not in _api(paths, course, stock=True).get_autograded_students(SECTION)  # what it fixes
    listed = {s["student"]: s for s in _api(paths, course).get_submissions(SECTION)}
    assert listed["cleo"]["autograded"] and listed["cleo"]["score"] > 0
    assert listed["cleo"]["timestamp"].startswith("2026-10-01T09:10")  # the files' time, not the claim


def test_a_submission_changed_since_grading_needs_autograding_again(project, tmp_path):
    paths, course, _ = project
    responses = paths.grader / "submitted" / "ben" / SECTION / "responses" / f"{SECTION}.json"
    kept = responses.read_bytes()
    try:
        responses.write_bytes(kept.replace(b'"attempts"', b'"attempts" ', 1))
        assert "ben" not in _api(paths, course).get_autograded_students(SECTION)
    finally:
        responses.write_bytes(kept)
    assert "ben" in _api(paths, course).get_autograded_students(SECTION)


def test_the_autograde_button_grades_with_coursekit(project):
    paths, course, marker = project
    section = course.section(SECTION)
    review(paths.gradebook_url, "cleo", section, 1.0, "Reviewed before the button.")
    before = _handed_in(paths, "cleo")
    answer = _api(paths, course).autograde(SECTION, "cleo")
    assert answer["success"], answer
    assert not marker.exists()  # the code cleo added never ran
    assert _handed_in(paths, "cleo") == before and before > LATE_DUE  # the trusted time: late, whatever she claims
    from nbgrader.api import Gradebook

    from coursekit.cell_ids import comment_cell_id

    with Gradebook(paths.gradebook_url) as gradebook:
        for question in section.comments:
            grade = gradebook.find_grade(comment_cell_id(question.id), SECTION, SECTION, "cleo")
            assert grade.manual_score == min(1.0, question.points) and not grade.needs_manual_grade
    assert "cleo" in _api(paths, course).get_autograded_students(SECTION)


def test_the_autograde_button_names_what_it_could_not_grade(project):
    paths, course, _ = project
    answer = _api(paths, course).autograde(SECTION, "nobody")
    assert not answer["success"] and "error" not in answer  # no empty "Traceback" panel in formgrader
    assert answer["log"].startswith("no submission to grade\n") and "graded: 0" in answer["log"]


def test_a_refused_feedback_says_why_first(project):
    paths, course, _ = project
    answer = _api(paths, course).generate_feedback(SECTION, "ada")  # ada's comments are not reviewed
    assert not answer["success"]
    first = answer["log"].splitlines()[0]
    assert first.startswith(f"ada / {SECTION}: not yet reviewed: "), first
    assert "Error" not in first.split(":")[0]


def test_the_gradebook_url_never_stands_on_the_grading_command_line(project):
    """Any account of the machine reads a process's command line; a PostgreSQL URL holds a password."""
    from coursekit.formgrader_autograde import grade_one_command

    paths, course, _ = project
    api = _api(paths, course)
    command = grade_one_command(api.coursedir, SECTION, "cleo")
    assert command[-2:] == [SECTION, "cleo"]
    assert not any("sqlite" in part or "gradebook.db" in part for part in command), command
