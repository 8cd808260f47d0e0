"""A graded trainer workspace and trainer mode (JupyterLab with formgrader) running on it, for tests.

The workspace is a copy of the project with the repository's ``grader/nbgrader_config.py``, so nbgrader
and formgrader read exactly what a trainer's ``grader/`` gives them. Two learners: ``ada`` (two attempts,
the second counts: the highest total) and ``ben`` (one attempt); both wrote comments, none is reviewed.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import secrets
import shutil
import socket
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import nbformat
from grading_support import answers, attempt, edit_notebook, grade_all, make_project, write_submission
from process_support import START_TIMEOUT, serving
from project_support import REPO

from coursekit.authoring.course import Section, load_course
from coursekit.cell_ids import comment_cell_id
from coursekit.paths import ProjectPaths
from coursekit.trainer import prepare_workspace, trainer_environment, trainer_lab_command

SECTION = "cooperation_networking"
ADA_COMMENT = "We meet the partner schools twice a year and plan open days together."
BEN_COMMENT = "We share a quality handbook with two schools in the region."
REMARK = "Good example; say also what changed for the learners."


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_right(section: Section, count: int) -> set[str]:
    """The ids of the first ``count`` slots (a question, or a pool whichever of its questions is drawn)."""
    return {s.id for s in section.quiz.quiz_slots[:count]}


def graded_workspace(root: Path) -> ProjectPaths:
    """A project in ``root`` with ada's and ben's submissions autograded (nothing reviewed)."""
    paths = make_project(root)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    course = load_course(paths.course)
    section = course.section(SECTION)
    ada = write_submission(paths, course, section, "ada",
                           [attempt(1, answers(section, first_right(section, 3))),
                            attempt(2, answers(section, first_right(section, 9)))], comment=ADA_COMMENT)
    ben = write_submission(paths, course, section, "ben", [attempt(1, answers(section, first_right(section, 5)))],
                           comment=BEN_COMMENT)
    for folder in (ada, ben):  # as nbgrader submit writes it (release_feedback needs it)
        (folder / "submission_secret.txt").write_text(secrets.token_hex(16), encoding="utf-8")
    result = grade_all(paths, jobs=1)
    assert not result.failed and not result.problems, result.problems
    return paths


LATE_DUE = datetime(2026, 9, 15, 17, 0)
"""A due date before the learners' files (2026-10-01 09:10) were handed in."""
EARLY_CLAIM = "2026-09-01 08:00:00.000000 UTC"
"""What ``cleo``'s ``timestamp.txt`` claims: a hand-in before :data:`LATE_DUE`."""


def late_claiming_workspace(root: Path) -> tuple[ProjectPaths, Path]:
    """:func:`graded_workspace` due on :data:`LATE_DUE`, and ``cleo``, graded too, whose ``timestamp.txt`` claims
    :data:`EARLY_CLAIM` and whose notebook has a code cell she added that would write a marker file.

    Returns the paths and that marker file's path (it exists only if the learner's code ran).
    """
    from nbgrader.api import Gradebook

    paths = graded_workspace(root)
    course = load_course(paths.course)
    section = course.section(SECTION)
    marker = paths.root / "learner-code-ran"
    cleo = write_submission(paths, course, section, "cleo", [attempt(1, answers(section, first_right(section, 9)))])
    edit_notebook(cleo, SECTION, lambda nb: nb.cells.append(nbformat.v4.new_code_cell(
        f"open({str(marker)!r}, 'w').write('ran')")))
    (cleo / "timestamp.txt").write_text(EARLY_CLAIM, encoding="utf-8")  # the files keep their later time
    with Gradebook(paths.gradebook_url, course.id) as gradebook:
        gradebook.update_or_create_assignment(SECTION, duedate=LATE_DUE)
    result = grade_all(paths, jobs=1)
    assert not result.failed, [(o.learner, o.problems) for o in result.failed]
    return paths, marker


def review(db_url: str, learner: str, section: Section, points: float, remark: str | None = None) -> None:
    """Give every comment of a submission ``points`` (at most its maximum) as a trainer does in formgrader."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        for question in section.comments:
            grade = gradebook.find_grade(comment_cell_id(question.id), section.id, section.id, learner)
            grade.manual_score = min(points, question.points)
            grade.needs_manual_grade = False
            if remark:
                gradebook.find_comment(comment_cell_id(question.id), section.id, section.id,
                                       learner).manual_comment = remark
        gradebook.db.commit()


class TrainerLab(NamedTuple):
    """A running trainer-mode JupyterLab: base URL, token, and an opener that keeps formgrader's cookies."""

    url: str
    token: str
    opener: Any

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """Call the server as formgrader's page does: token, XSRF cookie and header; return the decoded JSON."""
        xsrf = next((c.value for c in self.opener.cookiejar if c.name == "_xsrf"), "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data if data is not None else
                                         (b"" if method in ("POST", "PUT") else None), method=method,
                                         headers={"Authorization": f"token {self.token}", "X-XSRFToken": xsrf,
                                                  "Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            text = response.read()
        return json.loads(text) if text else None

    def page(self, path: str) -> str:
        """GET a page (sets formgrader's XSRF cookie); return its HTML."""
        request = urllib.request.Request(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"})
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode("utf-8", errors="replace")


@contextlib.contextmanager
def running_trainer_lab(paths: ProjectPaths, port: int) -> Iterator[TrainerLab]:
    """Trainer mode as ``coursekit grade`` starts it (workspace prepared, every nbgrader extension on)."""
    course = load_course(paths.course)
    prepare_workspace(course, paths, paths.gradebook_url)
    token = secrets.token_hex(16)
    env = trainer_environment(paths.grader, paths.gradebook_url)
    log = paths.root / "trainer-lab.log"
    jar = http.cookiejar.CookieJar()
    lab = TrainerLab(f"http://127.0.0.1:{port}", token,
                     urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)))
    lab.opener.cookiejar = jar
    with serving(trainer_lab_command(paths.grader, port, token=token), paths.grader, env, log,
                 lambda: lab.page("/api/status"), "trainer lab", START_TIMEOUT):
        yield lab
