"""A private copy of a submission, taken before grading; the digest is taken from what was copied.

``coursekit autograde`` never grades the learner's folder in ``submitted/``
directly: ``collect`` may replace it while grading runs, and the digest
recorded for "unchanged, skip next time" must describe the files that were
graded. :func:`take_snapshot` reads the files grading uses (the notebook at
the top of the folder, the saved answers in ``responses/``) once, copies them into
the snapshot and hashes exactly the bytes it copied; everything else would
be pruned before grading and is not read at all. It never
follows a symlink and never opens anything but a regular file (a FIFO in
place of the notebook would block a reader for ever): such entries are left
out and named as problems.

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

MAX_FILE_BYTES = 100 * 1024 * 1024
"""A submitted file larger than this is not copied (and named as a problem)."""

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


class SubmissionChangedError(OSError):
    """A file or folder of the submission vanished while it was copied (``collect`` is replacing it)."""


@dataclass
class Snapshot:
    """What :func:`take_snapshot` copied: the digest of the submission as graded and what was refused."""

    digest: str
    problems: list[str] = field(default_factory=list)
    files: int = 0


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

    Those are the files at the top of the folder (the notebook, under whatever name, and nbgrader's
    ``timestamp.txt``) and the section's :func:`learner_files` in ``responses/`` (every file there when
    ``section`` is None). Anything else would be removed before grading anyway: it is not read, so no amount of nesting
    or clutter elsewhere slows grading or hides the learner's answers.
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
        elif not entry.is_dir(follow_symlinks=False) or entry.is_symlink():
            yield entry.name, entry


def _shown(rel: str) -> str:
    """A learner-chosen path as one quoted line (control characters escaped, shortened)."""
    return repr(rel[:80])


def _copy_regular(path: str, rel: str, dest: Path | None, digest: Any) -> str | None:
    """Hash (and copy to ``dest``) one regular file; the problem when it is not one."""
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
        if info.st_size > MAX_FILE_BYTES:
            digest.update(f"B {rel} {info.st_size}\n".encode("utf-8", "surrogateescape"))
            return f"{_shown(rel)}: {info.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed (refused)"
        digest.update(f"F {rel} {info.st_size}\n".encode("utf-8", "surrogateescape"))
        out = None
        if dest is not None:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            out = target.open("wb")
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                if out is not None:
                    out.write(block)
        finally:
            if out is not None:
                out.close()
    return None


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
    for rel, entry in _entries(folder, section):
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
            problem = _copy_regular(entry.path, rel, dest, digest)
            if problem:
                snapshot.problems.append(problem)
            else:
                snapshot.files += 1


def submission_digest(folder: Path, section: str | None = None) -> str:
    """The digest :func:`take_snapshot` would record for ``folder`` (nothing copied; "" when it is changing)."""
    try:
        return take_snapshot(folder, section=section).digest
    except SubmissionChangedError:
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


def _unreadable(path: Path) -> str | None:
    import nbformat

    try:
        nbformat.read(path, as_version=4)
    except Exception as exc:  # any parse or schema failure of an untrusted file
        return f"{path.name} is not a readable notebook ({type(exc).__name__})"
    return None


def repair_notebooks(snapshot_dir: Path, release_dir: Path) -> list[str]:
    """Make the snapshot hold exactly the release's notebooks; return what was wrong, one line each."""
    problems = []
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    handed_in = sorted(p.name for p in snapshot_dir.glob("*.ipynb") if p.is_file())
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
