"""How the graded cells of a section notebook are named (nbgrader grade ids): one place for all modules."""

from __future__ import annotations

QUIZ_PREFIX = "quiz-"
COMMENT_PREFIX = "comment-"


def quiz_cell_id(question_id: str) -> str:
    """The grade id of a quiz question's hidden-test cell."""
    return f"{QUIZ_PREFIX}{question_id}"


def comment_cell_id(question_id: str) -> str:
    """The grade id of a reflection question's answer (Comment) cell."""
    return f"{COMMENT_PREFIX}{question_id}"
