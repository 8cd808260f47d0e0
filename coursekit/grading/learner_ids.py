"""Which learner ids nbgrader can grade literally (pure).

nbgrader uses a learner id as a glob pattern (``*``, ``?``, ``[``), strips
white space around it, splits exchange file names on ``+`` and keeps at most
128 characters in its gradebook. A folder whose name breaks one of these
rules would be graded as another learner, or silently not at all; coursekit
refuses it by name, with the reason, wherever ids enter (collect, simulate,
the roster, autograde).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

MAX_LEARNER_ID = 128
"""The longest id nbgrader's gradebook holds (``student.id`` is ``String(128)``)."""



class LearnerIdError(ValueError):
    """Learner ids nbgrader cannot use literally; the message names each and says why."""


GLOB_CHARACTERS = "*?[]"
RESERVED_CHARACTERS = "/\\+"


def learner_id_problem(learner: str) -> str | None:
    """Why ``learner`` cannot be used as a learner id, or None when it can.

    Examples
    --------
    >>> learner_id_problem("ada")
    >>> learner_id_problem("ada ")
    'starts or ends with white space (nbgrader strips it)'
    """
    if not learner:
        return "is empty"
    if len(learner) > MAX_LEARNER_ID:
        return f"is {len(learner)} characters long, more than the {MAX_LEARNER_ID} the gradebook holds"
    if learner != learner.strip():
        return "starts or ends with white space (nbgrader strips it)"
    if learner.startswith("."):
        return "starts with '.' (a hidden folder)"
    found = sorted({c for c in learner if c in GLOB_CHARACTERS})
    if found:
        return f"contains {' '.join(found)} (nbgrader reads ids as glob patterns)"
    found = sorted({c for c in learner if c in RESERVED_CHARACTERS})
    if found:
        return f"contains {' '.join(found)} (reserved in nbgrader's paths and exchange names)"
    if any(unicodedata.category(c).startswith("C") or (c.isspace() and c != " ") for c in learner):
        return "contains a control or line-break character"
    return None


def describe_id(learner: str, limit: int = 60) -> str:
    """A learner id as it can be shown in one line of text (repr, shortened)."""
    shown = repr(learner[:limit])
    return shown + (f"… ({len(learner)} characters)" if len(learner) > limit else "")


def check_learner_ids(learners: Iterable[str]) -> None:
    """Raise :class:`LearnerIdError` naming every id nbgrader cannot use literally."""
    bad = [f"learner id {describe_id(learner)}: {problem}"
           for learner in learners if (problem := learner_id_problem(learner))]
    if bad:
        raise LearnerIdError("\n".join(bad))


def shown_id(learner: str) -> str:
    """A learner id for a summary line: as it is when valid, quoted and shortened when not."""
    return learner if learner_id_problem(learner) is None else describe_id(learner)
