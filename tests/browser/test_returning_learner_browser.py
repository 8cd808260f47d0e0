"""A returning learner finds the start instruction, never a widget error, at 1280 and 400 px.

JupyterLab saves the notebook after Run All (learner mode's autosave, every few
seconds, and Ctrl+S); answering in the widgets never marks it unsaved, so
closing the tab asks nothing. After the kernel is shut down and the notebook
reopened, each widget's place shows the instruction to choose Run › Run All
Cells again, nothing says "model not found", and the file on disk holds no
widget state. A copy saved with widget views by an older set-up is repaired
when the learner's server starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ARTIFACTS,
    SECTION,
    LabServer,
    QuizPage,
    add_learner_copy,
    running_lab,
    shutdown_sessions,
    wait_until,
)
from playwright.sync_api import expect
from test_learner_door_browser import WIDTHS, assert_accessible, kernel_idle, narrow, saved_comment, scroll_to

from coursekit.authoring.notebook import COMMENT_CELL_TITLE, QUIZ_CELL_TITLE, START_COMMENT, START_QUIZ
from coursekit.learner import AUTOSAVE_SECONDS
from coursekit.learner_save import WIDGET_VIEW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

def damage_as_saved_before(notebook: Path) -> None:
    """Give the quiz and Comment cells widget views, as JupyterLab saved them after Run All without the pre-save
    hook of learner mode."""
    document = json.loads(notebook.read_text(encoding="utf-8"))
    for number, cell in enumerate(document["cells"]):
        if {"quiz", "comment"} & set(cell["metadata"].get("tags", [])):
            cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {
                WIDGET_VIEW: {"model_id": f"{number:032x}", "version_major": 2, "version_minor": 1},
                "text/plain": "CommentWidget()"}}]
    notebook.write_text(json.dumps(document), encoding="utf-8")


def assert_start_instructions_shown(quiz: QuizPage) -> None:
    """Each widget's place shows its start instruction, and nothing on the page is a widget error."""
    for title, text, count in ((COMMENT_CELL_TITLE, START_COMMENT, 4), (QUIZ_CELL_TITLE, START_QUIZ, 1)):
        cells = quiz.panel.locator(".jp-CodeCell", has_text=title)
        assert cells.count() == count
        for cell in cells.all():
            scroll_to(cell)
            expect(cell.locator(".jp-OutputArea-output")).to_have_text(text.replace("**", ""))
    assert quiz.panel.locator(".jupyter-widgets, .coursekit-quiz, .coursekit-comment").count() == 0
    page_text = quiz.page.locator("body").inner_text()
    assert "model not found" not in page_text and "Error displaying widget" not in page_text


@pytest.fixture(scope="module")
def returning_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A learner-mode JupyterLab of its own, started on a copy that an older JupyterLab saved with widget views.

    Its JupyterLab settings are the learner's own (a fresh folder), so the autosave interval is learner mode's.
    """
    workspace = tmp_path_factory.mktemp("returning")
    (workspace / "course").mkdir()
    not_started = LabServer(url="", token="", workspace=workspace)
    damage_as_saved_before(add_learner_copy(not_started, "saved_before") / f"{SECTION}.ipynb")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTERLAB_SETTINGS_DIR", str(workspace / "user-settings"))
        with running_lab(workspace) as server:
            yield server


def read_saved(notebook: Path) -> tuple[str, dict[str, Any]]:
    """The notebook's text and document on disk, once whole (the server writes the file in place)."""
    def whole() -> tuple[str, dict[str, Any]] | None:
        text = notebook.read_text(encoding="utf-8")
        try:
            return text, json.loads(text)
        except ValueError:
            return None

    return wait_until(whole, what=f"{notebook.name} written")


def start_texts(document: dict[str, Any]) -> list[str]:
    """The Markdown outputs of the quiz and Comment cells."""
    cells = document["cells"]
    return ["".join(output["data"].get("text/markdown", "")) for cell in cells
            if {"quiz", "comment"} & set(cell["metadata"].get("tags", [])) for output in cell["outputs"]]


def assert_saved_without_widget_state(notebook: Path) -> None:
    text, document = read_saved(notebook)
    assert "widgets" not in document["metadata"]
    assert WIDGET_VIEW not in text and "model_id" not in text
    assert start_texts(document) == [START_COMMENT] * 4 + [START_QUIZ]


def saved_since(quiz: QuizPage, stamp: int, what: str, timeout: float = 30) -> None:
    """Wait until JupyterLab wrote the notebook after ``stamp`` (st_mtime_ns) and shows it as saved."""
    wait_until(lambda: quiz.notebook.stat().st_mtime_ns != stamp and quiz.page.locator(".jp-mod-dirty").count() == 0,
               timeout=timeout, what=what)


