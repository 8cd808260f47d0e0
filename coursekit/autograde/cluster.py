"""``coursekit autograde --cluster ADDRESS``: grading on a Dask distributed cluster, no shared filesystem.

The trainer's machine (the client) and the Dask workers share nothing but the
scheduler's address:

* the client snapshots each submission as a local run does (the files
  grading reads, pruned, the trusted hand-in time, digest of what was read)
  and sends the snapshot's files as bytes, a bounded number at a time; the
  worker repairs the notebooks (its snapshot of those files is the local
  run's), so the client reads no notebook;
* the trusted course material (``course/``, ``source/``, ``release/``) travels
  once, as one archive broadcast to the workers (:class:`Material`); each
  worker unpacks it once and keeps a grading process per worker thread beside
  itself (:mod:`.cluster_worker`): nbgrader imported once, a private
  workspace and gradebook, the same in-process grading as the local pool;
* the worker returns the graded folder (the executed notebook, the timestamp,
  the saved answers), what nbgrader saves of it (scores, automatic comments)
  and the outcome; the client alone writes the gradebook (:mod:`.record`: one
  transaction per submission, nbgrader's saving rules, late penalties and kept
  overrides included), under the section locks that
  :func:`coursekit.autograde.runner.autograde` holds, once per submission;
* a worker lost mid-batch: the scheduler runs its submissions on another
  worker; the client still receives one result per submission and records it
  once (nbgrader's update-or-create, coursekit's row by learner and section);
* a submission whose grading outlives :func:`submission_limit` (a cell stuck
  where the per-cell limit cannot interrupt it) is reported as not graded and
  its grading process is replaced.

Dask is imported only here, and only when a cluster is asked for.
"""

from __future__ import annotations

import atexit
import contextlib
import gzip
import hashlib
import io
import itertools
import json
import os
import queue
import re
import select
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from coursekit.autograde.batch_lookups import BatchLookups, read_batch_lookups
from coursekit.autograde.job import GradingSetup, Outcome, cap_problems, snapshot_submission
from coursekit.autograde.transfer import read_files
from coursekit.gradebook.engine import shared_engines
from coursekit.gradebook.submissions import Task
from coursekit.paths import SNAPSHOTS

SCHEDULER_ENV = "COURSEKIT_DASK_SCHEDULER"
"""Environment variable naming the Dask scheduler (``tcp://host:8786``) when ``--cluster`` is not given."""
CONFIG_OPTION = "dask_scheduler"
"""``c.Coursekit.dask_scheduler = "tcp://host:8786"`` in ``grader/nbgrader_config.py`` names it too."""
WORKERS_WAIT = 60.0
"""Seconds the client waits for a first worker to join the scheduler."""
START_LIMIT = 300.0
"""Seconds a worker's grading process may take to start (imports, its private gradebook)."""
MATERIAL_PARTS = ("course", "source", "release")


class ClusterError(RuntimeError):
    """The cluster cannot be used (scheduler unreachable, no worker); nothing was graded or written."""


def cluster_address(option: str | None, grader_root: Path) -> str | None:
    """The scheduler to grade on: ``--cluster``, else ``$COURSEKIT_DASK_SCHEDULER``, else the workspace config.

    The configuration file is read only when it mentions ``dask_scheduler`` (no start-up cost otherwise).
    """
    if option:
        return option
    if os.environ.get(SCHEDULER_ENV, "").strip():
        return os.environ[SCHEDULER_ENV].strip()
    config = grader_root / "nbgrader_config.py"
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return None
    if CONFIG_OPTION not in text:
        return None
    from traitlets.config.loader import PyFileConfigLoader

    loaded = PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
    value = loaded.get("Coursekit", {}).get(CONFIG_OPTION)
    return str(value).strip() or None if value else None


def submission_limit(timeout: float) -> float:
    """Seconds a worker may spend on one submission: four cells' time limits and 30 s for the rest."""
    return 4 * timeout + 30


@dataclass(frozen=True)
class Material:
    """The trusted course material, sent once to every worker: an archive and how to grade with it."""

    digest: str
    course_id: str
    executor: str
    timeout: float
    archive: bytes


def pack_material(setup: GradingSetup, course_root: Path) -> Material:
    """Archive ``course/``, ``source/`` and ``release/`` (symlinks left out); the same files give the same digest."""
    roots = {"course": course_root, "source": Path(setup.source_root), "release": Path(setup.release_root)}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in MATERIAL_PARTS:
            for path in sorted(roots[name].rglob("*")):
                if path.is_file() and not path.is_symlink():
                    info = archive.gettarinfo(str(path), f"{name}/{path.relative_to(roots[name]).as_posix()}")
                    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                    with path.open("rb") as handle:
                        archive.addfile(info, handle)
    data = buffer.getvalue()
    key = hashlib.sha256(data + f"{setup.course_id}|{setup.executor}|{setup.timeout}".encode()).hexdigest()
    return Material(key, setup.course_id, setup.executor, setup.timeout, gzip.compress(data, mtime=0))


