"""Merge two versions of a learner's responses file (pure, no I/O).

The same quiz may be open in two tabs (two kernels) that save in turn. Each
save merges the file on disk with the tab's own document, so nothing either
side saved is lost:

* Submitted attempts are merged by identity
  (:func:`~coursekit.quiz.responses.attempt_identity`): every distinct attempt
  is kept once, even when both tabs submitted "attempt 1", and all are
  renumbered 1, 2, … in ``submitted_at`` order.
* Answers in progress are merged per question: the answer set (or cleared)
  last wins. An answer set before the latest submitted attempt belongs to that
  attempt (or an older one) and leaves the attempt in progress.

For the times to order events correctly, every change takes its time from
:func:`next_stamp` while the file is locked, so a change is always later than
everything already in the file.
"""

from __future__ import annotations

from typing import Any

from coursekit.quiz.responses import (
    AttemptRecord,
    InProgress,
    Responses,
    attempt_identity,
    distinct_attempts,
    stamp_after,
    time_key,
)

_CLEARED = object()


def merge_attempts(*lists: list[AttemptRecord]) -> list[AttemptRecord]:
    """Every distinct attempt of ``lists`` once, in ``submitted_at`` order, numbered from 1.

    Each attempt keeps its identity as its ``id`` (attempts from files without
    ids get their digest name), so renumbering never changes who it is.
    """
    merged = distinct_attempts([attempt for attempts in lists for attempt in attempts])
    return [attempt.model_copy(update={"number": number, "id": attempt_identity(attempt)}, deep=True)
            for number, attempt in enumerate(merged, 1)]


def _answer_times(pending: InProgress) -> dict[str, tuple[str | None, Any]]:
    """Each question's ``(time, answer)`` in ``pending``; a cleared answer is :data:`_CLEARED`."""
    fallback = pending.updated_at or pending.started_at
    entries: dict[str, tuple[str | None, Any]] = {}
    for question_id in (*pending.answers, *pending.answered_at):
        entries[question_id] = (pending.answered_at.get(question_id, fallback),
                                pending.answers.get(question_id, _CLEARED))
    return entries


def merge_in_progress(on_disk: InProgress, mine: InProgress, closed_at: str | None) -> InProgress:
    """Merge two versions of the attempt in progress, question by question.

    Parameters
    ----------
    on_disk, mine
        The two versions; on equal times ``mine`` wins.
    closed_at
        When the latest attempt was submitted (None: no attempt yet). Answers
        set or cleared at or before it are dropped: they belong to a submitted
        attempt.

    Returns
    -------
    InProgress
        Per question the latest answer (or clearing), with its time.
    """
    closed = time_key(closed_at) if closed_at else None
    draw = mine.draw or on_disk.draw  # both sides draw the same questions for one attempt
    chosen: dict[str, tuple[str | None, Any]] = {}
    for side in (on_disk, mine):
        for question_id, (when, answer) in _answer_times(side).items():
            if closed is not None and time_key(when) <= closed:
                continue
            current = chosen.get(question_id)
            if current is None or time_key(when) >= time_key(current[0]):
                chosen[question_id] = (when, answer)
    starts = [s.started_at for s in (on_disk, mine)
              if s.started_at and (closed is None or time_key(s.started_at) > closed)]
    if not chosen:  # an attempt started (Start attempt) before its first answer keeps its start
        first = min(starts, key=time_key, default=None)
        return InProgress(started_at=first, updated_at=first, draw=draw) if first else InProgress(draw=draw)
    answers = {q: answer for q, (_, answer) in chosen.items() if answer is not _CLEARED}
    answered_at = {q: when for q, (when, _) in chosen.items() if when is not None}
    times = [when for when, _ in chosen.values()]
    started_at = min(starts or [t for t in times if t], key=time_key, default=None)
    updated_at = max((t for t in times if t), key=time_key, default=None)
    return InProgress(started_at=started_at, updated_at=updated_at, answers=answers, answered_at=answered_at,
                      draw=draw)


def merge_responses(on_disk: Responses, mine: Responses) -> Responses:
    """Merge the file on disk with the document being saved; nothing either holds is lost.

    ``learner``, ``section`` and ``spec_hash`` are taken from ``mine`` (the
    running quiz); neither argument is changed.
    """
    attempts = merge_attempts(on_disk.attempts, mine.attempts)
    closed_at = attempts[-1].submitted_at if attempts else None
    in_progress = merge_in_progress(on_disk.in_progress, mine.in_progress, closed_at)
    return mine.model_copy(update={"attempts": attempts, "in_progress": in_progress}, deep=True)


def _stamps(responses: Responses) -> list[str | None]:
    pending = responses.in_progress
    return [*(t for a in responses.attempts for t in (a.started_at, a.submitted_at)),
            pending.started_at, pending.updated_at, *pending.answered_at.values()]


def next_stamp(responses: Responses, now: str) -> str:
    """A time for a change to ``responses``: ``now``, or 1 ms after the latest time it holds if that is later.

    With every change stamped this way while the file is locked, times follow
    the order in which changes reached the file, even when two kernels read the
    clock in the same millisecond.
    """
    return stamp_after(now, _stamps(responses))
