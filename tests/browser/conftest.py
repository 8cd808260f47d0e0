"""A real JupyterLab server (learner mode) and a real Chromium, shared by the browser tests.

The server serves one folder holding several copies of the release, one per
test (``variant``), so tests with different quiz settings share one server
while each notebook keeps its own kernel and responses file.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from lab_driver import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, REPO, SECTION, TOKEN, VARIANTS

from coursekit.learner import copy_release, lab_command, lab_environment


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
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


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on learner copies of release/, one per variant; yields (url, folder of the copies)."""
    workspace = tmp_path_factory.mktemp("learner")
    root = workspace / "course"
    for variant, settings in VARIANTS.items():
        copy_release(REPO / "release", root / variant)
        if settings:
            spec_path = root / variant / SECTION / "quiz.json"
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
            spec["settings"].update(settings)
            spec_path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = lab_environment(workspace, "ada")
    # Tests run JupyterLab commands through window.jupyterapp instead of hunting for menu entries.
    page_config = workspace / ".jupyter" / "labconfig" / "page_config.json"
    page_config.write_text(json.dumps({**json.loads(page_config.read_text()), "exposeAppInBrowser": True}))
    log = (workspace / "lab.log").open("w")
    process = subprocess.Popen(lab_command(root, port, token=TOKEN), env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_server(url, process)
        yield url, root
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(workspace / "lab.log", ARTIFACTS / "lab.log")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (the browser tests need it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
