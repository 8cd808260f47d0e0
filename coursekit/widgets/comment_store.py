"""A learner's reflection comments on disk: ``responses/<section>.comments.json``, same rules as the quiz.

The file maps a Comment cell's grade id to the text and the time it was last
typed. It is a :class:`coursekit.json_store.LockedJSONFile`, as the quiz's
responses file is: every save holds its lock, merges with the file (per
comment; two tabs keep each other's other comments), stamps the change with
a time later than every time in the file, as the quiz store does
(:func:`coursekit.quiz.responses.stamp_after`: a clock that stepped back
cannot make an older text win), and writes atomically (temporary file, fsync,
rename). A symlink in the file's place is never read, neither by :meth:`load`
nor by :meth:`save` (which keeps it aside as ``<name>.corrupt-<time>``, like
any file it cannot read). A text longer than :data:`MAX_COMMENT_CHARS`, or
holding half of a character (a lone surrogate, which no file can hold), is
refused with a message and nothing is written. With ``COURSEKIT_READONLY=1``
nothing is written.

A save names the version it was typed over (``base``: the time of the text the
field loaded or last saved). When the file holds a newer, different text for
that comment (another tab or window saved it since), the save is refused with
:class:`StaleCommentError` and the newer text stays: the older tab is told,
never silently the winner (:func:`is_stale`).

Grading reads the same file (untrusted) with :func:`read_comments` and
:func:`parse_comments`, through :func:`coursekit.json_store.loads`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coursekit.json_store import LockedJSONFile, StoreError, UntrustedJSONError, loads, text_problem
from coursekit.quiz.contract import comments_path as contract_comments_path
from coursekit.quiz.responses import stamp_after
from coursekit.widgets.store import now_iso

SCHEMA = "coursekit.comments/1"
MAX_COMMENT_CHARS = 20_000
"""The longest comment saved (several pages of text)."""
MAX_FILE_BYTES = 2_000_000
"""A comments file larger than this is not read (it cannot have been written by the widget)."""
KEPT = "what was saved before is kept"


class StaleCommentError(StoreError):
    """The comment was changed elsewhere after the version this save was typed over; nothing was written."""

    def __init__(self, changed_at: str) -> None:
        super().__init__(f"the comment was changed in another tab or window at {changed_at}")
        self.changed_at = changed_at


_ANY_BASE = object()
"""``base`` not given: the save does not check what it was typed over."""


def is_stale(saved: dict[str, str] | None, base: str | None, text: str) -> bool:
    """Whether saving ``text``, typed over the version saved at ``base``, would replace a newer, different text.

    ``saved`` is the comment as the file holds it now (None: not there); ``base`` None means the field
    started from no saved text. Saving the very text the file holds is never stale.
    """
    if saved is None or saved.get("text") == text:
        return False
    return (saved.get("updated_at") or "") != (base or "")


class CommentsError(UntrustedJSONError):
    """A comments file is not one the widget wrote; the message names the file and the problem."""


def comments_path(folder: Path, section: str) -> Path:
    """Where a section's comments are kept beside its notebook."""
    return contract_comments_path(Path(folder), section)


def parse_comments(data: bytes | str, origin: str, section: str) -> dict[str, dict[str, str]]:
    """The comments in a file's bytes: ``{grade_id: {"text", "updated_at"}}``.

    Raises
    ------
    CommentsError
        One line naming ``origin`` and the problem (too large, not JSON, nested too deep, not valid
        Unicode, another section, a wrong shape).
    """
    try:
        doc = loads(data, origin, MAX_FILE_BYTES)
    except UntrustedJSONError as exc:
        raise CommentsError(str(exc)) from None
    return comments_from(doc, origin, section)


def comments_from(doc: Any, origin: str, section: str) -> dict[str, dict[str, str]]:
    """The comments of a parsed comments file (see :func:`parse_comments`).

    Raises
    ------
    CommentsError
        When ``doc`` is not a comments file of ``section``.
    """
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise CommentsError(f"{origin}: not a coursekit comments file")
    if doc.get("section") != section:
        raise CommentsError(f"{origin}: holds comments of section {str(doc.get('section'))[:60]!r}, not {section!r}")
    comments = doc.get("comments")
    if not isinstance(comments, dict):
        raise CommentsError(f"{origin}: 'comments' is not a mapping")
    clean = {}
    for key, entry in comments.items():
        if not (isinstance(key, str) and isinstance(entry, dict) and isinstance(entry.get("text"), str)
                and isinstance(entry.get("updated_at", ""), str)):
            raise CommentsError(f"{origin}: comment {str(key)[:60]!r} is not text with a time")
        if len(entry["text"]) > MAX_COMMENT_CHARS:
            raise CommentsError(f"{origin}: comment {key[:60]!r} is longer than {MAX_COMMENT_CHARS:,} characters")
        clean[key] = {"text": entry["text"], "updated_at": entry.get("updated_at", "")}
    return clean


