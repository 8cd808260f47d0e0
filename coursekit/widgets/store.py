"""Save and restore a learner's quiz responses on disk, atomically and without ever losing answers.

* Every write goes to a temporary file in the same folder, is flushed and
  fsynced, then renamed over ``responses/<section>.json``: a crash leaves the
  old file or the new one, never half of one.
* A write never replaces a file with fewer submitted attempts, and never
  replaces a file that changed on disk since it was read (another kernel, a
  second copy of the quiz) with a document holding fewer answers.
* A corrupt or foreign file is renamed ``<name>.corrupt-<timestamp>`` (kept,
  never deleted) and the learner gets a plain message.
* With ``COURSEKIT_READONLY=1`` (set while grading) nothing is written.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coursekit.quiz.responses import (
    Responses,
    ResponsesError,
    answered_count,
    empty_responses,
    parse_responses,
)


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
        self.path = Path(folder) / "responses" / f"{section}.json"
        self.section = section
        self.learner = learner
        self.spec_hash = spec_hash
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) of the file as last read or written

    @property
    def readonly(self) -> bool:
        """Whether writing is switched off (``COURSEKIT_READONLY=1``, as while grading)."""
        return os.environ.get("COURSEKIT_READONLY") == "1"

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def _read(self) -> Responses | None:
        if not self.path.exists():
            return None
        if self.path.is_symlink():
            raise ResponsesError(f"{self.path.name}: is a symlink")
        return parse_responses(self.path.read_bytes(), self.path.name)

    def load(self) -> Loaded:
        """Read the saved responses; set a corrupt or foreign file aside and start afresh."""
        fresh = empty_responses(self.learner, self.section, self.spec_hash)
        try:
            saved = self._read()
        except (ResponsesError, OSError) as exc:
            aside = self._set_aside()
            return Loaded(fresh, f"Your saved answers could not be read ({exc}). The file was kept as "
                                 f"{aside.name}; ask your trainer if answers are missing.")
        self._seen = self._stamp()
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
        self._seen = None
        return aside

    def save(self, responses: Responses) -> None:
        """Write ``responses`` atomically, unless that would lose saved answers.

        Raises
        ------
        StoreError
            When the file on disk holds more than ``responses`` and changed since it was read, or
            has more submitted attempts, or the disk refused the write.
        """
        if self.readonly:
            return
        on_disk = None
        with contextlib.suppress(ResponsesError, OSError):
            on_disk = self._read()
        if on_disk is not None:
            if len(on_disk.attempts) > len(responses.attempts):
                raise StoreError(f"{self.path.name} holds {len(on_disk.attempts)} submitted attempts; "
                                 "re-run the quiz cell to load them before answering.")
            changed = self._stamp() != self._seen
            if changed and answered_count(on_disk) > answered_count(responses):
                raise StoreError(f"{self.path.name} was changed elsewhere and holds more answers; "
                                 "re-run the quiz cell to load them.")
        self._write(responses.to_json())
        self._seen = self._stamp()

    def _write(self, text: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise StoreError(f"could not save {self.path.name}: {exc.strerror or exc}") from None
