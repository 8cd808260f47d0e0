"""The cluster's pure parts: where the scheduler address comes from, the material archive, the framed pipe."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile

import pytest

from coursekit.autograde.cluster import ADDRESS, SCHEDULER_ENV, cluster_address, pack_material
from coursekit.autograde.runner import GradingSetup
from coursekit.autograde.transfer import read_files, read_frame, safe_relative, write_files, write_frame


def _config(folder, line: str) -> None:
    (folder / "nbgrader_config.py").write_text(f"c = get_config()\n{line}\n", encoding="utf-8")


def test_the_option_wins_then_the_variable_then_the_workspace_config(tmp_path, monkeypatch):
    _config(tmp_path, 'c.Coursekit.dask_scheduler = "tcp://from-config:8786"')
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://from-env:8786")
    assert cluster_address("tcp://from-option:8786", tmp_path) == "tcp://from-option:8786"
    assert cluster_address(None, tmp_path) == "tcp://from-env:8786"
    monkeypatch.delenv(SCHEDULER_ENV)
    assert cluster_address(None, tmp_path) == "tcp://from-config:8786"


def test_no_address_anywhere_means_the_local_pool(tmp_path, monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert cluster_address(None, tmp_path) is None
    _config(tmp_path, "c.CourseDirectory.course_id = 'x'")
    assert cluster_address(None, tmp_path) is None
    monkeypatch.setenv(SCHEDULER_ENV, "   ")
    assert cluster_address(None, tmp_path) is None


def test_a_local_run_never_imports_dask(tmp_path):
    script = ("import sys\nfrom pathlib import Path\nimport coursekit.cli\n"
              "import coursekit.autograde.runner, coursekit.autograde.cluster as c\n"
              f"assert c.cluster_address(None, Path({str(tmp_path)!r})) is None\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def _setup(root) -> GradingSetup:
    for name in ("course", "source", "release"):
        (root / name / "s1").mkdir(parents=True)
        (root / name / "s1" / "a.txt").write_text(name, encoding="utf-8")
    (root / "source" / "link").symlink_to(root / "course")
    return GradingSetup("c1", str(root / "grader"), str(root / "source"), str(root / "release"), "sqlite://")


def test_the_material_archive_holds_the_three_folders_and_its_digest_is_stable(tmp_path):
    setup = _setup(tmp_path)
    first, second = pack_material(setup, tmp_path / "course"), pack_material(setup, tmp_path / "course")
    assert first.digest == second.digest and first.archive == second.archive
    with tarfile.open(fileobj=io.BytesIO(first.archive), mode="r:gz") as archive:
        assert sorted(archive.getnames()) == ["course/s1/a.txt", "release/s1/a.txt", "source/s1/a.txt"]
    (tmp_path / "source" / "s1" / "a.txt").write_text("changed", encoding="utf-8")
    assert pack_material(setup, tmp_path / "course").digest != first.digest


def test_frames_round_trip_and_a_cut_stream_is_an_end():
    stream = io.BytesIO()
    write_frame(stream, {"learner": "ada", "files": {"a.ipynb": b"\x00" * 10}})
    write_frame(stream, "ready")
    data = stream.getvalue()
    reader = io.BytesIO(data)
    assert read_frame(reader) == {"learner": "ada", "files": {"a.ipynb": b"\x00" * 10}}
    assert read_frame(reader) == "ready"
    with pytest.raises(EOFError):
        read_frame(reader)
    with pytest.raises(EOFError):
        read_frame(io.BytesIO(data[:12]))


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../x", "a/../../x", ".."])
def test_paths_that_leave_the_folder_are_refused(name, tmp_path):
    with pytest.raises(ValueError, match="unsafe path"):
        safe_relative(name)
    with pytest.raises(ValueError):
        write_files(tmp_path / "sub", {name: b"x"})
    assert not (tmp_path.parent / "x").exists()


def test_files_written_are_read_back_the_same(tmp_path):
    files = {"nb.ipynb": b"{}", "responses/s1.json": b"[1]"}
    write_files(tmp_path / "f", files)
    (tmp_path / "f" / "link").symlink_to(tmp_path / "f" / "nb.ipynb")
    assert read_files(tmp_path / "f") == files


@pytest.mark.parametrize(("address", "valid"), [
    ("tcp://127.0.0.1:8786", True), ("tls://scheduler.example.org:8786", True), ("scheduler:8786", True),
    ("tcp://[::1]:8786", True), ("not-an-address", False), ("tcp://a b:1", False), ("http://x/y:1", False),
    ("tcp://host", False),
])
def test_scheduler_addresses_are_checked_before_connecting(address, valid):
    assert bool(ADDRESS.match(address)) is valid


@pytest.mark.parametrize(("before", "cell_type", "score", "needs"), [
    ((None, None, True), "code", 2.0, False),  # first grading: an automatic score, nothing to review
    ((None, None, True), "code", None, True),  # no automatic score: a trainer must grade it
    ((2.0, 1.0, False), "code", 2.0, False),  # reviewed quiz override, same score: kept
    ((2.0, 1.0, False), "code", 1.0, True),  # the automatic score changed: reopened
    ((2.0, 1.0, False), "markdown", 2.0, True),  # not a quiz cell: nbgrader's rule
    ((2.0, 1.0, True), "code", 2.0, True),  # not reviewed yet: stays open
])
def test_scores_are_saved_by_nbgraders_rule_with_reviewed_quiz_overrides_kept(before, cell_type, score, needs):
    from coursekit.autograde.record import GRADE, CellResult, saved_score

    assert saved_score(*before, CellResult(GRADE, "q1", cell_type, auto_score=score)) == {"score": score,
                                                                                          "needs": needs}


@pytest.mark.parametrize(("submissions", "threads"), [(40, 1), (40, 2), (7, 2), (1000, 8), (1, 4)])
def test_tasks_shrink_to_one_submission_at_the_end_so_the_workers_finish_together(submissions, threads):
    from coursekit.autograde.cluster import MAX_CHUNK, chunk_size

    sizes, left = [], submissions
    while left:
        sizes.append(min(left, chunk_size(left, threads)))
        left -= sizes[-1]
    assert sum(sizes) == submissions and max(sizes) <= MAX_CHUNK
    assert sizes == sorted(sizes, reverse=True) and sizes[-threads:] == [1] * min(threads, len(sizes))
    if submissions >= 8 * threads * MAX_CHUNK:
        assert len(sizes) < submissions / 2  # few round trips while much is left
