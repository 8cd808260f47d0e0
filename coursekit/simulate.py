"""Synthetic cohorts written as real nbgrader submissions (no kernel, fast).

Each learner has an ability and each question a difficulty; the chance of a
right answer follows a logistic (Rasch-like) model, so item statistics of a
simulated cohort look like a real one. Some learners leave comments blank,
some do not submit, a few tamper with their notebook or send a malformed
responses file. Submissions are laid out as nbgrader expects them:
``grader/submitted/<learner>/<section>/`` with the notebook, the responses
file and ``timestamp.txt``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course, Section
from coursekit.quiz.contract import responses_path
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import RESPONSES_SCHEMA
from coursekit.quiz.spec import Question, public_spec, spec_hash
from coursekit.quiz.types import question_type

COMMENT_SENTENCES = (
    "In our institution we already meet the local schools twice a year.",
    "I think the main obstacle is the time trainers have for joint projects.",
    "Our network partners helped us renew the welding programme last year.",
    "We could share our quality handbook with the other providers in the region.",
    "Competition for learners makes my colleagues careful about what they share.",
    "A common agreement would save our international office a lot of paperwork.",
    "I would start by asking the coordinator of our regional network.",
)
TAMPER_KINDS = ("cheat_cell", "garbage_responses", "forged_attempts")


@dataclass
class CohortPlan:
    """What the simulation decided, for tests and the demo's summary."""

    learners: list[str] = field(default_factory=list)
    ability: dict[str, float] = field(default_factory=dict)
    not_submitted: set[tuple[str, str]] = field(default_factory=set)
    tampered: dict[tuple[str, str], str] = field(default_factory=dict)
    blank_comments: set[tuple[str, str]] = field(default_factory=set)


