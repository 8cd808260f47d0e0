"""A learner's notebook is saved without widget state: the quiz and Comment cells keep their start instruction.

The quiz and the Comment fields live in the kernel; their answers are in the
responses files, never in the notebook. A notebook JupyterLab saves after
"Run All" (autosave within two minutes, or "Save" on closing) would keep, in
each widget cell's output, a reference to a widget model of that kernel, which
is gone when the notebook is reopened: the learner would see "Error displaying
widget: model not found" at the quiz and at every Comment field, and no longer
the instruction to choose Run › Run All Cells.

This Jupyter server extension (on in learner mode, see :mod:`coursekit.learner`)
registers a pre-save hook on the contents manager: every notebook saved
leaves out the widget state (``metadata.widgets``) and every widget view, and
the quiz and Comment cells are saved as released, with the start instruction
(:func:`coursekit.authoring.notebook.add_start_outputs`). What the learner
sees in the open tab does not change.
"""

from __future__ import annotations

from typing import Any

import nbformat

from coursekit.authoring.notebook import add_start_outputs

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
"""The output type of a displayed widget: a reference to a model that lives only as long as its kernel."""


def without_widget_views(outputs: list[Any]) -> list[Any]:
    """``outputs`` without widget views; an output that shows nothing else is left out."""
    kept = []
    for output in outputs:
        data = output.get("data")
        if data is not None and WIDGET_VIEW in data:
            output = {**output, "data": {k: v for k, v in data.items() if k != WIDGET_VIEW}}
            if not output["data"]:
                continue
        kept.append(output)
    return kept


def strip_widget_state(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook (a dict in nbformat 4) with no widget state or view, and its widget cells' start instruction."""
    node = nbformat.from_dict(notebook)
    node.metadata.pop("widgets", None)
    for cell in node.cells:
        if cell.cell_type == "code":
            cell.outputs = nbformat.from_dict(without_widget_views(cell.outputs))
    add_start_outputs(node)
    return node


def drop_widget_state(model: dict[str, Any], **_: Any) -> None:
    """Contents manager pre-save hook: a notebook is written by :func:`strip_widget_state`, other files as they are."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        model["content"] = strip_widget_state(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coursekit.learner_save"}]


def _load_jupyter_server_extension(app: Any) -> None:
    app.contents_manager.register_pre_save_hook(drop_widget_state)
