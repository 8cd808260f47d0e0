"""A synthetic cohort written straight into an nbgrader gradebook, in bulk (for benchmarks at scale).

:mod:`coursekit.simulate` writes submissions that are then really graded;
at 10,000 learners that takes a while. This module writes what grading would
have stored: students, submitted sections and notebooks, one grade per graded
cell and one comment row per answer cell, with scores from the same ability ×
difficulty model. Rows are inserted with one executemany per table. Given a
folder for them, it also writes each learner's responses file (one attempt,
the answers the grades were scored from), as autograde leaves it in
``autograded/<learner>/<section>/responses/``: the item analysis then has
options to count.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from coursekit.authoring.course import Course
from coursekit.cell_ids import comment_cell_id, quiz_cell_id
from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.nbgrader_tables import GRADED_TABLES
from coursekit.quiz.attempts import attempt_scores
from coursekit.quiz.contract import responses_path
from coursekit.quiz.draw import draw_for_attempt
from coursekit.simulate import difficulty, p_right, responses_document, simulated_answer


def _id() -> str:
    return uuid.uuid4().hex


def _write_responses(folder: Path, template: dict[str, Any], learner: str, answers: dict[str, Any],
                     when: datetime, draw: dict[str, str] | None = None) -> None:
    """One learner's responses file with a single submitted attempt holding ``answers`` (and its ``draw``)."""
    moment = when.isoformat(timespec="seconds")
    attempt = {"number": 1, "started_at": moment, "submitted_at": moment, "answers": answers,
               **({"draw": draw} if draw is not None else {})}
    document = {**template, "learner": learner, "attempts": [attempt],
                "in_progress": {"answers": {}, "updated_at": moment}}
    path = responses_path(folder / learner / template["section"], template["section"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")


def write_gradebook_cohort(course: Course, db_url: str, learners: int, seed: int = 1,
                           absent_rate: float = 0.08, responses_dir: Path | None = None) -> int:
    """Insert ``learners`` graded learners into a gradebook whose sections already exist.

    With ``responses_dir`` (a workspace's ``autograded/`` folder), every submission also gets its responses
    file, and each slot's grade is the score of the answer in it. With pools a learner answers the questions
    drawn for their first attempt (recorded with it), each as hard as its slot.

    Returns the number of grade rows written.
    """
    rng = random.Random(seed)
    engine = make_engine(db_url)
    meta = MetaData()
    meta.reflect(engine, only=list(GRADED_TABLES))
    t = meta.tables
    with engine.begin() as conn:
        assignments = {name: aid for aid, name in conn.execute(select(t["assignment"].c.id, t["assignment"].c.name))}
        notebooks = {aid: nid for nid, aid in conn.execute(select(t["notebook"].c.id, t["notebook"].c.assignment_id))}
        cells = conn.execute(select(t["base_cell"].c.id, t["base_cell"].c.name, t["base_cell"].c.notebook_id)
                             .join(t["grade_cells"], t["grade_cells"].c.id == t["base_cell"].c.id)).all()
    cells_by_notebook: dict[str, dict[str, str]] = {}
    for cell_id, name, notebook_id in cells:
        cells_by_notebook.setdefault(notebook_id, {})[name] = cell_id

    templates = {section.id: responses_document(course, section, "", []) for section in course.sections}
    rows: dict[str, list[dict]] = {name: [] for name in ("student", "submitted_assignment", "submitted_notebook",
                                                          "grade", "comment")}
    start = datetime(2026, 9, 1, 8, 0)
    width = max(4, len(str(learners)))
    for index in range(1, learners + 1):
        learner = f"learner{index:0{width}d}"
        ability = rng.gauss(1.2, 1.0)
        rows["student"].append({"id": learner})
        for offset, section in enumerate(course.sections):
            if rng.random() < absent_rate:
                continue
            sub_id, nb_id = _id(), _id()
            when = start + timedelta(days=7 * offset + rng.randint(0, 6), minutes=rng.randint(0, 600))
            rows["submitted_assignment"].append({"id": sub_id, "assignment_id": assignments[section.id],
                                                 "student_id": learner, "timestamp": when})
            notebook_id = notebooks[assignments[section.id]]
            rows["submitted_notebook"].append({"id": nb_id, "assignment_id": sub_id, "notebook_id": notebook_id,
                                               "flagged": False})
            by_name = cells_by_notebook[notebook_id]
            quiz = section.quiz
            if responses_dir is not None:
                draw = draw_for_attempt(quiz, learner, section.id, 1) if quiz.has_pools else None
                given = [(slot.id, quiz.question(draw[slot.id] if draw is not None else slot.questions[0]))
                         for slot in quiz.quiz_slots]
                answers = {q.id: simulated_answer(q, p_right(ability, difficulty(section.id, slot_id)), rng)
                           for slot_id, q in given}
                _write_responses(responses_dir, templates[section.id], learner, answers, when, draw)
                points = attempt_scores(quiz, answers, draw)
            else:
                points = {slot.id: quiz.slot_points(slot)
                          if rng.random() < p_right(ability, difficulty(section.id, slot.id)) else 0.0
                          for slot in quiz.quiz_slots}
            for slot in quiz.quiz_slots:
                rows["grade"].append({"id": _id(), "notebook_id": nb_id, "cell_id": by_name[quiz_cell_id(slot.id)],
                                      "auto_score": points[slot.id], "manual_score": None,
                                      "extra_credit": None, "needs_manual_grade": False})
            for c in section.comments:
                blank = rng.random() < 0.05
                cell_id = by_name[comment_cell_id(c.id)]
                rows["grade"].append({"id": _id(), "notebook_id": nb_id, "cell_id": cell_id,
                                      "auto_score": 0.0 if blank else None, "manual_score": None,
                                      "extra_credit": None, "needs_manual_grade": not blank})
                rows["comment"].append({"id": _id(), "notebook_id": nb_id, "cell_id": cell_id,
                                        "auto_comment": None, "manual_comment": None})
    with engine.begin() as conn:
        for name in ("student", "submitted_assignment", "submitted_notebook", "grade", "comment"):
            if rows[name]:
                conn.execute(t[name].insert(), rows[name])
    engine.dispose()
    return len(rows["grade"])
