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
from coursekit.authoring.notebook import stamp_language_info
from coursekit.paths import ProjectPaths


def _api(course: Course, paths: ProjectPaths, db_url: str) -> Any:
    from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

    return nbgrader_api(nbgrader_config(course.id, paths.grader, paths.source, paths.release, db_url))


def release_to_exchange(course: Course, paths: ProjectPaths, db_url: str) -> list[str]:
    """Put every section's release into the exchange (nbgrader release_assignment); return the sections."""
    from coursekit.gradebook.roster import ensure_sections

    ensure_sections(db_url, course, paths.source, paths.grader)  # the sections and their due dates
    api = _api(course, paths, db_url)
    released = []
    for section in course.sections:
        result = api.release_assignment(section.id)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader release_assignment {section.id} failed: {result.get('error')}")
        for notebook in sorted((exchange_folder(course, paths, "outbound") / section.id).glob("*.ipynb")):
            stamp_language_info(notebook)  # a fetched copy opened untouched is not marked unsaved
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


def refused_learners(submitted_root: Path, inbound: Path | None = None) -> list[tuple[str, str]]:
    """Learner ids nbgrader cannot use literally, with the reason.

    Looks at the folders in ``submitted/`` and, when given, at the exchange's inbound file names
    (``<learner>+<section>+<time>+<random>``): nbgrader's collect reads an id as a glob pattern, so a
    submission under such an id may not be collected at all.
    """
    from coursekit.gradebook.learner_ids import learner_id_problem

    ids = [p.name for p in submitted_root.iterdir()] if submitted_root.is_dir() else []
    if inbound is not None and inbound.is_dir():
        ids += [p.name.split("+", 1)[0] for p in inbound.iterdir()]
    return [(learner, problem) for learner in sorted(set(ids)) if (problem := learner_id_problem(learner))]


def exchange_folder(course: Course, paths: ProjectPaths, which: str) -> Path:
    """The exchange's ``inbound`` (submissions arrive) or ``outbound`` (releases wait) folder of the course."""
    from coursekit.nbgrader_glue import nbgrader_config

    config = nbgrader_config(course.id, paths.grader, paths.source, paths.release, paths.gradebook_url)
    return Path(config.Exchange.root) / course.id / which


def inbound_folder(course: Course, paths: ProjectPaths) -> Path:
    """The exchange's inbound folder of the course (where learners' submissions arrive)."""
    return exchange_folder(course, paths, "inbound")


def collect(course: Course, paths: ProjectPaths, db_url: str) -> dict[str, int]:
    """Collect the latest submission of every learner and section from the exchange into ``submitted/``.

    Each inbound entry's first sighting is recorded first (:func:`coursekit.autograde.handin_clock.record_inbound`):
    it, not the learner-written ``timestamp.txt``, is the hand-in time grading uses.
    """
    inbound = inbound_folder(course, paths)
    if not inbound.is_dir():
        raise FileNotFoundError(f"{inbound}: no inbound folder in the exchange; release the course with "
                                "`coursekit release --exchange`, or set COURSEKIT_EXCHANGE to the exchange in use")
    from coursekit.autograde.handin_clock import record_inbound

    record_inbound(db_url, inbound, [s.id for s in course.sections])  # the hand-in times, before nbgrader copies
    api = _api(course, paths, db_url)
    counts = {}
    for section in course.sections:
        result = api.collect(section.id, update=True)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader collect {section.id} failed: {result.get('error')}")
        counts[section.id] = sum(1 for _ in (paths.grader / "submitted").glob(f"*/{section.id}"))
    return counts
