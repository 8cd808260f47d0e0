"""What a grading process leaves out of its imports, for start-up time.

``jsonschema`` (imported by nbformat and nbgrader) builds the grammars of
``rfc3987_syntax`` at import when that package is installed: 1-2 s of every
``coursekit autograde`` start. They serve only the ``iri`` format check of a
``FormatChecker``, which neither nbformat's nor nbgrader's validation uses
(both validate without format checks), so a grading process does without.
"""

from __future__ import annotations

import sys

UNUSED_IN_GRADING = ("rfc3987_syntax",)


def leave_out_unused_imports() -> None:
    """Make ``jsonschema`` skip the IRI grammars in this process (only before ``jsonschema`` is imported)."""
    if "jsonschema" in sys.modules:
        return
    for name in UNUSED_IN_GRADING:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]  # import raises ImportError: not used
