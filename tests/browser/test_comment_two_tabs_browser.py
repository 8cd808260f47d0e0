"""The same reflection in two browser tabs, in a real learner-mode JupyterLab at 1280 and 400 px.

The newer tab's text is saved; the older tab's later typing does not replace
it: its status says "This reflection was changed in another tab or window at
HH:MM:SS; your text here was not saved: copy it, then reload" (the time in the
learner's own time zone) and its text stays in the field. axe-core finds
nothing in the Comment field.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import SECTION, add_learner_copy, wait_until
from playwright.sync_api import expect
from test_learner_door_browser import assert_fully_accessible, scroll_to, shot
from two_tabs_support import open_tab, two_tabs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZONE = "Europe/Berlin"


def _saved(folder) -> dict:
    path = folder / "responses" / f"{SECTION}.comments.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["comments"]
    except (FileNotFoundError, ValueError):
        return {}


@pytest.mark.parametrize("width", [1280, 400])
def test_the_older_tab_is_told_and_keeps_its_text_and_the_newer_text_stays(lab_server, browser, width):
    folder = add_learner_copy(lab_server, f"two_tabs_{width}")
    with two_tabs(lab_server, browser, timezone_id=ZONE) as (older_page, newer_page):
        older = open_tab(older_page, lab_server, folder, width)
        newer = open_tab(newer_page, lab_server, folder, width)

        newer_field = newer.panel.locator(".coursekit-comment textarea").first
        scroll_to(newer_field)
        newer_field.click()
        newer_page.keyboard.type("Typed in the newer tab.")
        saved = wait_until(lambda: next((c for c in _saved(folder).values()
                                         if c["text"] == "Typed in the newer tab."), None), what="newer text saved")

        older_page.bring_to_front()
        older_field = older.panel.locator(".coursekit-comment textarea").first
        scroll_to(older_field)
        older_field.click()
        older_page.keyboard.type("Typed in the older tab.")
        local = datetime.fromisoformat(saved["updated_at"]).astimezone(ZoneInfo(ZONE)).strftime("%H:%M:%S")
        status = older.panel.locator(".coursekit-comment .coursekit-status").first
        expect(status).to_have_text(f"This reflection was changed in another tab or window at {local}; your text "
                                    "here was not saved: copy it, then reload.")
        expect(older_field).to_have_value("Typed in the older tab.")  # kept, to copy
        assert [c["text"] for c in _saved(folder).values()] == ["Typed in the newer tab."]  # never replaced
        assert_fully_accessible(older_page, ".coursekit-comment", f"stale comment at {width} px")
        shot(older_page, f"comment_two_tabs_{width}")
