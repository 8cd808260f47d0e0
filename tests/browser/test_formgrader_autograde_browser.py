"""Trainer mode in Chromium: *Manage Submissions* shows every submission coursekit graded as graded, with its
score, and its Autograde button (⚡) grades with coursekit: the code a learner added never runs, the hand-in
time stays the one coursekit trusts."""

from __future__ import annotations

import re

import pytest
from trainer_support import SECTION, free_port, late_claiming_workspace, running_trainer_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    paths, marker = late_claiming_workspace(tmp_path_factory.mktemp("formgrader-autograde-browser"))
    with running_trainer_lab(paths, free_port()) as lab:
        yield paths, marker, lab


def _row(page, learner):
    return page.locator("#main-table tr", has=page.locator("td.student-id", has_text=re.compile(f"^{learner}$"))).first


def test_manage_submissions_shows_coursekit_grades_and_its_button_grades_with_coursekit(trainer, page):
    from nbgrader.api import Gradebook

    paths, marker, lab = trainer
    page.goto(f"{lab.url}/formgrader/?token={lab.token}", wait_until="load")  # the login cookie for /formgrader
    page.goto(f"{lab.url}/formgrader/manage_submissions/{SECTION}", wait_until="load")
    for learner in ("ada", "ben", "cleo"):
        row = _row(page, learner)
        row.wait_for(state="visible")
        text = row.inner_text()
        assert "needs autograding" not in text and "needs manual grading" in text, text
        assert re.search(r"\d+(\.\d+)? / \d+", text), text  # its score
    cleo = _row(page, "cleo")
    assert "2026-10-01 09:10:00" in cleo.inner_text()  # the files' time, not the 2026-09-01 she claims
    cleo.locator(".glyphicon-flash").click()
    page.locator(".modal", has_text="Successfully autograded").wait_for(state="visible", timeout=120_000)
    assert not marker.exists()
    with Gradebook(paths.gradebook_url) as gradebook:
        assert str(gradebook.find_submission(SECTION, "cleo").timestamp).startswith("2026-10-01 09:10")
