"""What the gradebook says of a batch's submissions, read once before the batch (the cluster client's snapshots).

Taking a submission's snapshot asks the gradebook when the exchange saw the
entry (:mod:`.handin_clock`) and what the quiz service recorded
(:mod:`coursekit.service.grading`): two or three queries per submission. The
cluster client takes every snapshot itself, one after the other, so it reads
both for the whole batch at once. A submission folder collected again after the
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
    entries = {key: rows for key, rows in collected_rows(db_url).items() if key[1] in sections}
    return BatchLookups(read_at, entries, batch_records(db_url, sections))
