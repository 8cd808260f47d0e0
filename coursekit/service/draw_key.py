"""The key of the quiz service's draw of pooled questions: kept with its record, never shown to a learner.

On one machine the learner's kernel draws, keyed by the public
:data:`coursekit.quiz.draw.PUBLIC_KEY`: a learner can foresee (never choose)
their next question. Under JupyterHub the quiz service draws, keyed by 32
random bytes made when its tables are first migrated (the service migrates
them when it starts) and stored in the gradebook's ``coursekit_quiz_draw_key``
table beside its attempts. The gradebook lives on the trainers' side
(``grader/`` or the course's PostgreSQL database), so learners cannot read the
key, and nobody can tell from learner-visible files which question an
attempt will bring. Grading reads the same key from the gradebook to rebuild
and check every draw of a section graded from the service's record.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from coursekit.service.tables import DRAW_KEY


class DrawKeyMissingError(RuntimeError):
    """The gradebook's quiz tables have no draw key (older tables): run ``coursekit service migrate``."""


def read_draw_key(engine: Engine) -> bytes:
    """The service's draw key stored in the gradebook of ``engine``.

    Raises
    ------
    DrawKeyMissingError
        When the quiz tables are older than the key (or the row was removed).
    """
    missing = "the gradebook's quiz service tables have no draw key: run `coursekit service migrate`"
    try:
        with engine.connect() as conn:
            text = conn.execute(select(DRAW_KEY.c.key).where(DRAW_KEY.c.id == 1)).scalar()
    except SQLAlchemyError as exc:  # no such table: the tables predate the key
        raise DrawKeyMissingError(missing) from exc
    try:
        key = bytes.fromhex(text or "")
    except ValueError:
        key = b""
    if len(key) < 16:
        raise DrawKeyMissingError(missing)
    return key
