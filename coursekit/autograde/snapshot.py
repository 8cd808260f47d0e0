"""A private copy of a submission, taken before grading; the digest is taken from what was copied.

``coursekit autograde`` never grades the learner's folder in ``submitted/``
directly: ``collect`` may replace it while grading runs, and the digest
recorded for "unchanged, skip next time" must describe the files that were
graded. :func:`take_snapshot` reads the files grading uses (the notebooks at
the top of the folder, nbgrader's ``timestamp.txt`` and
``submission_secret.txt``, the saved answers in ``responses/``) once, copies
them into the snapshot and hashes exactly the bytes it copied; everything
else would be pruned before grading and is not read, copied or sent to a
cluster worker at all. It never follows a symlink
and never opens anything but a regular file (a FIFO in place of the notebook
would block a reader for ever): such entries are left out and named as
problems. Each file has a size limit measured on its byte length (a sparse
file counts by what reading it gives, not the blocks it takes on disk): the
section's notebook :data:`MAX_NOTEBOOK_BYTES`, the saved answers the most
their writers ever save. A file grading needs above its limit, or a
submission of which nothing could be read, makes the submission not
gradable (:class:`NotGradableError`), with a named reason.

:func:`repair_notebooks` then makes the snapshot gradable whatever the
learner did to the notebook file: a missing notebook is replaced by the
release copy (the quiz is graded from the responses file), a renamed one
(``…-Copy1.ipynb``) is graded under its release name, an unreadable one is
kept beside as ``<name>.unreadable``, extra notebooks are left out; each is
a named problem.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.quiz.contract import RESPONSES_DIR, comments_name, responses_name
from coursekit.quiz.responses import MAX_RESPONSES_BYTES
from coursekit.widgets.comment_store import MAX_FILE_BYTES as MAX_COMMENTS_BYTES

TIMESTAMP = "timestamp.txt"
"""nbgrader's record of when the learner's client says it submitted (learner-written)."""
MAX_NOTEBOOK_BYTES = 20_000_000
"""A submitted notebook larger than this is not read. The released notebooks are about 30 kB and a learner's
copy saved with every output shown stays under 1 MB; 20 MB leaves room for pasted images while keeping one
parse of the notebook (by nbformat, then nbgrader) well under a gigabyte of memory."""
MAX_CELLS = 5_000
"""A submitted notebook with more cells than this is not graded. The released notebooks have about 30 cells,
and grading rebuilds them from the release (added cells never run), so 5,000 is far above any real copy, while
a million cells would take minutes and gigabytes to parse."""
SECRET = "submission_secret.txt"
"""nbgrader's secret of the submission: ``release_feedback`` needs it beside the feedback."""
MAX_TIMESTAMP_BYTES = 4_096
"""``timestamp.txt`` holds one date (``submission_secret.txt`` one token); anything longer is not read."""

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


class SubmissionChangedError(OSError):
    """A file or folder of the submission vanished while it was copied (``collect`` is replacing it)."""


class NotGradableError(OSError):
    """The submission cannot be graded (a file grading needs is too large, nothing could be read); the reason."""


@dataclass
class Snapshot:
    """What :func:`take_snapshot` copied: the digest of the submission as graded and what was refused."""

    digest: str
    problems: list[str] = field(default_factory=list)
    files: int = 0
    copied: list[str] = field(default_factory=list)
    """The relative paths copied, in order."""

    @property
    def has_work(self) -> bool:
        """Whether any of the learner's work was copied: a notebook or a saved-answers file."""
        return any(rel.endswith(".ipynb") or rel.startswith(f"{RESPONSES_DIR}/") for rel in self.copied)


MAX_ENTRIES = 10_000
"""Entries one submission folder may hold at its top level; past that the rest is not read (a problem)."""


def learner_files(section: str) -> tuple[str, ...]:
    """The learner's saved-answer files grading reads, relative to the notebook's folder.

    The quiz's responses and the Comment fields' texts (see :mod:`coursekit.widgets.comment_store`).
    """
    return (f"{RESPONSES_DIR}/{responses_name(section)}", f"{RESPONSES_DIR}/{comments_name(section)}")


class _TooLarge(Exception):
    """The submission has more entries than grading reads."""


