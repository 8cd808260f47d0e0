"""The grading exporter's shortcuts: a notebook copied only when normalizing changes it, a template read once."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbformat import validator
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursekit.autograde.exporter import already_normal, reread
from coursekit.autograde.preprocessors import release_template


def _notebook(*ids, minor=5):
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_markdown_cell("text")][: len(ids)])
    nb.nbformat_minor = minor
    for cell, cell_id in zip(nb.cells, ids, strict=True):
        if cell_id is None:
            del cell["id"]
        else:
            cell["id"] = cell_id
    return nb


@pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning")
@pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")
@pytest.mark.parametrize("nb", [_notebook("a", "b"), _notebook("a", "a"), _notebook("a", None),
                                _notebook("a", "a", minor=4), _notebook()])
def test_a_notebook_is_normal_exactly_when_normalize_changes_nothing(nb):
    changes, _ = validator.normalize(nb)
    assert already_normal(nb) == (changes == 0)


def test_a_cell_id_that_is_not_text_is_left_to_normalize():
    assert not already_normal(_notebook("a", ["not", "text"]))


def test_reread_gives_what_writing_and_reading_the_file_gives(tmp_path):
    nb = _notebook("a", "b")
    nb.cells[0].source = "line one\nline two\n"
    nb.cells[0].metadata["collapsed"] = False
    path = tmp_path / "s.ipynb"
    nbformat.write(nb, path)
    assert reread(nb) == nbformat.read(path, as_version=4)


def test_a_release_template_is_read_again_only_when_the_file_changes(tmp_path):
    path = tmp_path / "s.ipynb"
    nbformat.write(_notebook("a", "b"), path)
    first = release_template(path)
    assert release_template(path) is first
    changed = _notebook("a", "b")
    changed.cells[0].source = "y = 2"
    nbformat.write(changed, path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert release_template(path).cells[0].source == "y = 2"
