"""The learner's quiz as two tabs or kernels would use it: a session and a store on one folder.

Importable by name, so worker processes (spawned, each a fresh interpreter like
a kernel) can run the same steps as the tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from project_support import REPO

from coursekit.quiz.responses import Responses, parse_responses
from coursekit.quiz.session import QuizSession
from coursekit.widgets import load_quiz
from coursekit.widgets.store import ResponseStore, StoreError

SECTION = "cooperation_networking"


def quiz_folder(folder: Path) -> Path:
    """A learner's folder holding the section's released ``quiz.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "release" / SECTION / "quiz.json", folder / "quiz.json")
    return folder


def fixed_quiz_folder(folder: Path) -> Path:
    """A learner's folder holding the section's ``quiz.json`` without pools: each slot keeps its first question."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = json.loads((REPO / "release" / SECTION / "quiz.json").read_text(encoding="utf-8"))
    kept = {slot["questions"][0] for slot in spec.pop("slots")}
    spec["questions"] = [q for q in spec["questions"] if q["id"] in kept]
    (folder / "quiz.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder


def open_tab(folder: Path) -> tuple[QuizSession, ResponseStore]:
    """What running the quiz cell does in one tab: load the saved responses into a session."""
    session, store, _ = load_quiz(SECTION, folder)
    return session, store


def questions_of_type(session: QuizSession, kind: str) -> list[str]:
    """Ids of the questions of one type in the attempt in progress (with pools: the ones drawn for it)."""
    return [q.id for q in session.questions if q.type == kind]


def lasting_questions(session: QuizSession) -> list[str]:
    """Ids of the questions of the attempt in progress that the next attempt gives too (fixed slots, not pools)."""
    following = {q.id for q in session.questions_of(session.draw(session.attempt_number + 1))}
    return [q.id for q in session.questions if q.id in following]


def answer(session: QuizSession, store: ResponseStore, question_id: str, value: Any) -> Responses:
    """Answer one question as the widget does: change under the lock, adopt what was saved."""
    saved = store.update(session.responses, lambda current: session.with_answer(current, question_id, value))
    session.adopt(saved)
    return saved


def submit(session: QuizSession, store: ResponseStore) -> Responses:
    """Submit the attempt in progress as the widget does."""
    saved = store.update(session.responses, session.with_submission)
    session.adopt(saved)
    return saved


def on_disk(folder: Path) -> Responses:
    """The responses file as it is now (parsed the way grading parses it)."""
    return parse_responses((folder / "responses" / f"{SECTION}.json").read_bytes())


def submit_many(folder: str, count: int, kernel: int = 0) -> list[tuple[str, str]]:
    """Submit ``count`` attempts from a fresh tab; return ``(id, answer)`` of each one reported saved.

    Each attempt answers the short-answer question with ``"k<kernel>-<n>"``.
    """
    session, store = open_tab(Path(folder))
    text_question = questions_of_type(session, "short_answer")[0]
    reported = []
    for n in range(count):
        value = f"k{kernel}-{n}"
        session.set_answer(text_question, value)
        try:
            saved = submit(session, store)
        except StoreError:
            continue
        assert saved.attempts[-1].answers == {text_question: value}
        reported.append((saved.attempts[-1].id, value))
    return reported


def value_for(session: QuizSession, question_id: str, round_: int) -> Any:
    """A valid answer to a question that changes from one round to the next."""
    question = session.question(question_id)
    if question.type == "true_false":
        return round_ % 2 == 0
    if question.type == "short_answer":
        return f"answer {round_}"
    options = session.option_ids(question)
    if question.type == "single_choice":
        return options[round_ % len(options)]
    if question.type == "multiple_choice":
        return [options[round_ % len(options)]]
    items = [item.id for item in question.items]
    return {item: options[(round_ + i) % len(options)] for i, item in enumerate(items)}


def answer_many(folder: str, question_ids: list[str], rounds: int) -> dict[str, tuple[str, Any]]:
    """Answer ``question_ids`` again and again from a fresh tab.

    Returns each question's last answer reported saved, as ``(answered_at, answer)``.
    """
    session, store = open_tab(Path(folder))
    reported: dict[str, tuple[str, Any]] = {}
    for round_ in range(rounds):
        for question_id in question_ids:
            value = value_for(session, question_id, round_)
            try:
                saved = answer(session, store, question_id, value)
            except StoreError:
                continue
            assert saved.in_progress.answers[question_id] == value
            reported[question_id] = (saved.in_progress.answered_at[question_id], value)
    return reported
