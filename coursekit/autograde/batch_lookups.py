"""What the gradebook says of a batch's submissions, read once before the batch is graded.

Taking a submission's snapshot asks the gradebook when the exchange saw the
entry (:mod:`.handin_clock`) and what the quiz service recorded
(:mod:`coursekit.service.grading`): two or three queries per submission. Both
are read for the whole batch at once instead: by the cluster client, which
takes every snapshot itself, and by the local run before its workers start
(they inherit the read). A submission folder collected again after the
read is asked for afresh (:class:`~.handin_clock.KnownHandins`); the service's
record read here is the one the submission is graded from and digested with, so
an attempt recorded meanwhile is graded at the next run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from coursekit.autograde.handin_clock import KnownHandins, collected_rows
from coursekit.gradebook.submissions import Task
from coursekit.service.grading import BatchRecords, ServerRecord, batch_records


@dataclass(frozen=True)
class BatchLookups:
    """The exchange's entries and the service's record of a batch's sections, as read at :attr:`read_at`."""

    read_at: float
    entries: dict[tuple[str, str], list[tuple[str, str]]]
    records: BatchRecords

    def handins(self, learner: str, section: str) -> KnownHandins:
        """What :func:`~.handin_clock.settle_timestamp` reads of one submission."""
        record, _ = self.records.of(learner, section)
        return KnownHandins(self.read_at, self.entries.get((learner, section), []),
                            record.attempts if record is not None else ())

    def record(self, learner: str, section: str) -> tuple[ServerRecord | None, bytes | None]:
        """What :func:`~coursekit.service.grading.snapshot_from_record` reads of one submission."""
        return self.records.of(learner, section)


def read_batch_lookups(db_url: str, tasks: Sequence[Task]) -> BatchLookups:
    """Read the exchange's entries and the service's record for the sections of ``tasks``."""
    read_at = time.time()  # before reading: a folder changed while reading is asked for afresh
    sections = sorted({task.section for task in tasks})
    return BatchLookups(read_at, collected_rows(db_url, sections=sections), batch_records(db_url, sections))
