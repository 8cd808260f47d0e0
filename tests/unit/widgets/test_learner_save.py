"""A learner's notebook is saved without widget state; its quiz and Comment cells keep the start instruction."""

from __future__ import annotations

import copy
import json

import nbformat
from project_support import REPO

from coursekit.authoring.notebook import START_COMMENT, START_QUIZ
from coursekit.learner import AUTOSAVE_SECONDS, LEARNER_SERVER_EXTENSIONS, write_learner_config
from coursekit.learner_save import WIDGET_VIEW, drop_widget_state, repair_course_notebooks

RELEASED = REPO / "release" / "cooperation_networking" / "cooperation_networking.ipynb"
WIDGETS_STATE = "application/vnd.jupyter.widget-state+json"


def view(model_id: str, text: str = "") -> dict:
    """A displayed widget's output, as the kernel sends it (and JupyterLab saves it)."""
    data = {WIDGET_VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 1}}
    if text:
        data["text/plain"] = text
    return {"output_type": "display_data", "data": data, "metadata": {}}


def after_run_all() -> dict:
    """The released notebook as JupyterLab holds it after Run All, with the widget manager's state too."""
    notebook = json.loads(RELEASED.read_text(encoding="utf-8"))
    for count, cell in enumerate(notebook["cells"], 1):
        if cell["cell_type"] == "code":
            tags = cell["metadata"].get("tags", [])
            cell["outputs"] = [view(f"m{count}")] if {"quiz", "comment"} & set(tags) else []
            cell["execution_count"] = 40 + count
    notebook["metadata"]["widgets"] = {WIDGETS_STATE: {"state": {"m1": {}}, "version_major": 2, "version_minor": 0}}
    mine = nbformat.v4.new_code_cell("import ipywidgets; ipywidgets.IntSlider()", execution_count=99,
                                     outputs=[view("m99", "IntSlider(value=0)"), view("m98")])
    mine.id = "learners-own-cell"
    notebook["cells"].append(mine)
    return notebook


def saved(content: dict) -> dict:
    """What the pre-save hook leaves of a notebook model JupyterLab sends."""
    model = {"type": "notebook", "format": "json", "content": copy.deepcopy(content)}
    drop_widget_state(model=model, path="x/cooperation_networking.ipynb", contents_manager=None)
    return json.loads(json.dumps(model["content"]))


def test_the_widget_cells_are_saved_as_released_with_the_start_instruction():
    released = json.loads(json.dumps(nbformat.read(RELEASED, as_version=4)))  # multi-line strings joined
    notebook = saved(after_run_all())
    nbformat.validate(nbformat.from_dict(notebook))
    assert "widgets" not in notebook["metadata"]
    assert WIDGET_VIEW not in json.dumps(notebook)
    widget_cells = [(c["outputs"], c["execution_count"]) for c in notebook["cells"]
                    if {"quiz", "comment"} & set(c["metadata"].get("tags", []))]
    assert widget_cells == [(c["outputs"], c["execution_count"]) for c in released["cells"]
                            if {"quiz", "comment"} & set(c["metadata"].get("tags", []))]
    texts = [o["data"]["text/markdown"] for outputs, _count in widget_cells for o in outputs]
    assert texts == [START_COMMENT] * 4 + [START_QUIZ]


def test_other_cells_keep_what_is_not_a_widget_view():
    notebook = saved(after_run_all())
    mine = notebook["cells"][-1]
    assert mine["outputs"] == [{"output_type": "display_data", "data": {"text/plain": "IntSlider(value=0)"},
                                "metadata": {}}]
    assert mine["execution_count"] == 99
    others = [c for c in notebook["cells"][:-1] if not {"quiz", "comment"} & set(c["metadata"].get("tags", []))]
    assert [c["source"] for c in others] == [c["source"] for c in after_run_all()["cells"][:-1]
                                             if not {"quiz", "comment"} & set(c["metadata"].get("tags", []))]


def test_saving_twice_changes_nothing_more_and_other_files_are_left_alone():
    once = saved(after_run_all())
    assert saved(once) == once
    text = {"type": "file", "format": "text", "content": json.dumps({"metadata": {"widgets": {}}})}
    before = copy.deepcopy(text)
    drop_widget_state(model=text, path="notes.json", contents_manager=None)
    assert text == before


def test_learner_mode_turns_the_hook_on_the_widget_managers_state_off_and_autosaves_soon(tmp_path):
    write_learner_config(tmp_path)
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert "coursekit.learner_save" in LEARNER_SERVER_EXTENSIONS
    assert server["ServerApp"]["jpserver_extensions"]["coursekit.learner_save"] is True
    overrides = json.loads((tmp_path / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": False}
    assert overrides["@jupyterlab/docmanager-extension:plugin"] == {"autosaveInterval": AUTOSAVE_SECONDS}
    assert AUTOSAVE_SECONDS <= 15  # Run All, then closing the tab: saved by then, nothing asked


def test_course_notebooks_saved_with_widget_state_are_repaired_and_nothing_else_is_touched(tmp_path):
    damaged = tmp_path / "course" / "cooperation_networking" / "cooperation_networking.ipynb"
    damaged.parent.mkdir(parents=True)
    damaged.write_text(json.dumps(after_run_all()), encoding="utf-8")
    clean = tmp_path / "course" / "networks_consortia.ipynb"
    clean.write_text(RELEASED.read_text(encoding="utf-8"), encoding="utf-8")
    own = tmp_path / "my_widgets.ipynb"  # the learner's own notebook: not the course's
    own_text = json.dumps({**after_run_all(), "metadata": {"widgets": {}}})
    own.write_text(own_text, encoding="utf-8")
    checkpoint = tmp_path / "course" / ".ipynb_checkpoints" / "cooperation_networking-checkpoint.ipynb"
    checkpoint.parent.mkdir()
    checkpoint.write_text(json.dumps(after_run_all()), encoding="utf-8")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    (tmp_path / "a_deep.ipynb").write_text("[" * 200_000, encoding="utf-8")  # too deep: skipped, no RecursionError
    (tmp_path / "a_link.ipynb").symlink_to(damaged)  # never followed
    clean_stamp = clean.stat().st_mtime_ns

    assert repair_course_notebooks(tmp_path) == [damaged]
    assert nbformat.read(damaged, as_version=4) == nbformat.reads(json.dumps(saved(after_run_all())), as_version=4)
    assert clean.stat().st_mtime_ns == clean_stamp
    assert own.read_text(encoding="utf-8") == own_text and broken.read_text(encoding="utf-8") == "{not json"
    assert WIDGET_VIEW in checkpoint.read_text(encoding="utf-8")
    assert sorted(p.name for p in damaged.parent.iterdir()) == ["cooperation_networking.ipynb"]
    assert repair_course_notebooks(tmp_path) == []
