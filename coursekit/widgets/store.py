"""Save and restore a learner's quiz responses on disk, atomically and without ever losing answers.

* Every save holds an exclusive lock (``flock`` on ``responses/.<section>.json.lock``)
  while it reads the file, merges it with the document being saved
  (:func:`~coursekit.quiz.merge.merge_responses`: attempts by identity, answers
  in progress by time), applies the change and writes. Two tabs or kernels
  saving in turn both keep what they saved, and :meth:`ResponseStore.update`
  returns the merged document so the quiz shows what the file holds.
* Every write goes to a temporary file in the same folder, is flushed and
  fsynced, then renamed over ``responses/<section>.json``: a crash leaves the
  old file or the new one, never half of one. Temporary files a killed kernel
  left (``.<section>.json.*.tmp``, older than :data:`STALE_TEMP_SECONDS`) are
  removed on load and save.
* A save that would pass a limit of the file (:data:`MAX_ATTEMPTS_STORED`
  attempts, :data:`MAX_RESPONSES_BYTES` bytes) is refused with a message and
  writes nothing, so the file stays readable.
* A corrupt or foreign file is renamed ``<name>.corrupt-<timestamp>`` (kept,
  never deleted) and the learner gets a plain message.
* With ``COURSEKIT_READONLY=1`` (set while grading) nothing is written, not even the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coursekit.quiz.contract import responses_path
from coursekit.quiz.merge import merge_responses
from coursekit.quiz.responses import (
    MAX_ATTEMPTS_STORED,
    MAX_RESPONSES_BYTES,
    Responses,
    ResponsesError,
    empty_responses,
    parse_responses,
)

LOCK_TIMEOUT_SECONDS = 15.0
"""How long a save waits for another tab's save before giving up with a message."""
STALE_TEMP_SECONDS = 120.0
"""A temporary file older than this is left over from a killed kernel (a write takes milliseconds)."""


class StoreError(RuntimeError):
    """The responses file could not be written; the message says why, for the learner."""


