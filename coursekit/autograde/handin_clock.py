"""When a submission was handed in, by a clock the learner does not control.

nbgrader's ``timestamp.txt`` is written by the learner's own client (``nbgrader submit`` takes the
learner's clock, and the learner can edit the file): ``2020-01-01`` would remove any late penalty,
``2099-01-01`` make an honest learner decades late. coursekit takes the hand-in time from, in order:

1. **the exchange**, as ``coursekit collect`` first saw the inbound entry: :func:`record_inbound`
   stores, before nbgrader collects, each entry's first sighting in the gradebook (table
   ``coursekit_handin``): the latest change time (``st_ctime``, which a learner can only move to the
   present, never back) of the entry folder and of every file in it (:func:`changed_at`), at most the
   moment collect saw it. A re-collect keeps that time unless the entry changed since (then its content
   is that late). The collected submission is matched to its entry by the ``timestamp.txt`` text
   nbgrader copied with it;
2. **the quiz service**, when it recorded the learner's attempts in the section (and the folder was
   not collected from the exchange): when its last submitted attempt was received, by the server's clock;
3. **the file system**, for a submission placed in ``grader/submitted/`` by hand: the latest
   modification time of the files graded (the notebook, the saved answers), never later than the
   moment it is graded nor earlier than the quiz opens (``settings.open``, when the quiz has one).

``timestamp.txt`` is only compared with that time: a difference of more than
:data:`TOLERANCE_SECONDS`, or a file that is no date at all, is named among the submission's problems.
:func:`settle_timestamp` writes the trusted time into the grading snapshot's ``timestamp.txt``, so
nbgrader records it and every report (lateness, penalty) follows.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from coursekit.autograde.snapshot import MAX_TIMESTAMP_BYTES, TIMESTAMP

TOLERANCE_SECONDS = 300.0
"""How far ``timestamp.txt`` may be from the trusted hand-in time before the difference is named."""
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
"""How nbgrader writes ``timestamp.txt``."""

METADATA = MetaData()
HANDIN = Table(
    "coursekit_handin",
    METADATA,
    Column("learner", String(128), primary_key=True),
    Column("section", String(128), primary_key=True),
    Column("entry", String(400), primary_key=True),
    Column("seen_at", String(40), nullable=False),
    Column("stamp", Text, nullable=False, default=""),
)


def read_stamp(path: Path) -> str | None:
    """The text of a ``timestamp.txt`` (stripped), or None when it is missing, not a regular file or too long."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_TIMESTAMP_BYTES + 1)
    if len(data) > MAX_TIMESTAMP_BYTES:
        return None
    return data.decode("utf-8", "replace").strip()


def parse_stamp(text: str | None) -> datetime | None:
    """A ``timestamp.txt`` text as an aware UTC datetime, or None when it is no date nbgrader reads."""
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).replace(tzinfo=UTC)
    except (ValueError, OverflowError, TypeError):
        return None


MAX_ENTRY_FILES = 10_000
"""Files and folders of one inbound entry whose change times are read; an entry with more counts as changed now."""


def changed_at(entry: Path, now: float) -> float:
    """The latest change (ctime, which no user can set back) of ``entry`` and everything in it, at most ``now``.

    A learner owns their inbound entry: a file rewritten in place inside it after the due date changes that
    file's ctime, not the folder's, so the folder's own time alone would let the learner hand in late unseen.
    Symlinks are not followed. An entry of more than :data:`MAX_ENTRY_FILES` files counts as changed ``now``.
    """
    latest, seen = entry.lstat().st_ctime, 1
    for folder, names, files in os.walk(entry, followlinks=False):
        for name in (*names, *files):
            seen += 1
            if seen > MAX_ENTRY_FILES:
                return now
            with contextlib.suppress(OSError):  # gone meanwhile: nothing to date
                latest = max(latest, os.lstat(os.path.join(folder, name)).st_ctime)
    return min(latest, now)


def _inbound_entries(inbound: Path, sections: set[str]) -> list[tuple[str, str, str, float]]:
    """(learner, section, entry name, last-change seconds) of every inbound entry of ``sections``."""
    found = []
    now = datetime.now(UTC).timestamp()
    with os.scandir(inbound) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        parts = entry.name.split("+")
        if len(parts) < 3 or parts[1] not in sections or not entry.is_dir(follow_symlinks=False):
            continue
        found.append((parts[0], parts[1], entry.name, changed_at(Path(entry.path), now)))
    return found


