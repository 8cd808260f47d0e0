"""A synthetic cohort written straight into an nbgrader gradebook, in bulk (for benchmarks at scale).

:mod:`coursekit.simulate` writes submissions that are then really graded;
at 10,000 learners that takes a while. This module writes what grading would
have stored: students, submitted sections and notebooks, one grade per graded
cell and one comment row per answer cell, with scores from the same ability ×
difficulty model. Rows are inserted with one executemany per table.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import MetaData, select

from coursekit.authoring.course import Course
from coursekit.cell_ids import comment_cell_id, quiz_cell_id
from coursekit.gradebook.engine import make_engine
from coursekit.gradebook.nbgrader_tables import GRADED_TABLES
from coursekit.simulate import difficulty, p_right


def _id() -> str:
    return uuid.uuid4().hex


def write_gradebook_cohort(course: Course, db_url: str, learners: int, seed: int = 1,
                           absent_rate: float = 0.08) -> int:
    """Insert ``learners`` graded learners into a gradebook whose sections already exist.

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
            for q in section.quiz.questions:
                right = rng.random() < p_right(ability, difficulty(section.id, q.id))
                rows["grade"].append({"id": _id(), "notebook_id": nb_id, "cell_id": by_name[quiz_cell_id(q.id)],
                                      "auto_score": q.points if right else 0.0, "manual_score": None,
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