def current_learner() -> str:
    """The learner's id: JupyterHub's user, nbgrader's student id, else the OS user."""
    for name in ("JUPYTERHUB_USER", "NBGRADER_STUDENT_ID", "COURSEKIT_LEARNER"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Loaded:
    """What :meth:`ResponseStore.load` found: the document and, if any, a message for the learner."""

    responses: Responses
    message: str | None = None


class ResponseStore:
    """The responses file of one section's quiz, in ``<folder>/responses/<section>.json``."""

    def __init__(self, folder: Path, section: str, learner: str, spec_hash: str) -> None:
        self.path = responses_path(Path(folder), section)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self.section = section
        self.learner = learner
        self.spec_hash = spec_hash

    @property
    def readonly(self) -> bool:
        """Whether writing is switched off (``COURSEKIT_READONLY=1``, as while grading)."""
        return os.environ.get("COURSEKIT_READONLY") == "1"

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the section's lock file exclusively (other tabs and kernels wait)."""
        return hold_lock(self.path, self.lock_path)

    def _read(self) -> Responses | None:
        if not self.path.exists() and not self.path.is_symlink():
            return None
        if self.path.is_symlink():
            raise ResponsesError(f"{self.path.name}: is a symlink")
        return parse_responses(self.path.read_bytes(), self.path.name)

    def remove_stale_temps(self, max_age: float = STALE_TEMP_SECONDS) -> list[str]:
        """Delete this file's temporary files left by a killed kernel; return their names.

        Only regular files named ``.<section>.json.*.tmp`` and older than
        ``max_age`` seconds are removed, so a write in progress elsewhere is never touched.
        """
        if self.readonly:
            return []
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

    def load(self) -> Loaded:
        """Read the saved responses; set a corrupt or foreign file aside and start afresh.

        Reads without the lock when it cannot be taken (a folder the learner may
        not write to): the file is always whole, as writes rename it into place.
        """
        if self.readonly or not self.path.parent.is_dir():
            return self._load()
        try:
            with self._locked():
                self.remove_stale_temps()
                return self._load()
        except StoreError:
            return self._load()

    def _load(self) -> Loaded:
        fresh = empty_responses(self.learner, self.section, self.spec_hash)
        try:
            saved = self._read()
        except (ResponsesError, OSError) as exc:
            aside = self._set_aside()
            return Loaded(fresh, f"Your saved answers could not be read ({exc}). The file was kept as "
                                 f"{aside.name}; ask your trainer if answers are missing.")
        if saved is None:
            return Loaded(fresh)
        if saved.section != self.section:
            aside = self._set_aside()
            return Loaded(fresh, f"{self.path.name} held answers for section {saved.section!r}. "
                                 f"It was kept as {aside.name}.")
        message = None
        if saved.spec_hash != self.spec_hash:
            message = ("This quiz changed since your answers were saved; please check them before you "
                       "submit.")
            saved = saved.model_copy(update={"spec_hash": self.spec_hash})
        return Loaded(saved, message)

    def _set_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        if not self.readonly:
            self.path.replace(aside)
        return aside

    def save(self, responses: Responses) -> Responses:
        """Merge ``responses`` with the file and write the result; return what the file now holds.

        See :meth:`update`.
        """
        return self.update(responses)

    def update(self, responses: Responses,
               change: Callable[[Responses], Responses] | None = None) -> Responses:
        """Merge ``responses`` with the file, apply ``change``, write; return what the file now holds.

        All of it happens under the section's lock, so ``change`` sees every
        answer and attempt saved by other tabs. ``responses`` is not changed.
        When anything is refused, nothing is written.

        Parameters
        ----------
        responses
            The caller's document (what its quiz shows).
        change
            Computes the document to write from the merged one (an answer, a
            submit); it may raise to refuse the change.

        Returns
        -------
        Responses
            The document written (with ``COURSEKIT_READONLY=1``: the one that would have been).

        Raises
        ------
        StoreError
            When the result would pass a limit of the file, the lock is not
            free in time, or the disk refused the write.
        """
        if self.readonly:
            merged = responses.model_copy(deep=True)
            return change(merged) if change else merged
        with self._locked():
            self.remove_stale_temps()
            merged = self._merged_with_disk(responses)
            result = change(merged) if change else merged
            text = self._checked_text(result)
            self._write(text)
            return result

    def _merged_with_disk(self, responses: Responses) -> Responses:
        """``responses`` merged with the file; a file that cannot be read or is another section's is set aside."""
        try:
            on_disk = self._read()
        except (ResponsesError, OSError):
            self._set_aside()
            on_disk = None
        if on_disk is not None and on_disk.section != responses.section:
            self._set_aside()
            on_disk = None
        return merge_responses(on_disk, responses) if on_disk is not None else responses.model_copy(deep=True)

    def _checked_text(self, responses: Responses) -> str:
        """The file's text for ``responses``, or a refusal when it would pass a limit of the file."""
        if len(responses.attempts) > MAX_ATTEMPTS_STORED:
            raise StoreError(f"not saved: {self.path.name} keeps at most {MAX_ATTEMPTS_STORED:,} submitted "
                             f"attempts and would hold {len(responses.attempts):,}; nothing saved was lost")
        text = responses.to_json()
        size = len(text.encode("utf-8"))
        if size > MAX_RESPONSES_BYTES:
            raise StoreError(f"not saved: {self.path.name} would grow to {size:,} bytes, more than the "
                             f"{MAX_RESPONSES_BYTES:,} it may hold; nothing saved was lost")
        return text

    def _write(self, text: str) -> None:
        write_atomically(self.path, text)


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
                    raise StoreError(f"{path.name} is busy (another copy of the quiz is saving); "
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
        When the disk refuses the write (the old file is left whole).
    """
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
