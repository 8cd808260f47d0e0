"""Formgrader grades with coursekit's engine and knows what it graded: a Jupyter server extension.

nbgrader's formgrader, left alone, undoes two promises of ``coursekit autograde``
where a trainer meets them:

* its Autograde button (⚡ on *Manage Submissions*) runs stock ``nbgrader
  autograde`` on the notebook as handed in: code a learner added runs, the
  lateness comes from the learner's own ``timestamp.txt``, and reviewed
  comments go back to *needs manual grading*;
* it counts a submission as autograded only when the gradebook's hand-in time
  equals the learner's ``timestamp.txt``. coursekit records the time the
  exchange (or the files) give, which differs from the learner's claim for
  nearly every collected submission: formgrader listed them as *needs
  autograding*, with no score and no link, inviting that button.

On wherever coursekit runs formgrader (``coursekit grade``'s trainer mode, the
hub's trainer servers), this extension gives formgrader's pages an API
(:class:`CoursekitGraderAPI`) on which the button runs ``coursekit autograde
--section S --learner L --force`` in a process of its own, and a submission
counts as autograded when coursekit graded it as it is now (the digest of what
grading reads, :func:`coursekit.autograde.runner.graded_learners`): the same
rule ``coursekit autograde`` uses to skip it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from nbgrader.apps.api import NbGraderAPI

GRADE_LIMIT = 900
"""Seconds the Autograde button waits for ``coursekit autograde`` of one submission."""


def project_paths(coursedir: Any) -> Any:
    """The coursekit project of an nbgrader ``CourseDirectory``: the folder of ``source/``, its root the workspace."""
    from coursekit.paths import ProjectPaths

    workspace = Path(coursedir.root).resolve()
    source = Path(coursedir.source_directory)
    source = source if source.is_absolute() else workspace / source
    return ProjectPaths(source.resolve().parent, workspace)


GRADEBOOK_ENV = "COURSEKIT_FORMGRADER_DB_URL"
"""The gradebook's URL, given to the grading process in its environment: never on its command line, where any
account of the machine can read it (a PostgreSQL URL holds a password)."""


def grade_one_command(coursedir: Any, section: str, learner: str) -> list[str]:
    """The command that grades one submission with coursekit's engine and prints its result as JSON.

    The gradebook's URL goes in the environment (:data:`GRADEBOOK_ENV`), not here.
    """
    paths = project_paths(coursedir)
    return [sys.executable, "-m", __name__, str(paths.root), str(paths.workspace), section, learner]


class CoursekitGraderAPI(NbGraderAPI):
    """nbgrader's formgrader API, autograding with coursekit and counting what coursekit graded."""

    def get_autograded_students(self, assignment_id: str) -> set[str]:
        """Learners with a graded folder, a gradebook submission, and coursekit's grade of the submission as it is."""
        from nbgrader.api import Student, SubmittedAssignment

        from coursekit.autograde.runner import graded_learners

        with self.gradebook as gradebook:
            recorded = {row[0] for row in gradebook.db.query(Student.id).join(SubmittedAssignment)
                        .filter(SubmittedAssignment.name == assignment_id).all()}
        folders = {learner for learner in recorded if os.path.isdir(self.coursedir.format_path(
            self.coursedir.autograded_directory, student_id=learner, assignment_id=assignment_id))}
        return folders & graded_learners(project_paths(self.coursedir), self.coursedir.db_url, assignment_id)

    def autograde(self, assignment_id: str, student_id: str, force: bool = True,
                  create: bool = True) -> dict[str, Any]:
        """``coursekit autograde --force`` of one submission; nbgrader's answer: ``success`` and ``log``.

        A failure's reason is the log's first line (formgrader shows the log; no traceback to show).
        """
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        env[GRADEBOOK_ENV] = str(self.coursedir.db_url)
        try:
            done = subprocess.run(grade_one_command(self.coursedir, assignment_id, student_id), capture_output=True,
                                  text=True, env=env, cwd=self.coursedir.root, timeout=GRADE_LIMIT, check=False)
        except subprocess.TimeoutExpired:
            return {"success": False, "log": f"coursekit autograde did not finish within {GRADE_LIMIT} s"}
        lines = done.stdout.strip().splitlines()
        try:
            answer = json.loads(lines[-1]) if lines else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            reason = (done.stderr.strip().splitlines() or ["coursekit autograde failed"])[-1]
            return {"success": False, "log": f"{reason[:500]}\n\n{done.stderr[-4000:]}".rstrip()}
        return answer


    def generate_feedback(self, assignment_id: str, student_id: str | None = None,
                          force: bool = True) -> dict[str, Any]:
        """The feedback nbgrader makes, with the reason of a refusal (a submission not yet reviewed) first in its log.

        Formgrader shows the log before the traceback: the trainer reads why, not an empty line.
        """
        from coursekit.autograde.runner import failure_reason

        result = super().generate_feedback(assignment_id, student_id, force)
        if not result.get("success"):
            reason = failure_reason(result)
            reason = reason.split(": ", 1)[1] if EXCEPTION_NAME.match(reason) else reason
            result["log"] = f"{reason}\n\n{result.get('log') or ''}".rstrip()
        return result


EXCEPTION_NAME = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


def grade_one(root: str, workspace: str, db_url: str, section: str, learner: str) -> dict[str, Any]:
    """Grade one learner's submission of one section with ``--force``; nbgrader's answer for formgrader."""
    from coursekit.authoring.course import load_course
    from coursekit.autograde.runner import format_summary, grade_workspace
    from coursekit.errors import USER_ERRORS
    from coursekit.paths import ProjectPaths

    paths = ProjectPaths(Path(root), Path(workspace))
    try:
        result = grade_workspace(load_course(paths.course), paths, db_url, sections=[section], learners=[learner],
                                 jobs=1, force=True, quiet=True)
    except USER_ERRORS as exc:
        return {"success": False, "log": str(exc)}
    summary = format_summary(result)
    graded = [o for o in result.graded if o.learner == learner and o.section == section]
    if graded and graded[0].ok and not result.stopped:
        return {"success": True, "log": summary}
    reason = next((r.reason for r in result.refused), None) or \
        next((p for o in graded for p in o.problems), None) or result.stopped or "no submission to grade"
    return {"success": False, "log": f"{reason}\n\n{summary}"}


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from nbgrader.server_extensions.formgrader import base

    def api(handler: Any) -> CoursekitGraderAPI:
        """The ``api`` of formgrader's handlers, on :class:`CoursekitGraderAPI`."""
        level = handler.log.level
        handler.coursedir.parent.load_config_file()
        grader_api = CoursekitGraderAPI(handler.coursedir, handler.authenticator, parent=handler.coursedir.parent)
        grader_api.log_level = level
        return grader_api

    base.BaseHandler.api = property(api)


if __name__ == "__main__":
    root, workspace, section, learner = sys.argv[1:5]
    print(json.dumps(grade_one(root, workspace, os.environ[GRADEBOOK_ENV], section, learner)))
