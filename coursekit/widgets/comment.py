"""A reflection's Comment field: ``show_comment(...)`` in the locked cell under the reflection.

The field is an anywidget (``comment.js``): a multi-line text area labelled
"Comment" and described by its reflection, which keeps every key to itself
and sends the text as it is typed. This side saves it with
:class:`~coursekit.widgets.comment_store.CommentStore`; grading writes the
saved text into nbgrader's manually graded Comment cell
(:func:`coursekit.autograde.rebuild.rebuild_submission`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets

from coursekit.widgets.comment_store import CommentStore, StaleCommentError
from coursekit.widgets.element_ids import OwnIdsWidget
from coursekit.widgets.esm import widget_module
from coursekit.widgets.store import StoreError

HERE = Path(__file__).parent
STALE_TEXT = ("This reflection was changed in another tab or window at {time}; your text here was not saved: "
              "copy it, then reload.")


class CommentWidget(OwnIdsWidget):
    """The browser side of a Comment field."""

    _esm = widget_module("comment.js")
    _css = HERE / "quiz.css"
    text = traitlets.Unicode("").tag(sync=True)
    heading = traitlets.Unicode("").tag(sync=True)
    question = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    status_time = traitlets.Unicode("").tag(sync=True)
    """A time the browser writes in the learner's local time where ``status`` says ``{time}``."""


class CommentField:
    """Connects a :class:`CommentWidget` to the comments file: every change of the text is saved."""

    def __init__(self, store: CommentStore, grade_id: str, heading: str, question: str) -> None:
        self.store = store
        self.grade_id = grade_id
        saved, message = store.load_entries()
        entry = saved.get(grade_id) or {}
        self.base: str | None = entry.get("updated_at") or None
        """The time of the text this field was typed over (None: no saved text)."""
        self.root = CommentWidget(text=entry.get("text", ""), heading=heading, question=question,
                                  status=message or "")
        self.root.observe(self._changed, names="text")

    def _changed(self, change: dict[str, Any]) -> None:
        try:
            stamp = self.store.save(self.grade_id, change["new"], base=self.base)
        except StaleCommentError as exc:  # the text stays in the field: the learner copies it
            with self.root.hold_sync():
                self.root.status_time, self.root.status = exc.changed_at, STALE_TEXT
            return
        except StoreError as exc:
            self.root.status = f"Not saved: {exc}"
            return
        self.base = stamp
        with self.root.hold_sync():
            self.root.status_time, self.root.status = stamp, "Saved at {time}."
