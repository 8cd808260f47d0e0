"""``coursekit autograde --cluster``: a real Dask scheduler and two workers, no shared filesystem.

The workers run in empty folders of their own and, as root, as a fresh system account that cannot read the
trainer's workspace: everything they grade reaches them over the scheduler. Grades must equal the local pool's,
submission by submission, and a worker killed mid-batch must leave every submission graded exactly once.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from cluster_support import local_cluster, system_account
from grading_support import make_project, scores_at

from coursekit.authoring.course import load_course
from coursekit.autograde.runner import grade_workspace
from coursekit.gradebook.roster import register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

LEARNERS = 12


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("dask-logs")
    with system_account() as account, local_cluster(2, logs, account) as running:
        yield running


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A cohort graded by the local pool: its project and its gradebook's scores."""
    paths = make_project(tmp_path_factory.mktemp("local"))
    course = load_course(paths.course)
    plan = simulate(course, paths.release, paths.grader / "submitted", LEARNERS, seed=17, tamper_rate=0.0)
    register_learners(paths.gradebook_url, plan.learners)
    result = grade_workspace(course, paths, paths.gradebook_url, jobs=2, quiet=True)
    assert not result.failed and result.graded
    return paths, plan.learners, scores_at(paths.gradebook_url), result


def _copy(reference_paths, learners, root):
    paths = make_project(root)
    shutil.copytree(reference_paths.grader / "submitted", paths.grader / "submitted")
    register_learners(paths.gradebook_url, learners)
    return paths


GRADEBOOK = """
SELECT sa.student_id, a.name, bc.name, sa.timestamp, sn.late_submission_penalty, g.auto_score, g.manual_score,
       g.needs_manual_grade, NULL
FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON g.cell_id = bc.id
UNION ALL
SELECT sa.student_id, a.name, bc.name, sa.timestamp, sn.late_submission_penalty, NULL, NULL, NULL, c.auto_comment
FROM comment c JOIN submitted_notebook sn ON c.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON c.cell_id = bc.id
"""


def _gradebook(db) -> list[tuple]:
    """What autograde writes: submissions' timestamps and late penalties, every grade and automatic comment."""
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(GRADEBOOK).fetchall(), key=repr)


def _override(db, learner: str) -> None:
    """A trainer's reviewed override of every grade of one learner (as formgrader saves it)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE grade SET manual_score = 0.5, needs_manual_grade = 0 WHERE notebook_id IN (SELECT sn.id "
                     "FROM submitted_notebook sn JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
                     "WHERE sa.student_id = ?)", (learner,))


def _graded_rows(db) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM coursekit_autograde WHERE graded").fetchone()[0]
    except sqlite3.Error:
        return 0


def _duplicates(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM (SELECT notebook_id, cell_id FROM grade GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]


def test_workers_run_apart_from_the_trainer_workspace(cluster, reference):
    import os
    import pwd

    paths = reference[0]
    for worker in cluster.workers:
        assert os.readlink(f"/proc/{worker.process.pid}/cwd") == str(worker.folder)
        assert not (worker.folder / "gradebook.db").exists() and not (worker.folder / "submitted").exists()
    if os.geteuid() != 0:
        return  # as another user the workers run as this one: only root (CI) can give them an account
    for worker in cluster.workers:
        assert pwd.getpwuid(os.stat(f"/proc/{worker.process.pid}").st_uid).pw_name == cluster.account
    probe = subprocess.run([sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", str(paths.grader)],
                           user=cluster.account, group=cluster.account, extra_groups=[], capture_output=True,
                           text=True)
    assert probe.returncode != 0 and "PermissionError" in probe.stderr


def test_cluster_grades_equal_the_local_pool(cluster, reference, tmp_path):
    local_paths, learners, expected, local_result = reference
    paths = _copy(local_paths, learners, tmp_path / "cluster")
    course = load_course(paths.course)

    result = grade_workspace(course, paths, paths.gradebook_url, quiet=True, cluster=cluster.address)

    assert len(result.graded) == len(local_result.graded) and not result.failed
    assert sorted(result.problems) == sorted(local_result.problems)
    assert scores_at(paths.gradebook_url) == expected
    local_db, cluster_db = local_paths.grader / "gradebook.db", paths.grader / "gradebook.db"
    assert _gradebook(cluster_db) == _gradebook(local_db)
    assert any(row[7] is None for row in _gradebook(cluster_db))  # the comments were compared too

    again = grade_workspace(course, paths, paths.gradebook_url, quiet=True, cluster=cluster.address)
    assert not again.graded and len(again.skipped) == len(result.graded)  # resumable: unchanged ones skipped

    # A trainer's reviewed overrides, then a forced regrade of the unchanged submission: every review kept,
    # exactly as the local pool does (nbgrader alone would reopen every manually graded cell).
    learner = learners[0]
    for db in (local_db, cluster_db):
        _override(db, learner)
    grade_workspace(course, local_paths, local_paths.gradebook_url, quiet=True, jobs=1, force=True,
                    learners=[learner])
    grade_workspace(course, paths, paths.gradebook_url, quiet=True, force=True, learners=[learner],
                    cluster=cluster.address)
    after = _gradebook(cluster_db)
    assert after == _gradebook(local_db)
    mine = [row for row in after if row[0] == learner and row[6] is not None]
    assert mine and {row[7] for row in mine} == {0}


def test_a_worker_killed_mid_batch_leaves_every_submission_graded_once(cluster, reference, tmp_path):
    from distributed import Client

    local_paths, learners, expected, local_result = reference
    paths = _copy(local_paths, learners, tmp_path / "killed")
    total = len(local_result.graded)
    db = paths.grader / "gradebook.db"
    command = [sys.executable, "-m", "coursekit.cli", "--root", str(paths.root), "autograde", "--quiet",
               "--cluster", cluster.address]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with Client(cluster.address, set_as_default=False) as observer:
        deadline = time.monotonic() + 120
        busy = []
        while time.monotonic() < deadline and process.poll() is None:
            processing = observer.processing()
            busy = [w for w in cluster.workers if processing.get(w.address)]
            if _graded_rows(db) >= 3 and busy:
                break
            time.sleep(0.02)
        assert busy, "no worker was grading: nothing to interrupt"
        victim = busy[0]
        victim.kill()
        done_at_kill = _graded_rows(db)
    out, err = process.communicate(timeout=300)

    assert done_at_kill < total, f"the kill came after the batch ({done_at_kill} of {total})"
    assert process.returncode == 0, out + err
    assert f"graded: {total} " in out and "not graded: 0" in out
    assert _graded_rows(db) == total
    assert scores_at(paths.gradebook_url) == expected
    assert _duplicates(db) == 0
