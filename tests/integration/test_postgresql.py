"""coursekit on a real PostgreSQL gradebook: two trainers autograde different sections at once; same grades."""

from __future__ import annotations

import subprocess
import sys

import pytest
from grading_support import grades_csv, make_project, scores_at
from postgres_support import create_database

from coursekit.authoring.course import load_course
from coursekit.cohort.gradebook import load_cells
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow


def _autograde(root, db_url, *extra):
    return [sys.executable, "-m", "coursekit.cli", "--root", str(root), "autograde", "--jobs", "2", "--quiet",
            "--db-url", db_url, *extra]


def test_concurrent_trainers_on_postgresql_match_sqlite(tmp_path, postgres):
    pg = make_project(tmp_path / "pg")
    course = load_course(pg.course)
    plan = simulate(course, pg.release, pg.grader / "submitted", 30, seed=21, tamper_rate=0.0)
    db_url = create_database(postgres, "gradebook")
    ensure_sections(db_url, course, pg.source, pg.grader)
    register_learners(db_url, plan.learners)

    # two trainers, one section each, at the same time on the same gradebook
    trainers = [subprocess.Popen(_autograde(pg.root, db_url, "--section", s.id), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for s in course.sections]
    outputs = [t.communicate(timeout=600) for t in trainers]
    assert [t.returncode for t in trainers] == [0, 0], outputs

    sqlite = make_project(tmp_path / "sqlite")
    subprocess.run(["cp", "-a", str(pg.grader / "submitted"), str(sqlite.grader)], check=True)  # times kept
    register_learners(sqlite.gradebook_url, plan.learners)
    done = subprocess.run(_autograde(sqlite.root, sqlite.gradebook_url), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    pg_scores = scores_at(db_url)
    submissions = len(list(pg.grader.glob("submitted/*/*")))
    assert pg_scores == scores_at(sqlite.gradebook_url) and len(pg_scores) == submissions * 15
    pg_cells, sqlite_cells = load_cells(db_url), load_cells(sqlite.gradebook_url)
    assert len(pg_cells) == len(sqlite_cells)
    report_pg = grades_csv(pg, db_url)
    report_sqlite = grades_csv(sqlite)
    columns = ["quiz_score", "status", "comments_answered", "attempts"]
    assert report_pg[columns].equals(report_sqlite[columns])

