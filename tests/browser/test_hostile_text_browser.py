"""Script in a learner's comment never runs in the trainer's browser: feedback HTML and formgrader's view.

A graded submission whose Comment holds ``<script>`` and ``<img onerror>`` is
opened in Chromium twice: as its feedback file, and in nbgrader's formgrader,
served by a real Jupyter server started in the trainer workspace (with the
workspace's ``grader/nbgrader_config.py``, as a trainer runs it). Nothing may
execute, and the comment must be readable as the text the learner wrote.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from grading_support import answers, attempt, grade_all, make_project, write_submission
from process_support import START_TIMEOUT, serving
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.grading.feedback import generate_feedback

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECTION = "cooperation_networking"
LEARNER = "cleo"
COMMENT = '<script>window.__pwned=1</script>\n\n<img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A trainer workspace (with its nbgrader_config.py) holding one graded submission with a hostile comment."""
    paths = make_project(tmp_path_factory.mktemp("hostile-browser"))
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    course = load_course(paths.course)
    section = course.section(SECTION)
    write_submission(paths, course, section, LEARNER, [attempt(1, answers(section))], comment=COMMENT)
    result = grade_all(paths, jobs=1)
    assert not result.failed, result.problems
    feedback = generate_feedback(course, paths, paths.gradebook_url)
    return paths, next(f for f in feedback if f.parts[-3] == LEARNER)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _formgrader(grader: Path) -> Iterator[tuple[str, str]]:
    """A Jupyter server in ``grader`` (nbgrader's formgrader extension on); yields (url, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    config_dir = grader.parent / "jupyter-config"  # no user config: only the workspace's nbgrader_config.py
    config_dir.mkdir(exist_ok=True)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("COURSEKIT_DB_URL", None)
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.root_dir={grader}", f"--IdentityProvider.token={token}", "--ServerApp.password="]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    url = f"http://127.0.0.1:{port}"
    log = grader.parent / "formgrader.log"

    def probe() -> None:
        urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close()

    with serving(command, grader, env, log, probe, "jupyter server", START_TIMEOUT):
        yield url, token


def _submission_id(db_url: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return gradebook.find_submission_notebook(SECTION, SECTION, LEARNER).id


def _watch(page) -> list[str]:
    """Record every dialog; let only the page's own server answer (no internet, no learner-chosen host)."""
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "file:"))
               else route.abort())
    return dialogs


def _assert_shown_as_text_and_not_run(page, dialogs) -> None:
    page.wait_for_timeout(1000)  # the page has loaded: an onerror handler would have fired by now
    assert page.evaluate("window.__pwned") is None and page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.locator(".nbgrader_cell script, .nbgrader_cell img").count() == 0
    blocks = page.locator("pre.coursekit-learner-text")
    blocks.first.wait_for(state="visible", timeout=10_000)
    assert COMMENT in [blocks.nth(i).inner_text() for i in range(blocks.count())]
    page.get_by_text("<script>window.__pwned=1</script>").first.wait_for(state="visible", timeout=10_000)
    page.get_by_text('<img src=x onerror="window.__pwned=2">').first.wait_for(state="visible", timeout=10_000)


def test_feedback_html_shows_the_comment_without_running_it(workspace, page):
    _, feedback = workspace
    dialogs = _watch(page)
    page.goto(feedback.as_uri(), wait_until="load")
    _assert_shown_as_text_and_not_run(page, dialogs)


def test_formgrader_shows_the_comment_without_running_it(workspace, page):
    paths, _ = workspace
    submission = _submission_id(paths.gradebook_url)
    with _formgrader(paths.grader) as (url, token):
        dialogs = _watch(page)
        page.goto(f"{url}/formgrader/submissions/{submission}/?token={token}", wait_until="load")
        page.locator(".nbgrader_cell").first.wait_for(state="visible")
        _assert_shown_as_text_and_not_run(page, dialogs)
        assert LEARNER in page.content()  # the page is the submission's, not an error page
