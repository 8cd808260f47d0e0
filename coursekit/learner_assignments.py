"""The learner's Assignments panel: hand in the copy being worked on, in plain words before the release too.

nbgrader's Assignment List offers *Fetch* for every released section whose
folder is missing from the learner's workspace, and *Validate* and *Submit* for
a fetched one. In ``make lab`` the learner works in a copy of ``release/``
(``<section>/`` under the lab's root, which the learner-mode config makes
nbgrader's layout: ``Exchange.path_includes_course = False``), so that copy
is the one validated and submitted, with its ``responses/`` (quiz and Comment
fields). This Jupyter server extension replaces
``nbgrader.server_extensions.assignment_list`` (switched off in learner mode)
by the same routes with three differences:

- the course is listed, and the learner's own sections are offered for
  Validate and Submit, even before the trainer has released anything (nbgrader
  would say "Error fetching courses!" and, three times, that the exchange
  directory does not exist);
- Submit before the release says so in one sentence instead of a traceback;
- nbgrader's student id is the learner's id the quiz and the Comment fields
  save under (:func:`coursekit.widgets.store.current_learner`).

Once sections are released and fetched, everything is nbgrader's own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from nbgrader.exchange import ExchangeFactory
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList, default_handlers

from coursekit.widgets.store import current_learner

NOT_RELEASED = ("Your trainer has not opened\n{section}\nfor hand-in yet, so it was not sent.\n"
                "Your answers stay saved here:\npress Submit again once your\ntrainer says hand-in is open.")
"""What Submit says before the trainer's release (shown in a ``pre``: short lines, for narrow screens)."""


class LearnerAssignmentList(AssignmentList):
    """nbgrader's Assignment List manager, listing the learner's working copies and speaking plainly."""

    def load_config(self) -> Any:
        """The nbgrader config, with the learner's id as the student id unless one is configured."""
        return self._with_learner(super().load_config())

    @contextlib.contextmanager
    def get_assignment_dir_config(self) -> Iterator[Any]:
        """The nbgrader config of the assignment folder (the working folder meanwhile), with the learner's id."""
        with super().get_assignment_dir_config() as config:
            yield self._with_learner(config)

    @staticmethod
    def _with_learner(config: Any) -> Any:
        if not config.CourseDirectory.get("student_id"):
            config.CourseDirectory.student_id = current_learner()
        return config

    def _exchange(self, course_id: str | None) -> tuple[Path, Path]:
        """The exchange root and the folder the learner's sections of ``course_id`` live in."""
        with self.get_assignment_dir_config() as config:
            lister = ExchangeFactory(config=config).List(config=config)
            folder = Path(lister.assignment_dir).resolve()
            if lister.path_includes_course:
                folder /= course_id or config.CourseDirectory.course_id
            return Path(lister.root), folder

    def _course_id(self) -> str:
        with self.get_assignment_dir_config() as config:
            return config.CourseDirectory.get("course_id", "")

    def working_copies(self, course_id: str) -> list[dict[str, Any]]:
        """The learner's sections of ``course_id`` (``<section>/<section>.ipynb``) as fetched assignments."""
        _, folder = self._exchange(course_id)
        root = Path(self._root_dir).resolve()
        copies = []
        for notebook in sorted(folder.glob("*/*.ipynb")):
            section = notebook.parent
            if notebook.stem != section.name or not section.resolve().is_relative_to(root):
                continue
            copies.append({"course_id": course_id, "assignment_id": section.name, "status": "fetched",
                           "path": os.path.relpath(section, root),
                           "notebooks": [{"notebook_id": notebook.stem, "path": os.path.relpath(notebook, root)}]})
        return copies

    def list_courses(self) -> dict[str, Any]:
        """The courses in the exchange, and always the learner's configured course."""
        listed = super().list_courses()
        course_id = self._course_id()
        if not course_id:
            return listed
        courses = listed["value"] if listed["success"] else []
        return {"success": True, "value": sorted({*courses, course_id})}

    def list_assignments(self, course_id: str | None = None) -> dict[str, Any]:
        """The released, fetched and submitted sections, plus the learner's copies not yet released.

        A missing exchange counts as one where nothing has been released or submitted yet. The
        learner's copies belong to the configured course; without one, this is nbgrader's list.
        """
        configured = self._course_id()
        if not configured:
            return super().list_assignments(course_id)
        course_id = course_id or configured
        root, _ = self._exchange(course_id)
        released = self.list_released_assignments(course_id=course_id)
        submitted = self.list_submitted_assignments(course_id=course_id)
        for result in (released, submitted):
            if not result["success"]:
                if root.is_dir():  # another problem than "nothing released yet": nbgrader's own message
                    return result
                result["value"] = []
        listed = {a["assignment_id"] for a in released["value"]}
        copies = self.working_copies(course_id) if course_id == configured else []
        unreleased = [a for a in copies if a["assignment_id"] not in listed]
        return {"success": True, "value": released["value"] + unreleased + submitted["value"]}

    def submit_assignment(self, course_id: str, assignment_id: str) -> dict[str, Any]:
        """Submit with nbgrader; before the trainer's release of ``assignment_id``, one plain sentence."""
        root, _ = self._exchange(course_id)
        course = root / course_id
        if not (course / "outbound" / assignment_id).is_dir() or not (course / "inbound").is_dir():
            return {"success": False, "value": NOT_RELEASED.format(section=assignment_id)}
        return super().submit_assignment(course_id, assignment_id)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coursekit.learner_assignments"}]


def _load_jupyter_server_extension(app: Any) -> None:
    webapp = app.web_app
    manager = LearnerAssignmentList(parent=app)
    manager.root_dir = app.root_dir
    webapp.settings["assignment_list_manager"] = manager
    base = webapp.settings["base_url"]
    webapp.add_handlers(".*$", [(url_path_join(base, pattern), handler) for pattern, handler in default_handlers])
