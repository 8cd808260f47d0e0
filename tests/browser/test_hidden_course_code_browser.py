"""A course cell's hidden code stays hidden in learner mode, at 1280 and 400 px, in a real JupyterLab and Chromium.

The quiz and Comment cells show only their title line and JupyterLab's "•••"
marker; the trainer's scoring cells the same once their heading is unfolded.
Clicking the marker, or the bar beside the cell, would show the learner Python
code: in learner mode it leaves the code hidden (and the keyboard, Enter
on the cell, shows none either). A cell the learner adds and hides opens again as in
any JupyterLab.
"""

from __future__ import annotations

import re

import pytest
from conftest import shutdown_sessions
from playwright.sync_api import expect
from test_learner_door_browser import WIDTHS, assert_accessible, open_copy, scroll_to, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_the_hidden_code_marker_of_a_course_cell_shows_no_code(lab_server, page, width):
    quiz = open_copy(lab_server, page, "hidden_code", width)
    try:
        cell = quiz.panel.locator(".jp-CodeCell", has_text="The Comment field (Run").first
        marker = cell.locator(".jp-InputPlaceholder .jp-Placeholder-content")
        scroll_to(marker)
        marker.click()
        cell.locator(".jp-Cell-inputCollapser").click()
        marker.locator(".jp-MoreHorizIcon").click()
        page.wait_for_timeout(300)  # JupyterLab would have opened the input by now
        expect(marker).to_be_visible()
        expect(cell.locator(".jp-InputArea-editor")).to_have_count(0)
        assert quiz.panel.get_by_text("show_comment(").count() == 0
        # by keyboard: the Comment cell active, Enter (edit mode) shows no code either
        cell.locator(".jp-OutputArea-output").click()
        page.keyboard.press("Escape")
        expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        expect(cell.locator(".jp-InputArea-editor")).to_have_count(0)
        assert quiz.panel.get_by_text("show_comment(").count() == 0
        page.keyboard.press("Escape")
        shot(page, f"hidden_code_{width}")
        assert_accessible(page, ".jp-NotebookPanel .jp-Cell:has(.jp-InputPlaceholder)", f"hidden cell at {width} px")

        # the trainer's part, unfolded: its scoring cells' code stays hidden too
        trainer = quiz.panel.locator(".jp-MarkdownCell", has_text="For your trainer")
        unfold = trainer.locator(".jp-showHiddenCellsButton")
        scroll_to(unfold)
        unfold.click()
        scoring = quiz.panel.locator(".jp-CodeCell", has_text="Scored from your saved quiz").first
        scroll_to(scoring)
        scoring.locator(".jp-InputPlaceholder .jp-Placeholder-content").click()
        page.wait_for_timeout(300)
        expect(scoring.locator(".jp-InputArea-editor")).to_have_count(0)
        assert quiz.panel.get_by_text("grade_question").count() == 0

        # a hidden cell of the learner's own opens as before
        quiz.panel.locator(".jp-MarkdownCell", has_text="End of the section").click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # a new code cell below, in command mode
        own = quiz.panel.locator(".jp-CodeCell").last
        own.locator(".jp-InputArea-editor").wait_for()
        page.keyboard.press("Enter")
        page.keyboard.type("own = 1")
        page.keyboard.press("Escape")
        own.locator(".jp-Cell-inputCollapser").click()
        own.locator(".jp-InputPlaceholder").click()
        expect(own.locator(".jp-InputArea-editor")).to_contain_text("own = 1")
    finally:
        shutdown_sessions(lab_server)
