"""A pooled quiz as the quiz service reads it: ``source/<section>/quiz.json`` and a notebook holding the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pool_support import pooled_quiz

from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import QuizSpec, answer_key, parse_quiz, public_spec

POOLED = "pooled"


def pooled_spec(**settings: Any) -> QuizSpec:
    """:func:`pool_support.pooled_quiz` with ``settings`` changed, parsed."""
    data = pooled_quiz()
    data["settings"].update(settings)
    return parse_quiz(data)


def pooled_source(folder: Path, spec: QuizSpec, section: str = POOLED) -> Path:
    """A source root with ``section``'s public quiz.json and a notebook whose grade cell holds the key."""
    root = folder / "source"
    (root / section).mkdir(parents=True, exist_ok=True)
    (root / section / "quiz.json").write_text(json.dumps(public_spec(spec, section)), encoding="utf-8")
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": f"grade_question({section!r}, 'fixed', {answer_key(spec)!r})"}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / section / f"{section}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return root


def learner_folder(folder: Path, spec: QuizSpec, section: str = POOLED) -> Path:
    """A learner's folder holding the section's released quiz.json."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quiz.json").write_text(json.dumps(public_spec(spec, section)), encoding="utf-8")
    return folder


def learners_drawn_apart(spec: QuizSpec, key: bytes, section: str = POOLED, attempt: int = 1) -> list[str]:
    """Learners of ``l0`` … ``l199`` whose draw of ``attempt`` under ``key`` is not their public draw."""
    return [name for name in (f"l{n}" for n in range(200))
            if draw_for_attempt(spec, name, section, attempt, key) != draw_for_attempt(spec, name, section, attempt)]
