"""Option order per learner: shuffled, but the same every time for one learner, section and question."""

from __future__ import annotations

import hashlib
import random

from coursekit.quiz.spec import Matching, MultipleChoice, Question, SingleChoice


def option_order(question: Question, learner: str, section: str, enabled: bool = True) -> list[str]:
    """Option ids (choice ids for matching) in the order this learner sees them.

    True/false and short-answer questions have no options (``[]``). The order
    depends only on section, learner and question id, never on the process.
    """
    if isinstance(question, SingleChoice | MultipleChoice):
        ids = [o.id for o in question.options]
    elif isinstance(question, Matching):
        ids = [c.id for c in question.choices]
    else:
        return []
    if not enabled:
        return ids
    seed = int.from_bytes(hashlib.sha256(f"{section}/{learner}/{question.id}".encode()).digest()[:8], "big")
    random.Random(seed).shuffle(ids)
    return ids
