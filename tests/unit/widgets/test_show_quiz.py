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


def test_show_quiz_reports_instead_of_raising(tmp_path, capsys):
    show_quiz(SECTION, tmp_path)  # outside a notebook the alert is printed as its repr
    assert "HTML" in capsys.readouterr().out


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
