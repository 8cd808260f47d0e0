"""The settings of a shared deployment (JupyterHub), read from the environment the hub gives every process.

The hub configuration (``deploy/jupyterhub_config.py``) is the one place that
knows the exchange, the gradebook and the course; it passes them as these
variables to the trainers' servers, their terminals and the formgrader
service, and the ``coursekit`` commands read them here.

COURSEKIT_EXCHANGE  the nbgrader exchange root
COURSEKIT_DB_URL    the trainers' gradebook (SQLAlchemy URL); when set, nothing falls back to SQLite
COURSEKIT_COURSE_ID the nbgrader course id (must match course/course.yml)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

EXCHANGE, DB_URL, COURSE_ID = "COURSEKIT_EXCHANGE", "COURSEKIT_DB_URL", "COURSEKIT_COURSE_ID"


class DeploymentError(ValueError):
    """The deployment's settings are missing or contradict the project."""


def deployment_db_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The deployment's gradebook URL, or None when no deployment gradebook is configured.

    Raises
    ------
    DeploymentError
        When ``COURSEKIT_DB_URL`` is present but empty: a deployment without its gradebook
        must not quietly grade into a local SQLite file.
    """
    environ = os.environ if environ is None else environ
    if DB_URL not in environ:
        return None
    url = environ[DB_URL].strip()
    if not url:
        raise DeploymentError(f"{DB_URL} is set but empty: give the gradebook URL or unset it")
    return url


def deployment_exchange(default: str, environ: Mapping[str, str] | None = None) -> str:
    """The exchange root: ``COURSEKIT_EXCHANGE`` when set, else ``default``."""
    environ = os.environ if environ is None else environ
    return environ.get(EXCHANGE) or default


def check_course_id(course_id: str, environ: Mapping[str, str] | None = None) -> None:
    """Raise DeploymentError when the deployment's course id differs from the project's."""
    environ = os.environ if environ is None else environ
    expected = environ.get(COURSE_ID)
    if expected and expected != course_id:
        raise DeploymentError(f"course/course.yml: course id {course_id!r} differs from the deployment's "
                              f"{COURSE_ID}={expected!r}; learners would not see what you release")


def trainer_server_root(home: Path, grader_dir: str | Path | None) -> tuple[Path, str]:
    """A trainer's JupyterLab server root and, relative to it, the folder the file browser opens ("" for the root).

    The root is the common folder of the trainer's home and the project (the parent of ``grader_dir``), so that
    nbgrader's formgrader in the trainer's lab (Nbgrader > Formgrader) finds the course directory under it also
    when several trainers share a project outside their homes (``/home/omar`` and ``/srv/courses/vet-quality``:
    the root is ``/``); the file browser still opens in the home. Without a project the root is the home.
    """
    home = Path(home)
    if not grader_dir:
        return home, ""
    root = Path(os.path.commonpath([home, Path(grader_dir).resolve().parent]))
    preferred = home.relative_to(root).as_posix()
    return root, "" if preferred == "." else preferred
