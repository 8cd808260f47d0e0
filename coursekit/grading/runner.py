"""``coursekit autograde``: nbgrader's autograde in parallel, resumable, with a summary.

Each of N long-lived worker processes imports nbgrader once and grades
submissions through :class:`~.converter.CoursekitAutograde` in-process. The
parent hands out submissions, shows a progress bar with an ETA, and records
each finished submission in the gradebook (:mod:`.state`), so that

* a re-run skips submissions already graded and unchanged;
* after ``kill -9`` a re-run grades exactly what had not finished (nbgrader
  writes grades with update-or-create, so nothing is duplicated);
* one learner's failure (a bad notebook, a timeout) is a problem in the
  summary, never the end of the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course
from coursekit.grading.hidden import as_submitter
from coursekit.grading.state import GradedState, load_states, make_engine, save_state, submission_digest
from coursekit.paths import ProjectPaths

LOCKED_RETRIES = 5


@dataclass(frozen=True)
class Task:
    """One submission to grade."""

    learner: str
    section: str
    digest: str


@dataclass
class Outcome:
    """What grading one submission gave."""

    learner: str
    section: str
    digest: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    attempts: int | None = None


@dataclass
class BatchResult:
    """The summary of a batch."""

    graded: list[Outcome] = field(default_factory=list)
    skipped: list[Task] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def problems(self) -> list[tuple[str, str, str]]:
        """Every (learner, section, reason) of the batch."""
        return [(o.learner, o.section, p) for o in self.graded for p in o.problems]

    @property
    def failed(self) -> list[Outcome]:
        """Submissions nbgrader could not grade at all."""
        return [o for o in self.graded if not o.ok]


@dataclass(frozen=True)
class GradingSetup:
    """Everything a worker needs to build its nbgrader API (picklable)."""

    course_id: str
    grader_root: str
    source_root: str
    release_root: str
    db_url: str
    executor: str = "inprocess"
    timeout: float = 60.0


def find_tasks(submitted_root: Path, sections: Sequence[str], learners: Sequence[str] | None = None) -> list[Task]:
    """Every submission folder ``submitted/<learner>/<section>/`` of the given sections."""
    tasks = []
    if not submitted_root.is_dir():
        return tasks
    for learner_dir in sorted(p for p in submitted_root.iterdir() if p.is_dir()):
        if learners and learner_dir.name not in learners:
            continue
        for section in sections:
            folder = learner_dir / section
            if folder.is_dir() and not folder.is_symlink():
                tasks.append(Task(learner_dir.name, section, submission_digest(folder)))
    return tasks


# --- worker side -----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Linux: end this worker when the parent dies, even by ``kill -9``."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def init_worker(setup: GradingSetup, child: bool = True) -> None:
    """Build this process's nbgrader API once (imports are paid here, not per learner)."""
    if child:
        _die_with_parent()
    os.environ["COURSEKIT_READONLY"] = "1"
    import warnings

    from sqlalchemy.exc import SAWarning

    # nbgrader's create-student path triggers SQLAlchemy autoflush warnings that say nothing to a trainer.
    warnings.filterwarnings("ignore", category=SAWarning)
    from coursekit.grading.converter import configure
    from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

    config = nbgrader_config(setup.course_id, Path(setup.grader_root), Path(setup.source_root),
                             Path(setup.release_root), setup.db_url)
    configure(config, setup.release_root, setup.executor)
    config.Execute.timeout = int(setup.timeout)
    config.InProcessExecute.timeout = setup.timeout
    _WORKER["api"] = nbgrader_api(config)
    _WORKER["setup"] = setup


def _failure_reason(result: dict[str, Any]) -> str:
    text = (result.get("error") or result.get("log") or "").strip().splitlines()
    lines = [line for line in text if line.strip()]
    return lines[-1][:300] if lines else "nbgrader autograde failed"