def read_comments(folder: Path, section: str) -> dict[str, str]:
    """The saved comment texts by grade id; an absent file is no comments.

    Raises
    ------
    CommentsError
        When the file is there but is not a comments file of this section.
    """
    file = LockedJSONFile(comments_path(folder, section), MAX_FILE_BYTES)
    try:
        doc = file.read()
    except UntrustedJSONError as exc:
        raise CommentsError(str(exc)) from None
    if doc is None:
        return {}
    return {key: entry["text"] for key, entry in comments_from(doc, file.path.name, section).items()}


def comment_problem(text: str) -> str | None:
    """Why a Comment's text cannot be saved (too long, half of a character), for the learner; None: it can."""
    if len(text) > MAX_COMMENT_CHARS:
        return f"a comment holds at most {MAX_COMMENT_CHARS:,} characters, this one has {len(text):,}; {KEPT}"
    problem = text_problem(text)
    if problem is not None:
        return f"the comment holds {problem}; delete that character and type it again; {KEPT}"
    return None


class CommentStore:
    """The comments file of one section, written under a lock, atomically."""

    def __init__(self, folder: Path, section: str, learner: str, clock: Callable[[], str] = now_iso) -> None:
        self.file = LockedJSONFile(comments_path(folder, section), MAX_FILE_BYTES)
        self.path = self.file.path
        self.lock_path = self.file.lock_path
        self.section = section
        self.learner = learner
        self.clock = clock

    def load(self) -> tuple[dict[str, str], str | None]:
        """The saved texts and, when the file could not be read, a message for the learner."""
        try:
            return read_comments(self.path.parent.parent, self.section), None
        except CommentsError as exc:
            return {}, f"Your saved comments could not be read ({exc}); ask your trainer."

    def load_entries(self) -> tuple[dict[str, dict[str, str]], str | None]:
        """The saved comments with their times (``{grade_id: {"text", "updated_at"}}``) and a message.

        As :meth:`load`, with each comment's time (the version a field starts from).
        """
        file = LockedJSONFile(self.path, MAX_FILE_BYTES)
        try:
            doc = file.read()
            return ({} if doc is None else comments_from(doc, self.path.name, self.section)), None
        except (UntrustedJSONError, OSError) as exc:
            return {}, f"Your saved comments could not be read ({exc}); ask your trainer."

    def save(self, grade_id: str, text: str, base: Any = _ANY_BASE) -> str:
        """Save one comment (merged with the others in the file); return the time it was saved with.

        The time is the clock's, or 1 ms after the latest time in the file when
        that is not earlier, so the text saved last is the one kept. With ``base``
        (the time of the version the text was typed over, None for none) a newer,
        different text in the file is not replaced (:func:`is_stale`).

        Raises
        ------
        StaleCommentError
            When the file holds a newer, different text for this comment; nothing is written then.
        StoreError
            When the text is too long or holds half of a character, the lock is busy or the disk
            refuses; nothing is written then.
        """
        problem = comment_problem(text)
        if problem is not None:
            raise StoreError(problem)
        if os.environ.get("COURSEKIT_READONLY") == "1":
            return self.clock()
        with self.file.locked():
            self.file.remove_stale_temps()
            entries: dict[str, Any] = {}
            try:
                doc = self.file.read()
                if doc is not None:
                    entries = comments_from(doc, self.path.name, self.section)
            except (UntrustedJSONError, OSError):
                self.file.set_aside()
            current = entries.get(grade_id)
            if base is not _ANY_BASE and is_stale(current, base, text):
                raise StaleCommentError(current["updated_at"])  # type: ignore[index]
            stamp = stamp_after(self.clock(), [entry.get("updated_at") for entry in entries.values()])
            entries[grade_id] = {"text": text, "updated_at": stamp}
            doc = {"schema": SCHEMA, "learner": self.learner, "section": self.section, "comments": entries}
            self.file.write(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False))
        return stamp
