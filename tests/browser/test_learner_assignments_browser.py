"""Hand-in from ``make lab`` in Chromium: the copy the learner works in is the one the Assignments panel submits.

The learner opens the section (the lab's copy of release/), answers a quiz
question and a reflection, and opens Assignments › Assignment List before the
trainer has released anything (plain words, no exchange errors), then after
``coursekit release --exchange`` validates and submits from the panel; the
trainer's ``coursekit collect`` and ``coursekit autograde`` then grade the
learner's answers. No instructor tools on the way.
"""

from __future__ import annotations

import importlib.util
import re
import urllib.error
from pathlib import Path
from typing import Any

import nbformat
import pytest
import test_learner_door_browser as door
from grading_support import grades_csv, right_answer

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.learner import copy_release, local_exchange
from coursekit.learner_assignments import NOT_RELEASED

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_SPEC = importlib.util.spec_from_file_location("coursekit_browser_support", Path(__file__).with_name("conftest.py"))
SUPPORT = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(SUPPORT)
SECTION = SUPPORT.SECTION
COMMENT = "Our school shares its welding workshop with two upper secondary schools in the district."
EXCHANGE_ERRORS = ("Error fetching courses", "exchange directory does not exist", "Traceback")


def shot(page, name: str) -> None:
    SUPPORT.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SUPPORT.ARTIFACTS / f"handin_{name}.png"))


def open_assignment_list(page) -> Any:
    """Assignments › Assignment List (the menu's only entry); return the panel once the course is listed."""
    bar = page.locator(".lm-MenuBar-itemLabel")
    labels = [t.strip() for t in bar.all_inner_texts()]
    assert "Assignments" in labels and "Nbgrader" not in labels, labels
    bar.filter(has_text=re.compile("^Assignments$")).click()
    entries = page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
    entries.first.wait_for()
    assert [t.strip() for t in entries.all_inner_texts()] == ["Assignment List"]
    entries.first.click()
    panel = page.locator(".nbgrader-mainarea-widget")
    panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first.wait_for()
    return panel


def dialog_text(page) -> str:
    """The text of the dialog shown now, after closing it with its OK button."""
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    text = dialog.inner_text()
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached")
    return text


def test_lab_hands_in_the_copy_worked_on_with_its_answers(project, page, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("COURSEKIT_EXCHANGE", raising=False)
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    course = load_course(project.course)
    course_id, exchange = local_exchange(project.root)
    workspace = tmp_path / "learner"
    copy_release(project.release, workspace / "course")
    with SUPPORT.running_lab(workspace, course_id=course_id, exchange=exchange) as server:
        page.set_viewport_size({"width": 1280, "height": 900})
        quiz = SUPPORT.QuizPage(page, server, server.root / SECTION).open().run_all()
        first = quiz.given()[0]
        chosen = right_answer(next(q for q in course.section(SECTION).quiz.questions if q.id == first["id"]))
        quiz.answer_with_mouse(first, chosen)
        quiz.button("coursekit-submit").click()
        quiz.button("coursekit-confirm").click()  # the other questions are unanswered: submit anyway
        quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1")
        field = quiz.panel.locator(".coursekit-comment textarea").first
        field.scroll_into_view_if_needed()
        field.click()
        page.keyboard.type(COMMENT)
        comments = quiz.folder / "responses" / f"{SECTION}.comments.json"
        SUPPORT.wait_until(lambda: COMMENT in (comments.read_text(encoding="utf-8") if comments.exists() else ""),
                           what="comment saved")

        # before the trainer's release: the course and the section, in plain words, and Submit says why not
        panel = open_assignment_list(page)
        page.locator("#course_list_default", has_text=course_id).wait_for()
        row = panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first
        for text in EXCHANGE_ERRORS:
            assert text not in panel.inner_text(), panel.inner_text()
        assert panel.locator("#released_assignments_list .list_item").count() == 0  # nothing to fetch
        assert row.locator("button", has_text="Submit").is_visible()
        shot(page, "before_release_1280")
        row.locator("button", has_text="Submit").click()
        page.locator(".jp-Dialog").wait_for()
        shot(page, "not_open_1280")
        refused = dialog_text(page)
        assert NOT_RELEASED.format(section=SECTION) in refused, refused
        assert "Traceback" not in refused
        door.narrow(page, 400)
        shot(page, "before_release_400")
        row.locator("button", has_text="Submit").click()
        page.locator(".jp-Dialog").wait_for()
        shot(page, "not_open_400")
        dialog_text(page)
        page.set_viewport_size({"width": 1280, "height": 900})

        # the trainer releases; the panel, refreshed, offers Validate and Submit on the same copy, no Fetch
        assert main(["--root", str(project.root), "release", "--exchange"]) == 0
        panel.locator("#refresh_assignments_list").click()
        row = panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first
        row.locator("button", has_text="Submit").wait_for()
        assert panel.locator("#released_assignments_list .list_item").count() == 0
        row.locator(".assignment-notebooks-link").click()
        row.locator("button", has_text="Validate").click()
        results = dialog_text(page)
        assert "Validation Results" in results
        # the Comment field typed in counts as answered, the three others do not
        assert results.count("You did not provide a response.") == 3, results
        for number in (2, 3, 4):
            assert f"Reflection {number} (its Comment field): You did not provide" in results
        row.locator("button", has_text="Submit").click()
        submitted = panel.locator("#submitted_assignments_list .list_item", has_text=SECTION).first
        submitted.wait_for()
        shot(page, "submitted_1280")
        for text in EXCHANGE_ERRORS:
            assert text not in panel.inner_text(), panel.inner_text()
        assert not (server.root / course_id).exists()  # no second copy was fetched
        # instructor tools stay hidden: no Create Assignment panel, no formgrader on the server
        assert page.locator("#nbgrader-create_assignemnt").count() == 0
        with pytest.raises(urllib.error.HTTPError) as missing:
            server.api("GET", "/formgrader/api/assignments")
        assert missing.value.code == 404

    capsys.readouterr()
    assert main(["--root", str(project.root), "collect"]) == 0
    assert f"{SECTION}: 1 submissions" in capsys.readouterr().out
    assert main(["--root", str(project.root), "autograde", "--jobs", "1", "--quiet"]) == 0
    question = course.section(SECTION).quiz.questions[0]
    assert grades_csv(project).loc[(SUPPORT.LEARNER, SECTION), "quiz_score"] == question.points
    graded = nbformat.read(project.grader / "autograded" / SUPPORT.LEARNER / SECTION / f"{SECTION}.ipynb",
                           as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    assert cells["comment-own-cooperation"].source == COMMENT
