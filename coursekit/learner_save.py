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
sees in the open tab does not change. When the server starts, the course
notebooks under its root that were saved with widget state before (their
``metadata.coursekit`` names the section) are rewritten the same way, so a
learner coming back to such a copy finds the instruction too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat

from coursekit.authoring.notebook import add_start_outputs
from coursekit.json_store import UntrustedJSONError, loads, read_regular

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


MAX_NOTEBOOK_BYTES = 20_000_000
"""A course notebook is about 30 kB; a larger file under the learner's root is not one to repair."""


def saved_with_widget_state(path: Path) -> dict[str, Any] | None:
    """The course notebook at ``path`` when it holds widget state or a widget view, else None.

    A notebook counts as the course's when its metadata names a coursekit
    section; a file that cannot be read as a notebook is the learner's own.
    """
    try:
        data = read_regular(path, MAX_NOTEBOOK_BYTES)  # no symlink followed, no file read beyond the limit
        if data is None:
            return None
        notebook = loads(data, path.name, MAX_NOTEBOOK_BYTES)  # nesting bounded: no RecursionError
    except UntrustedJSONError:
        return None
    text = data.decode("utf-8")
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("coursekit"), dict):
        return None
    return notebook if WIDGET_VIEW in text or "widgets" in metadata else None


def repair_course_notebooks(root: Path) -> list[Path]:
    """Rewrite the course notebooks under ``root`` that were saved with widget state, by :func:`strip_widget_state`.

    Hidden folders (``.ipynb_checkpoints``, ``.local`` …) are not searched. Each
    notebook is replaced in one rename; one that cannot be written stays as it
    is. Returns the notebooks rewritten.
    """
    repaired = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(n for n in files if n.endswith(".ipynb") and not n.startswith(".")):
            path = Path(folder, name)
            notebook = saved_with_widget_state(path)
            if notebook is None:
                continue
            temporary = path.with_name(f".{name}.coursekit-tmp")
            try:
                nbformat.write(strip_widget_state(notebook), temporary)
                os.replace(temporary, path)
            except OSError:
                temporary.unlink(missing_ok=True)
                continue
            repaired.append(path)
    return repaired


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coursekit.learner_save"}]


def _load_jupyter_server_extension(app: Any) -> None:
    app.contents_manager.register_pre_save_hook(drop_widget_state)
    for path in repair_course_notebooks(Path(app.root_dir)):
        app.log.info("coursekit: %s saved with widget state; the start instructions are back", path)
