"""The learner's Validate button, aware of the Comment fields.

A reflection is typed into its Comment field, which saves the text in
``responses/<section>.comments.json``; the notebook's answer cell keeps its
placeholder until grading fills it in (:mod:`coursekit.autograde.rebuild`).
nbgrader's own Validate would therefore call every reflection unanswered. This
Jupyter server extension replaces nbgrader's ``/assignments/validate`` route
(``nbgrader.server_extensions.validate_assignment`` is switched off in learner
mode) by one whose validator first fills each Comment cell with the saved text,
exactly as grading counts it: a text shorter than the question's ``min_words``
is named with its word count instead of "You did not provide a response."
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from nbformat import NotebookNode
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute, NbGraderPreprocessor
from nbgrader.server_extensions.validate_assignment.handlers import NbGraderVersionHandler, ValidateAssignmentHandler
from nbgrader.validator import Validator
from tornado import web
from traitlets import List

from coursekit.autograde.rebuild import comment_words
from coursekit.widgets.comment_store import CommentsError, read_comments

SHORT = "coursekit_short_comment"
"""Cell metadata key noting a saved comment too short to count (words typed, words needed)."""
REFLECTION = "coursekit_reflection"
"""Cell metadata key naming the reflection a Comment cell answers (``Reflection 2``), for the learner's message."""


def reflection_titles(nb: NotebookNode) -> dict[str, str]:
    """Each Comment cell's reflection title by grade id, from the heading of its ``<grade id>-question`` cell."""
    titles = {}
    for cell in nb.cells:
        cell_id = str(cell.get("id", ""))
        heading = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if cell_id.endswith("-question") and heading.startswith("#"):
            titles[cell_id.removesuffix("-question")] = heading.lstrip("#").strip()
    return titles


class CommentsUnreadable(ValueError):
    """The Comment fields' file cannot be read: the learner is told so instead of "no response"."""


class FillCommentAnswers(NbGraderPreprocessor):
    """Put each saved Comment text into its answer cell, as grading will.

    The notebook's folder is the working directory (nbgrader's validator runs
    its preprocessors there) and its name is the section.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Fill the Comment cells of ``nb`` from ``responses/<section>.comments.json``."""
        folder = Path(os.getcwd())
        try:
            comments = read_comments(folder, folder.name)
        except CommentsError as exc:  # said to the learner, never read as "no answers"
            raise CommentsUnreadable(f"your saved Comment texts could not be read ({exc}); type each reflection "
                                     "again in its Comment field") from None
        titles = reflection_titles(nb)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade_id") in titles:
                cell.metadata[REFLECTION] = titles[meta["grade_id"]]
            typed = comments.get(meta.get("grade_id", ""))
            if cell.get("cell_type") != "markdown" or not meta.get("solution") or not (typed and typed.strip()):
                continue
            words, needed = comment_words(typed, cell, placeholder=cell.source)
            if words >= needed:
                cell.source = typed
            else:
                cell.metadata[SHORT] = [words, needed]
        return nb, resources


class CommentAwareValidator(Validator):
    """nbgrader's validator with the Comment fields' texts filled in first."""

    preprocessors = List([FillCommentAnswers, CheckCellMetadata, ClearOutput, Execute])

    def _extract_error(self, cell: NotebookNode) -> str:
        short = cell.get("metadata", {}).get(SHORT)
        if short:
            words, needed = short
            error = (f"Your answer has {words} word{'' if words == 1 else 's'}; "
                     f"at least {needed} are needed for it to count.")
        else:
            error = super()._extract_error(cell)
        title = cell.get("metadata", {}).get(REFLECTION)
        return f"{title} (its Comment field): {error}" if title else error


class CommentAwareValidateHandler(ValidateAssignmentHandler):
    """``POST /assignments/validate`` with :class:`CommentAwareValidator`; errors in one line, no traceback."""

    def validate_notebook(self, path: str) -> dict[str, Any]:
        """Validate the notebook at ``path`` (relative to the server's root) for the Assignments panel."""
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            result = CommentAwareValidator(config=self.load_config()).validate(str(target))
        except CommentsUnreadable as exc:
            return {"success": False, "value": f"{target.name}: {exc}"}
        except Exception as exc:  # shown to the learner in the panel: one readable line
            self.log.exception("validating %s failed", target)
            return {"success": False, "value": f"{target.name} could not be validated: {exc}"}
        return {"success": True, "value": result}

    @web.authenticated
    def post(self) -> None:
        """Validate the notebook named by the ``path`` argument or JSON body."""
        try:
            path = self.get_argument("path")
        except web.MissingArgumentError:
            path = self.get_json_body()["path"]
        self.finish(json.dumps(self.validate_notebook(path)))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coursekit.learner_validate"}]


def _load_jupyter_server_extension(app: Any) -> None:
    webapp = app.web_app
    webapp.settings["root_dir"] = app.root_dir
    base = webapp.settings["base_url"]
    webapp.add_handlers(".*$", [(url_path_join(base, r"/assignments/validate"), CommentAwareValidateHandler),
                                (url_path_join(base, r"/nbgrader_version"), NbGraderVersionHandler)])