def record_inbound(db_url: str, inbound: Path, sections: list[str]) -> int:
    """Record the first sighting of every inbound entry not seen before; return how many were new.

    Call it before nbgrader's collect. An entry already recorded keeps its first sighting.
    """
    from coursekit.gradebook.state import ensure_tables, make_engine

    if not inbound.is_dir():
        return 0
    ensure_tables(db_url, [HANDIN])
    engine = make_engine(db_url)
    new = 0
    try:
        with engine.connect() as conn:
            known = {(r.learner, r.section, r.entry): r.seen_at for r in conn.execute(select(HANDIN))}
        for learner, section, name, seen in _inbound_entries(inbound, set(sections)):
            key = (learner, section, name[:400])
            if key in known:
                moment = datetime.fromtimestamp(seen, UTC)
                if moment > datetime.fromisoformat(known[key]):  # changed since: its content is that late
                    with engine.begin() as conn:
                        conn.execute(HANDIN.update().where(
                            (HANDIN.c.learner == key[0]) & (HANDIN.c.section == key[1]) & (HANDIN.c.entry == key[2])
                        ).values(seen_at=moment.isoformat()))
                continue
            stamp = read_stamp(inbound / name / TIMESTAMP) or ""
            try:
                with engine.begin() as conn:
                    conn.execute(HANDIN.insert().values(
                        learner=learner[:128], section=section, entry=name[:400],
                        seen_at=datetime.fromtimestamp(seen, UTC).isoformat(), stamp=stamp[:200]))
                new += 1
            except IntegrityError:  # another collect recorded it first: its sighting stands
                continue
    finally:
        engine.dispose()
    return new


def collected_rows(db_url: str, learner: str | None = None, section: str | None = None,
                   sections: Collection[str] | None = None) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The exchange entries ``coursekit collect`` recorded, by learner and section: (first sighting, stamp text).

    Only ``learner``'s, ``section``'s and those of ``sections`` when given; empty when collect never ran on
    this gradebook.
    """
    from sqlalchemy import inspect

    from coursekit.gradebook.state import make_engine

    engine = make_engine(db_url)
    try:
        if not inspect(engine).has_table(HANDIN.name):
            return {}
        query = select(HANDIN.c.learner, HANDIN.c.section, HANDIN.c.seen_at, HANDIN.c.stamp)
        if learner is not None:
            query = query.where(HANDIN.c.learner == learner)
        if section is not None:
            query = query.where(HANDIN.c.section == section)
        if sections is not None:
            query = query.where(HANDIN.c.section.in_(sorted(sections)))
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in rows:
        found.setdefault((row.learner, row.section), []).append((row.seen_at, row.stamp))
    return found


def first_seen(rows: list[tuple[str, str]], stamp: str | None) -> datetime | None:
    """The hand-in time the recorded entries ``rows`` give a submission whose ``timestamp.txt`` reads ``stamp``.

    The entry with that text counts; when none has it (the file was changed, or could not be read), the
    latest first sighting of the entries: the collected one was among them. None without entries.
    """
    matching = [datetime.fromisoformat(seen) for seen, recorded in rows if recorded == (stamp or "")[:200]]
    seen = matching or [datetime.fromisoformat(seen) for seen, _ in rows]
    return max(seen) if seen else None


def collected_time(db_url: str, learner: str, section: str, stamp: str | None) -> datetime | None:
    """When the exchange entry collected as this submission was first seen (matched by its ``timestamp.txt``).

    When no recorded entry of the learner and section has that ``timestamp.txt`` text (it was changed, or could
    not be read), the latest first sighting of their entries counts: the collected one was among them. None
    when collect recorded no entry of the learner in the section.
    """
    return first_seen(collected_rows(db_url, learner, section).get((learner, section), []), stamp)


def last_submitted(attempts: Iterable[Any]) -> datetime | None:
    """When the last of the quiz service's submitted ``attempts`` was received (None: none was submitted)."""
    from coursekit.gradebook.lateness import as_utc

    times = [a.submitted_at for a in attempts if a.submitted and a.submitted_at]
    return as_utc(max(times)) if times else None


def service_time(db_url: str, learner: str, section: str) -> datetime | None:
    """When the quiz service received the learner's last submitted attempt in ``section`` (None: no such record)."""
    from coursekit.service.grading import open_book

    book = open_book(db_url)
    if book is None:
        return None
    try:
        return last_submitted(book.attempts(learner, section))
    finally:
        book.engine.dispose()


