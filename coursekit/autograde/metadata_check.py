"""nbgrader's ``CheckCellMetadata`` with its JSON schema checked and compiled once per process.

nbgrader validates each cell's ``nbgrader`` metadata with ``jsonschema.validate``,
which checks the schema itself and builds a validator for every cell, and reads
the schema file for every notebook. :class:`CheckCellMetadataOnce` runs the
same checks, in the same order, with the same errors, on one validator: the
schema compiled by ``fastjsonschema`` (nbformat's own validator) decides that
metadata is valid; metadata it refuses goes to ``jsonschema``, whose verdict
and error are nbgrader's.
"""

from __future__ import annotations

import traceback
from typing import Any

import fastjsonschema
from jsonschema import exceptions, validators
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata


class _CompiledSchema(BaseMetadataValidator):
    """``BaseMetadataValidator.validate_cell`` on a validator built once."""

    def __init__(self) -> None:
        super().__init__()
        cls = validators.validator_for(self.schema)
        cls.check_schema(self.schema)
        self._validator = cls(self.schema)
        self._fast = fastjsonschema.compile(self.schema, use_default=False)  # never fills in defaults

    def validate_cell(self, cell: Any) -> None:
        """The schema version and the schema, as nbgrader checks them."""
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        try:
            self._fast(cell.metadata["nbgrader"])
            return
        except fastjsonschema.JsonSchemaException:
            pass  # jsonschema decides, with nbgrader's own error
        error = exceptions.best_match(self._validator.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current ``MetadataValidator``; its base check runs on the compiled schema."""


_VALIDATOR: list[CompiledMetadataValidator] = []


def metadata_validator() -> CompiledMetadataValidator:
    """The validator of this process (built at the first call)."""
    if not _VALIDATOR:
        _VALIDATOR.append(CompiledMetadataValidator())
    return _VALIDATOR[0]


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` on this process's compiled validator."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Validate every cell's nbgrader metadata and the grade ids, as nbgrader does."""
        try:
            metadata_validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources
