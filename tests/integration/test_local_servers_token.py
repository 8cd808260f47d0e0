"""``coursekit grade`` and ``coursekit lab`` serve only whoever has the token they print: on a shared machine,
another account reaching 127.0.0.1 must not run code as the trainer (or change grades) or as the learner."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from grading_support import make_project
from process_support import START_TIMEOUT
from project_support import REPO
from trainer_support import free_port

pytestmark = pytest.mark.slow

URL = re.compile(r"open (http://127\.0\.0\.1:\d+)/(\S*)\?token=([\w-]+)")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _served(command: list[str], root) -> tuple[str, str, str, subprocess.Popen]:
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    for line in process.stdout:
        if found := URL.search(line):
            break
        assert time.monotonic() < deadline, "no address printed"
    else:
        raise AssertionError(f"the command ended ({process.wait()}) without printing its address")
    base, page, token = found.groups()
    while True:
        try:
            _status(f"{base}/api/status?token={token}")
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.3)
    return base, page, token, process


@pytest.mark.parametrize("command", ["grade", "lab"])
def test_the_server_answers_only_with_the_token_it_printed(tmp_path, command):
    paths = make_project(tmp_path)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    port = free_port()
    base, page, token, process = _served([sys.executable, "-m", "coursekit.cli", "--root", str(paths.root), command,
                                          "--port", str(port)], paths.root)
    try:
        assert len(token) >= 24 and page == {"grade": "formgrader", "lab": "lab"}[command]
        assert _status(f"{base}/api/status?token={token}") == 200
        assert _status(f"{base}/api/status") == 403
        assert _status(f"{base}/api/contents") == 403
        assert _status(f"{base}/api/status?token=wrong-{token}") == 403
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
