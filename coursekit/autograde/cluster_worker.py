"""The grading process a Dask worker keeps beside itself (``python -m coursekit.autograde.cluster_worker``).

It imports nbgrader once, builds a private workspace and gradebook from the
course material it was given (``course/``, ``source/``, ``release/`` unpacked
in ``SITE``), then grades one submission per request, exactly as a process of
the local pool does (:func:`coursekit.autograde.runner.grade_task`, in its main
thread, so the per-cell time limits apply). Requests and answers are framed
pickles on stdin and stdout (see :func:`coursekit.autograde.transfer.read_frame`); nothing else is written
to stdout. It ends when stdin closes (its worker stopped or was killed).

A request is ``{"learner", "section", "files"}`` (relative path -> bytes of the
snapshot taken on the trainer's machine); the answer is ``(outcome, graded)``,
``graded`` being None or ``{"files", "cells"}``: the graded folder's files and
what nbgrader saved of each notebook (:func:`coursekit.autograde.record.graded_cells`).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from coursekit.autograde.transfer import read_files, read_frame, write_files, write_frame


def prepare(site: Path, course_id: str, executor: str, timeout: float) -> Any:
    """Build this process's workspace and gradebook under ``site``; return its grading setup."""
    from coursekit.authoring.course import load_course
    from coursekit.autograde.job import GradingSetup
    from coursekit.autograde.runner import init_worker
    from coursekit.gradebook.roster import ensure_sections

    grader = site / f"grader-{os.getpid()}"
    shutil.rmtree(grader, ignore_errors=True)
    grader.mkdir()
    db_url = f"sqlite:///{grader / 'gradebook.db'}"
    ensure_sections(db_url, load_course(site / "course"), site / "source", grader)
    setup = GradingSetup(course_id, str(grader), str(site / "source"), str(site / "release"), db_url, executor,
                         timeout, handin_settled=True)
    init_worker(setup, child=False)
    return setup


def grade_request(setup: Any, request: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Grade one submission sent as bytes; return the outcome and, when graded, the graded folder and cells."""
    from coursekit.autograde.job import Outcome
    from coursekit.autograde.record import graded_cells
    from coursekit.autograde.runner import grade_task
    from coursekit.gradebook.submissions import Task
    from coursekit.grading.hidden import service_draw_key

    learner, section = request["learner"], request["section"]
    grader = Path(setup.grader_root)
    submitted = grader / "submitted" / learner / section
    autograded = grader / "autograded" / learner / section
    try:
        write_files(submitted, request["files"])
        key = request.get("draw_key")
        with service_draw_key(bytes.fromhex(key) if isinstance(key, str) and key else None):
            outcome = grade_task(Task(learner, section, ""))
        if not outcome.ok:
            return outcome, None
        return outcome, {"files": read_files(autograded), "cells": graded_cells(autograded)}
    except (OSError, ValueError) as exc:
        return Outcome(learner, section, "", False, [f"not graded: {str(exc)[:200]}"]), None
    finally:
        shutil.rmtree(grader / "submitted" / learner, ignore_errors=True)
        shutil.rmtree(grader / "autograded" / learner, ignore_errors=True)


def serve(site: Path, course_id: str, executor: str, timeout: float) -> int:
    """Answer grading requests on stdin until it closes."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must never corrupt the answers
    requests = sys.stdin.buffer
    setup = prepare(site, course_id, executor, timeout)
    gc.freeze()  # nbgrader's modules and the workspace live as long as this process: out of its collections
    write_frame(answers, "ready")
    while True:
        try:
            request = read_frame(requests)
        except EOFError:
            return 0
        write_frame(answers, grade_request(setup, request))


def main(argv: list[str] | None = None) -> int:
    """``python -m coursekit.autograde.cluster_worker SITE SETTINGS_JSON``."""
    from coursekit.autograde.startup import leave_out_unused_imports

    leave_out_unused_imports()
    site, settings = (argv if argv is not None else sys.argv[1:])[:2]
    options = json.loads(settings)
    return serve(Path(site), options["course_id"], options["executor"], float(options["timeout"]))


if __name__ == "__main__":
    sys.exit(main())