def difficulty(section_id: str, question_id: str) -> float:
    """A stable difficulty per question, spread over [-1.5, 1.5]."""
    value = int(hashlib.sha256(f"{section_id}/{question_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return -1.5 + 3.0 * value


def p_right(ability: float, item_difficulty: float) -> float:
    """The chance that a learner of ``ability`` answers a question of ``item_difficulty`` right (logistic)."""
    return 1.0 / (1.0 + math.exp(-1.7 * (ability - item_difficulty)))


def simulated_answer(question: Question, p: float, rng: random.Random) -> Any:
    """An answer to ``question`` that is right with probability ``p`` (partly right for multi-part types)."""
    return question_type(question).simulated_answer(question, p, rng)


def _attempts(section: Section, ability: float, rng: random.Random, start: datetime,
              learner: str = "") -> list[dict[str, Any]]:
    """Simulated attempts; with pools each attempt answers the questions drawn for it (and records the draw)."""
    limit = section.quiz.settings.attempts
    count = rng.choice((1, 1, 1, 2, 2, 3))
    if limit != "unlimited":
        count = min(count, limit)
    attempts = []
    for number in range(1, count + 1):
        skill = ability + 0.4 * (number - 1)  # learners improve on a new attempt
        quiz = section.quiz
        draw = draw_for_attempt(quiz, learner, section.id, number) if quiz.has_pools else None
        given = [(slot.id, quiz.question(draw[slot.id])) for slot in quiz.quiz_slots] if draw is not None \
            else [(q.id, q) for q in quiz.questions]
        answers = {  # the questions of a pool are equally hard: the slot's difficulty
            q.id: simulated_answer(q, p_right(skill, difficulty(section.id, slot_id)), rng)
            for slot_id, q in given
            if rng.random() > 0.03  # now and then a question is left unanswered
        }
        began = start + timedelta(minutes=20 * (number - 1))
        attempts.append({
            "number": number,
            "started_at": began.isoformat(timespec="seconds"),
            "submitted_at": (began + timedelta(minutes=rng.randint(4, 15))).isoformat(timespec="seconds"),
            "answers": answers,
            **({"draw": draw} if draw is not None else {}),
        })
    return attempts


def responses_document(course: Course, section: Section, learner: str,
                       attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """A responses file as the quiz widget writes it."""
    from coursekit.authoring.build import quiz_salt

    public = public_spec(section.quiz, section.id, quiz_salt(course.id, section.id))
    return {
        "schema": RESPONSES_SCHEMA,
        "learner": learner,
        "section": section.id,
        "spec_hash": spec_hash(public),
        "attempts": attempts,
        "in_progress": {"answers": {}, "updated_at": attempts[-1]["submitted_at"] if attempts else None},
    }


def _fill_comments(notebook: dict[str, Any], rng: random.Random, blank: bool) -> dict[str, Any]:
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade"):
            cell["source"] = "" if blank and rng.random() < 0.7 else " ".join(rng.sample(COMMENT_SENTENCES, 2))
    return notebook


CHEAT_CELL = {
    "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "id": "learner-added",
    "source": "import builtins, json\njson.load = lambda *a, **k: {}\nbuiltins.sum = lambda *a, **k: 10**6\n",
}


def _tamper(kind: str, folder: Path, notebook: dict[str, Any], responses: dict[str, Any]) -> None:
    if kind == "cheat_cell":
        notebook["cells"].insert(0, copy.deepcopy(CHEAT_CELL))
    elif kind == "garbage_responses":
        responses.clear()
    elif kind == "forged_attempts":
        for extra in range(20):
            forged = copy.deepcopy(responses["attempts"][-1])
            forged["number"] = len(responses["attempts"]) + 1 + extra
            responses["attempts"].append(forged)


def simulate(course: Course, release_root: Path, submitted_root: Path, learners: int, seed: int,
             tamper_rate: float = 0.02, absent_rate: float = 0.08, blank_rate: float = 0.15) -> CohortPlan:
    """Write a synthetic cohort's submissions for every section of ``course``.

    Parameters
    ----------
    course
        The authored course (the keys come from here).
    release_root
        ``release/``: each submission starts as the learner's copy of it.
    submitted_root
        nbgrader's ``submitted/`` folder to write into.
    learners, seed
        Cohort size and random seed (the same seed writes the same cohort).
    tamper_rate, absent_rate, blank_rate
        Shares of submissions that are tampered with, missing, and with blank comments.

    Returns
    -------
    CohortPlan
        Learner ids, abilities and which submissions are absent, tampered or blank.
    """
    rng = random.Random(seed)
    plan = CohortPlan()
    templates = {
        s.id: json.loads((release_root / s.id / f"{s.id}.ipynb").read_text(encoding="utf-8"))
        for s in course.sections
    }
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    width = max(4, len(str(learners)))
    for index in range(1, learners + 1):
        learner = f"learner{index:0{width}d}"
        plan.learners.append(learner)
        plan.ability[learner] = ability = rng.gauss(1.2, 1.0)
        for offset, section in enumerate(course.sections):
            key = (learner, section.id)
            if rng.random() < absent_rate:
                plan.not_submitted.add(key)
                continue
            begin = start + timedelta(days=7 * offset + rng.randint(0, 6), minutes=rng.randint(0, 600))
            attempts = _attempts(section, ability, rng, begin, learner)
            responses = responses_document(course, section, learner, attempts)
            blank = rng.random() < blank_rate
            if blank:
                plan.blank_comments.add(key)
            notebook = _fill_comments(templates[section.id], rng, blank)
            folder = submitted_root / learner / section.id
            responses_file = responses_path(folder, section.id)
            responses_file.parent.mkdir(parents=True, exist_ok=True)
            if rng.random() < tamper_rate:
                plan.tampered[key] = kind = rng.choice(TAMPER_KINDS)
                _tamper(kind, folder, notebook, responses)
            (folder / f"{section.id}.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
            responses_text = json.dumps(responses) if responses else "{not json"
            responses_file.write_text(responses_text, encoding="utf-8")
            submitted_at = attempts[-1]["submitted_at"] if attempts else begin.isoformat()
            handed_in = datetime.fromisoformat(submitted_at)
            (folder / "timestamp.txt").write_text(handed_in.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
            date_files(folder, handed_in)  # as a folder copied with its times: grading reads the hand-in time there
    return plan


def date_files(folder: Path, moment: datetime) -> None:
    """Set the modification time of every file in ``folder`` (symlinks not followed) to ``moment``."""
    seconds = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (seconds, seconds))