# --- worker side -----------------------------------------------------------------------------------

class _GradingProcess:
    """One :mod:`.cluster_worker` process and the framed pipe to it."""

    def __init__(self, site: Path, material: Material) -> None:
        settings = json.dumps({"course_id": material.course_id, "executor": material.executor,
                               "timeout": material.timeout})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.autograde.cluster_worker", str(site), settings],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=site)
        try:
            ready = self._read(time.monotonic() + START_LIMIT)
        except (TimeoutError, EOFError) as exc:
            self.process.kill()
            self.stop()
            raise RuntimeError(f"the grading process did not start ({exc or 'no answer in time'})") from None
        if ready != "ready":
            self.stop()
            raise RuntimeError(f"the grading process did not start (it answered {ready!r})")

    def _read_exact(self, size: int, deadline: float) -> bytes:
        fd, data = self.process.stdout.fileno(), b""
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(size - len(data), 1 << 20))
            if not chunk:
                raise EOFError(f"the grading process ended (exit code {self.process.wait()})")
            data += chunk
        return data

    def _read(self, deadline: float) -> Any:
        import pickle
        import struct

        size = struct.unpack(">Q", self._read_exact(8, deadline))[0]
        return pickle.loads(self._read_exact(size, deadline))

    def grade(self, request: dict[str, Any], limit: float) -> tuple[Outcome, dict[str, Any] | None]:
        """Send one request; its answer, ``TimeoutError`` past ``limit`` s, ``EOFError`` if the process died."""
        from coursekit.autograde.transfer import write_frame

        try:
            write_frame(self.process.stdin, request)
        except (BrokenPipeError, OSError) as exc:
            raise EOFError(f"the grading process ended ({exc})") from None
        return self._read(time.monotonic() + limit)

    def stop(self) -> None:
        """End the process (closing its stdin; killed if it does not end at once)."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Site:
    """The material unpacked on this worker and its idle grading processes."""

    def __init__(self, material: Material, parent: Path) -> None:
        self.material = material
        self.folder = Path(tempfile.mkdtemp(prefix=f"coursekit-{material.digest[:12]}-", dir=parent))
        with tarfile.open(fileobj=io.BytesIO(material.archive), mode="r:gz") as archive:
            archive.extractall(self.folder, filter="data")
        self.idle: queue.SimpleQueue[_GradingProcess] = queue.SimpleQueue()

    def take(self) -> _GradingProcess:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            return _GradingProcess(self.folder, self.material)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()
        shutil.rmtree(self.folder, ignore_errors=True)


_SITES: OrderedDict[str, _Site] = OrderedDict()
_SITES_LOCK = threading.Lock()
_KEPT_SITES = 3


def _worker_folder() -> Path:
    with contextlib.suppress(ImportError, ValueError):
        from distributed import get_worker

        return Path(get_worker().local_directory)
    return Path(tempfile.gettempdir())


def _site(material: Material) -> _Site:
    with _SITES_LOCK:
        site = _SITES.get(material.digest)
        if site is None:
            if not _SITES:
                atexit.register(_close_sites)
            site = _SITES[material.digest] = _Site(material, _worker_folder())
            while len(_SITES) > _KEPT_SITES:
                _SITES.popitem(last=False)[1].close()
        _SITES.move_to_end(material.digest)
        return site


def _close_sites() -> None:
    with _SITES_LOCK:
        while _SITES:
            _SITES.popitem()[1].close()


def grade_on_worker(material: Material, request: dict[str, Any]) -> tuple[Outcome, dict[str, Any] | None]:
    """The Dask task: grade one submission sent as bytes; its outcome and the graded folder (files, cells)."""
    site = _site(material)
    limit = submission_limit(material.timeout)
    learner, section = request["learner"], request["section"]
    process = site.take()
    try:
        answer = process.grade(request, limit)
    except TimeoutError:
        process.process.kill()
        process.stop()
        return Outcome(learner, section, "", False,
                       [f"not graded: grading did not finish within {limit:g} s"], limit), None
    except EOFError as exc:
        process.stop()
        return Outcome(learner, section, "", False, [f"not graded: {exc}"]), None
    except BaseException:
        process.process.kill()
        process.stop()
        raise
    site.idle.put(process)
    return answer


def grade_chunk_on_worker(material: Material,
                          requests: list[dict[str, Any]]) -> list[tuple[Outcome, dict[str, Any] | None]]:
    """The Dask task: grade a few submissions one after the other (:func:`grade_on_worker` each)."""
    return [grade_on_worker(material, request) for request in requests]


MAX_CHUNK = 4
"""Submissions sent to a worker in one Dask task, at most."""
SHARES_PER_THREAD = 2
"""A task takes at most this share of what is left per worker thread: tasks shrink to one submission at the end."""


def chunk_size(left: int, threads: int) -> int:
    """Submissions in the next Dask task, with ``left`` not sent yet: few round trips, a short tail.

    Up to :data:`MAX_CHUNK` while much is left, then fewer, down to one, so the workers finish together.
    """
    return max(1, min(MAX_CHUNK, left // max(1, threads * SHARES_PER_THREAD)))


# --- client side -----------------------------------------------------------------------------------

ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:[^\s/:\[\]]+|\[[0-9a-fA-F:.]+\]):\d+$")
"""A scheduler address: ``tcp://host:8786``, ``tls://host:8786``, ``host:8786`` or ``tcp://[::1]:8786``."""


