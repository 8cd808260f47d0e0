"""Learner text in HTML views shown as the text it is: never markup, never script.

A learner's Comment is a Markdown answer cell. nbgrader's formgrader and its
feedback pages render Markdown cells with ``markdown2html`` and no sanitiser
(their templates ignore nbconvert's ``sanitize_html``), so ``<script>``,
``<img onerror=…>`` or a ``javascript:`` link written in a comment would run
in the trainer's browser. :class:`EscapeLearnerAnswers` replaces the source of
every answer cell, for the HTML export only, by :func:`plain_text_block`: the
learner's text HTML-escaped inside a ``<pre>`` block, which Markdown leaves
alone and MathJax skips; a blank answer (only the release's placeholder) reads
"No answer." instead of the sentence meant for the learner. The notebook files keep the learner's text as written.

It runs in ``coursekit feedback`` and, through ``grader/nbgrader_config.py``
(``HTMLExporter.preprocessors``), in every nbconvert HTML export of the trainer
workspace, formgrader's submission view included.
"""

from __future__ import annotations

import html
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from coursekit.nbgrader_glue import ANSWER_PLACEHOLDER, NBGRADER_STUB

LEARNER_TEXT_CLASS = "coursekit-learner-text"
DONE_FLAG = "coursekit_learner_text_escaped"


def plain_text_block(text: str) -> str:
    """HTML that shows ``text`` verbatim (line breaks kept, long lines wrapped), whatever it holds."""
    return (f'<pre class="{LEARNER_TEXT_CLASS}" style="white-space: pre-wrap; word-break: break-word;">'
            f"{html.escape(text, quote=True)}</pre>")


NO_ANSWER_BLOCK = '<p class="coursekit-no-answer"><em>No answer.</em></p>'
"""What the trainer sees for a Comment left blank (its cell still holds only the release's placeholder)."""


def is_blank_answer(text: str) -> bool:
    """Whether an answer cell holds nothing the learner wrote: blank, or only a placeholder the release put there."""
    left = text.replace(ANSWER_PLACEHOLDER, " ").replace(NBGRADER_STUB, " ")
    return not left.strip()


def is_learner_text(cell: NotebookNode) -> bool:
    """Whether a cell holds the learner's own Markdown (an nbgrader answer cell)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "markdown" and isinstance(meta, dict) and bool(meta.get("solution"))


class EscapeLearnerAnswers(Preprocessor):
    """Show every Markdown answer cell as plain text in the HTML (once per export)."""

    enabled = Bool(True, help="On wherever it is registered (nbconvert's default is off).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Replace the answer cells' sources by :func:`plain_text_block` (idempotent within one export)."""
        if resources.get(DONE_FLAG):
            return nb, resources
        for cell in nb.cells:
            if is_learner_text(cell):
                source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
                cell.source = NO_ANSWER_BLOCK if is_blank_answer(source) else plain_text_block(source)
                cell.pop("attachments", None)
        resources[DONE_FLAG] = True
        return nb, resources
