"""Learner mode: JupyterLab on a learner's copy of release/, nbgrader's instructor tools hidden.

A learner sees the course, not the grading tools: the lab extensions Create
Assignment, Formgrader and Validate (and nbgrader's menu) are disabled through
a page config, and their server extensions are switched off, in a Jupyter
config folder of the learner workspace only. The trainer's own Jupyter set-up
is not touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

INSTRUCTOR_LAB_EXTENSIONS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:validate-assignment",
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:course-list",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.course_list",
)
# The news and update checks would call out to the internet and pop up toasts.
QUIET_LAB = {"@jupyterlab/apputils-extension:announcements": True}


def copy_release(release: Path, dest: Path) -> list[Path]:
    """Copy release/ into ``dest``, never overwriting a file the learner already has.

    Returns the files copied.
    """
    copied = []
    for path in sorted(release.rglob("*")):
        target = dest / path.relative_to(release)
        if path.is_dir() or target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        if target.suffix == ".ipynb":  # opening it untouched must not mark it unsaved
            from coursekit.authoring.notebook import stamp_language_info

            stamp_language_info(target)
        copied.append(target)
    return copied


def learner_config_dir(workspace: Path) -> Path:
    """Write the Jupyter config that hides the instructor tools; return its folder."""
    config = workspace / ".jupyter"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    disabled = dict.fromkeys(INSTRUCTOR_LAB_EXTENSIONS, True) | QUIET_LAB
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}, indent=1), encoding="utf-8")
    server = {"ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    return config


def lab_command(notebook_dir: Path, port: int, token: str = "") -> list[str]:
    """The command line that starts JupyterLab for a learner (loopback only)."""
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.root_dir={notebook_dir}", f"--IdentityProvider.token={token}",
        "--ServerApp.password=", "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_environment(workspace: Path, learner: str | None = None) -> dict[str, str]:
    """Environment for the learner's JupyterLab: its own config folder, the venv first on PATH."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = str(learner_config_dir(workspace))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if learner:
        env["COURSEKIT_LEARNER"] = learner
    return env


def run_lab(release: Path, dest: Path, port: int) -> int:
    """Copy release/ to ``dest`` (keeping the learner's files) and run JupyterLab there until stopped."""
    if not release.is_dir():
        raise FileNotFoundError(f"{release}: no release folder; run `make release` first")
    copied = copy_release(release, dest / "course")
    print(f"learner workspace: {dest / 'course'} ({len(copied)} new files)")
    print(f"open http://127.0.0.1:{port}/lab (Ctrl-C stops)")
    try:
        return subprocess.call(lab_command(dest / "course", port), env=lab_environment(dest))
    except KeyboardInterrupt:
        return 0
