"""The nbgrader preprocessors coursekit adds to autograde (thin wrappers over pure functions)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Unicode

from coursekit.autograde.inprocess import execute_notebook
from coursekit.autograde.rebuild import rebuild_submission
from coursekit.grading.hidden import one_scoring_per_notebook
from coursekit.widgets.comment_store import CommentsError, read_comments

_TEMPLATES: dict[Path, tuple[tuple[int, int, int], NotebookNode]] = {}


def release_template(path: Path) -> NotebookNode:
    """The release notebook at ``path``, read once per process while the file stays the same.

    The template is trusted course material and only read: :func:`.rebuild.rebuild_submission` fills a copy.
    """
    stat = path.stat()
    version = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    kept = _TEMPLATES.get(path)
    if kept is None or kept[0] != version:
        kept = _TEMPLATES[path] = (version, nbformat.read(path, as_version=4))
    return kept[1]


class RebuildFromRelease(NbGraderPreprocessor):
    """Replace a submission by its release notebook holding only the learner's answers.

    Runs first in the sanitize step, before nbgrader's ``OverwriteCells``.
    The texts of the Comment fields come from ``responses/<section>.comments.json``
    beside the submitted notebook.
    The problems found travel in ``resources["coursekit_problems"]``, the notes
    (comments too short to count) in ``resources["coursekit_notes"]``.
    """

    release_directory = Unicode("", help="The release/ folder holding the template notebooks.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Rebuild ``nb`` from the release notebook of the same section."""
        info = resources["nbgrader"]
        template = release_template(Path(self.release_directory) / info["assignment"] / f"{info['notebook']}.ipynb")
        folder = resources.get("metadata", {}).get("path") or os.getcwd()
        try:
            comments = read_comments(Path(folder), info["assignment"])
        except CommentsError as exc:
            comments = {}
            resources.setdefault("coursekit_problems", []).append(f"comments not read: {exc}")
        rebuilt = rebuild_submission(nb, template, comments)
        resources.setdefault("coursekit_problems", []).extend(rebuilt.problems)
        resources.setdefault("coursekit_notes", []).extend(rebuilt.notes)
        return rebuilt.notebook, resources


class InProcessExecute(NbGraderPreprocessor):
    """Execute the (rebuilt, trusted) code cells in this process; see :mod:`.inprocess`."""

    timeout = Float(60.0, help="Seconds one cell may run.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Execute ``nb`` with the working directory set to the notebook's folder.

        The quiz is scored once for all of the notebook's grade cells, and forgotten after it.
        """
        cwd = resources.get("metadata", {}).get("path") or os.getcwd()
        with one_scoring_per_notebook():
            return execute_notebook(nb, cwd=cwd, timeout=self.timeout), resources
