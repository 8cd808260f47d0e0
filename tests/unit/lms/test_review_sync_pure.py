"""Sync after review: one sync at a time, reviews saved meanwhile give exactly one more; nothing when off."""

from __future__ import annotations

import json
import subprocess
import threading

from coursekit.lms.review_sync import GRADE_API, ReviewSync, sync_command


def _grader(tmp_path, on: bool):
    grader = tmp_path / "grader"
    grader.mkdir()
    (grader / "lti_tool.json").write_text(json.dumps({
        "issuer": "https://lms.example.org", "client_id": "t", "deployment_id": "d", "private_key_file": "k.pem",
        "token_url": "https://lms.example.org/token", "sync_after_autograde": on}), encoding="utf-8")
    return grader


class _Runs:
    """Each run blocks until released; counts the runs."""

    def __init__(self, returncode: int = 0) -> None:
        self.count, self.returncode = 0, returncode
        self.started, self.release = threading.Semaphore(0), threading.Semaphore(0)

    def __call__(self, command):
        self.count += 1
        self.started.release()
        self.release.acquire(timeout=30)
        return subprocess.CompletedProcess(command, self.returncode, "lms sync: 3 score(s) posted\n", "")


def test_reviews_saved_during_a_sync_start_exactly_one_more(tmp_path):
    runs, said, done = _Runs(), [], threading.Event()

    def log(message, ok):
        said.append((message, ok))
        if "every saved review" in message:
            done.set()

    sync = ReviewSync(_grader(tmp_path, True), log, run=runs)
    sync.reviewed()
    assert runs.started.acquire(timeout=10)
    for _ in range(5):  # five more scores saved while the first sync runs
        sync.reviewed()
    runs.release.release()
    assert runs.started.acquire(timeout=10)
    runs.release.release()
    assert done.wait(10)
    assert runs.count == 2
    assert [m for m, _ in said].count("lms sync after review: lms sync: 3 score(s) posted") == 2


def test_a_failed_sync_is_one_warning_saying_what_to_do(tmp_path):
    runs, said, done = _Runs(returncode=1), [], threading.Event()
    sync = ReviewSync(_grader(tmp_path, True), lambda m, ok: (said.append((m, ok)), "every" in m and done.set()),
                      run=runs)
    sync.reviewed()
    runs.release.release()
    assert done.wait(10)
    failed = [m for m, ok in said if not ok]
    assert failed == ["lms sync after review failed: lms sync: 3 score(s) posted (the grades are saved; "
                      "run `coursekit lms sync`)"]


def test_nothing_runs_when_the_registration_is_missing_or_says_no(tmp_path):
    runs = _Runs()
    ReviewSync(_grader(tmp_path, False), lambda m, ok: None, run=runs).reviewed()
    ReviewSync(tmp_path / "nowhere", lambda m, ok: None, run=runs).reviewed()
    assert not runs.started.acquire(timeout=0.5) and runs.count == 0


def test_only_a_saved_grade_counts_and_the_sync_runs_for_the_project(tmp_path):
    assert GRADE_API.search("/user/tina/formgrader/api/grade/4f2a")
    assert not GRADE_API.search("/formgrader/api/comment/4f2a")
    assert not GRADE_API.search("/formgrader/api/grade/4f2a/other")
    assert sync_command(tmp_path / "grader")[-4:] == ["--root", str(tmp_path), "lms", "sync"]
