"""Helpers for tests that edit an authored quiz.yml whose slots may be pools."""

from __future__ import annotations

from typing import Any


def authored_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of a loaded ``quiz.yml``, pool members included, in authored order (the dicts themselves)."""
    questions = []
    for entry in data["questions"]:
        questions.extend(entry["pool"] if isinstance(entry, dict) and "pool" in entry else [entry])
    return questions
