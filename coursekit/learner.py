"""Learner mode: JupyterLab on a learner's copy of release/, nbgrader's instructor tools hidden.

A learner sees the course, not the grading tools: the lab extensions Create
Assignment, Formgrader, Course List and the notebook's Validate button (and
nbgrader's own menu, which lists them) are disabled through a page config, and
the formgrader and course list server extensions are switched off, in a
Jupyter config folder of the learner workspace only. nbgrader's validate
handler is replaced by :mod:`coursekit.learner_validate`, which counts the
Comment fields' saved texts as grading does, and its Assignment List by
:mod:`coursekit.learner_assignments`, which offers the learner's own copies for
Validate and Submit and speaks plainly before the trainer's release;
:mod:`coursekit.learner_save` saves notebooks without widget state (the widget
cells keep their start instruction). An "Assignments" menu opens that list
(fetch, validate, submit); it is a settings default (``overrides.json`` in the
folder's own JupyterLab settings directory), so no extension has to be built.
Two more defaults there: JupyterLab's widget manager saves no widget state,
and autosave runs every few seconds, so a notebook closed a few seconds after
Run All asks nothing. The trainer's own Jupyter set-up is not touched.

On narrow screens (a phone, a small tablet, 200 % zoom) the side panels start
collapsed, so the notebook has the width, and dialogs such as Validate fit the
window; clicking the "•••" of a course cell's hidden code leaves it hidden;
Validate names each unanswered reflection in one plain line; Run All keeps the
learner's place. All this is a small lab extension of coursekit's own, written
as the federated module JupyterLab loads
(``coursekit/labextension/coursekit-learner``, no build step), found through
``LabApp.extra_labextensions_path``.
"""

from __future__ import annotations

import json
import os
import secrets
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
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",  # replaced by coursekit's, which reads the Comment fields
    "nbgrader.server_extensions.assignment_list",  # replaced by coursekit's, which lists the learner's copies
)
LEARNER_SERVER_EXTENSIONS = ("coursekit.learner_validate", "coursekit.learner_assignments",
                             "coursekit.learner_open",  # where a launch from the LMS lands
                             "coursekit.learner_save")  # the last: notebooks saved without widget state
# The news and update checks would call out to the internet and pop up toasts.
QUIET_LAB = {"@jupyterlab/apputils-extension:announcements": True}
OPEN_ASSIGNMENTS = "nbgrader:open-assignment-list"
ASSIGNMENTS_MENU = {"id": "jp-mainmenu-coursekit-assignments", "label": "Assignments", "rank": 90,
                    "items": [{"command": OPEN_ASSIGNMENTS, "rank": 0}]}
LAB_SETTINGS = "lab-settings"
LAB_EXTENSIONS = Path(__file__).parent / "labextension"
"""coursekit's own prebuilt lab extensions (learner mode: narrow screens, hidden code, Validate, Run All)."""
AUTOSAVE_SECONDS = 10
# A widget's state is its kernel's: saved in the notebook it would show "model not found" after a restart. Run All
# changes the outputs; saved soon after (the widget cells with their start instruction), closing the tab asks nothing.
SAVING = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False},
          "@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": AUTOSAVE_SECONDS}}


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


def write_nbgrader_client_config(config: Path, course_id: str, exchange: str, extra: str = "",
                                 path_includes_course: bool = True) -> Path:
    """Write the ``nbgrader_config.py`` that points a Jupyter server at the course's exchange; return it.

    ``extra`` (Python) is appended: the trainers' config loads the project's own there.
    ``path_includes_course`` is nbgrader's layout of the server's folder: sections
    fetched into ``<course_id>/<section>/`` (JupyterHub), or ``<section>/`` (``make lab``).
    """
    path = config / "nbgrader_config.py"
    path.write_text("c = get_config()  # noqa: F821\n"
                    f"c.CourseDirectory.course_id = {course_id!r}\n"
                    f"c.Exchange.root = {exchange!r}\n"
                    f"c.Exchange.path_includes_course = {path_includes_course!r}\n" + extra, encoding="utf-8")
    return path


