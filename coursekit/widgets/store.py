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
* An answer holding text that is not valid Unicode (half of a character) is
  refused with a message and nothing is written.
* With ``COURSEKIT_READONLY=1`` (set while grading) nothing is written, not even the lock.

The file, its lock and its checks are :class:`coursekit.json_store.LockedJSONFile`,
shared with the Comment fields' store.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coursekit.json_store import (
    LOCK_TIMEOUT_SECONDS,
    NOT_UNICODE,
    STALE_TEMP_SECONDS,
    LockedJSONFile,
    StoreError,
    UntrustedJSONError,
    hold_lock,
    invalid_text,
    text_problem,
    write_atomically,
)
from coursekit.quiz.contract import responses_path
from coursekit.quiz.merge import merge_responses
from coursekit.quiz.responses import (
    MAX_ATTEMPTS_STORED,
    MAX_RESPONSES_BYTES,
    Responses,
    empty_responses,
    responses_from,
)

__all__ = ["LOCK_TIMEOUT_SECONDS", "STALE_TEMP_SECONDS", "Loaded", "ResponseStore", "StoreError", "current_learner",
           "hold_lock", "now_iso", "write_atomically"]


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
        self.file = LockedJSONFile(responses_path(Path(folder), section), MAX_RESPONSES_BYTES)
        self.path = self.file.path
        self.lock_path = self.file.lock_path
        self.section = section
        self.learner = learner
        self.spec_hash = spec_hash

    @property
    def readonly(self) -> bool:
        """Whether writing is switched off (``COURSEKIT_READONLY=1``, as while grading)."""
        return os.environ.get("COURSEKIT_READONLY") == "1"

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold the section's lock file exclusively (other tabs and kernels wait)."""
        return self.file.locked()

    def _read(self) -> Responses | None:
        data = self.file.read()
        return None if data is None else responses_from(data, self.path.name)

    def remove_stale_temps(self, max_age: float = STALE_TEMP_SECONDS) -> list[str]:
        """Delete this file's temporary files left by a killed kernel; return their names.

        Only regular files named ``.<section>.json.*.tmp`` and older than
        ``max_age`` seconds are removed, so a write in progress elsewhere is never touched.
        """
        if self.readonly:
            return []
        return self.file.remove_stale_temps(max_age)

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
        except (UntrustedJSONError, OSError) as exc:
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
        return self.file.set_aside(self.readonly)

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
        except (UntrustedJSONError, OSError):
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
        if text_problem(text) is not None:
            bad = [qid for qid, value in responses.in_progress.answers.items() if invalid_text(value) is not None]
            what = f"the answer to {bad[0][:60]!r}" if bad else invalid_text(responses.model_dump(by_alias=True))
            raise StoreError(f"{what} holds {NOT_UNICODE}; type it again; nothing saved was lost")
        size = len(text.encode("utf-8"))
        if size > MAX_RESPONSES_BYTES:
            raise StoreError(f"not saved: {self.path.name} would grow to {size:,} bytes, more than the "
                             f"{MAX_RESPONSES_BYTES:,} it may hold; nothing saved was lost")
        return text

    def _write(self, text: str) -> None:
        self.file.write(text)

