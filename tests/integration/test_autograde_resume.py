"""``kill -9`` in the middle of ``coursekit autograde``, run again: the gradebook is complete and right."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from grading_support import make_project, scores_at

from coursekit.authoring.course import load_course
from coursekit.gradebook.roster import register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow


def _autograde(root, *extra):
    return [sys.executable, "-m", "coursekit.cli", "--root", str(root), "autograde", "--jobs", "2", "--quiet",
            *extra]


def _rows(db) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM coursekit_autograde WHERE graded").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_and_resume_gives_the_uninterrupted_result(tmp_path):
    killed = make_project(tmp_path / "killed")
    course = load_course(killed.course)
    plan = simulate(course, killed.release, killed.grader / "submitted", 60, seed=11, tamper_rate=0.0)
    register_learners(killed.gradebook_url, plan.learners)
    total = sum(1 for _ in (killed.grader / "submitted").glob("*/*/"))
    clean = make_project(tmp_path / "clean")
    shutil.copytree(killed.grader / "submitted", clean.grader / "submitted")
    register_learners(clean.gradebook_url, plan.learners)

    process = subprocess.Popen(_autograde(killed.root), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = killed.grader / "gradebook.db"
    deadline = time.monotonic() + 120
    while _rows(db) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = _rows(db)
    assert 10 <= done_at_kill < total, f"kill came at {done_at_kill} of {total}: nothing was interrupted"

    resumed = subprocess.run(_autograde(killed.root), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"skipped (unchanged): {done_at_kill}" in resumed.stdout

    uninterrupted = subprocess.run(_autograde(clean.root), capture_output=True, text=True, timeout=600)
    assert uninterrupted.returncode == 0, uninterrupted.stdout + uninterrupted.stderr

    after_kill, reference = scores_at(killed.gradebook_url), scores_at(clean.gradebook_url)
    # one grade cell per quiz slot (a pool's questions share it) and per reflection
    cells = sum(len(s.quiz.quiz_slots) + len(s.comments) for s in course.sections) / len(course.sections)
    assert len(reference) == total * cells
    assert after_kill == reference
    with sqlite3.connect(db) as conn:
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT notebook_id, cell_id FROM grade GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]
    assert duplicates == 0