def _connect(address: str) -> Any:
    if not ADDRESS.match(address):
        raise ClusterError(f"{address[:80]!r} is not a Dask scheduler address (expected tcp://host:8786)")
    from distributed import Client

    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({str(exc)[:200]})") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_WAIT)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(f"no Dask worker joined the scheduler at {address} within {WORKERS_WAIT:g} s") from None
    return client


def _prepare(task: Task, setup: GradingSetup, folder: Path, remove: Callable[[Path], Any] = shutil.rmtree,
             lookups: BatchLookups | None = None) -> tuple[Task, list[str], dict[str, Any]] | Outcome:
    """The request for one submission (its snapshot's files) with the snapshot's digest and problems.

    The snapshot is taken into ``folder`` (new) and read into memory; ``remove`` deletes the folder after.
    ``lookups``: the gradebook's hand-in times and quiz records of the batch, read once.
    """
    started = time.perf_counter()
    try:
        copied = snapshot_submission(task, setup, Path(setup.grader_root) / "submitted" / task.learner / task.section,
                                     folder, repair=False,  # the worker repairs the notebooks, as a local process
                                     lookups=lookups)
        if isinstance(copied, str):
            return Outcome(task.learner, task.section, task.digest, False, [f"not graded: {copied}"],
                           time.perf_counter() - started)
        digest, problems, key = copied
        files = read_files(folder)
    finally:
        remove(folder)
    request = {"learner": task.learner, "section": task.section, "files": files}
    if key is not None:  # graded from the quiz service's record: the worker checks the draws with its key
        request["draw_key"] = key.hex()
    return replace(task, digest=digest), problems, request


_RECORD_ERRORS = (OSError, ValueError, KeyError)


def _not_recorded(outcome: Outcome, exc: BaseException) -> Outcome:
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return replace(outcome, ok=False, attempts=None,
                   problems=cap_problems([*outcome.problems, f"not recorded: {reason}"]))


def _record(recorder: Any, api: Any, results: list[tuple[Task, list[str], Outcome, dict[str, Any] | None]],
            discard: Callable[[Path], None]) -> list[Outcome]:
    """Write the returned graded folders into ``autograded/`` and their scores into the gradebook; the outcomes.

    The scores of the submissions a task returned are recorded in one transaction; when it fails, each is
    recorded alone, so one that cannot be recorded is named and the others are kept. ``discard`` takes a
    folder graded before out of the way.
    """
    from nbgrader.api import InvalidEntry, MissingEntry
    from sqlalchemy.exc import SQLAlchemyError

    from coursekit.autograde.record import GradedSubmission, write_graded_folder

    errors = (*_RECORD_ERRORS, MissingEntry, InvalidEntry, SQLAlchemyError)
    outcomes, written = [], []
    for task, problems, outcome, graded in results:
        merged = replace(outcome, digest=task.digest, problems=cap_problems([*problems, *outcome.problems]))
        outcomes.append(merged)
        if not outcome.ok or graded is None:
            continue
        folder = Path(api.coursedir.format_path(api.coursedir.autograded_directory, task.learner, task.section))
        try:
            write_graded_folder(folder, graded["files"], read_only=not api.coursedir.groupshared, discard=discard)
            written.append((len(outcomes) - 1, GradedSubmission(
                task.learner, task.section, api.coursedir.get_existing_timestamp(str(folder)), graded["cells"])))
        except errors as exc:
            outcomes[-1] = _not_recorded(merged, exc)
    try:
        recorder.record_many([item for _, item in written])
    except errors:
        for index, item in written:
            try:
                recorder.record_many([item])
            except errors as exc:
                outcomes[index] = _not_recorded(outcomes[index], exc)
    return outcomes


def _lost(task: Task, problems: list[str], exc: BaseException) -> Outcome:
    reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}" if str(exc) else type(exc).__name__
    return Outcome(task.learner, task.section, task.digest, False,
                   cap_problems([*problems, f"not graded: the cluster lost it ({reason})"]))


