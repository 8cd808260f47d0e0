"""Essay: Moodle's manually graded free-text question, which is a reflection (Comment) question of comments.yml.

An essay is not a quiz question: the learner answers it in a Comment field
and the trainer grades it by hand. So it has no scoring here, only the
mapping between a ``comments.yml`` entry and a bank record.
"""

from __future__ import annotations

from typing import Any

from coursekit.bank.record import BankQuestion
from coursekit.quiz.types.base import (
    bank_question_id,
    bank_text_format,
    model_text_format,
)

DEFAULT_MIN_WORDS = 3
"""comments.yml's default ``min_words`` (a shorter answer counts as blank)."""


def essay_to_bank(comment: Any) -> BankQuestion:
    """A comments.yml question (a :class:`~coursekit.authoring.course.CommentQuestion`) as a Moodle essay."""
    fmt = bank_text_format(comment.text_format)
    bq = BankQuestion(
        qtype="essay", name=comment.name or comment.id, text=comment.text,
        text_format=fmt, tags=list(comment.tags or []),
        idnumber=comment.idnumber or comment.id, default_grade=comment.points, penalty=0.0,
        general_feedback=comment.general_feedback or "", general_feedback_format=fmt, response_format="editor",
        min_words=comment.min_words if comment.min_words != DEFAULT_MIN_WORDS else None)
    bq.id = "" if bank_question_id(bq) == comment.id else comment.id
    return bq


def essay_from_bank(bq: BankQuestion) -> dict[str, Any]:
    """A Moodle essay as a comments.yml question (no ``source:``; empty fields left out)."""
    question_id = bank_question_id(bq)
    data: dict[str, Any] = {"id": question_id, "text": bq.text}
    if bq.default_grade != 1.0:
        data["points"] = bq.default_grade
    optional = {
        "min_words": bq.min_words if bq.min_words and bq.min_words != DEFAULT_MIN_WORDS else None,
        "text_format": model_text_format(bq.text_format),
        "name": bq.name if bq.name and bq.name != question_id else None,
        "idnumber": bq.idnumber if bq.idnumber and bq.idnumber != question_id else None,
        "tags": list(bq.tags) or None,
        "general_feedback": bq.general_feedback or None,
    }
    data.update({k: v for k, v in optional.items() if v is not None})
    return data
