"""Learner mode (``make lab``) in Chromium: an Assignments menu opens nbgrader's Assignment List; no instructor tools.

The section is released to a local exchange (what ``coursekit release --exchange``
does on one machine); the learner fetches it and validates it from the panel.
"""

from __future__ import annotations

import importlib.util
import re
import urllib.error
from pathlib import Path

import pytest

from coursekit.authoring.course import load_course
from coursekit.grading.exchange import release_to_exchange
from coursekit.learner import copy_release, local_exchange
from coursekit.widgets.comment_store import CommentStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_SPEC = importlib.util.spec_from_file_location("coursekit_browser_support", Path(__file__).with_name("conftest.py"))
SUPPORT = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(SUPPORT)
SECTION = SUPPORT.SECTION


def test_assignments_menu_fetches_and_validates(project, page, tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_EXCHANGE", raising=False)
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    release_to_exchange(load_course(project.course), project, project.gradebook_url)
    course_id, exchange = local_exchange(project.root)
    workspace = tmp_path / "learner"
    copy_release(project.release, workspace / "course")
    with SUPPORT.running_lab(workspace, course_id=course_id, exchange=exchange) as server:
        page.goto(f"{server.url}/lab?token={server.token}")
        bar = page.locator(".lm-MenuBar-itemLabel")
        bar.filter(has_text=re.compile("^File$")).wait_for()
        labels = [t.strip() for t in bar.all_inner_texts()]
        assert "Assignments" in labels and "Nbgrader" not in labels, labels
        bar.filter(has_text=re.compile("^Assignments$")).click()
        entries = page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
        entries.first.wait_for()
        assert [t.strip() for t in entries.all_inner_texts()] == ["Assignment List"]
        entries.first.click()
        panel = page.locator(".nbgrader-mainarea-widget")
        row = panel.locator("#released_assignments_list .list_item", has_text=SECTION)
        row.locator("button", has_text="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first
        fetched.locator(".assignment-notebooks-link").click()
        typed = workspace / "course" / course_id / SECTION
        CommentStore(typed, SECTION, "ada").save("comment-own-cooperation", "Our school shares workshops with two "
                                                  "upper secondary schools in the district.")
        fetched.locator("button", has_text="Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        assert "Validation Results" in dialog.inner_text()
        # the Comment field typed in counts as answered, the three others do not
        assert dialog.inner_text().count("You did not provide a response.") == 3, dialog.inner_text()
        for number in (2, 3, 4):  # each names its reflection (the cell's source is only the placeholder)
            assert f"Reflection {number} (its Comment field): You did not provide" in dialog.inner_text()
        assert "Error validating" not in panel.inner_text()
        # instructor tools stay hidden: no Create Assignment panel, no formgrader on the server
        assert page.locator("#nbgrader-create_assignemnt").count() == 0
        assert (workspace / "course" / course_id / SECTION / f"{SECTION}.ipynb").is_file()
        with pytest.raises(urllib.error.HTTPError) as missing:
            server.api("GET", "/formgrader/api/assignments")
        assert missing.value.code == 404
