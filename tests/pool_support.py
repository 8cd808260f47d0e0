"""Pooled quizzes for tests: a seed question's variants, a small pooled quiz of single-choice questions, and the
questions of an authored quiz.yml whose slots may be pools."""

from __future__ import annotations

import copy
from typing import Any


def variant(question: dict[str, Any], new_id: str, answer: str) -> dict[str, Any]:
    """``question`` (a quiz.yml entry) under ``new_id`` with its key moved to option ``answer`` (texts swapped)."""
    made = copy.deepcopy(question)
    made["id"] = new_id
    texts = {o["id"]: o["text"] for o in made["options"]}
    texts[question["answer"]], texts[answer] = texts[answer], texts[question["answer"]]
    made["options"] = [{**o, "text": texts[o["id"]]} for o in made["options"]]
    made["answer"] = answer
    made["text"] = f"{question['text']} (variant {new_id[-1]})"
    return made


def single(qid: str, answer: str) -> dict[str, Any]:
    """A single-choice question of three options keyed ``answer``, citing a passage of its own."""
    return {"id": qid, "type": "single_choice", "text": f"Text of {qid}?",
            "options": [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}],
            "answer": answer, "source": f"passage of {qid}"}


def pooled_quiz() -> dict[str, Any]:
    """A quiz of one fixed question and one slot ``pick`` drawing one of three (keys a, b, c), graded by the last."""
    return {"title": "Quiz", "settings": {"grading_method": "last"}, "questions": [
        single("fixed", "a"),
        {"slot": "pick", "pool": [single("pick-a", "a"), single("pick-b", "b"), single("pick-c", "c")]},
    ]}


def authored_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of a loaded ``quiz.yml``, pool members included, in authored order (the dicts themselves)."""
    questions = []
    for entry in data["questions"]:
        questions.extend(entry["pool"] if isinstance(entry, dict) and "pool" in entry else [entry])
    return questions
