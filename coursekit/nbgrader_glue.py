"""One place that configures nbgrader for a coursekit project (nbgrader imported lazily)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

ANSWER_PLACEHOLDER = ("Nothing to type here: the text of your Comment field is copied into this cell when your "
                      "trainer grades.")
"""What a reflection's graded cell holds in the learner's copy (nbgrader's ``ClearSolutions.text_stub``).

The learner answers in the Comment field; a first-time learner who opens the
"For your trainer" part must not read "YOUR ANSWER HERE" as a field to fill.
"""

NBGRADER_STUB = "YOUR ANSWER HERE"
"""nbgrader's own placeholder, which learner copies released before coursekit set its own still hold."""
EXCHANGE_MODE = 0o777 | stat.S_ISVTX  # nbgrader's shared exchange: everyone writes, only owners delete


def ensure_venv_on_path() -> None:
    """Put this interpreter's ``bin/`` first on PATH: nbgrader runs ``alembic`` by subprocess."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def ensure_exchange(root: Path) -> Path:
    """Create the nbgrader exchange folder when missing and make it writable as nbgrader requires.

    Raises
    ------
    PermissionError
        Naming the folder, when it exists, belongs to someone else and is not writable.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK | os.X_OK):
        raise PermissionError(f"{root}: the exchange folder is not writable; ask its owner to run "
                              f"`chmod 1777 {root}`")
    if root.stat().st_uid == os.getuid() and stat.S_IMODE(root.stat().st_mode) != EXCHANGE_MODE:
        root.chmod(EXCHANGE_MODE)
    return root


def nbgrader_config(course_id: str, root: Path, source_root: Path, release_root: Path, db_url: str,
                    **extra: Any) -> Any:
    """A traitlets ``Config`` with this course's directories and gradebook.

    ``extra`` sets further options as ``Section__option=value`` pairs
    (e.g. ``Exchange__root="/srv/exchange"``).
    """
    from traitlets.config import Config

    from coursekit.deployment import check_course_id, deployment_exchange
    from coursekit.shared import shared_project

    check_course_id(course_id)
    config = Config()
    config.CourseDirectory.root = str(Path(root).resolve())
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.source_directory = str(Path(source_root).resolve())
    config.CourseDirectory.release_directory = str(Path(release_root).resolve())
    config.CourseDirectory.db_url = db_url
    # The exchange (learners fetch and submit there): the deployment's, else one in the workspace.
    config.Exchange.root = deployment_exchange(str(Path(root).resolve() / "exchange"))
    config.ClearSolutions.text_stub = ANSWER_PLACEHOLDER
    # a project several trainers share (grader/ group-writable or setgid): nbgrader's copies are the group's too
    config.CourseDirectory.groupshared = shared_project(Path(root).resolve()) is not None
    for name, value in extra.items():
        section, option = name.split("__", 1)
        setattr(getattr(config, section), option, value)
    return config


def nbgrader_api(config: Any) -> Any:
    """An in-process ``NbGraderAPI`` for ``config`` (one per process, reused in loops)."""
    ensure_venv_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
