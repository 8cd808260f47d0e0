"""Prove that no quiz key reaches learners: scan a release tree for key material."""

from __future__ import annotations

import json
import pprint
from pathlib import Path

from coursekit.authoring.course import Course
from coursekit.authoring.notebook import HIDDEN_BEGIN, HIDDEN_END
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.spec import KEY_FIELDS, answer_key
from coursekit.quiz.types import REGISTRY
from coursekit.quiz.types.base import COMMON_KEY_FIELDS

FORBIDDEN_TEXT = (HIDDEN_BEGIN, HIDDEN_END, "coursekit.grading.hidden", "question_points(", "grade_question(",
                  "BEGIN SOLUTION")
KEY_FILE_WORDS = ("key", "answers", "solution")


def find_leaks(release_root: Path, course: Course) -> list[str]:
    """Every place in ``release_root`` that holds key material, as ``path: what`` lines.

    Looks for hidden-test source and solution markers in any file, for files
    whose names suggest a key, for key fields (``answer``, ``penalty``,
    ``source``, feedback, and any field a question type keeps from learners, also
    inside options) in the public quiz specs, and for the literal key of any section or question
    (as a grade cell writes it).
    """
    release_root = Path(release_root)
    keys = {s.id: pprint.pformat(answer_key(s.quiz), width=100, sort_dicts=True) for s in course.sections}
    question_keys = {(s.id, qid): pprint.pformat({qid: key}, width=100, sort_dicts=True)
                     for s in course.sections for qid, key in answer_key(s.quiz).items()}
    problems = []
    for path in sorted(p for p in release_root.rglob("*") if p.is_file()):
        rel = path.relative_to(release_root)
        if any(word in path.stem.lower() for word in KEY_FILE_WORDS):
            problems.append(f"{path}: file name suggests a key file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(f"{path}: binary file in a release")
            continue
        problems.extend(f"{path}: contains {marker!r}" for marker in FORBIDDEN_TEXT if marker in text)
        problems.extend(f"{path}: contains the key of section {sid!r}" for sid, key in keys.items() if key in text)
        problems.extend(f"{path}: contains the key of question {qid!r} of section {sid!r}"
                        for (sid, qid), key in question_keys.items() if key in text)
        if path.suffix == ".json" and rel.parts[-1] == PUBLIC_SPEC_NAME:
            problems.extend(_public_spec_leaks(path, text))
    return problems


def _public_spec_leaks(path: Path, text: str) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"{path}: not valid JSON ({exc})"]
    hidden = sorted(set(KEY_FIELDS) | COMMON_KEY_FIELDS | {f for t in REGISTRY.values() for f in t.model.key_fields})
    problems = []
    for q in data.get("questions", []):
        if not isinstance(q, dict):
            continue
        problems += [f"{path}: question {q.get('id')!r} has key field {name!r}" for name in hidden if name in q]
        problems += [f"{path}: question {q.get('id')!r} has key field {name!r} in {where}"
                     for where, name in _nested_key_fields(q)]
    return problems


NESTED_KEY_FIELDS = ("fraction", "feedback", "tolerance")
"""Key material inside a question's options or answers (a choice's fraction or feedback, a tolerance)."""


def _nested_key_fields(question: dict) -> list[tuple[str, str]]:
    found = []
    for field_name, value in question.items():
        for entry in value if isinstance(value, list) else []:
            if isinstance(entry, dict):
                found += [(field_name, name) for name in NESTED_KEY_FIELDS if name in entry]
    return found
