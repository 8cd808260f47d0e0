"""Learner mode on a narrow screen (400 px; 1280 px for comparison) in a real JupyterLab and Chromium.

At 400 px (and 640 px, 1280 px at 200 % zoom) the side panels start collapsed, so the notebook has the width
(at least 360 px); a matching question's long choice is written out in full
under its select; the Validate dialog of Assignments › Assignment List lies
wholly inside the window and names each unanswered reflection in one plain
line. At 1280 px the file browser stays open as before.
axe-core finds nothing in the quiz.
"""

from __future__ import annotations

import os

import pytest
from conftest import KERNEL_IDLE, SECTION, QuizPage, running_lab
from playwright.sync_api import expect
from test_learner_assignments_browser import open_assignment_list
from test_learner_door_browser import assert_fully_accessible, shot

from coursekit.learner import copy_release, local_exchange

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _inside_viewport(page, selector: str) -> dict:
    return page.evaluate("""(sel) => {
        const r = document.querySelector(sel).getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                width: window.innerWidth, height: window.innerHeight};
    }""", selector)


@pytest.mark.parametrize("width", [400, 640, 1280])  # 640: 1280 px at 200 % zoom
def test_notebook_gets_the_width_and_dialogs_and_choices_fit(project, browser, tmp_path, monkeypatch, width):
    monkeypatch.delenv("COURSEKIT_EXCHANGE", raising=False)
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    course_id, exchange = local_exchange(project.root)
    workspace = tmp_path / "learner"
    copy_release(project.release, workspace / "course")
    with running_lab(workspace, course_id=course_id, exchange=exchange) as server:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            quiz = QuizPage(page, server, server.root / SECTION)
            relative = quiz.notebook.relative_to(server.root).as_posix()
            page.goto(f"{server.url}/lab/workspaces/narrow-{os.getpid()}-{width}/tree/{relative}"
                      f"?reset&token={server.token}")
            quiz.panel.locator(".jp-Notebook").wait_for()
            page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE).wait_for()
            quiz.dismiss_toasts()
            left_open = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
            notebook_width = quiz.panel.evaluate("e => e.getBoundingClientRect().width")
            if width < 760:
                expect(left_open).to_have_count(0)  # the file browser started collapsed
                assert notebook_width >= 360, notebook_width
            else:
                expect(left_open).to_have_count(1)  # wide: the file browser stays open, as before
            shot(page, f"narrow_opened_{width}")

            quiz.run_all()
            index, matching = next((i, q) for i, q in enumerate(quiz.given()) if q["type"] == "matching")
            quiz.button(f"coursekit-map-{index + 1}").click()
            box = quiz.question(matching["id"])
            box.wait_for(state="visible")
            longest = max(matching["choices"], key=lambda c: len(c["text"]))
            first_item = matching["items"][0]
            box.get_by_role("combobox", name=first_item["text"], exact=True).select_option(label=longest["text"])
            chosen = box.locator(".coursekit-match-chosen").first
            expect(chosen).to_have_text(f"Chosen: {longest['text']}")
            # Every select and chosen text inside the question; the chosen text is never cut off (a select may
            # show a long choice cut: that is why the choice is written out under it).
            outside = box.evaluate("""b => [...b.querySelectorAll('select, .coursekit-match-chosen')]
                .filter(e => !e.hidden).filter(e => {
                    const r = e.getBoundingClientRect(), q = b.getBoundingClientRect();
                    const cut = e.tagName !== "SELECT" && e.scrollWidth > e.clientWidth + 1;
                    return r.left < q.left - 0.5 || r.right > q.right + 0.5 || cut;
                }).map(e => e.outerHTML.slice(0, 80))""")
            assert outside == []
            chosen.scroll_into_view_if_needed()
            assert_fully_accessible(page, ".coursekit-quiz", f"matching at {width} px")
            shot(page, f"narrow_matching_{width}")

            panel = open_assignment_list(page)
            row = panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first
            row.locator(".assignment-notebooks-link").click()
            row.locator("button", has_text="Validate").click()
            dialog = page.locator(".jp-Dialog-content")
            dialog.wait_for(timeout=120_000)
            where = _inside_viewport(page, ".jp-Dialog-content")
            assert where["left"] >= 0 and where["right"] <= where["width"], where
            assert where["top"] >= 0 and where["bottom"] <= where["height"], where
            shot(page, f"narrow_validate_{width}")
            # each reflection is named in one plain line: no "The following cell failed:", no placeholder text
            said = dialog.inner_text()
            for number in (1, 2, 3, 4):
                assert f"Reflection {number} (its Comment field): You did not provide a response." in said, said
            assert "The following cell failed" not in said and "Nothing to type here" not in said, said
            expect(dialog.locator(".coursekit-validation-line")).to_have_count(4)
            assert_fully_accessible(page, ".jp-Dialog-content", f"Validate at {width} px")
            page.keyboard.press("Enter")  # the OK button has the focus
            dialog.wait_for(state="detached")
        finally:
            context.close()


@pytest.mark.parametrize("width", [400, 1280])
def test_a_notebook_opened_from_the_file_browser_gets_the_width(project, browser, tmp_path, width):
    """The way a learner opens a section: the file browser's tab on the left bar, the folder, the notebook.
    At 400 px the file browser closes as the notebook opens; at 1280 px it stays, as before."""
    workspace = tmp_path / "learner"
    copy_release(project.release, workspace / "course")
    with running_lab(workspace) as server:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{server.url}/lab/workspaces/browse-{os.getpid()}-{width}?reset&token={server.token}")
            page.locator("#jp-main-dock-panel").wait_for()
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.wait_for()  # the lab is restored
            QuizPage(page, server, server.root / SECTION).dismiss_toasts()
            files = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']")
            if "lm-mod-current" not in (files.get_attribute("class") or ""):  # at 400 px it starts collapsed
                files.click()
            listing = page.locator(".jp-DirListing-content")
            for name in (SECTION, f"{SECTION}.ipynb"):
                item = listing.locator(".jp-DirListing-item", has_text=name).first
                item.wait_for()
                item.focus()
                item.click()  # selects the item: the listing's keyboard focus is on it
                page.keyboard.press("Enter")
            notebook = page.locator(".jp-NotebookPanel .jp-Notebook").first
            notebook.wait_for()
            left_open = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
            if width < 760:
                expect(left_open).to_have_count(0)
                page.wait_for_function("() => document.querySelector('.jp-NotebookPanel')"
                                       ".getBoundingClientRect().width >= 360")
            else:
                expect(left_open).to_have_count(1)
            shot(page, f"narrow_opened_from_browser_{width}")
        finally:
            context.close()