def write_learner_config(config: Path, course_id: str | None = None, exchange: str | None = None) -> Path:
    """Write the learner-mode Jupyter config into the folder ``config`` (a ``JUPYTER_CONFIG_DIR``); return it.

    Instructor tools are disabled, the Assignments menu is added and the lab's
    news is off; with ``course_id`` and ``exchange`` the Assignments panel
    fetches from and submits to that exchange. The folder may be shared
    read-only by many learners: nothing in it is written by their servers.
    """
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / LAB_SETTINGS).mkdir(exist_ok=True)
    disabled = dict.fromkeys(INSTRUCTOR_LAB_EXTENSIONS, True) | QUIET_LAB
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}, indent=1), encoding="utf-8")
    overrides = {"@jupyterlab/mainmenu-extension:plugin": {"menus": [ASSIGNMENTS_MENU]}} | SAVING
    (config / LAB_SETTINGS / "overrides.json").write_text(json.dumps(overrides, indent=1), encoding="utf-8")
    server = {"ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)
                                       | dict.fromkeys(LEARNER_SERVER_EXTENSIONS, True)},
              "LabApp": {"app_settings_dir": str(config.resolve() / LAB_SETTINGS),
                         "extra_labextensions_path": [str(LAB_EXTENSIONS.resolve())]}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    if course_id and exchange:
        write_nbgrader_client_config(config, course_id, exchange)
    return config


def learner_config_dir(workspace: Path, course_id: str | None = None, exchange: str | None = None) -> Path:
    """Write the Jupyter config that hides the instructor tools into ``workspace/.jupyter``; return it.

    The lab serves ``workspace/course``, a copy of release/ with one folder per
    section: with ``course_id`` and ``exchange`` nbgrader takes those folders
    for the fetched sections (so the copy worked on is the one submitted) and
    keeps its record of submissions in ``workspace/nbgrader_cache``.
    """
    config = write_learner_config(workspace / ".jupyter")
    if course_id and exchange:
        cache = str((workspace / "nbgrader_cache").resolve())
        write_nbgrader_client_config(config, course_id, exchange, extra=f"c.Exchange.cache = {cache!r}\n",
                                     path_includes_course=False)
    return config


def lab_command(notebook_dir: Path, port: int, token: str) -> list[str]:
    """The command line that starts JupyterLab for a learner (loopback only, opened with ``token``)."""
    if not token:
        raise ValueError("a JupyterLab without a token lets anyone on this machine run code: give it one")
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.root_dir={notebook_dir}", f"--IdentityProvider.token={token}",
        "--ServerApp.password=", "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_environment(workspace: Path, learner: str | None = None, course_id: str | None = None,
                    exchange: str | None = None) -> dict[str, str]:
    """Environment for the learner's JupyterLab: its own config folder, the venv first on PATH."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = str(learner_config_dir(workspace, course_id, exchange))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if learner:
        env["COURSEKIT_LEARNER"] = learner
    return env


def local_exchange(root: Path) -> tuple[str, str]:
    """The course id and exchange of the project at ``root`` (``COURSEKIT_EXCHANGE``, else grader/exchange)."""
    from coursekit.authoring.course import load_course
    from coursekit.deployment import deployment_exchange
    from coursekit.paths import ProjectPaths

    paths = ProjectPaths(root)
    return load_course(paths.course).id, deployment_exchange(str((paths.grader / "exchange").resolve()))


def hand_in_state(course_id: str, exchange: str) -> str:
    """One sentence for whoever starts ``make lab``: whether the learner's Submit reaches the exchange yet."""
    outbound = Path(exchange) / course_id / "outbound"
    released = sorted(p.name for p in outbound.iterdir() if p.is_dir()) if outbound.is_dir() else []
    if released and (Path(exchange) / course_id / "inbound").is_dir():
        return f"hand-in: open for {', '.join(released)} (Assignments › Assignment List › Submit; exchange {exchange})"
    return (f"hand-in: not open yet, nothing is released to the exchange {exchange}; "
            "run `coursekit release --exchange` to open it (Submit says so until then)")


def run_lab(release: Path, dest: Path, port: int) -> int:
    """Copy release/ to ``dest`` (keeping the learner's files) and run JupyterLab there until stopped."""
    if not release.is_dir():
        raise FileNotFoundError(f"{release}: no release folder; run `make release` first")
    copied = copy_release(release, dest / "course")
    course_id, exchange = local_exchange(release.parent)
    print(f"learner workspace: {dest / 'course'} ({len(copied)} new files)")
    print(hand_in_state(course_id, exchange))
    token = secrets.token_urlsafe(24)  # without one, anyone on this machine could run code as this user
    print(f"open http://127.0.0.1:{port}/lab?token={token} (Ctrl-C stops)", flush=True)
    try:
        # nbgrader finds the sections in the server's working folder: make it the folder the lab shows
        return subprocess.call(lab_command(dest / "course", port, token), cwd=dest / "course",
                               env=lab_environment(dest, course_id=course_id, exchange=exchange))
    except KeyboardInterrupt:
        return 0
