"""The nbgrader exchange, through nbgrader's own classes: release, learner submit, collect.

On one machine the exchange is a folder (``grader/exchange`` by default, or
``COURSEKIT_EXCHANGE``); under JupyterHub it is the shared exchange volume.
The trainer releases sections into it and collects submissions from it;
learners fetch and submit with JupyterLab's Assignments panel or
``nbgrader submit``. :func:`submit_as` does what that panel does, for the demo
and the tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course
from coursekit.paths import ProjectPaths


def _api(course: Course, paths: ProjectPaths, db_url: str) -> Any:
    from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

    return nbgrader_api(nbgrader_config(course.id, paths.grader, paths.source, paths.release, db_url))


def release_to_exchange(course: Course, paths: ProjectPaths, db_url: str) -> list[str]:
    """Put every section's release into the exchange (nbgrader release_assignment); return the sections."""
    api = _api(course, paths, db_url)
    released = []
    for section in course.sections:
        result = api.release_assignment(section.id)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader release_assignment {section.id} failed: {result.get('error')}")
        released.append(section.id)
    return released


def submit_as(course: Course, paths: ProjectPaths, learner: str, learner_root: Path, section: str) -> None:
    """Submit ``learner_root/<section>/`` to the exchange as ``learner`` (what nbgrader submit does)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeSubmit

    from coursekit.nbgrader_glue import nbgrader_config

    config = nbgrader_config(course.id, paths.grader, paths.source, paths.release, paths.gradebook_url)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = section
    coursedir.student_id = learner
    app = ExchangeSubmit(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    app.assignment_dir = str(learner_root)
    app.start()


def collect(course: Course, paths: ProjectPaths, db_url: str) -> dict[str, int]:
    """Collect the latest submission of every learner and section from the exchange into ``submitted/``."""
    api = _api(course, paths, db_url)
    counts = {}
    for section in course.sections:
        result = api.collect(section.id, update=True)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader collect {section.id} failed: {result.get('error')}")
        counts[section.id] = sum(1 for _ in (paths.grader / "submitted").glob(f"*/{section.id}"))
    return counts
