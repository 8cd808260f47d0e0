"""The compiled metadata check gives nbgrader's verdicts and errors, and changes nothing it checks."""

from __future__ import annotations

import copy

import pytest
from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError, ValidationError

from coursekit.autograde.metadata_check import metadata_validator

VALID = {"schema_version": 3, "grade": True, "locked": True, "solution": False, "grade_id": "q1", "points": 2,
         "checksum": "0" * 32, "cell_type": "code"}
INVALID = [
    {"points": True}, {"points": -1}, {"points": "2"}, {"grade_id": "q 1"}, {"grade_id": ""}, {"extra": 1},
    {"checksum": "short"}, {"cell_type": "heading"}, {"grade": "yes"}, {"schema_version": 2}, {"schema_version": 4},
]


def _cell(meta: dict, cell_type: str = "code") -> NotebookNode:
    return NotebookNode(cell_type=cell_type, source="x = 1", metadata=NotebookNode(nbgrader=NotebookNode(meta)))


def _verdict(validator, cell) -> tuple[str, str] | None:
    try:
        validator.validate_cell(cell)
    except (ValidationError, SchemaTooOldError, SchemaTooNewError) as exc:
        return type(exc).__name__, str(exc)
    return None


def test_valid_metadata_passes_unchanged():
    cell = _cell(dict(VALID))
    before = copy.deepcopy(cell)
    assert _verdict(metadata_validator(), cell) is None
    assert cell == before  # no default filled in (no "task": false)


@pytest.mark.parametrize("change", INVALID, ids=[next(iter(c)) + "=" + repr(next(iter(c.values()))) for c in INVALID])
def test_invalid_metadata_fails_as_in_nbgrader(change):
    meta = {**VALID, **change}
    ours, theirs = _verdict(metadata_validator(), _cell(meta)), _verdict(MetadataValidator(), _cell(meta))
    assert theirs is not None
    assert ours == theirs


def test_notebook_checks_are_nbgrader_s():
    duplicate = NotebookNode(cells=[_cell(dict(VALID)), _cell(dict(VALID))])
    markdown_grade = NotebookNode(cells=[_cell(dict(VALID), "markdown")])
    for notebook in (duplicate, markdown_grade):
        with pytest.raises(ValidationError) as ours:
            metadata_validator().validate_nb(notebook)
        with pytest.raises(ValidationError) as theirs:
            MetadataValidator().validate_nb(notebook)
        assert str(ours.value) == str(theirs.value)
