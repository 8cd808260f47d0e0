"""Option order per learner: shuffled, but the same every time for one learner, section and question."""

from __future__ import annotations

import hashlib
import random

from coursekit.quiz.spec import Question
from coursekit.quiz.types import question_type


def _seed(section: str, learner: str, question_id: str) -> int:
    digest = hashlib.sha256(f"{section}/{learner}/{question_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def option_order(question: Question, learner: str, section: str, enabled: bool = True) -> list[str]:
    """Give the order in which this learner sees a question's options.

    The seed is the SHA-256 of ``"<section>/<learner>/<question id>"``, so the
    order is stable across calls and processes (it does not depend on
    ``PYTHONHASHSEED``) and differs between learners, sections and questions.

    Parameters
    ----------
    question
        The question whose options are ordered.
    learner
        The learner's name.
    section
        The section the quiz belongs to.
    enabled
        Whether to shuffle (the quiz's ``shuffle_answers``); if not, or if the question says
        ``shuffle: false`` (Moodle's per-question setting), the authored order.

    Returns
    -------
    list[str]
        The ids the question's type shuffles (options; choices for matching),
        a permutation of the authored ones; ``[]`` for types without options.
    """
    ids = question_type(question).option_ids(question)
    if not ids:
        return []
    if enabled and getattr(question, "shuffle", None) is not False:
        random.Random(_seed(section, learner, question.id)).shuffle(ids)
    return ids
