"""Driving the training-centre hub in Debian's Chromium, as learners and trainers do: login page, menus, panels.

Only what a person does: type into the hub's login form, click menus and
buttons, type commands into a JupyterLab terminal. Nothing is injected into
the pages. Screenshots of every step go to ``artifacts/hub/``.

The quiz is driven with :class:`QuizPage` of the browser suite
(``tests/browser/conftest.py``), loaded here as a plain module.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from project_support import REPO

ARTIFACTS = REPO / "artifacts" / "hub"


def _browser_support() -> Any:
    spec = importlib.util.spec_from_file_location("coursekit_browser_support", REPO / "tests" / "browser" /
                                                  "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BROWSER = _browser_support()
QuizPage = BROWSER.QuizPage


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium (never downloaded), launched by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = BROWSER.launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


class HubSession:
    """One person's browser session on the hub (own context: own cookies)."""

    def __init__(self, browser: Any, hub_url: str, user: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.hub_url = hub_url
        self.user = user
        self.errors: list[str] = []
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.request.method} {r.url}")
                     if r.status >= 500 else None)

    def close(self) -> None:
        """Close the session's context."""
        self.context.close()

    def shot(self, name: str) -> Path:
        """Save a screenshot of the page to ``artifacts/hub/<name>.png``; return its path."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def log_in(self, password: str) -> None:
        """Open the hub, log in through its login form and wait for JupyterLab (the server is spawned)."""
        self.page.goto(f"{self.hub_url}/hub/login")
        self.page.locator("#username_input").fill(self.user)
        self.page.locator("#password_input").fill(password)
        self.page.locator("#login_submit").click()
        self.page.wait_for_url(re.compile(rf"/user/{re.escape(self.user)}/lab"), timeout=120_000)
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).wait_for(timeout=120_000)
        self.dismiss_toasts()

    def dismiss_toasts(self) -> None:
        """Close JupyterLab's notification toasts when one is shown."""
        for button in self.page.locator(".jp-toast-button, .Toastify__close-button").all():
            with contextlib.suppress(Exception):
                if button.is_visible():
                    button.click(timeout=2_000)

    def menu_bar(self) -> list[str]:
        """The labels of JupyterLab's menu bar."""
        return [t.strip() for t in self.page.locator(".lm-MenuBar-itemLabel").all_inner_texts()]

    def open_menu(self, top: str) -> Any:
        """Click ``top`` in JupyterLab's menu bar; return the open menu."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
        menu = self.page.locator(".lm-Menu").last
        menu.wait_for()
        return menu

    def menu_labels(self, top: str) -> list[str]:
        """The labels of the entries under ``top`` (the menu is closed again)."""
        menu = self.open_menu(top)
        labels = [t.strip() for t in menu.locator(".lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
                  .all_inner_texts()]
        self.page.keyboard.press("Escape")
        return labels

    def menu(self, top: str, item: str) -> None:
        """Click ``top`` in JupyterLab's menu bar, then the enabled entry labelled exactly ``item``."""
        menu = self.open_menu(top)
        menu.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                     has_text=re.compile(f"^{re.escape(item)}$")).click()

    def terminal(self) -> Any:
        """File > New > Terminal; return the terminal widget once its shell has printed a prompt.

        What the shell prints is recorded as the page receives it (the terminal's
        websocket), since the terminal draws its text on a canvas.
        """
        self.terminal_output: list[str] = []
        with self.page.expect_websocket(lambda ws: "/terminals/websocket/" in ws.url) as opened:
            self.open_menu("File")
            self.page.locator(".lm-Menu-itemLabel", has_text=re.compile("^New$")).hover()
            self.page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Terminal$")).click()
        opened.value.on("framereceived", self._record_terminal)
        terminal = self.page.locator(".jp-Terminal:not(.lm-mod-hidden)").last
        terminal.wait_for()
        wait_for(lambda: "$" in self.terminal_text(), 60, "the terminal's prompt", self.page)
        return terminal

    def _record_terminal(self, payload: str | bytes) -> None:
        with contextlib.suppress(ValueError, TypeError):
            kind, text = json.loads(payload)[:2]
            if kind == "stdout":
                self.terminal_output.append(text)

    def terminal_text(self) -> str:
        """Everything the terminal's shell printed so far (colour codes removed)."""
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", "".join(self.terminal_output))

    def run_in_terminal(self, terminal: Any, command: str, done: str, timeout: float = 300) -> str:
        """Type ``command`` and Enter into ``terminal``; wait for ``done`` in its output and the next prompt.

        Returns what the shell printed for this command.
        """
        start = len(self.terminal_text())
        terminal.click()
        self.page.keyboard.type(command)
        self.page.keyboard.press("Enter")
        try:
            return wait_for(lambda: (text := self.terminal_text()[start:]) and done in text
                            and text.rstrip().endswith("$") and text, timeout,
                            f"`{command}` and the next prompt in the terminal", self.page)
        except AssertionError as exc:
            self.shot("terminal-failure")
            raise AssertionError(f"{exc}; the terminal printed:\n{self.terminal_text()[-3000:]}") from None


def wait_for(predicate: Any, timeout: float, what: str, page: Any = None) -> Any:
    """Poll ``predicate`` (twice a second) until it returns something truthy; return it.

    With ``page``, the wait lets Playwright deliver the page's events (websocket frames) meanwhile.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {timeout:g} s")
        if page is not None:
            page.wait_for_timeout(500)
        else:
            time.sleep(0.5)
