"""A real JupyterLab server (learner mode) and a real Chromium, shared by the browser tests.

The server serves one folder holding several copies of the release, one per
test (``variant``), so tests with different quiz settings share one server
while each notebook keeps its own kernel and responses file.
"""

from __future__ import annotations

import json
import shutil

import pytest
from lab_driver import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, REPO, SECTION, VARIANTS, running_lab

from coursekit.learner import copy_release


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
    try:
        with running_lab(workspace, root) as url:
            yield url, root
    finally:
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