def record_unsaved_marks(page: Any) -> None:
    """From now on, note in ``window.ckDirty`` every element JupyterLab marks as unsaved (``jp-mod-dirty``)."""
    page.evaluate("""() => { window.ckDirty = [];
        new MutationObserver(records => { for (const r of records) {
            if (r.target.classList.contains('jp-mod-dirty')) window.ckDirty.push(r.target.className); } })
        .observe(document.body, {attributes: true, attributeFilter: ['class'], subtree: true}); }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_reopened_after_saving_shows_the_start_instruction_and_no_widget_error(returning_lab, page, width):
    folder = add_learner_copy(returning_lab, f"returning_{width}")
    quiz = QuizPage(page, returning_lab, folder).open()
    narrow(page, width)
    released = quiz.notebook.stat().st_mtime_ns
    quiz.run_all()
    wait_until(lambda: kernel_idle(quiz) and quiz.panel.locator(".jp-InputPrompt", has_text="*").count() == 0,
               timeout=60, what="every cell run")
    saved_since(quiz, released, "autosave after Run All", timeout=3 * AUTOSAVE_SECONDS)
    assert_saved_without_widget_state(quiz.notebook)

    # Answers save themselves: answering never marks the notebook unsaved.
    record_unsaved_marks(page)
    first = quiz.given()[0]
    quiz.answer_with_mouse(first, first["options"][1]["id"])
    quiz.wait_for_responses(lambda d: d["in_progress"]["answers"].get(first["id"]) == first["options"][1]["id"])
    field = quiz.panel.locator(".coursekit-comment textarea").nth(1)
    scroll_to(field)
    field.click()
    page.keyboard.type("We invite other providers to our audits.")
    comments = folder / "responses" / f"{SECTION}.comments.json"
    wait_until(lambda: saved_comment(comments, "comment-competition-and-sharing")
               == "We invite other providers to our audits.", what="reflection 2 saved")
    assert page.evaluate("window.ckDirty") == []

    # Ctrl+S in the notebook (command mode) saves it, again without widget state.
    before = quiz.notebook.stat().st_mtime_ns
    quiz.panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    saved_since(quiz, before, "Ctrl+S")
    assert_saved_without_widget_state(quiz.notebook)

    # Closing the tab asks nothing; then the kernel is shut down.
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
    dialog = page.locator(".jp-Dialog")
    wait_until(lambda: dialog.count() > 0 or page.locator(".jp-NotebookPanel").count() == 0, what="tab closed")
    assert dialog.count() == 0
    shutdown_sessions(returning_lab)
    assert returning_lab.api("GET", "/api/kernels") == []

    # Reopened with a new kernel: the instruction at each widget's place, no widget error anywhere.
    page.set_viewport_size({"width": 1280, "height": 900})  # the kernel indicator shows in a wide toolbar
    quiz.open()
    narrow(page, width)
    assert_start_instructions_shown(quiz)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"returning_{width}.png"))
    assert page.locator(".jp-mod-dirty").count() == 0

    # Run All brings the widgets back with what was saved.
    quiz.run_all()
    assert quiz.question(first["id"]).get_by_role("radio", name=first["options"][1]["text"], exact=True).is_checked()
    expect(quiz.panel.locator(".coursekit-comment textarea").nth(1)).to_have_value(
        "We invite other providers to our audits.")
    shutdown_sessions(returning_lab)


def test_a_copy_saved_with_widget_views_before_shows_the_start_instruction_again(returning_lab, page):
    quiz = QuizPage(page, returning_lab, returning_lab.root / "saved_before" / SECTION).open()
    assert_start_instructions_shown(quiz)
    assert_saved_without_widget_state(quiz.notebook)  # rewritten when the server started
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "returning_saved_before.png"))
    shutdown_sessions(returning_lab)


@pytest.fixture(scope="module")
def lab_without_autosave(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A learner-mode JupyterLab whose learner switched autosave off: only coursekit saves the notebook."""
    workspace = tmp_path_factory.mktemp("no_autosave")
    (workspace / "course").mkdir()
    settings = workspace / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTERLAB_SETTINGS_DIR", str(workspace / "user-settings"))
        with running_lab(workspace) as server:
            yield server


@pytest.mark.parametrize("width", WIDTHS)
def test_run_all_saves_the_notebook_so_closing_right_after_asks_nothing(lab_without_autosave, page, width):
    folder = add_learner_copy(lab_without_autosave, f"close_after_run_all_{width}")
    quiz = QuizPage(page, lab_without_autosave, folder).open()
    narrow(page, width)
    released = quiz.notebook.stat().st_mtime_ns
    quiz.run_all()
    wait_until(lambda: kernel_idle(quiz) and quiz.panel.locator(".jp-InputPrompt", has_text="*").count() == 0,
               timeout=60, what="every cell run")
    saved_since(quiz, released, "saved when Run All finished")  # autosave is off: learner mode saved it
    assert_saved_without_widget_state(quiz.notebook)
    assert_accessible(page, ".coursekit-quiz", f"quiz after Run All at {width} px")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
    dialog = page.locator(".jp-Dialog")
    wait_until(lambda: dialog.count() > 0 or page.locator(".jp-NotebookPanel").count() == 0, what="tab closed")
    assert dialog.count() == 0  # no "Save changes?"
    shutdown_sessions(lab_without_autosave)
