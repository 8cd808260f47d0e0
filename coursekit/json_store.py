r"""Untrusted JSON files under a lock: the one way learner files are read, checked and written (no Jupyter).

A learner can put anything in the files the widgets keep beside a notebook
(``responses/<section>.json``, ``responses/<section>.comments.json``), and
grading reads the same files. Everything that reads or writes them goes
through here:

* :func:`loads` parses untrusted bytes: too large, not UTF-8, not JSON,
  nested too deep (a file of ``[`` exhausts Python's recursion) or holding
  text that is not valid Unicode (a lone surrogate such as ``\ud800``, which
  no file can be written with) is a :class:`UntrustedJSONError` naming the
  file and the problem, in one line;
* :func:`read_regular` reads a file without following a symlink (a link is
  refused, never read through, the target never touched);
* :class:`LockedJSONFile` holds an exclusive ``flock`` on
  ``.<name>.lock`` while a save reads, merges and writes, writes atomically
  (temporary file, fsync, rename), sets an unreadable file aside as
  ``<name>.corrupt-<time>`` (kept, never deleted) and removes temporary
  files a killed kernel left;
* :func:`text_problem` tells a save whether text can be written at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOCK_TIMEOUT_SECONDS = 15.0
"""How long a save waits for another tab's save before giving up with a message."""
STALE_TEMP_SECONDS = 120.0
"""A temporary file older than this is left over from a killed kernel (a write takes milliseconds)."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a surrogate (``\\ud83d``): the only way valid UTF-8 JSON text can yield half a character."""
NOT_UNICODE = "text that is not valid Unicode (half of a character, such as a lone surrogate)"


class UntrustedJSONError(ValueError):
    """An untrusted JSON file (or request) is unusable; the message names it and the problem, in one line."""


class StoreError(RuntimeError):
    """A file could not be written; the message says why, for the learner."""


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as UTF-8 (None: it can): a lone surrogate, half of a character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{NOT_UNICODE} at character {exc.start + 1:,}"
    return None


def invalid_text(value: Any) -> str | None:
    """Where in a parsed JSON value a key or string is not valid Unicode (``comments.c1.text``), or None.

    Walks without recursion, so any depth the parser accepted is safe.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if text_problem(item):
                return where or "the text"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and text_problem(key):
                    return (where + "." if where else "") + "a key"
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(item))
    return None


def loads(data: bytes | str, origin: str, max_bytes: int) -> Any:
    """Parse untrusted JSON text, refusing what no well-behaved writer produces.

    Raises
    ------
    UntrustedJSONError
        ``<origin>: <problem>``: larger than ``max_bytes``, not UTF-8, not JSON,
        nested too deep, or holding text that is not valid Unicode.
    """
    if len(data) > max_bytes:
        raise UntrustedJSONError(f"{origin}: {len(data):,} bytes, more than the {max_bytes:,} allowed")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")  # strict: no surrogate comes out of here
        except UnicodeDecodeError as exc:
            raise UntrustedJSONError(f"{origin}: not UTF-8 text (byte {exc.start:,})") from None
        suspect = False
    else:
        text, suspect = data, text_problem(data) is not None
    try:
        value = json.loads(text)
    except RecursionError:
        raise UntrustedJSONError(f"{origin}: not JSON (nested too deep)") from None
    except ValueError as exc:
        raise UntrustedJSONError(f"{origin}: not JSON ({str(exc)[:80]})") from None
    if suspect or _SURROGATE_ESCAPE.search(text):  # else no string can hold a lone surrogate
        where = invalid_text(value)
        if where is not None:
            raise UntrustedJSONError(f"{origin}: {where}: {NOT_UNICODE}")
    return value


def read_regular(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of ``path`` (None when absent), never following a symlink.

    Raises
    ------
    UntrustedJSONError
        When ``path`` is a symlink or not a regular file, larger than ``max_bytes`` or unreadable.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if path.is_symlink():
            raise UntrustedJSONError(f"{path.name}: is a symlink, not a file") from None
        raise UntrustedJSONError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedJSONError(f"{path.name}: not a regular file")
        if info.st_size > max_bytes:
            raise UntrustedJSONError(f"{path.name}: {info.st_size:,} bytes, more than the {max_bytes:,} allowed")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UntrustedJSONError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise UntrustedJSONError(f"{path.name}: more than the {max_bytes:,} bytes allowed")
    return data


@contextlib.contextmanager
def hold_lock(path: Path, lock_path: Path) -> Iterator[None]:
    """Hold ``lock_path`` exclusively (``flock``) while the caller reads and writes ``path``.

    Raises
    ------
    StoreError
        When the lock cannot be created or is not free within :data:`LOCK_TIMEOUT_SECONDS`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StoreError(f"could not lock {path.name}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(f"{path.name} is busy (another copy of the notebook is saving); "
                                     "try again") from None
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it and rename it over ``path``.

    Raises
    ------
    StoreError
        When the text cannot be encoded or the disk refuses the write (the old file is left whole).
    """
    problem = text_problem(text)
    if problem is not None:
        raise StoreError(f"{path.name} was not saved: it would hold {problem}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise StoreError(f"could not save {path.name}: {exc.strerror or exc}") from None


class LockedJSONFile:
    """One untrusted JSON file a widget keeps, its lock beside it (``.<name>.lock``)."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self.max_bytes = max_bytes

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the file's lock exclusively (other tabs and kernels wait)."""
        return hold_lock(self.path, self.lock_path)

    def read(self) -> Any:
        """The file's parsed JSON, or None when there is no file.

        Raises
        ------
        UntrustedJSONError
            When the file is a symlink, not a regular file, too large, unreadable or not valid JSON text.
        """
        data = read_regular(self.path, self.max_bytes)
        return None if data is None else loads(data, self.path.name, self.max_bytes)

    def set_aside(self, readonly: bool = False) -> Path:
        """Rename the file (a symlink stays a symlink, its target untouched) to ``<name>.corrupt-<time>``.

        Raises
        ------
        StoreError
            When the folder refuses the rename.
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        if not readonly:
            try:
                self.path.replace(aside)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StoreError(f"could not keep {self.path.name} aside: {exc.strerror or exc}") from None
        return aside

    def write(self, text: str) -> None:
        """Write ``text`` atomically, refusing more than the file's byte limit.

        Raises
        ------
        StoreError
            When the text is too large, cannot be encoded, or the disk refuses.
        """
        size = len(text.encode("utf-8", "surrogatepass"))  # half characters: refused by write_atomically
        if size > self.max_bytes:
            raise StoreError(f"{self.path.name} would grow to {size:,} bytes, more than the {self.max_bytes:,} "
                             "it may hold; nothing saved was lost")
        write_atomically(self.path, text)

    def remove_stale_temps(self, max_age: float = STALE_TEMP_SECONDS) -> list[str]:
        """Delete this file's temporary files left by a killed kernel; return their names.

        Only regular files named ``.<name>.*.tmp`` and older than ``max_age``
        seconds are removed, so a write in progress elsewhere is never touched.
        """
        removed = []
        ours = re.compile(rf"\.{re.escape(self.path.name)}\.[A-Za-z0-9_]+\.tmp")
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.path.parent):
                if not ours.fullmatch(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if entry.is_file(follow_symlinks=False) and time.time() - info.st_mtime > max_age:
                        os.unlink(entry.path)
                        removed.append(entry.name)
        return removed
