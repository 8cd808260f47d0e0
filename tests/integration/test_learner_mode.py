"""Learner mode: nbgrader's instructor tools are switched off in the learner's Jupyter config, and only there."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coursekit.learner import INSTRUCTOR_LAB_EXTENSIONS, copy_release, lab_command, lab_environment

pytestmark = pytest.mark.slow


def test_learner_config_disables_instructor_tools(tmp_path, repo):
    env = lab_environment(tmp_path, learner="ada")
    assert env["COURSEKIT_LEARNER"] == "ada"
    page = json.loads((tmp_path / ".jupyter" / "labconfig" / "page_config.json").read_text())
    for extension in ("@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:validate-assignment"):
        assert page["disabledExtensions"][extension] is True
    assert set(INSTRUCTOR_LAB_EXTENSIONS) <= set(page["disabledExtensions"])
    listing = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"], env=env,
                             capture_output=True, text=True, timeout=120)
    text = listing.stdout + listing.stderr
    formgrader = next(line for line in text.splitlines() if "nbgrader.server_extensions.formgrader" in line)
    assert "disabled" in formgrader, text
    assignments = next(line for line in text.splitlines() if "nbgrader.server_extensions.assignment_list" in line)
    assert "enabled" in assignments  # learners still fetch and submit


def test_copy_release_keeps_the_learners_files(tmp_path, repo):
    dest = tmp_path / "course"
    copied = copy_release(repo.release, dest)
    assert dest.joinpath("cooperation_networking", "quiz.json").is_file() and copied
    mine = dest / "cooperation_networking" / "cooperation_networking.ipynb"
    mine.write_text("my work", encoding="utf-8")
    copy_release(repo.release, dest)
    assert mine.read_text(encoding="utf-8") == "my work"


def test_lab_listens_on_loopback_only(tmp_path):
    command = lab_command(tmp_path, 8899)
    assert "--ip=127.0.0.1" in command and "--port=8899" in command and "--no-browser" in command
