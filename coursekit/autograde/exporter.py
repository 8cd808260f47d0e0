"""nbconvert's ``NotebookExporter`` for autograde: one copy of the notebook, validated where it counts.

nbconvert copies the notebook twice before the preprocessors run (once in
``from_notebook_node``, again when ``_preprocess`` normalizes it) and validates the whole
notebook against nbformat's schema after every preprocessor. Here the second
copy is left out when normalizing would change nothing (the first copy already
belongs to the conversion) and the
notebook is validated before each preprocessor that writes to the gradebook
(:data:`WRITERS`) and after the last one: an invalid notebook still fails its
conversion, with nothing of it saved, as with nbconvert's own checks.
"""

from __future__ import annotations

import copy
from typing import Any

from nbconvert.exporters import Exporter, NotebookExporter
from nbformat import validator
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

WRITERS = (SaveAutoGrades, AssignLatePenalties)
"""nbgrader's steps that write the gradebook: the notebook is valid before they run."""


class GradingExporter(NotebookExporter):
    """``NotebookExporter`` with one copy and the checks before gradebook writes and at the end.

    With :attr:`keep_node` set, ``from_notebook_node`` returns the preprocessed notebook itself instead of
    its JSON text (the converter's first pass, whose result the second pass continues from).
    """

    keep_node = False

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[Any, Any]:
        """The notebook's JSON text (or, with :attr:`keep_node`, the notebook) and the resources."""
        if not self.keep_node:
            return super().from_notebook_node(nb, resources, **kw)
        nb_copy, resources = Exporter.from_notebook_node(self, nb, resources, **kw)
        resources["output_suffix"] = ".nbconvert" if self.nbformat_version == nb_copy.nbformat else \
            f".v{self.nbformat_version}"
        return nb_copy, resources

    def _preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Run the enabled preprocessors on ``nb`` (already the conversion's own copy)."""
        resc = copy.deepcopy(resources)
        nbc = nb if already_normal(nb) else validator.normalize(nb)[1]
        checked = True
        previous = None
        for preprocessor in self._preprocessors:
            if not checked and isinstance(preprocessor, WRITERS):
                self._validate_preprocessor(nbc, previous)
            nbc, resc = preprocessor(nbc, resc)
            checked, previous = False, preprocessor
        if not checked:
            self._validate_preprocessor(nbc, previous)
        return nbc, resc


def already_normal(nb: Any) -> bool:
    """Whether ``nbformat.validator.normalize`` would change nothing in ``nb`` (its copy can be skipped).

    Without stripping metadata, normalizing only gives a notebook of format 4.5 or later a missing cell id
    or a new id for a repeated one.
    """
    if (nb.get("nbformat"), nb.get("nbformat_minor")) < (4, 5):
        return True
    ids = [cell.get("id") for cell in nb.get("cells", [])]
    return all(isinstance(cell_id, str) for cell_id in ids) and len(set(ids)) == len(ids)


def reread(nb: Any) -> Any:
    """The notebook as nbgrader's second pass reads it back from the file the first pass wrote.

    ``nbformat.writes`` then ``nbformat.read``, without the file and the indented encoding: the same
    JSON text but for whitespace (keys sorted, bytes as base64, transient metadata stripped), parsed,
    its lines joined and validated as ``nbformat.read`` does. ``nb`` is used up: its sources are split
    into lines and its transient metadata dropped in place, as ``nbformat.writes`` does to its own copy.
    """
    import json

    import nbformat
    from nbformat.v4.nbjson import BytesEncoder
    from nbformat.v4.rwbase import split_lines, strip_transient

    text = json.dumps(strip_transient(split_lines(nb)), cls=BytesEncoder, sort_keys=True, ensure_ascii=False)
    return nbformat.reads(text, as_version=4)
