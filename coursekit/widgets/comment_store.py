"""A learner's reflection comments on disk: ``responses/<section>.comments.json``, same rules as the quiz.

The file maps a Comment cell's grade id to the text and the time it was last
typed. Every save holds the same kind of lock as the quiz's store, merges with
the file (per comment, the later text wins, so two tabs keep each other's
other comments) and writes atomically (temporary file, fsync, rename). A text
longer than :data:`MAX_COMMENT_CHARS` is refused with a message and nothing
is written. With ``COURSEKIT_READONLY=1`` nothing is written.

Grading reads the same file (untrusted) with :func:`parse_comments`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from coursekit.quiz.contract import comments_path as contract_comments_path
from coursekit.quiz.responses import time_key
from coursekit.widgets.store import StoreError, hold_lock, now_iso, write_atomically

SCHEMA = "coursekit.comments/1"
MAX_COMMENT_CHARS = 20_000
"""The longest comment saved (several pages of text)."""
MAX_FILE_BYTES = 2_000_000
"""A comments file larger than this is not read (it cannot have been written by the widget)."""


class CommentsError(ValueError):
    """A comments file is not one the widget wrote; the message names the file and the problem."""


def comments_path(folder: Path, section: str) -> Path:
    """Where a section's comments are kept beside its notebook."""
    return contract_comments_path(Path(folder), section)


def parse_comments(data: bytes | str, origin: str, section: str) -> dict[str, dict[str, str]]:
    """The comments in a file's bytes: ``{grade_id: {"text", "updated_at"}}``.

    Raises
    ------
    CommentsError
        One line naming ``origin`` and the problem (not JSON, another section, a wrong shape, too large).
    """
    if len(data) > MAX_FILE_BYTES:
        raise CommentsError(f"{origin}: {len(data):,} bytes, more than the {MAX_FILE_BYTES:,} a comments file holds")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommentsError(f"{origin}: not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise CommentsError(f"{origin}: not a coursekit comments file")
    if doc.get("section") != section:
        raise CommentsError(f"{origin}: holds comments of section {doc.get('section')!r}, not {section!r}")
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
    path = comments_path(folder, section)
    if path.is_symlink():
        raise CommentsError(f"{path.name}: is a symlink")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CommentsError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    return {key: entry["text"] for key, entry in parse_comments(data, path.name, section).items()}


class CommentStore:
    """The comments file of one section, written under a lock, atomically."""

    def __init__(self, folder: Path, section: str, learner: str) -> None:
        self.path = comments_path(folder, section)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self.section = section
        self.learner = learner

    def load(self) -> tuple[dict[str, str], str | None]:
        """The saved texts and, when the file could not be read, a message for the learner."""
        try:
            return read_comments(self.path.parent.parent, self.section), None
        except CommentsError as exc:
            return {}, f"Your saved comments could not be read ({exc}); ask your trainer."

    def save(self, grade_id: str, text: str) -> str:
        """Save one comment (merged with the others in the file); return the time saved.

        Raises
        ------
        StoreError
            When the text is too long, the lock is busy or the disk refuses; nothing is written then.
        """
        if len(text) > MAX_COMMENT_CHARS:
            raise StoreError(f"not saved: a comment holds at most {MAX_COMMENT_CHARS:,} characters, this one has "
                             f"{len(text):,}; what was saved before is kept")
        stamp = now_iso()
        if os.environ.get("COURSEKIT_READONLY") == "1":
            return stamp
        with hold_lock(self.path, self.lock_path):
            entries: dict[str, Any] = {}
            try:
                if self.path.exists():
                    entries = parse_comments(self.path.read_bytes(), self.path.name, self.section)
            except (CommentsError, OSError):
                aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp.replace(':', '')}")
                self.path.replace(aside)
            previous = entries.get(grade_id)
            if previous is None or time_key(previous.get("updated_at")) <= time_key(stamp):
                entries[grade_id] = {"text": text, "updated_at": stamp}
            doc = {"schema": SCHEMA, "learner": self.learner, "section": self.section, "comments": entries}
            write_atomically(self.path, json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False))
        return stamp