def _listing(path: str, rel: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as scan:
            return sorted(scan, key=lambda e: e.name)
    except FileNotFoundError:
        what = _shown(rel.rstrip("/")) if rel else "the folder"
        raise SubmissionChangedError(f"{what} vanished while the submission was copied") from None


def _entries(folder: Path, section: str | None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """The entries grading can use, as (relative posix path, entry), sorted, never following symlinks.

    Those are the notebooks at the top of the folder (under whatever name: a renamed copy is graded), nbgrader's
    ``timestamp.txt`` and ``submission_secret.txt`` (feedback is released with it), and the section's
    :func:`learner_files` in ``responses/`` (every file there when ``section`` is None). Anything else would be
    removed before grading anyway: it is not read, so no amount of nesting, clutter or large files elsewhere
    slows grading, fills a disk or hides the learner's answers.
    """
    top = _listing(str(folder), "")
    if len(top) > MAX_ENTRIES:
        raise _TooLarge(f"more than {MAX_ENTRIES:,} entries")
    for entry in top:
        if entry.name == RESPONSES_DIR:
            yield entry.name, entry
            if entry.is_dir(follow_symlinks=False):
                wanted = None if section is None else {Path(name).name for name in learner_files(section)}
                for inner in _listing(entry.path, f"{RESPONSES_DIR}/"):
                    if wanted is None or inner.name in wanted:
                        yield f"{RESPONSES_DIR}/{inner.name}", inner
        elif (entry.name in (TIMESTAMP, SECRET) or entry.name.endswith(".ipynb")) and (
                entry.is_symlink() or not entry.is_dir(follow_symlinks=False)):
            yield entry.name, entry


def byte_limit(rel: str) -> int:
    """The largest size a submitted file at ``rel`` may have to be read (its writer never saves more)."""
    if rel.startswith(f"{RESPONSES_DIR}/"):
        return MAX_COMMENTS_BYTES if rel.endswith(".comments.json") else MAX_RESPONSES_BYTES
    return MAX_TIMESTAMP_BYTES if rel in (TIMESTAMP, SECRET) else MAX_NOTEBOOK_BYTES


def megabytes(size: int) -> str:
    """A byte count as a trainer reads it: ``104 MB``, ``1 MB``, ``2.5 MB``, ``50 kB``."""
    value = size / 1_000_000
    if value < 1:
        return f"{size / 1000:,.0f} kB"
    return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f}".rstrip("0").rstrip(".") + " MB"


def too_large(rel: str, size: int, limit: int) -> str:
    """The reason a file grading needs is refused: ``'x.ipynb' is 104 MB, above the 20 MB limit``."""
    return f"{_shown(rel)} is {megabytes(size)}, above the {megabytes(limit)} limit"


def _shown(rel: str) -> str:
    """A learner-chosen path as one quoted line (control characters escaped, shortened)."""
    return repr(rel[:80])


def _copy_regular(path: str, rel: str, dest: Path | None, digest: Any, needed: bool = False) -> str | None:
    """Hash (and copy to ``dest``) one regular file; the problem when it is not one or is too large.

    A ``needed`` file (one grading cannot do without) above its :func:`byte_limit` raises
    :class:`NotGradableError`; at most the limit is ever read, whatever the file claims or grows to.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise SubmissionChangedError(f"{_shown(rel)} vanished while the submission was copied") from None
    except OSError as exc:
        digest.update(f"E {rel}\n".encode("utf-8", "surrogateescape"))
        return f"{_shown(rel)}: cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            digest.update(f"X {rel} {kind}\n".encode("utf-8", "surrogateescape"))
            return f"{_shown(rel)}: {kind}, not a regular file (refused)"
        limit = byte_limit(rel)
        if info.st_size > limit:
            return _oversize(rel, info.st_size, limit, digest, needed)
        digest.update(f"F {rel} {info.st_size}\n".encode("utf-8", "surrogateescape"))
        out = None
        if dest is not None:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            out = target.open("wb")
        read = 0
        try:
            while block := handle.read(min(1 << 20, limit + 1 - read)):
                read += len(block)
                if read > limit:  # grew while it was read
                    raise SubmissionChangedError(f"{_shown(rel)} grew while the submission was copied")
                digest.update(block)
                if out is not None:
                    out.write(block)
        finally:
            if out is not None:
                out.close()
    return None


def _oversize(rel: str, size: int, limit: int, digest: Any, needed: bool) -> str:
    digest.update(f"B {rel} {size}\n".encode("utf-8", "surrogateescape"))
    if needed:
        raise NotGradableError(too_large(rel, size, limit))
    return f"{too_large(rel, size, limit)} (not read)"


def take_snapshot(folder: Path, dest: Path | None = None, section: str | None = None) -> Snapshot:
    """Copy the regular files grading uses from ``folder`` into ``dest`` and digest exactly what was read.

    Parameters
    ----------
    folder
        A submission folder (untrusted content).
    dest
        Where the copy goes (created; must not exist yet), or None to digest only.
    section
        The section graded: only its responses file is read from ``responses/``.

    Returns
    -------
    Snapshot
        SHA-256 over every entry's kind, relative path and content (a symlink by its target text, any
        other non-regular entry by its kind), and one problem line per entry that was not copied.

    Raises
    ------
    SubmissionChangedError
        When an entry vanished while it was read (the caller may take the snapshot again).
    NotGradableError
        When the section's notebook or a saved-answers file is above its :func:`byte_limit`.
    """
    digest = hashlib.sha256()
    snapshot = Snapshot("")
    if dest is not None:
        dest.mkdir(parents=True)
    try:
        _copy_entries(folder, dest, digest, snapshot, section)
    except _TooLarge as exc:
        digest.update(f"T {exc}\n".encode())
        snapshot.problems.append(f"the submission has {exc}: the rest was not read (refused)")
    snapshot.digest = digest.hexdigest()
    return snapshot


def _copy_entries(folder: Path, dest: Path | None, digest: Any, snapshot: Snapshot, section: str | None) -> None:
    entries = list(_entries(folder, section))
    notebook = None if section is None else f"{section}.ipynb"
    present = {rel for rel, entry in entries if rel == notebook and entry.is_file(follow_symlinks=False)}
    for rel, entry in entries:
        if notebook in present and rel.endswith(".ipynb") and rel != notebook and "/" not in rel:
            # the section's notebook is there: another notebook is not graded, so it is not read
            digest.update(f"N {rel}\n".encode("utf-8", "surrogateescape"))
            snapshot.problems.append(f"extra notebook {_shown(rel)} not graded")
            continue
        if entry.is_symlink():
            try:
                target = os.readlink(entry.path)
            except FileNotFoundError:
                raise SubmissionChangedError(f"{_shown(rel)} vanished while the submission was copied") from None
            digest.update(f"L {rel} -> {target}\n".encode("utf-8", "surrogateescape"))
            snapshot.problems.append(f"{_shown(rel)}: a symlink (refused)")
        elif entry.is_dir(follow_symlinks=False):
            digest.update(f"D {rel}\n".encode("utf-8", "surrogateescape"))
        else:
            needed = rel not in (TIMESTAMP, SECRET) and (
                section is None or rel == notebook or rel in learner_files(section) or notebook not in present)
            problem = _copy_regular(entry.path, rel, dest, digest, needed)
            if problem:
                snapshot.problems.append(problem)
            else:
                snapshot.files += 1
                snapshot.copied.append(rel)


def submission_digest(folder: Path, section: str | None = None) -> str:
    """The digest :func:`take_snapshot` would record for ``folder`` (nothing copied; "" when it is changing)."""
    try:
        return take_snapshot(folder, section=section).digest
    except OSError:  # changing, or not gradable: graded (and refused with its reason) every time
        return ""


def take_stable_snapshot(folder: Path, dest: Path, section: str | None = None, tries: int = 5) -> Snapshot:
    """:func:`take_snapshot`, taken again (after a short pause) while the folder is being replaced."""
    for attempt in range(tries):
        try:
            return take_snapshot(folder, dest, section)
        except SubmissionChangedError:
            shutil.rmtree(dest, ignore_errors=True)
            if attempt == tries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def count_cells(path: Path) -> int | None:
    """The number of cells of a notebook file, read as plain JSON (None when it is not a notebook's JSON)."""
    import json

    try:
        document = json.loads(path.read_bytes())
    except (ValueError, RecursionError):
        return None
    cells = document.get("cells") if isinstance(document, dict) else None
    return len(cells) if isinstance(cells, list) else None


def check_cells(path: Path, limit: int | None = None) -> None:
    """Raise :class:`NotGradableError` when the notebook at ``path`` has more than ``limit`` cells.

    Counted on the plain JSON before nbformat or nbgrader parse it: a notebook of a million cells would
    take minutes and gigabytes there.
    """
    limit = MAX_CELLS if limit is None else limit
    cells = count_cells(path)
    if cells is not None and cells > limit:
        raise NotGradableError(f"{_shown(path.name)} has {cells:,} cells, above the {limit:,} cell limit")


def _unreadable(path: Path) -> str | None:
    import nbformat

    try:
        nbformat.read(path, as_version=4)
    except Exception as exc:  # any parse or schema failure of an untrusted file
        return f"{path.name} is not a readable notebook ({type(exc).__name__})"
    return None


def repair_notebooks(snapshot_dir: Path, release_dir: Path) -> list[str]:
    """Make the snapshot hold exactly the release's notebooks; return what was wrong, one line each.

    Raises
    ------
    NotGradableError
        When a handed-in notebook has more than :data:`MAX_CELLS` cells.
    """
    problems = []
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    handed_in = sorted(p.name for p in snapshot_dir.glob("*.ipynb") if p.is_file())
    for name in handed_in:
        check_cells(snapshot_dir / name)
    others = [name for name in handed_in if name not in expected]
    for name in expected:
        notebook = snapshot_dir / name
        if not notebook.exists() and len(others) == 1 and _unreadable(snapshot_dir / others[0]) is None:
            renamed = others.pop()
            (snapshot_dir / renamed).replace(notebook)
            problems.append(f"notebook handed in as {_shown(renamed)}: graded as {name}")
        if not notebook.exists():
            problems.append(f"{name} missing: graded from the responses file only")
            shutil.copyfile(release_dir / name, notebook)
        elif problem := _unreadable(notebook):
            problems.append(f"{problem}: graded from the responses file only")
            notebook.replace(notebook.with_name(notebook.name + ".unreadable"))
            shutil.copyfile(release_dir / name, notebook)
    for name in others:
        (snapshot_dir / name).unlink()
        problems.append(f"extra notebook {_shown(name)} not graded")
    return problems