@as_submitter  # the grade cells compare the responses file's learner with this submitter
def grade_task(task: Task) -> Outcome:
    """Grade one submission in this worker (retrying when SQLite is busy)."""
    from nbgrader.utils import capture_log, temp_attrs

    from coursekit.grading.converter import CoursekitAutograde
    from coursekit.grading.hidden import check_submission

    api, setup = _WORKER["api"], _WORKER["setup"]
    started = time.perf_counter()
    for attempt in range(LOCKED_RETRIES):
        with temp_attrs(api.coursedir, assignment_id=task.section, student_id=task.learner):
            app = CoursekitAutograde(coursedir=api.coursedir, parent=api)
            app.force = True
            app.create_student = True
            result = capture_log(app)  # per-cell time limits apply inside
        if result.get("success") or "database is locked" not in str(result) or attempt == LOCKED_RETRIES - 1:
            break
        time.sleep(0.2 * (attempt + 1))
    problems = list(dict.fromkeys(app.problems.get((task.learner, task.section), [])))
    ok = bool(result.get("success"))
    attempts = None
    if ok:
        folder = Path(api.coursedir.format_path(api.coursedir.autograded_directory, task.learner, task.section))
        source = Path(setup.source_root) / task.section / f"{task.section}.ipynb"
        check = check_submission(folder, task.section, source)
        problems.extend(check.problems)
        attempts = check.attempts
    else:
        problems.append(f"not graded: {_failure_reason(result)}")
    # The submission as graded: grading sets an unreadable notebook aside (``<name>.unreadable``) and puts the
    # release copy in its place, so the folder's digest is taken again; a re-run then skips it.
    submitted = Path(api.coursedir.format_path(api.coursedir.submitted_directory, task.learner, task.section))
    digest = submission_digest(submitted) if submitted.is_dir() else task.digest
    return Outcome(task.learner, task.section, digest, ok, problems, time.perf_counter() - started, attempts)


# --- parent side -----------------------------------------------------------------------------------

def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc="autograde", disable=quiet or total == 0,
                file=sys.stderr, dynamic_ncols=True)


def autograde(setup: GradingSetup, tasks: Sequence[Task], jobs: int | None = None,
              force: bool = False, quiet: bool = False) -> BatchResult:
    """Grade ``tasks`` with ``jobs`` worker processes.

    Parameters
    ----------
    setup
        Course directories, gradebook URL, executor and per-cell timeout.
    tasks
        Submissions from :func:`find_tasks`.
    jobs
        Worker processes (default: the number of CPUs). ``1`` grades in this process.
    force
        Re-grade submissions even when already graded and unchanged.
    quiet
        No progress bar.

    Returns
    -------
    BatchResult
        Outcomes of the graded submissions, and the skipped ones.
    """
    started = time.perf_counter()
    engine = make_engine(setup.db_url)
    states = load_states(engine)
    result = BatchResult()
    todo = []
    for task in tasks:
        known = states.get((task.learner, task.section))
        if not force and known is not None and known.graded and known.digest == task.digest:
            result.skipped.append(task)
        else:
            todo.append(task)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    with _progress(len(todo), quiet) as bar:
        for outcome in _run(setup, todo, jobs):
            # A submission that could not be graded is remembered with its reason (for the
            # report) but graded=False, so the next run tries it again.
            save_state(engine, GradedState(
                outcome.learner, outcome.section, outcome.digest, tuple(outcome.problems),
                datetime.now(UTC).isoformat(timespec="seconds"), round(outcome.seconds, 3),
                outcome.attempts, outcome.ok,
            ))
            result.graded.append(outcome)
            bar.update(1)
    engine.dispose()
    result.seconds = time.perf_counter() - started
    return result


def _run(setup: GradingSetup, todo: Sequence[Task], jobs: int) -> Iterator[Outcome]:
    if not todo:
        return
    if jobs == 1:
        readonly = os.environ.get("COURSEKIT_READONLY")
        init_worker(setup, child=False)
        try:
            yield from map(grade_task, todo)
        finally:
            if readonly is None:
                os.environ.pop("COURSEKIT_READONLY", None)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=init_worker, initargs=(setup,)) as pool:
        yield from pool.imap_unordered(grade_task, todo)


def grade_workspace(course: Course, paths: ProjectPaths, db_url: str, sections: Sequence[str] | None = None,
                    learners: Sequence[str] | None = None, jobs: int | None = None, force: bool = False,
                    quiet: bool = False, executor: str = "inprocess", timeout: float = 60.0) -> BatchResult:
    """Record missing sections in the gradebook, then autograde the workspace's submissions (all by default)."""
    from coursekit.grading.roster import ensure_sections

    ensure_sections(db_url, course, paths.source, paths.grader)
    setup = GradingSetup(course.id, str(paths.grader), str(paths.source), str(paths.release), db_url, executor,
                         timeout)
    tasks = find_tasks(paths.grader / "submitted", sections or [s.id for s in course.sections], learners)
    return autograde(setup, tasks, jobs=jobs, force=force, quiet=quiet)


def format_summary(result: BatchResult) -> str:
    """The summary printed after a batch."""
    lines = [
        f"graded: {len(result.graded)}  problems: {len(result.problems)}  skipped (unchanged): "
        f"{len(result.skipped)}  time: {result.seconds:.1f} s"
    ]
    lines += [f"  {learner} / {section}: {reason}" for learner, section, reason in result.problems]
    return "\n".join(lines)
