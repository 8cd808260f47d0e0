"""Autograde runs that overlap on one gradebook give exactly the grades of one serial run.

Each round starts two real grading processes at the same moment (forked, released by one event) on a
fresh gradebook, which is when tables, the course, sections and learners are created in a race. Earlier
runs of the same scenario failed in 13 of 14 tries on SQLite and in every try on an empty PostgreSQL
database; the rounds below would catch a race that shows once in three tries with probability > 98 %.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
import time
import traceback

import pytest
from grading_support import answers, attempt, grades_csv, make_project, scores_at, write_submission
from postgres_support import create_database

from coursekit.authoring.course import load_course
from coursekit.autograde.runner import grade_workspace
from coursekit.autograde.snapshot import submission_digest
from coursekit.gradebook.state import load_states, make_engine
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

ROUNDS = 10
FORK = multiprocessing.get_context("fork")


def _grade_in_child(paths, db_url, sections, start, results):
    try:
        start.wait(30)
        result = grade_workspace(load_course(paths.course), paths, db_url, sections=sections, jobs=1, quiet=True)
        results.put(("ok", len(result.graded), len(result.skipped), [o.ok for o in result.graded].count(False)))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _overlapping(paths, db_url, sections_per_run):
    """Run one grading process per entry of ``sections_per_run`` at the same moment; their reports."""
    start, results = FORK.Event(), FORK.Queue()
    runs = [FORK.Process(target=_grade_in_child, args=(paths, db_url, sections, start, results))
            for sections in sections_per_run]
    for run in runs:
        run.start()
    start.set()
    reports = [results.get(timeout=600) for _ in runs]
    for run in runs:
        run.join(60)
    assert [r.exitcode for r in runs] == [0] * len(runs)
    return reports


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Eight simulated learners and the grades one serial run gives them."""
    reference = make_project(tmp_path_factory.mktemp("serial"))
    course = load_course(reference.course)
    simulate(course, reference.release, reference.grader / "submitted", 8, seed=3, tamper_rate=0.0)
    serial = grade_workspace(course, reference, reference.gradebook_url, jobs=1, quiet=True)
    assert not serial.failed and serial.graded
    return reference, scores_at(reference.gradebook_url), grades_csv(reference)


def _fresh_copy(reference, root):
    paths = make_project(root)
    shutil.copytree(reference.grader / "submitted", paths.grader / "submitted")
    return paths


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_runs_on_one_sqlite_gradebook_give_the_serial_grades(cohort, tmp_path, round_):
    reference, expected, expected_report = cohort
    paths = _fresh_copy(reference, tmp_path)
    reports = _overlapping(paths, paths.gradebook_url, [None, None])
    assert all(r[0] == "ok" and r[3] == 0 for r in reports), reports
    # the later run waited for the first and skipped what it had graded: nothing was graded twice at once
    assert sorted(r[1] for r in reports)[0] == 0 or sum(r[1] for r in reports) == 2 * len(expected_report)
    assert scores_at(paths.gradebook_url) == expected
    columns = ["quiz_score", "status", "comments_answered", "attempts"]
    assert grades_csv(paths)[columns].equals(expected_report[columns])
    again = grade_workspace(load_course(paths.course), paths, paths.gradebook_url, jobs=1, quiet=True)
    assert again.graded == [] and len(again.skipped) == len(expected_report) - (
        expected_report["status"] == "not submitted").sum()


@pytest.mark.parametrize("round_", range(ROUNDS // 2))
def test_two_trainers_on_an_empty_postgresql_gradebook(cohort, postgres, tmp_path, round_):
    reference, expected, expected_report = cohort
    paths = _fresh_copy(reference, tmp_path)
    db_url = create_database(postgres, f"empty{round_}")
    sections = [s.id for s in load_course(paths.course).sections]
    reports = _overlapping(paths, db_url, [[sections[0]], [sections[1]], None])
    assert all(r[0] == "ok" and r[3] == 0 for r in reports), reports
    assert scores_at(db_url) == expected
    columns = ["quiz_score", "status", "comments_answered", "attempts"]
    assert grades_csv(paths, db_url)[columns].equals(expected_report[columns])


def test_a_submission_replaced_while_graded_is_graded_again(tmp_path):
    """collect replacing a folder during grading: the digest recorded is the one of the files graded."""
    paths = make_project(tmp_path / "project")
    course = load_course(paths.course)
    section = course.sections[0]
    versions = {}
    for name, right in (("right", None), ("wrong", set())):
        folder = write_submission(paths, course, section, "ada", [attempt(1, answers(section, right))])
        versions[name] = folder.rename(tmp_path / name)
        folder.parent.rmdir()
    digests = {name: submission_digest(folder) for name, folder in versions.items()}
    score_of = {digests["right"]: section.quiz.max_points, digests["wrong"]: 0.0}
    live = paths.grader / "submitted" / "ada" / section.id
    live.parent.mkdir()
    shutil.copytree(versions["right"], live)
    stop = threading.Event()

    def flip():  # the learner's files replaced again and again, one after the other, as collect copies them
        current = "right"
        while not stop.is_set():
            current = "wrong" if current == "right" else "right"
            for source in sorted(versions[current].rglob("*")):
                if source.is_file():
                    staged = tmp_path / "staged"
                    shutil.copyfile(source, staged)
                    staged.replace(live / source.relative_to(versions[current]))
            time.sleep(0.005)

    engine = make_engine(paths.gradebook_url)
    recorded = []
    for _ in range(8):
        flipper = threading.Thread(target=flip)
        flipper.start()
        try:
            grade_workspace(course, paths, paths.gradebook_url, learners=["ada"], jobs=1, quiet=True, force=True)
        finally:
            stop.set()
            flipper.join()
            stop.clear()
        state = load_states(engine)[("ada", section.id)]
        recorded.append(state.digest)
        score = grades_csv(paths).loc[("ada", section.id), "quiz_score"]
        if state.digest in score_of:  # the grade and the digest recorded describe the same files
            assert score == score_of[state.digest]
        # the folder as it is now: skipped only when it is what was graded; graded again otherwise
        again = grade_workspace(course, paths, paths.gradebook_url, learners=["ada"], jobs=1, quiet=True)
        assert len(again.skipped) == (submission_digest(live) == state.digest)
        assert grades_csv(paths).loc[("ada", section.id), "quiz_score"] == score_of[submission_digest(live)]
    engine.dispose()
    assert set(recorded) & set(score_of)


def test_a_long_learner_id_on_postgresql_is_a_named_problem(cohort, postgres, tmp_path):
    """nbgrader's gradebook holds 128 characters: a longer id is refused by name, the run completes."""
    reference, expected, _ = cohort
    paths = _fresh_copy(reference, tmp_path)
    long_id = "l" * 200
    shutil.copytree(paths.grader / "submitted" / "learner0001", paths.grader / "submitted" / long_id)
    db_url = create_database(postgres, "longid")
    result = grade_workspace(load_course(paths.course), paths, db_url, jobs=1, quiet=True)
    assert [r.learner for r in result.refused] == [long_id, long_id]
    assert all("more than the 128" in r.reason for r in result.refused)
    assert not result.failed and scores_at(db_url) == expected
    again = grade_workspace(load_course(paths.course), paths, db_url, jobs=1, quiet=True)
    assert again.graded == [] and len(again.refused) == 2
