"""Trainer mode: JupyterLab on the trainer workspace (``grader/``) with nbgrader's formgrader.

``coursekit grade`` prepares the workspace so that formgrader works at once:
the gradebook knows every section (with nbgrader's due date), the exchange
folder exists and is writable, every nbgrader extension is on (in a Jupyter
config folder of the workspace only, so a learner-mode set-up elsewhere is not
affected), then runs JupyterLab in ``grader/``, where nbgrader reads
``grader/nbgrader_config.py`` (coursekit's key-free feedback included).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coursekit.authoring.course import Course
from coursekit.gradebook.roster import ensure_sections
from coursekit.nbgrader_glue import ensure_exchange
from coursekit.paths import ProjectPaths

NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
)
REVIEW_SYNC = "coursekit.lms.review_sync"
"""Runs ``coursekit lms sync`` after a review in formgrader when ``grader/lti_tool.json`` asks for it."""
FORMGRADER_GUARD = "coursekit.grading.formgrader_guard"
"""Escapes names and ids in formgrader's pages and lets only its own script run (a server extension)."""
FORMGRADER_AUTOGRADE = "coursekit.formgrader_autograde"
"""Formgrader's Autograde button grades with coursekit, and its statuses count what coursekit graded."""
QUIET_LAB = {"@jupyterlab/apputils-extension:announcements": True}


@dataclass(frozen=True)
class SectionDue:
    """A section as formgrader lists it: id and nbgrader's due date (None when not set)."""

    section: str
    duedate: datetime | None


def exchange_root(workspace: Path) -> Path:
    """Where the workspace's nbgrader config puts the exchange (``COURSEKIT_EXCHANGE`` or ``exchange/``)."""
    return Path(os.environ.get("COURSEKIT_EXCHANGE", str(Path(workspace).resolve() / "exchange")))


def section_due_dates(db_url: str, course: Course) -> list[SectionDue]:
    """Every section of the course with its due date from the gradebook (nbgrader's ``duedate``)."""
    from nbgrader.api import Gradebook, MissingEntry

    dues = []
    with Gradebook(db_url, course.id) as gradebook:
        for section in course.sections:
            try:
                duedate = gradebook.find_assignment(section.id).duedate
            except MissingEntry:
                duedate = None
            dues.append(SectionDue(section.id, duedate))
    return dues


def format_due_dates(dues: list[SectionDue]) -> str:
    """One line per section: ``cooperation_networking: due 2026-12-01 17:00 UTC`` or ``no due date``."""
    return "\n".join(f"  {d.section}: " + (f"due {d.duedate:%Y-%m-%d %H:%M} UTC" if d.duedate else "no due date set")
                     for d in dues)


def trainer_config_dir(workspace: Path) -> Path:
    """A Jupyter config folder for trainer mode: every nbgrader extension on, news and update checks off."""
    config = Path(workspace) / ".jupyter-trainer"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": QUIET_LAB}, indent=1), encoding="utf-8")
    server = {"ServerApp": {"jpserver_extensions": dict.fromkeys(
        (*NBGRADER_SERVER_EXTENSIONS, FORMGRADER_GUARD, FORMGRADER_AUTOGRADE, REVIEW_SYNC), True)}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    return config


def trainer_lab_command(workspace: Path, port: int, token: str, ip: str = "127.0.0.1") -> list[str]:
    """The command line of JupyterLab in trainer mode, serving ``workspace`` (opened with ``token``)."""
    if not token:
        raise ValueError("a JupyterLab without a token lets anyone on this machine run code and change grades: "
                         "give it one")
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", f"--ip={ip}",
        f"--ServerApp.root_dir={workspace}", f"--IdentityProvider.token={token}", "--ServerApp.password=",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def trainer_environment(workspace: Path, db_url: str | None = None) -> dict[str, str]:
    """Environment of trainer mode: the workspace's Jupyter config folder, the venv first on PATH."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = str(trainer_config_dir(workspace))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if db_url:
        env["COURSEKIT_DB_URL"] = db_url
    return env


def prepare_workspace(course: Course, paths: ProjectPaths, db_url: str) -> list[SectionDue]:
    """Make the trainer workspace ready for formgrader: nbgrader config, sections in the gradebook, exchange.

    Returns the sections with their due dates.
    """
    paths.grader.mkdir(parents=True, exist_ok=True)
    config = paths.grader / "nbgrader_config.py"
    if not config.is_file():
        raise FileNotFoundError(f"{config}: missing; formgrader needs the workspace's nbgrader config "
                                f"(copy grader/nbgrader_config.py of the repository there)")
    ensure_sections(db_url, course, paths.source, paths.grader)
    ensure_exchange(exchange_root(paths.grader))
    return section_due_dates(db_url, course)


def run_trainer_lab(course: Course, paths: ProjectPaths, db_url: str, port: int) -> int:
    """Prepare the workspace, print the sections with their due dates, run JupyterLab until stopped."""
    dues = prepare_workspace(course, paths, db_url)
    print(f"trainer workspace: {paths.grader} (exchange: {exchange_root(paths.grader)})")
    print("sections:\n" + format_due_dates(dues))
    token = secrets.token_urlsafe(24)  # without one, anyone on this machine could run code and change grades
    print(f"open http://127.0.0.1:{port}/formgrader?token={token} (Ctrl-C stops); Nbgrader > Formgrader in the "
          "lab menu", flush=True)
    try:
        return subprocess.call(trainer_lab_command(paths.grader, port, token), cwd=paths.grader,
                               env=trainer_environment(paths.grader, db_url))
    except KeyboardInterrupt:
        return 0
