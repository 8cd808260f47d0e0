"""Learner mode: nbgrader's instructor tools are switched off in the learner's Jupyter config, and only there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.learner import (
    INSTRUCTOR_LAB_EXTENSIONS,
    OPEN_ASSIGNMENTS,
    copy_release,
    lab_command,
    lab_environment,
    local_exchange,
    write_learner_config,
)
from coursekit.learner_validate import CommentAwareValidator
from coursekit.widgets.comment_store import CommentStore

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
    assert "disabled" in assignments  # replaced by coursekit's, which lists the learner's own copies
    listing = next(line for line in text.splitlines() if "coursekit.learner_assignments" in line)
    assert "enabled" in listing  # learners still fetch, validate and submit
    validate = next(line for line in text.splitlines() if "nbgrader.server_extensions.validate_assignment" in line)
    assert "disabled" in validate  # replaced by coursekit's, which reads the Comment fields
    ours = next(line for line in text.splitlines() if "coursekit.learner_validate" in line)
    assert "enabled" in ours  # the Assignments panel's Validate button has its handler
    course_list = next(line for line in text.splitlines() if "nbgrader.server_extensions.course_list" in line)
    assert "disabled" in course_list


def test_learner_config_adds_an_assignments_menu(tmp_path):
    config = lab_environment(tmp_path)["JUPYTER_CONFIG_DIR"]
    server = json.loads((tmp_path / ".jupyter" / "jupyter_server_config.json").read_text())
    settings_dir = server["LabApp"]["app_settings_dir"]
    assert settings_dir.startswith(config)
    overrides = json.loads((tmp_path / ".jupyter" / "lab-settings" / "overrides.json").read_text())
    (menu,) = overrides["@jupyterlab/mainmenu-extension:plugin"]["menus"]
    assert menu["label"] == "Assignments" and menu["items"] == [{"command": OPEN_ASSIGNMENTS, "rank": 0}]
    # JupyterLab itself serves the menu as the default of its main-menu settings
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.settings_utils import get_settings

    found, _ = get_settings(settings_dir, str(Path(get_app_dir()) / "schemas"), str(tmp_path / "user-settings"),
                            schema_name="@jupyterlab/mainmenu-extension:plugin")
    assert found["schema"]["properties"]["menus"]["default"] == [menu]


def test_learner_config_loads_the_narrow_screen_extension_as_jupyterlab_lists_it(tmp_path):
    from jupyterlab_server.config import get_federated_extensions

    lab_environment(tmp_path)
    server = json.loads((tmp_path / ".jupyter" / "jupyter_server_config.json").read_text())
    paths = server["LabApp"]["extra_labextensions_path"]
    found = get_federated_extensions(paths)["coursekit-learner"]  # what JupyterLab puts in its page config
    load = Path(found["ext_path"]) / found["jupyterlab"]["_build"]["load"]
    assert found["jupyterlab"]["_build"]["extension"] == "./extension" and load.is_file()
    assert 'window._JUPYTERLAB["coursekit-learner"]' in load.read_text(encoding="utf-8")


def test_learner_config_points_nbgrader_at_the_exchange(tmp_path, repo):
    course_id, exchange = local_exchange(repo.root)
    assert course_id == "vet-quality" and exchange.endswith("exchange")
    lab_environment(tmp_path, course_id=course_id, exchange="/srv/exchange")
    config = (tmp_path / ".jupyter" / "nbgrader_config.py").read_text()
    assert "c.Exchange.root = '/srv/exchange'" in config and "course_id = 'vet-quality'" in config
    # make lab: the sections are the folders of the lab's root, the copies the learner works in
    assert "c.Exchange.path_includes_course = False" in config
    assert f"c.Exchange.cache = {str(tmp_path / 'nbgrader_cache')!r}" in config
    # JupyterHub: nbgrader fetches into <course>/<section>, as before
    hub = (write_learner_config(tmp_path / "hub", course_id, "/srv/exchange") / "nbgrader_config.py").read_text()
    assert "c.Exchange.path_includes_course = True" in hub and "cache" not in hub


def test_copy_release_keeps_the_learners_files(tmp_path, repo):
    dest = tmp_path / "course"
    copied = copy_release(repo.release, dest)
    assert dest.joinpath("cooperation_networking", "quiz.json").is_file() and copied
    mine = dest / "cooperation_networking" / "cooperation_networking.ipynb"
    mine.write_text("my work", encoding="utf-8")
    copy_release(repo.release, dest)
    assert mine.read_text(encoding="utf-8") == "my work"


def test_lab_listens_on_loopback_only_and_asks_for_its_token(tmp_path):
    command = lab_command(tmp_path, 8899, "s3cret")
    assert "--ip=127.0.0.1" in command and "--port=8899" in command and "--no-browser" in command
    assert "--IdentityProvider.token=s3cret" in command
    with pytest.raises(ValueError, match="without a token"):
        lab_command(tmp_path, 8899, "")


def test_trainer_mode_asks_for_its_token(tmp_path):
    from coursekit.trainer import trainer_lab_command

    assert "--IdentityProvider.token=s3cret" in trainer_lab_command(tmp_path, 8899, "s3cret")
    with pytest.raises(ValueError, match="without a token"):
        trainer_lab_command(tmp_path, 8899, "")


def test_validate_counts_the_comment_fields_as_grading_does(tmp_path, repo):
    section = "cooperation_networking"
    copy_release(repo.release, tmp_path)
    folder = tmp_path / section
    store = CommentStore(folder, section, "ada")
    store.save("comment-own-cooperation", "We cooperate with two upper secondary schools in our district; "
               "their teachers visit our workshops each term, which keeps our programme information accurate.")
    store.save("comment-competition-and-sharing", "Share.")
    result = CommentAwareValidator().validate(str(folder / f"{section}.ipynb"))
    errors = [cell["raw_error"] for cell in result["failed"]]
    # Each failing cell shows only nbgrader's placeholder as its source: the error names the reflection.
    field = "(its Comment field):"
    assert errors == [f"Reflection 2 {field} Your answer has 1 word; at least 3 are needed for it to count.",
                      f"Reflection 3 {field} You did not provide a response.",
                      f"Reflection 4 {field} You did not provide a response."], errors
    assert not any("own cooperation" in cell["source"].lower() for cell in result["failed"])


def test_validate_says_when_the_comment_texts_cannot_be_read(tmp_path, repo):
    """A damaged comments file (200 kB of '[') is named, never read as four blank reflections."""
    from coursekit.learner_validate import CommentsUnreadable
    from coursekit.quiz.contract import comments_path

    section = "cooperation_networking"
    copy_release(repo.release, tmp_path)
    folder = tmp_path / section
    path = comments_path(folder, section)
    path.parent.mkdir(exist_ok=True)
    path.write_text("[" * 200_000, encoding="utf-8")
    with pytest.raises(CommentsUnreadable, match=r"could not be read .*nested too deep.*type each reflection"):
        CommentAwareValidator().validate(str(folder / f"{section}.ipynb"))
