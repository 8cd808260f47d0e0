"""Driving JupyterLab and the quiz widget like a learner: menus, clicks, keys; waiting on the files."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coursekit.authoring.course import load_course
from coursekit.learner import lab_command, lab_environment

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "coursekit-browser-tests"
SECTION = "cooperation_networking"
ARTIFACTS = REPO / "artifacts" / "browser"
VARIANTS = {
    "mouse": {}, "restart": {}, "keyboard": {}, "confirm": {},
    "sequential": {"navigation": "sequential"},
    "two_attempts": {"attempts": 2},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                f"{url}/api/status?token={TOKEN}", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer on {url} within {timeout} s")


@contextlib.contextmanager
def running_lab(workspace: Path, root: Path, learner: str = "ada") -> Iterator[str]:
    """A learner-mode JupyterLab serving ``root`` on a free loopback port; yields its URL, log in workspace."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = lab_environment(workspace, learner)
    # Tests run JupyterLab commands through window.jupyterapp instead of hunting for menu entries.
    page_config = workspace / ".jupyter" / "labconfig" / "page_config.json"
    page_config.write_text(json.dumps({**json.loads(page_config.read_text()), "exposeAppInBrowser": True}))
    with (workspace / "lab.log").open("w") as log:
        process = subprocess.Popen(lab_command(root, port, token=TOKEN), env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_server(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def course_quiz():
    """The authored quiz (with keys) of the section under test."""
    return load_course(REPO / "course").section(SECTION).quiz


def responses_path(root: Path, variant: str) -> Path:
    return root / variant / SECTION / "responses" / f"{SECTION}.json"


def wait_for_file(path: Path, predicate, timeout: float = 15) -> dict[str, Any]:
    """Poll a responses file until ``predicate(document)`` holds; return the document."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = json.loads(path.read_text(encoding="utf-8"))
            if predicate(last):
                return last
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"{path}: condition not met within {timeout} s; last content: {last}")


def dismiss_toasts(page) -> None:
    for button in page.locator(".jp-toast-button, .Toastify__close-button").all():
        if button.is_visible():
            button.click()


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def open_and_run(page, url: str, variant: str) -> None:
    """Open the section notebook of ``variant``, run all cells, wait for the quiz."""
    # A workspace of its own per test, reset: JupyterLab would reopen the other tests' notebooks.
    page.goto(f"{url}/lab/workspaces/{variant}/tree/{variant}/{SECTION}/{SECTION}.ipynb?reset&token={TOKEN}")
    page.locator(".jp-Notebook").first.wait_for()
    dismiss_toasts(page)
    wait_for_kernel(page)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    quiz(page).wait_for()


KERNEL_IDLE = """() => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def wait_for_kernel(page) -> None:
    """Wait until the open notebook's kernel is connected and idle."""
    page.wait_for_function(KERNEL_IDLE)


def restart_and_run_all(page) -> None:
    """Kernel > Restart Kernel and Run All Cells…, confirmed, as a learner does it."""
    menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()


def quiz(page):
    return page.locator(".coursekit-quiz").first


def current_question(page):
    return quiz(page).locator(".coursekit-question").first


def status_text(page) -> str:
    return quiz(page).locator(".coursekit-status").inner_text()


def answer_with_mouse(page, question, value) -> None:
    """Answer the question on the current page with clicks (and typing for short answers)."""
    box = quiz(page).locator(f".coursekit-question-{question.id}")
    box.wait_for()
    if question.type in ("single_choice", "true_false"):
        if question.type == "true_false":
            label = "True" if value else "False"
        else:
            label = next(o.text for o in question.options if o.id == value)
        box.locator("label", has_text=label).first.click()
    elif question.type == "multiple_choice":
        for option in question.options:
            if option.id in value:
                box.locator(".widget-checkbox", has_text=option.text).locator("input").click()
    elif question.type == "matching":
        choices = {c.id: c.text for c in question.choices}
        for item in question.items:
            select = box.locator(".widget-dropdown", has_text=item.text).locator("select")
            select.select_option(label=choices[value[item.id]])
    elif question.type == "short_answer":
        field = box.locator("input[type=text]")
        field.click()
        field.fill(value)
        field.press("Enter")
    else:
        raise AssertionError(question.type)


def key_answer(question) -> Any:
    return question.answer[0] if question.type == "short_answer" else question.answer


def click(page, css: str) -> None:
    quiz(page).locator(css).first.click()
