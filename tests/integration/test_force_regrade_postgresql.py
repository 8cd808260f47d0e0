"""``autograde --force`` on a PostgreSQL gradebook gives every submission the scores of its first grading."""

from __future__ import annotations

import subprocess
import sys

import pytest
from grading_support import make_project, scores_at
from postgres_support import create_database, running_postgres

from coursekit.authoring.course import load_course
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow


def _autograde(root, db_url, *extra):
    return subprocess.run([sys.executable, "-m", "coursekit.cli", "--root", str(root), "autograde", "--jobs", "2",
                           "--quiet", "--db-url", db_url, *extra], capture_output=True, text=True, timeout=900)


def test_force_regrade_keeps_every_score_on_postgresql(tmp_path):
    with running_postgres() as server:
        project = make_project(tmp_path / "pg")
        course = load_course(project.course)
        plan = simulate(course, project.release, project.grader / "submitted", 8, seed=5, tamper_rate=0.0)
        db_url = create_database(server, "gradebook")
        ensure_sections(db_url, course, project.source, project.grader)
        register_learners(db_url, plan.learners)
        first = _autograde(project.root, db_url)
        assert first.returncode == 0, first.stdout + first.stderr
        before = scores_at(db_url)
        assert before and any((score or 0) > 0 for score, _ in before.values())
        again = _autograde(project.root, db_url, "--force")
        assert again.returncode == 0, again.stdout + again.stderr
        assert scores_at(db_url) == before
