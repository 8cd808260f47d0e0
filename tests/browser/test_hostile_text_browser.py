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
from coursekit.results.feedback import generate_feedback

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


# --- trainer mode with a hostile bank, roster and id ----------------------------------------------

BANK_SECTION = "hostile_bank"
HOSTILE_NAME = "<img src=x onerror=window.__pwned=11> Ana"
HOSTILE_ID = "<svg onload=window.__pwned=13>"


@pytest.fixture(scope="module")
def hostile_trainer(tmp_path_factory):
    """Trainer mode (as ``coursekit grade`` runs it) on a project with a hostile bank, roster and learner id.

    The bank (``tests/fixtures/bank/hostile.xml``) holds script in every format: a plain-text essay whose
    ``<img onerror>`` would PUT a file through the trainer's server, Markdown and HTML with obfuscated
    ``javascript:`` links, ``<svg onload>``, ``<script>``, ``<iframe>``. Learner names carry markup; a
    roster with a markup login and a submission folder under one are refused.
    """
    from trainer_support import free_port, running_trainer_lab

    from coursekit.cli import main

    paths = make_project(tmp_path_factory.mktemp("hostile-trainer"))
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    root = ["--root", str(paths.root)]
    assert main([*root, "import", str(REPO / "tests" / "fixtures" / "bank" / "hostile.xml"),
                 "--section", BANK_SECTION]) == 0
    assert main([*root, "build"]) == 0 and main([*root, "release"]) == 0
    roster = paths.root / "roster.csv"
    roster.write_text(f'login,name\nada,"{HOSTILE_NAME}"\nben,Ben <svg onload=window.__pwned=12>\n', encoding="utf-8")
    assert main([*root, "roster", "import", str(roster)]) == 0
    bad_roster = paths.root / "bad_roster.csv"
    bad_roster.write_text(f"login,name\n{HOSTILE_ID},Eve\nAna,Ana\n", encoding="utf-8")
    refused = main([*root, "roster", "import", str(bad_roster)])
    course = load_course(paths.course)
    section = course.section(BANK_SECTION)
    for learner in ("ada", "ben", HOSTILE_ID):
        write_submission(paths, course, section, learner, [attempt(1, answers(section))],
                         comment="We meet twice a year.")
    graded = main([*root, "autograde", "--jobs", "1"])
    with running_trainer_lab(paths, free_port()) as lab:
        yield paths, lab, refused, graded


def _learners(db_url: str) -> dict[str, tuple[str | None, str | None]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {s.id: (s.first_name, s.last_name) for s in gradebook.students}


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and not p.name.startswith("gradebook.db")
            and p.suffix != ".log"}


def test_a_hostile_roster_login_and_submission_folder_are_refused(hostile_trainer):
    paths, _, refused, graded = hostile_trainer
    assert refused != 0 and graded != 0
    learners = _learners(paths.gradebook_url)
    assert set(learners) == {"ada", "ben"}  # the refused roster added nobody; the markup id was not graded
    assert learners["ada"] == ("<img src=x onerror=window.__pwned=11>", "Ana")  # kept as written, shown as text


def test_formgrader_pages_run_no_learner_or_bank_script(hostile_trainer, page):
    paths, lab, _, _ = hostile_trainer
    from nbgrader.api import Gradebook

    with Gradebook(paths.gradebook_url) as gradebook:
        submission = gradebook.find_submission_notebook(BANK_SECTION, BANK_SECTION, "ada").id
    before = _files(paths.root)
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    blocked: list[tuple[str, str]] = []
    page.on("requestfinished", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: blocked.append((request.url, request.failure or "")))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(lab.url) else route.abort())

    def visit(path: str, ready: str):
        response = page.goto(f"{lab.url}{path}?token={lab.token}", wait_until="load")
        assert response.ok, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy, (path, policy)
        page.locator(ready).first.wait_for(state="visible")  # formgrader's own script ran
        page.wait_for_timeout(500)  # an onerror or onload handler would have fired by now
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        hostile = page.locator("[onerror], [onload], iframe, a[href^='javascript' i], a[href*='script:' i]")
        assert hostile.count() == 0, (path, hostile.first.evaluate("e => e.outerHTML"))
        return " ".join(page.locator("body").inner_text().split())

    text = visit("/formgrader/manage_students", "td.name a")
    assert "Ana, <img src=x onerror=window.__pwned=11>" in text
    visit("/formgrader/manage_students/ada", "td.name a")
    visit(f"/formgrader/manage_submissions/{BANK_SECTION}", "td.student-name, td.name")
    text = visit(f"/formgrader/gradebook/{BANK_SECTION}/{BANK_SECTION}", "td.name a")
    page.locator("#toggle_names").click()  # an onclick formgrader's template writes runs (allowed by its hash)
    page.locator("td.name a.name-shown", has_text="Ana").first.wait_for(state="visible")
    text = visit(f"/formgrader/submissions/{submission}/", ".nbgrader_cell")
    assert "How does your centre cooperate? <img src=x onerror=" in text  # the plain-text essay, as text
    page.locator("span.name-hidden").first.click()  # formgrader's inline handler: shows the learner's name
    page.get_by_text("Ana, <img src=x onerror=window.__pwned=11>").first.wait_for(state="visible")
    score = page.locator("input.score").first  # grading still works under the policy: a score is saved
    grade_id = score.get_attribute("id")
    score.fill("1")
    score.press("Tab")
    def saved() -> bool:
        with Gradebook(paths.gradebook_url) as gradebook:
            return gradebook.find_grade(grade_id, BANK_SECTION, BANK_SECTION, "ada").manual_score == 1

    for _ in range(100):  # formgrader saves the score in the background
        if saved():
            break
        page.wait_for_timeout(100)
    assert saved(), "the score typed in formgrader did not reach the gradebook"
    assert dialogs == []
    assert [url for url in requests if not url.startswith(lab.url)] == []
    # nbconvert's MathJax from its CDN is the only other request the page asks for: the policy stops it
    assert [b for b in blocked if not b[0].startswith(lab.url) and b[1] != "csp"] == []
    assert _files(paths.root) == before and not list(paths.root.rglob("pwned.txt"))
