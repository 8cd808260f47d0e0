"""One submission's grading job, as the local pool and the cluster share it.

:class:`GradingSetup` is what a grading process needs (picklable),
:func:`snapshot_submission` takes the private snapshot a submission is graded
from, and :class:`Outcome` is what grading it gave, its problems capped by
:func:`cap_problems`. :mod:`.runner` and :mod:`.cluster` both build on these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.autograde.batch_lookups import BatchLookups
from coursekit.autograde.handin_clock import settle_timestamp
from coursekit.autograde.snapshot import repair_notebooks, take_stable_snapshot
from coursekit.gradebook.submissions import Task
from coursekit.service.grading import snapshot_from_record

MAX_PROBLEMS = 20
"""Problems kept per submission; the rest are counted in one line."""


def cap_problems(problems: Sequence[str], limit: int = MAX_PROBLEMS) -> list[str]:
    """Distinct problems, each at most 300 characters, at most ``limit`` lines (the last counts the rest)."""
    unique = list(dict.fromkeys(p[:300] for p in problems))
    if len(unique) <= limit:
        return unique
    return [*unique[: limit - 1], f"… and {len(unique) - limit + 1:,} more"]


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
    course_root: str = ""
    """The authored ``course/`` folder (sent to cluster workers; default: beside ``source_root``)."""
    handin_settled: bool = False
    """Whether ``timestamp.txt`` already holds the trusted hand-in time (a cluster worker: the trainer's machine
    settled it from the exchange's record before sending the files, whose times the transfer does not keep)."""


def snapshot_submission(task: Task, setup: GradingSetup, submitted: Path, folder: Path, repair: bool = True,
                        lookups: BatchLookups | None = None) -> tuple[str, list[str], bytes | None] | str:
    """Copy the submission into ``folder`` and repair its notebooks: (digest, problems, draw key), or why it cannot be.

    The draw key is the quiz service's when the section is graded from its record (grading checks the
    draws with it: :func:`coursekit.grading.hidden.service_draw_key`), else None. ``repair=False`` leaves
    the notebooks as handed in, for a grading process that repairs them itself (a cluster worker snapshots
    the files it is sent exactly as a local process does, repair included). ``lookups``: what the gradebook
    said of the batch's submissions, read once (:mod:`.batch_lookups`); None asks it now.
    """
    # nbformat loads with the executor, when grading starts
    from coursekit.autograde.inprocess import CellTimeoutError, time_limit

    try:
        with time_limit(setup.timeout):  # the per-submission time limit covers reading too
            snapshot = take_stable_snapshot(submitted, folder, task.section)
            if not snapshot.has_work:
                found = "; ".join(snapshot.problems) or "the folder is empty"
                return f"nothing of the learner's work could be read ({found})"
            repaired = repair_notebooks(folder, Path(setup.release_root) / task.section) if repair else []
            if not setup.handin_settled:  # a clock the learner does not set
                repaired += settle_timestamp(folder, submitted, snapshot.copied, setup.db_url, task.learner,
                                             task.section, Path(setup.source_root),
                                             lookups.handins(task.learner, task.section) if lookups else None)
            digest, recorded, key = snapshot_from_record(  # the service's record
                setup.db_url, setup.source_root, task.learner, task.section, folder, snapshot.digest,
                lookups.record(task.learner, task.section) if lookups else None)
            return digest, snapshot.problems + repaired + recorded, key
    except (CellTimeoutError, OSError) as exc:
        return str(exc)
    except Exception as exc:  # a learner's folder must never end the batch
        return f"the submission could not be copied ({type(exc).__name__}: {str(exc)[:120]})"
