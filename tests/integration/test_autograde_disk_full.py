"""A full disk under the gradebook: one line and the summary, nothing recorded lost; a re-run is correct.

The gradebook lives on a real tmpfs of a few hundred KiB, mounted in a private mount namespace
(``unshare``), and is filled until grading runs out of space mid-batch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from grading_support import make_project, scores_at

from coursekit.authoring.course import load_course
from coursekit.autograde.runner import grade_workspace
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

SCRIPT = r"""
set -u
mount -t tmpfs -o size=4m tmpfs "$DB_DIR"
cp "$PREPARED" "$DB_DIR/gradebook.db"
# leave about 64 KiB free: less than grading the whole batch needs
head -c 8m /dev/zero > "$DB_DIR/filler" 2>/dev/null
truncate -s -64k "$DB_DIR/filler"
"$PYTHON" -m coursekit.cli --root "$ROOT" autograde --jobs 1 --quiet --db-url "sqlite:///$DB_DIR/gradebook.db" \
    > "$OUT/first.out" 2> "$OUT/first.err"
echo $? > "$OUT/first.rc"
rm "$DB_DIR/filler"
"$PYTHON" -m coursekit.cli --root "$ROOT" autograde --jobs 1 --quiet --db-url "sqlite:///$DB_DIR/gradebook.db" \
    > "$OUT/second.out" 2> "$OUT/second.err"
echo $? > "$OUT/second.rc"
cp "$DB_DIR/gradebook.db" "$OUT/gradebook.db"
"""


def test_disk_full_stops_with_one_line_and_a_rerun_is_correct(tmp_path):
    if not shutil.which("unshare"):
        pytest.fail("unshare (util-linux) is needed to mount a small tmpfs for this test")
    paths = make_project(tmp_path / "project")
    course = load_course(paths.course)
    plan = simulate(course, paths.release, paths.grader / "submitted", 12, seed=5, tamper_rate=0.0)
    prepared = tmp_path / "prepared.db"
    ensure_sections(f"sqlite:///{prepared}", course, paths.source, paths.grader)
    register_learners(f"sqlite:///{prepared}", plan.learners)
    reference = tmp_path / "reference.db"
    shutil.copy(prepared, reference)
    grade_workspace(course, paths, f"sqlite:///{reference}", jobs=1, quiet=True)
    shutil.rmtree(paths.grader / "autograded")

    (tmp_path / "db").mkdir()
    (tmp_path / "out").mkdir()
    env = {"DB_DIR": str(tmp_path / "db"), "PREPARED": str(prepared), "ROOT": str(paths.root),
           "OUT": str(tmp_path / "out"), "PYTHON": sys.executable, "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    done = subprocess.run(["unshare", "-rm", "sh", "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    first_out, first_err = (out / "first.out").read_text(), (out / "first.err").read_text()
    assert (out / "first.rc").read_text().strip() == "1"
    assert "Traceback" not in first_out + first_err
    stopped = [line for line in first_out.splitlines() if line.startswith("stopped: ")]
    assert len(stopped) == 1 and "full" in stopped[0] and "run again" in stopped[0]
    assert first_out.startswith("graded: ")  # the summary is printed
    assert "Traceback" not in (out / "second.out").read_text() + (out / "second.err").read_text()
    assert scores_at(f"sqlite:///{out / 'gradebook.db'}") == scores_at(f"sqlite:///{reference}")
