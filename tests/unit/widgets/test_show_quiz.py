import html
import json
import shutil

import pytest
from project_support import REPO

from coursekit.widgets import load_quiz, show_quiz

SECTION = "cooperation_networking"


def test_missing_quiz_file_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"quiz\.json: the quiz file is missing"):
        load_quiz(SECTION, tmp_path)


def test_quiz_file_of_another_section_names_both(tmp_path):
    shutil.copy(REPO / "release" / "networks_consortia" / "quiz.json", tmp_path)
    with pytest.raises(ValueError, match=r"quiz\.json: holds the quiz of 'networks_consortia', not "
                                         r"'cooperation_networking'"):
        load_quiz(SECTION, tmp_path)


@pytest.fixture
def shown():
    """``shown(folder)``: what ``show_quiz`` displays, as the mime bundles an IPython shell publishes."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()

    def show(folder):
        with capture_output() as captured:
            show_quiz(SECTION, folder)
        return [output.data for output in captured.outputs]

    yield show
    InteractiveShell.clear_instance()


def _alert(bundles):
    assert len(bundles) == 1 and "application/vnd.jupyter.widget-view+json" not in bundles[0]
    page = bundles[0]["text/html"]
    assert page.startswith('<p role="alert"') and page.endswith("</p>")
    return html.unescape(page[page.index(">") + 1:-len("</p>")])


def test_show_quiz_shows_the_missing_file_message_instead_of_raising(tmp_path, shown):
    assert _alert(shown(tmp_path)) == (f"The quiz cannot be shown: {tmp_path / 'quiz.json'}: the quiz file is "
                                       "missing; ask your trainer for the section again")


def test_show_quiz_names_a_quiz_of_another_section(tmp_path, shown):
    folder = tmp_path / "<b>copy"  # the folder name reaches the page as text, not markup
    folder.mkdir()
    shutil.copy(REPO / "release" / "networks_consortia" / "quiz.json", folder)
    bundles = shown(folder)
    assert "<b>copy" not in bundles[0]["text/html"]
    assert _alert(bundles) == (f"The quiz cannot be shown: {folder / 'quiz.json'}: holds the quiz of "
                               "'networks_consortia', not 'cooperation_networking'")


def test_a_working_quiz_is_shown_not_reported(tmp_path, shown, monkeypatch):
    monkeypatch.setenv("COURSEKIT_READONLY", "1")
    shutil.copy(REPO / "release" / SECTION / "quiz.json", tmp_path)
    bundles = shown(tmp_path)
    assert len(bundles) == 1
    assert "application/vnd.jupyter.widget-view+json" in bundles[0]
    assert "text/html" not in bundles[0] and "cannot be shown" not in str(bundles[0])


def test_damaged_responses_are_kept_aside_with_a_message(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_READONLY", raising=False)
    shutil.copy(REPO / "release" / SECTION / "quiz.json", tmp_path)
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / f"{SECTION}.json").write_text(json.dumps({"schema": "other"}), encoding="utf-8")
    session, _, message = load_quiz(SECTION, tmp_path)
    assert "could not be read" in message and ".corrupt-" in message
    assert session.answers == {}
    names = sorted(p.name for p in (tmp_path / "responses").iterdir())
    assert len(names) == 2 and names[0] == f".{SECTION}.json.lock" and names[1].startswith(f"{SECTION}.json.corrupt-")