def opens_at(source_root: Path, section: str) -> datetime | None:
    """When the section's quiz opens (``settings.open`` of the trainer's ``source/<section>/quiz.json``), or None."""
    import json

    from coursekit.gradebook.lateness import as_utc
    from coursekit.quiz.contract import PUBLIC_SPEC_NAME

    try:
        settings = json.loads((source_root / section / PUBLIC_SPEC_NAME).read_text(encoding="utf-8"))["settings"]
        return None if not settings.get("open") else as_utc(datetime.fromisoformat(settings["open"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def files_time(folder: Path, names: list[str], now: datetime, earliest: datetime | None = None) -> datetime:
    """The latest modification time of ``names`` in ``folder`` (symlinks not followed), within [earliest, now]."""
    times = []
    for name in names:
        try:
            times.append(os.lstat(folder / name).st_mtime)
        except OSError:
            continue
    moment = min(datetime.fromtimestamp(max(times), UTC) if times else now, now)
    return moment if earliest is None or earliest > now else max(moment, earliest)


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class KnownHandins:
    """What the gradebook said of one submission when its batch began: the exchange's entries, the service's attempts.

    They count for a submission folder not changed since (nbgrader's collect replaces the folder after
    :func:`record_inbound` recorded the entry, so an entry collected later shows in the folder's change time).
    """

    read_at: float
    """When they were read (seconds since the epoch)."""
    entries: list[tuple[str, str]]
    """(first sighting, ``timestamp.txt`` text) of each entry collected (:func:`collected_rows`)."""
    attempts: Sequence[Any]
    """The quiz service's recorded attempts of the learner in the section."""


def _changed_since(folder: Path, moment: float) -> bool:
    try:
        return changed_at(folder, datetime.now(UTC).timestamp()) >= moment
    except OSError:
        return True


def settle_timestamp(snapshot: Path, submitted: Path, copied: list[str], db_url: str, learner: str,
                     section: str, source_root: Path | None = None, known: KnownHandins | None = None) -> list[str]:
    """Write the trusted hand-in time into the snapshot's ``timestamp.txt``; return the problems found.

    Parameters
    ----------
    snapshot
        The grading snapshot of the submission (its ``timestamp.txt`` is the learner's, copied).
    submitted
        The submission folder in ``grader/submitted/`` (for the file-system fallback).
    copied
        The files of the snapshot, relative (:attr:`coursekit.autograde.snapshot.Snapshot.copied`).
    db_url
        The gradebook, where ``coursekit collect`` recorded the exchange entries it saw.
    learner, section
        Whose submission it is.
    source_root
        The trainer's ``source/`` folder: a quiz's opening time bounds the file-system fallback from below.
    known
        The exchange's entries and the service's attempts of this submission, read once for a whole batch
        (:mod:`coursekit.autograde.batch_lookups`); the gradebook is asked again only for an entry collected
        since they were read. None: read now.
    """
    now = datetime.now(UTC)
    path = snapshot / TIMESTAMP
    stamp = read_stamp(path) if TIMESTAMP in copied else None
    if known is not None and _changed_since(submitted, known.read_at):
        known = None  # collected again since the batch's read: ask the gradebook now
    trusted = first_seen(known.entries, stamp) if known else collected_time(db_url, learner, section, stamp)
    source = "the exchange received it at"
    if trusted is None:
        trusted = last_submitted(known.attempts) if known else service_time(db_url, learner, section)
        source = "the quiz service received the last attempt at"
    if trusted is None:
        earliest = None if source_root is None else opens_at(source_root, section)
        trusted = files_time(submitted, [name for name in copied if name.endswith((".ipynb", ".json"))], now,
                             earliest)
        source = "its files were last changed at"
    problems = []
    claimed = parse_stamp(stamp)
    if stamp and claimed is None:
        problems.append(f"timestamp.txt is not a date ({stamp[:40]!r}); {source} {_shown(trusted)}: that time "
                        "counts")
    elif claimed is not None and abs((claimed - trusted).total_seconds()) > TOLERANCE_SECONDS:
        problems.append(f"timestamp.txt says {_shown(claimed)}, but {source} {_shown(trusted)}: that time counts")
    path.unlink(missing_ok=True)
    path.write_text(trusted.strftime(STAMP_FORMAT), encoding="utf-8")
    return problems