def run_on_cluster(setup: GradingSetup, todo: Sequence[Task], address: str, course_root: Path,
                   api: Any) -> Iterator[list[Outcome]]:
    """Grade ``todo`` on the Dask scheduler at ``address``; yield the outcomes of each task once, recorded.

    Every submission's outcome comes exactly once, in a list of the few a task graded (or could not send).

    Parameters
    ----------
    setup
        The trainer's workspace, gradebook, executor and per-cell time limit.
    todo
        Submissions to grade (already filtered by the runner: unchanged ones are skipped).
    address
        The scheduler (``tcp://host:8786``).
    course_root
        The authored ``course/`` folder (sent to the workers with ``source/`` and ``release/``).
    api
        The client's ``NbGraderAPI`` on the trainer's gradebook (the single writer).

    Raises
    ------
    ClusterError
        When the scheduler cannot be reached or has no worker (before anything is graded).
    """
    if not todo:
        return
    from distributed import as_completed

    from coursekit.autograde.record import GradebookRecorder, remove_graded_folder

    client = _connect(address)
    scratch = Path(setup.grader_root) / SNAPSHOTS / f"cluster-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    recorder = GradebookRecorder(api)
    engines = contextlib.ExitStack()
    engines.enter_context(shared_engines())  # the gradebook's look-ups of the batch: one engine
    from concurrent.futures import ThreadPoolExecutor

    remover = ThreadPoolExecutor(1, thread_name_prefix="coursekit-snapshot-removal")  # waits on the disk, not here
    folders = (scratch / str(number) for number in itertools.count())

    def remove(folder: Path) -> None:
        remover.submit(shutil.rmtree, folder, ignore_errors=True)

    def discard(graded: Path) -> None:
        """Move a folder graded before into the scratch folder, deleted there off the grading loop."""
        target = next(folders)
        try:
            graded.rename(target)
        except OSError:  # another file system: deleted here
            remove_graded_folder(graded)
        else:
            remover.submit(remove_graded_folder, target)
    try:
        lookups = read_batch_lookups(setup.db_url, todo)  # hand-in times and quiz records, once for the batch
        material = client.scatter(pack_material(setup, course_root), broadcast=True, hash=False)
        threads = sum(client.nthreads().values())
        window = 2 * threads * MAX_CHUNK  # submissions in flight: every worker has the next task at hand
        pending, left = iter(todo), len(todo)
        waiting: dict[str, list[tuple[Task, list[str]]]] = {}
        done: set[tuple[str, str]] = set()
        batch, numbers = uuid.uuid4().hex[:8], itertools.count()
        futures = as_completed(loop=client.loop)

        def submit_next(unread: list[Outcome]) -> bool:
            """Submit the next few submissions as one task (False: none left); the unreadable ones to ``unread``."""
            nonlocal left
            entries, requests, chunk = [], [], chunk_size(left, threads)
            for task in pending:
                left -= 1
                prepared = _prepare(task, setup, next(folders), remove, lookups)
                if isinstance(prepared, Outcome):
                    unread.append(prepared)
                    continue
                ready, problems, request = prepared
                entries.append((ready, problems))
                requests.append(request)
                if len(requests) == chunk:
                    break
            if not requests:
                return False
            key = f"coursekit-grade-{batch}-{next(numbers)}"
            waiting[key] = entries
            futures.add(client.submit(grade_chunk_on_worker, material, requests, key=key, pure=False))
            return True

        def fill() -> list[Outcome]:
            unread: list[Outcome] = []
            while sum(map(len, waiting.values())) < window and submit_next(unread):
                pass
            return unread

        def once(outcome: Outcome) -> bool:
            """Whether ``outcome`` is the first of its submission (one result per submission, recorded once)."""
            first = (outcome.learner, outcome.section) not in done
            done.add((outcome.learner, outcome.section))
            return first

        def firsts(outcomes: list[Outcome]) -> Iterator[list[Outcome]]:
            if first := list(filter(once, outcomes)):
                yield first

        yield from firsts(fill())
        while not futures.is_empty():
            future = next(futures)
            entries = waiting.pop(future.key)
            try:
                answers = future.result()
            except Exception as exc:  # a lost worker, a cancelled task: reported, graded next run
                outcomes = [_lost(task, problems, exc) for task, problems in entries]
            else:
                fresh = [(task, problems, outcome, graded)  # a submission graded already is not written again
                         for (task, problems), (outcome, graded) in zip(entries, answers, strict=True)
                         if (task.learner, task.section) not in done]
                outcomes = _record(recorder, api, fresh, discard)
            future.release()
            yield from firsts(outcomes)
            yield from firsts(fill())
    finally:
        remover.shutdown(wait=True)
        engines.close()
        recorder.close()
        shutil.rmtree(scratch, ignore_errors=True)
        client.close()
