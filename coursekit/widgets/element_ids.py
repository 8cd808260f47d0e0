"""Element ids that belong to one rendered widget and to nothing else on the page.

JupyterLab shows the outputs of every open notebook in one document, and
anywidget loads a widget's ES module afresh for each widget model, so a counter
kept in the module would start at 1 again for every Comment field and every
quiz: the four Comment fields of a section would share their ids, a screen
reader would name the first field after all four labels, and the label under
Reflection 3 would focus Reflection 1's field. Each widget model therefore
carries a prefix of its own (``id_prefix``); the browser side adds a count of the model's views
(one model may be shown twice) and builds every id from the two: label
``for``, ``aria-describedby``, ``aria-labelledby``, radio group names.
"""

from __future__ import annotations

import secrets

import anywidget
import traitlets

PREFIX_BYTES = 6
"""Random bytes per prefix (48 bits): no two models of a page share one."""


def fresh_prefix() -> str:
    """A new id prefix: ``ck`` and 12 hex digits (an id may not start with a digit)."""
    return f"ck{secrets.token_hex(PREFIX_BYTES)}"


class OwnIdsWidget(anywidget.AnyWidget):
    """An anywidget whose browser side builds its element ids from :attr:`id_prefix`, one per model."""

    id_prefix = traitlets.Unicode().tag(sync=True)

    @traitlets.default("id_prefix")
    def _default_id_prefix(self) -> str:
        return fresh_prefix()
