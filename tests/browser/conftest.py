"""A real learner-mode JupyterLab and Debian's Chromium (driven by Playwright), shared by the browser tests.

One JupyterLab server per session serves ``<workspace>/course``, a learner copy
of ``release/`` made with :func:`coursekit.learner.copy_release`. Each test
that needs a quiz of its own (its own responses file, its own kernel, or other
quiz settings) gets a further copy of ``release/`` in a subfolder of
``course/``: the section folder and its ``quiz.json`` keep their names, so the
notebook's ``show_quiz("cooperation_networking")`` finds the copy's quiz.

The plain functions and :class:`QuizPage` are importable (``benchmarks/quiz_submit.py``
uses them); the fixtures wrap them for the tests. No browser is ever downloaded:
the tests fail (never skip) when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from coursekit.learner import copy_release, lab_command, lab_environment

REPO = Path(__file__).resolve().parents[2]
RELEASE = REPO / "release"
SECTION = "cooperation_networking"
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LEARNER = "ada"
SERVER_START_TIMEOUT = 120.0
FILE_TIMEOUT = 10.0
KERNEL_IDLE = re.compile(r"^Python 3 \(ipykernel\) \| Idle$")


class LabServer(NamedTuple):
    """A running JupyterLab: its base URL, token and the learner workspace (course copy in ``course/``)."""

    url: str
    token: str
    workspace: Path

    @property
    def root(self) -> Path:
        """The folder JupyterLab serves."""
        return self.workspace / "course"

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API; return the decoded JSON (None when empty)."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_status(server: LabServer, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}; its log:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError, ValueError):
            if server.api("GET", "/api/status") is not None:
                return
        time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer {server.url}/api/status within {SERVER_START_TIMEOUT:.0f} s")


def _descendants(pid: int) -> list[Any]:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return []
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def _stop(process: subprocess.Popen) -> None:
    """Stop JupyterLab (SIGTERM: it shuts its kernels down), then anything it left behind."""
    leftovers = _descendants(process.pid)  # kernels run in sessions of their own: remember them
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for child in leftovers:
        with contextlib.suppress(Exception):
            if child.is_running():
                child.kill()


@contextlib.contextmanager
def running_lab(workspace: Path, learner: str = LEARNER, course_id: str | None = None,
                exchange: str | None = None) -> Iterator[LabServer]:
    """JupyterLab in learner mode on ``workspace/course`` (a free loopback port); log in ``workspace/lab.log``.

    With ``course_id`` and ``exchange`` its Assignments panel uses that nbgrader exchange. The server runs in
    the folder it serves, as ``coursekit lab`` does (nbgrader fetches into the working folder).
    """
    port = free_port()
    server = LabServer(f"http://127.0.0.1:{port}", secrets.token_hex(16), workspace)
    log = workspace / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(lab_command(server.root, port, token=server.token),
                                   env=lab_environment(workspace, learner=learner, course_id=course_id,
                                                       exchange=exchange), cwd=server.root,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_status(server, process, log)
        yield server
    finally:
        _stop(process)


def add_learner_copy(server: LabServer, name: str, settings: dict[str, Any] | None = None,
                     extra_questions: list[dict[str, Any]] | None = None) -> Path:
    """Copy release/ into ``course/<name>/``, with ``settings`` merged into the section's quiz.json.

    ``extra_questions`` (as quiz.json holds them: no key) are added after the quiz's own.
    Returns the copy's section folder (where the notebook and ``responses/`` are).
    """
    copy_release(RELEASE, server.root / name)
    folder = server.root / name / SECTION
    if settings or extra_questions:
        spec_path = folder / "quiz.json"
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        spec["settings"].update(settings or {})
        spec["questions"] += extra_questions or []
        if spec.get("slots"):  # a quiz with pools lists its slots: each added question is one of its own
            spec["slots"] += [{"id": q["id"], "questions": [q["id"]]} for q in extra_questions or []]
        spec_path.write_text(json.dumps(spec, indent=1, sort_keys=True), encoding="utf-8")
    return folder


def shutdown_sessions(server: LabServer) -> None:
    """Shut down every notebook session (and its kernel) of the server."""
    with contextlib.suppress(OSError, ValueError):
        for session in server.api("GET", "/api/sessions") or []:
            with contextlib.suppress(OSError, ValueError):
                server.api("DELETE", f"/api/sessions/{session['id']}")


# --- the browser ----------------------------------------------------------------------------------


CHROMIUM_MISSING = (f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); "
                    "the browser tests never download a browser")


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless (RuntimeError when it is not installed)."""
    if not CHROMIUM.exists():
        raise RuntimeError(CHROMIUM_MISSING)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_until(predicate: Callable[[], Any], timeout: float = FILE_TIMEOUT, interval: float = 0.02,
               what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {timeout:g} s")
        time.sleep(interval)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON document at ``path``, or None while it is missing (writes are atomic renames)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def option_texts(question: dict[str, Any], key: str = "options") -> dict[str, str]:
    """A quiz.json question's option (or, with ``key="choices"``, matching choice) texts by id."""
    return {o["id"]: o["text"] for o in question[key]}


def drawn_public(spec: dict[str, Any], learner: str, attempt: int, secret: bytes | None = None) -> list[dict[str, Any]]:
    """The questions of a public quiz.json drawn for ``learner``'s attempt (every question when it has no pools).

    ``secret``: the quiz service's draw key when the service draws (else the public draw of one machine).
    """
    from coursekit.quiz.draw import member_order
    from coursekit.quiz.spec import Slot

    by_id = {q["id"]: q for q in spec["questions"]}
    slots = spec.get("slots") or [{"id": q["id"], "questions": [q["id"]]} for q in spec["questions"]]
    given = []
    for slot in slots:
        members = list(slot["questions"])
        order = member_order(Slot(id=slot["id"], questions=tuple(members)), learner, SECTION, secret) \
            if len(members) > 1 else members
        given.append(by_id[order[(attempt - 1) % len(order)]])
    return given


class QuizPage:
    """A learner's view of one copy of the section notebook in JupyterLab, driven like a learner does."""

    _workspaces = itertools.count(1)

    def __init__(self, page: Any, server: LabServer, folder: Path) -> None:
        self.page = page
        self.server = server
        self.folder = folder
        self.notebook = folder / f"{SECTION}.ipynb"
        self.responses_path = folder / "responses" / f"{SECTION}.json"

    # --- JupyterLab ---------------------------------------------------------------------------

    @property
    def panel(self) -> Any:
        """The notebook panel shown in the main area."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first

    def open(self) -> QuizPage:
        """Open the notebook (in a fresh JupyterLab workspace, so no other test's tabs come back)."""
        relative = self.notebook.relative_to(self.server.root).as_posix()
        workspace = f"coursekit-{os.getpid()}-{next(self._workspaces)}"
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{relative}"
                       f"?reset&token={self.server.token}")
        self.panel.locator(".jp-Notebook").wait_for()
        self.dismiss_toasts()
        self.wait_for_kernel_idle()
        return self

    def dismiss_toasts(self) -> None:
        """Close JupyterLab's notification toasts (news, updates) when one is shown."""
        for button in self.page.locator(".jp-toast-button, .Toastify__close-button").all():
            with contextlib.suppress(Exception):
                if button.is_visible():
                    button.click(timeout=2_000)

    def wait_for_kernel_idle(self, timeout: float = 60_000) -> None:
        """Wait until the kernel is connected and idle (the status bar says so; the toolbar's
        execution indicator says "idle" before there is a kernel at all)."""
        self.page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE).wait_for(timeout=timeout)
        self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=timeout)

    def menu(self, top: str, item: str) -> None:
        """Click ``top`` in the menu bar, then the entry whose label is exactly ``item``."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
        entry = self.page.locator(".lm-Menu-content > .lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                                  has_text=re.compile(f"^{re.escape(item)}$"))
        entry.click()

    def run_all(self) -> QuizPage:
        """Run > Run All Cells, wait for the quiz, then scroll to it as the learner does (Run All keeps the view)."""
        self.panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # the notebook is the current widget
        self.menu("Run", "Run All Cells")
        self.wait_for_quiz()
        self.wait_for_place_kept()
        self.quiz.scroll_into_view_if_needed()
        # JupyterLab renders an off-screen cell's content (innerText) only once it is on screen again
        self.quiz.wait_for(state="visible")
        self.page.wait_for_function("q => q.innerText.trim().length > 0", arg=self.quiz.element_handle())
        return self

    def wait_for_place_kept(self) -> None:
        """Wait until learner mode no longer holds the learner's place after Run All (it would undo a scroll)."""
        self.page.locator("body:not([data-coursekit-holding])").wait_for(state="attached")

    def restart_and_run_all(self) -> QuizPage:
        """Kernel > Restart Kernel and Run All Cells…, confirm the dialog, then wait for the new quiz."""
        old = self.quiz.element_handle()
        self.menu("Kernel", "Restart Kernel and Run All Cells…")
        self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
        self.page.wait_for_function("old => !old.isConnected", arg=old)  # the old quiz output is gone
        old.dispose()
        self.wait_for_quiz()
        return self

    # --- the quiz -----------------------------------------------------------------------------

    @property
    def quiz(self) -> Any:
        """The quiz widget."""
        return self.panel.locator(".coursekit-quiz").first

    def wait_for_quiz(self) -> None:
        """Wait until the quiz is shown: its first question page, a timed quiz's Start attempt or time-up page."""
        self.quiz.wait_for(state="visible", timeout=60_000)
        self.quiz.locator(".coursekit-question, .coursekit-start-panel, .coursekit-timeup").first.wait_for(
            state="visible")

    def question(self, question_id: str) -> Any:
        """The controls of one question (only on the page while its page is shown)."""
        return self.quiz.locator(f".coursekit-question-{question_id}")

    def button(self, css: str) -> Any:
        """A quiz button by its CSS class (``coursekit-next``, ``coursekit-submit`` …)."""
        return self.quiz.locator(f"button.{css}").first

    def status(self) -> str:
        """The status line's text."""
        return self.quiz.locator(".coursekit-status").inner_text()

    def wait_for_status(self, text: str) -> None:
        """Wait until the status line contains ``text``."""
        self.quiz.locator(".coursekit-status", has_text=text).wait_for()

    def go_next(self, expect: str) -> None:
        """Click Next and wait for question ``expect`` to be shown."""
        self.button("coursekit-next").click()
        self.question(expect).wait_for(state="visible")

    def spec(self) -> dict[str, Any]:
        """The public quiz spec (quiz.json) this copy of the notebook uses."""
        return json.loads((self.folder / "quiz.json").read_text(encoding="utf-8"))

    def given(self, attempt: int = 1, learner: str = LEARNER, secret: bytes | None = None) -> list[dict[str, Any]]:
        """The questions of quiz.json the learner is given in ``attempt``, in order: one per slot (a pool's draw;
        ``secret``: the quiz service's draw key when the service draws)."""
        return drawn_public(self.spec(), learner, attempt, secret)

    def answer_with_mouse(self, question: dict[str, Any], value: Any) -> None:
        """Answer the question on the current page by clicking its controls (typing for a short answer).

        ``question`` is the question as in quiz.json; ``value`` the answer as saved
        (option id, list of option ids, True/False, item id -> choice id, text).
        Controls are found by their label text, as a learner finds them.
        """
        box = self.question(question["id"])
        box.wait_for(state="visible")
        kind = question["type"]
        if kind == "single_choice":
            box.get_by_role("radio", name=option_texts(question)[value], exact=True).click()
        elif kind == "true_false":
            box.get_by_role("radio", name="True" if value else "False", exact=True).click()
        elif kind == "multiple_choice":
            for option_id in value:
                box.get_by_role("checkbox", name=option_texts(question)[option_id], exact=True).click()
        elif kind == "matching":
            choices = option_texts(question, "choices")
            for item in question["items"]:
                box.get_by_role("combobox", name=item["text"], exact=True).select_option(
                    label=choices[value[item["id"]]])
        elif kind in ("short_answer", "numerical"):
            field = box.get_by_role("textbox")
            field.click()
            field.fill(value)
            field.press("Enter")  # the text field saves on Enter (or when it loses focus)
        else:
            raise AssertionError(f"unknown question type {kind}")

    def responses(self) -> dict[str, Any] | None:
        """The responses file as on disk now (None while missing)."""
        return read_json(self.responses_path)

    def wait_for_responses(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = FILE_TIMEOUT,
                           what: str = "responses file") -> dict[str, Any]:
        """Poll the responses file until ``predicate(document)`` holds; return the document."""
        last: list[Any] = [None]

        def check() -> dict[str, Any] | None:
            with contextlib.suppress(ValueError):
                last[0] = self.responses()
            return last[0] if last[0] is not None and predicate(last[0]) else None

        try:
            return wait_until(check, timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{self.responses_path}: {exc}; last content: {last[0]}") from None


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab (learner mode, learner ``ada``) on a learner copy of release/; yields (url, token, workspace)."""
    workspace = tmp_path_factory.mktemp("learner")
    copy_release(RELEASE, workspace / "course")
    try:
        with running_lab(workspace) as server:
            yield server
    finally:
        log = workspace / "lab.log"
        if log.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / "lab.log").write_text(log.read_text(errors="replace"), encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched by Playwright (fails, never skips, when it is missing)."""
    if not CHROMIUM.exists():
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_chromium(playwright)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def open_quiz(lab_server: LabServer, page: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., QuizPage]]:
    """Open a learner copy of the section notebook and run it: ``open_quiz(settings=None, shared=False)``.

    ``shared=True`` uses the session's own copy of release/ (``course/``); otherwise
    the test gets a copy of its own, with ``settings`` merged into quiz.json. The
    test's kernels are shut down afterwards.
    """

    def opener(settings: dict[str, Any] | None = None, shared: bool = False,
               extra_questions: list[dict[str, Any]] | None = None) -> QuizPage:
        if shared:
            assert not settings and not extra_questions, "the shared copy keeps release/'s quiz"
            folder = lab_server.root / SECTION
        else:
            name = re.sub(r"\W+", "_", request.node.name)
            folder = add_learner_copy(lab_server, name, settings, extra_questions)
        return QuizPage(page, lab_server, folder).open().run_all()

    yield opener
    shutdown_sessions(lab_server)

