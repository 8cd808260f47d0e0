"""``coursekit autograde``: nbgrader's autograde in parallel, resumable, with a summary.

Each of N long-lived worker processes imports nbgrader once and grades
submissions through :class:`~.converter.CoursekitAutograde` in-process. The
parent hands out submissions, shows a progress bar with an ETA, and records
each finished submission in the gradebook (:mod:`coursekit.gradebook.state`), so that

* a re-run skips submissions already graded and unchanged;
* after ``kill -9`` a re-run grades exactly what had not finished (nbgrader
  writes grades with update-or-create, so nothing is duplicated);
* one learner's failure (a bad notebook, a timeout) is a problem in the
  summary, never the end of the batch;
* every submission is graded from a private snapshot (:mod:`.snapshot`) whose
  digest is the one recorded, so a submission replaced while it is graded is
  graded again next time;
* runs that overlap on one gradebook never grade the same section at once:
  each run holds the section's lock (:mod:`coursekit.gradebook.locks`) while it grades, and the
  later run waits, then skips what the first one graded;
* every folder under ``submitted/`` is graded or named with the reason it was
  refused (a learner id nbgrader cannot use literally, a symlink).

With a cluster address (``autograde --cluster``) the same batch is graded on
the workers of a Dask scheduler instead of local processes (:mod:`.cluster`);
everything above holds there too.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course
from coursekit.autograde.batch_lookups import read_batch_lookups
from coursekit.autograde.cluster import run_on_cluster
from coursekit.autograde.job import GradingSetup, Outcome, cap_problems, snapshot_submission
from coursekit.autograde.snapshot import submission_digest
from coursekit.gradebook.kept_reviews import restore_reviews, reviewed_grades
from coursekit.gradebook.learner_ids import shown_id
from coursekit.gradebook.locks import gradebook_locks, section_lock_name
from coursekit.gradebook.roster import ensure_sections, register_learners
from coursekit.gradebook.state import GradedState, load_states, make_engine, save_states
from coursekit.gradebook.submissions import Refused, Task, find_submissions
from coursekit.grading.hidden import SOURCE_ENV, as_submitter, service_draw_key
from coursekit.paths import SNAPSHOTS, ProjectPaths
from coursekit.service.grading import tasks_with_record_digests

LOCKED_RETRIES = 5


class GradebookWriteError(RuntimeError):
    """The gradebook refused a write (disk full, database gone); the batch stops, what was recorded stays."""


@dataclass
class BatchResult:
    """The summary of a batch."""

    graded: list[Outcome] = field(default_factory=list)
    skipped: list[Task] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None

    @property
    def problems(self) -> list[tuple[str, str, str]]:
        """Every (learner, section, reason) of the batch, refused folders included."""
        return [(r.learner, r.section, r.reason) for r in self.refused] + \
            [(o.learner, o.section, p) for o in self.graded for p in o.problems]

    @property
    def failed(self) -> list[Outcome]:
        """Submissions nbgrader could not grade at all."""
        return [o for o in self.graded if not o.ok]


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
    os.environ[SOURCE_ENV] = setup.source_root  # the grade cells complete their key from the source notebook
    import logging
    import warnings

    # nbgrader's failures reach the summary through capture_log; without this, loggers with no handler of
    # their own print whole tracebacks to the trainer's terminal.
    logging.getLogger().addHandler(logging.NullHandler())
    from sqlalchemy.exc import SAWarning

    # nbgrader's create-student path triggers SQLAlchemy autoflush warnings that say nothing to a trainer.
    warnings.filterwarnings("ignore", category=SAWarning)
    from coursekit.autograde.converter import configure
    from coursekit.autograde.gradebook_steps import forget_gradebooks
    from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

    forget_gradebooks()  # a new batch reads the sections' cells again

    config = nbgrader_config(setup.course_id, Path(setup.grader_root), Path(setup.source_root),
                             Path(setup.release_root), setup.db_url)
    configure(config, setup.release_root, setup.executor)
    config.Execute.timeout = int(setup.timeout)
    config.InProcessExecute.timeout = setup.timeout
    _WORKER["api"] = nbgrader_api(config)
    _WORKER["setup"] = setup


_GENERIC_FAILURE = "Please see the"
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)(: |$)")


def failure_reason(result: dict[str, Any]) -> str:
    """The most telling line of an nbgrader failure (``capture_log``'s result).

    The last exception line but nbgrader's generic wrap-up.
    """
    text = f"{result.get('log') or ''}\n{result.get('error') or ''}".strip().splitlines()
    lines = [line.strip() for line in text if line.strip()]
    errors = [line for line in lines if _EXCEPTION_LINE.match(line.removeprefix("[ERROR] "))
              and "NbGraderException" not in line and _GENERIC_FAILURE not in line]
    chosen = errors[-1] if errors else (lines[-1] if lines else "nbgrader autograde failed")
    return chosen.removeprefix("[ERROR] ")[:300]


DISK_FULL = ("database or disk is full", "No space left on device")


def _disk_full(outcome: Outcome) -> str | None:
    return next((p for p in outcome.problems if any(sign in p for sign in DISK_FULL)), None)


def _snapshot_root(setup: GradingSetup) -> Path:
    return Path(setup.grader_root) / SNAPSHOTS / str(os.getpid())


def _nbgrader_autograde(api: Any, task: Task, submitted_step: str) -> tuple[dict[str, Any], list[str]]:
    """Nbgrader's autograde of one submission read from ``submitted_step``: its result and coursekit's problems."""
    from nbgrader.utils import capture_log, temp_attrs

    from coursekit.autograde.converter import CoursekitAutograde

    for attempt in range(LOCKED_RETRIES):
        with temp_attrs(api.coursedir, assignment_id=task.section, student_id=task.learner,
                        submitted_directory=submitted_step):
            app = CoursekitAutograde(coursedir=api.coursedir, parent=api)
            app.force = True
            app.create_student = True
            result = capture_log(app)  # per-cell time limits apply inside
        if result.get("success") or "database is locked" not in str(result) or attempt == LOCKED_RETRIES - 1:
            break
        time.sleep(0.2 * (attempt + 1))
    return result, app.problems.get((task.learner, task.section), [])


@as_submitter  # the grade cells compare the responses file's learner with this submitter
def grade_task(task: Task) -> Outcome:
    """Grade one submission in this worker, from a private snapshot (retrying when SQLite is busy)."""
    from coursekit.grading.hidden import check_submission

    api, setup = _WORKER["api"], _WORKER["setup"]
    started = time.perf_counter()
    submitted = Path(api.coursedir.format_path(api.coursedir.submitted_directory, task.learner, task.section))
    snapshot_root = _snapshot_root(setup)
    shutil.rmtree(snapshot_root, ignore_errors=True)
    try:
        copied = snapshot_submission(task, setup, submitted, snapshot_root / task.learner / task.section,
                                     lookups=_WORKER.get("lookups"))
        if isinstance(copied, str):
            return Outcome(task.learner, task.section, task.digest, False, [f"not graded: {copied}"],
                           time.perf_counter() - started)
        digest, problems, key = copied
        with service_draw_key(key):  # a section graded from the quiz service's record: its draws are the service's
            result, found = _nbgrader_autograde(api, task, os.path.relpath(snapshot_root, api.coursedir.root))
    finally:
        shutil.rmtree(snapshot_root, ignore_errors=True)
    problems += found
    ok = bool(result.get("success"))
    attempts = None
    if ok:
        autograded = Path(api.coursedir.format_path(api.coursedir.autograded_directory, task.learner, task.section))
        with service_draw_key(key):
            check = check_submission(autograded, task.section, Path(setup.source_root) / task.section /
                                     f"{task.section}.ipynb")
        problems.extend(check.problems)
        attempts = check.attempts
        ok = check.refused is None  # a draw edited in the responses file: not graded, with the reason
    else:
        problems.append(f"not graded: {failure_reason(result)}")
    return Outcome(task.learner, task.section, digest, ok, cap_problems(problems), time.perf_counter() - started,
                   attempts)


# --- parent side -----------------------------------------------------------------------------------

def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc="autograde", disable=quiet or total == 0,
                file=sys.stderr, dynamic_ncols=True)


def autograde(setup: GradingSetup, tasks: Sequence[Task], jobs: int | None = None,
              force: bool = False, quiet: bool = False, cluster: str | None = None) -> BatchResult:
    """Grade ``tasks`` with ``jobs`` worker processes (or on a cluster), holding the lock of every section graded.

    Parameters
    ----------
    setup
        Course directories, gradebook URL, executor and per-cell timeout.
    tasks
        Submissions from :func:`~coursekit.gradebook.submissions.find_submissions`.
    jobs
        Worker processes (default: the number of CPUs). ``1`` grades in this process.
    force
        Re-grade submissions even when already graded and unchanged.
    quiet
        No progress bar, no message while waiting for another run.
    cluster
        The address of a Dask scheduler to grade on instead of local processes (:mod:`.cluster`).

    Returns
    -------
    BatchResult
        Outcomes of the graded submissions, and the skipped ones. When the gradebook refuses a write
        (disk full), ``stopped`` says so and the outcomes recorded until then are kept.

    Raises
    ------
    coursekit.autograde.cluster.ClusterError
        When ``cluster`` is given and cannot be used (nothing is graded then).
    """
    started = time.perf_counter()
    result = BatchResult()

    def waiting(lock: str) -> None:
        if not quiet:
            print(f"another autograde is grading {lock.removeprefix('autograde-')} on this gradebook; "
                  "waiting for it to finish", file=sys.stderr, flush=True)

    locks = [section_lock_name(section) for section in {t.section for t in tasks}]
    engine = make_engine(setup.db_url)
    try:
        with gradebook_locks(setup.db_url, locks, on_wait=waiting):
            states = load_states(engine)  # read under the locks: what an overlapping run graded is skipped
            reviewed = reviewed_grades(engine)
            todo, unchanged = [], set()
            for task in tasks:
                same = graded_as_it_is(states.get((task.learner, task.section)), task)
                if same and not force:
                    result.skipped.append(task)
                else:
                    todo.append(task)
                    if same:
                        unchanged.add((task.learner, task.section))
            jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
            with _progress(len(todo), quiet) as bar:
                for outcomes in _run(setup, todo, jobs, cluster):
                    _record(engine, outcomes)
                    for outcome in outcomes:
                        if outcome.ok and (outcome.learner, outcome.section) in unchanged:
                            restore_reviews(engine, reviewed.get((outcome.learner, outcome.section), []))
                        result.graded.append(outcome)
                        bar.update(1)
                    if full := next(filter(None, map(_disk_full, outcomes)), None):
                        raise GradebookWriteError(
                            f"the disk is full ({full[:160]}); grading stopped at {outcomes[-1].learner} / "
                            f"{outcomes[-1].section}. Free space, then run again: what was recorded is kept and "
                            "skipped")
    except GradebookWriteError as exc:
        result.stopped = str(exc)
    finally:
        engine.dispose()
    result.seconds = time.perf_counter() - started
    return result


def graded_as_it_is(state: GradedState | None, task: Task) -> bool:
    """Whether ``task`` (a submission as it is now) was graded already: a batch without ``--force`` skips it."""
    return state is not None and state.graded and state.digest == task.digest


def _record(engine: Any, outcomes: list[Outcome]) -> None:
    """Remember graded submissions, in one transaction (a failed one with graded=False: the next run tries again)."""
    from sqlalchemy.exc import SQLAlchemyError

    graded_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        save_states(engine, [GradedState(o.learner, o.section, o.digest, tuple(o.problems), graded_at,
                                         round(o.seconds, 3), o.attempts, o.ok) for o in outcomes])
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise GradebookWriteError(
            f"the gradebook refused a write ({str(reason).splitlines()[0][:200]}); grading stopped at "
            f"{outcomes[0].learner} / {outcomes[0].section}. Free space or fix the database, then run again: "
            "what was recorded is kept and skipped") from None


@contextlib.contextmanager
def worker_in_this_process(setup: GradingSetup) -> Iterator[Any]:
    """The nbgrader API for ``setup`` in this process (:func:`init_worker`), the environment restored after."""
    saved = {name: os.environ.get(name) for name in ("COURSEKIT_READONLY", SOURCE_ENV)}
    init_worker(setup, child=False)
    try:
        yield _WORKER["api"]
    finally:
        from coursekit.autograde.gradebook_steps import forget_gradebooks

        forget_gradebooks()  # no session of this process stays open on the gradebook after the batch
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run(setup: GradingSetup, todo: Sequence[Task], jobs: int,
         cluster: str | None = None) -> Iterator[list[Outcome]]:
    """The outcomes of ``todo`` as they come: one at a time, or a cluster task's few at once."""
    if not todo:
        return
    if cluster:
        course_root = Path(setup.course_root) if setup.course_root else Path(setup.source_root).parent / "course"
        with worker_in_this_process(setup) as api:  # the client records every result: the single writer
            yield from run_on_cluster(setup, todo, cluster, course_root, api)
        return
    _WORKER["lookups"] = read_batch_lookups(setup.db_url, todo)  # once for the batch; the workers inherit it
    try:
        if jobs == 1:
            with worker_in_this_process(setup):
                yield from ([grade_task(task)] for task in todo)
            return
        import coursekit.autograde.converter  # noqa: F401  # nbgrader imported once, before the workers fork

        context = multiprocessing.get_context("fork")
        gc.freeze()  # the imported modules' objects, out of the workers' collections (and their pages shared)
        with context.Pool(jobs, initializer=init_worker, initargs=(setup,)) as pool:
            yield from ([outcome] for outcome in pool.imap_unordered(grade_task, todo))
    finally:
        gc.unfreeze()
        _WORKER.pop("lookups", None)


def current_submissions(paths: ProjectPaths, db_url: str, sections: Sequence[str],
                        learners: Sequence[str] | None = None,
                        all_sections: Sequence[str] | None = None) -> tuple[list[Task], list[Refused]]:
    """The workspace's submissions of ``sections`` as grading sees them now, and the folders it refuses.

    Each with the digest of what grading reads; a section the quiz service recorded is digested with its record.
    """
    tasks, refused = find_submissions(paths.grader / "submitted", sections, learners, all_sections=all_sections,
                                      digest=submission_digest)
    return tasks_with_record_digests(db_url, tasks), refused


def graded_learners(paths: ProjectPaths, db_url: str, section: str) -> set[str]:
    """The learners whose submission of ``section``, as it is now, was graded (``coursekit autograde`` skips them)."""
    tasks, _ = current_submissions(paths, db_url, [section])
    engine = make_engine(db_url)
    try:
        states = load_states(engine)
    finally:
        engine.dispose()
    return {task.learner for task in tasks if graded_as_it_is(states.get((task.learner, task.section)), task)}


def grade_workspace(course: Course, paths: ProjectPaths, db_url: str, sections: Sequence[str] | None = None,
                    learners: Sequence[str] | None = None, jobs: int | None = None, force: bool = False,
                    quiet: bool = False, executor: str = "inprocess", timeout: float = 60.0,
                    cluster: str | None = None) -> BatchResult:
    """Prepare the gradebook, then autograde the workspace's submissions (all by default).

    The gradebook gets its tables, missing sections and the learners of the submissions first (each safe
    when another run does the same at once), then :func:`autograde` grades.
    """
    ensure_sections(db_url, course, paths.source, paths.grader)
    every = [s.id for s in course.sections]
    tasks, refused = current_submissions(paths, db_url, sections or every, learners,
                                         all_sections=None if sections else every)
    register_learners(db_url, [t.learner for t in tasks])
    setup = GradingSetup(course.id, str(paths.grader), str(paths.source), str(paths.release), db_url, executor,
                         timeout, str(paths.course))
    result = autograde(setup, tasks, jobs=jobs, force=force, quiet=quiet, cluster=cluster)
    result.refused = refused
    return result


def format_summary(result: BatchResult) -> str:
    """The summary printed after a batch."""
    lines = [
        f"graded: {len(result.graded)}  problems: {len(result.problems)}  skipped (unchanged): "
        f"{len(result.skipped)}  not graded: {len(result.failed) + len(result.refused)}  time: {result.seconds:.1f} s"
    ]
    lines += [f"  {shown_id(learner)} / {section or '-'}: {reason}" for learner, section, reason in result.problems]
    if result.stopped:
        lines.append(f"stopped: {result.stopped}")
    return "\n".join(lines)
