"""nbconvert's ``NotebookExporter`` for autograde: one copy of the notebook, validated where it counts.

nbconvert copies the notebook twice before the preprocessors run (once in
``from_notebook_node``, again in ``_preprocess``) and validates the whole
notebook against nbformat's schema after every preprocessor. Here the second
copy is left out (the first already belongs to the conversion) and the
notebook is validated before each preprocessor that writes to the gradebook
(:data:`WRITERS`) and after the last one: an invalid notebook still fails its
conversion, with nothing of it saved, as with nbconvert's own checks.
"""

from __future__ import annotations

import copy
from typing import Any

from nbconvert.exporters import NotebookExporter
from nbformat import validator
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

WRITERS = (SaveAutoGrades, AssignLatePenalties)
"""nbgrader's steps that write the gradebook: the notebook is valid before they run."""


class GradingExporter(NotebookExporter):
    """``NotebookExporter`` with one copy and the checks before gradebook writes and at the end."""

    def _preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Run the enabled preprocessors on ``nb`` (already the conversion's own copy)."""
        resc = copy.deepcopy(resources)
        nbc = nb
        if hasattr(validator, "normalize"):
            _, nbc = validator.normalize(nbc)
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
