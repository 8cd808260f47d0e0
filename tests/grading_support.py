"""Helpers for grading tests: hand-made submissions with known scores, graded for real."""

from __future__ import annotations

import copy
import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import yaml
from pool_support import variant
from project_support import REPO

from coursekit.authoring.course import Course, Section, load_course
from coursekit.autograde.runner import BatchResult, grade_workspace
from coursekit.cli import main
from coursekit.gradebook.roster import register_learners
from coursekit.paths import ProjectPaths
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import Question
from coursekit.quiz.types import question_type
from coursekit.results.report import write_report
from coursekit.simulate import date_files, responses_document


def make_project(root: Path, attempts: dict[str, int] | None = None) -> ProjectPaths:
    """A copy of the project; ``attempts`` sets attempt limits per section (then builds and releases)."""
    for name in ("course", "source", "release", "notebooks"):
        shutil.copytree(REPO / name, root / name)
    (root / "grader").mkdir()
    for section, limit in (attempts or {}).items():
        path = root / "course" / section / "quiz.yml"
        text = path.read_text(encoding="utf-8").replace("attempts: unlimited", f"attempts: {limit}", 1)
        path.write_text(text, encoding="utf-8")
    if attempts:
        assert main(["--root", str(root), "build"]) == 0
        assert main(["--root", str(root), "release"]) == 0
    return ProjectPaths(root)


def pooled_project(root: Path, section: str,
                   choose: Callable[[dict[str, Any]], tuple[int, tuple[str, str]]]) -> ProjectPaths:
    """A copy of the project (with the grader's nbgrader config) whose ``section`` quiz has a pool, built and released.

    ``choose`` gets the loaded quiz.yml and names the entry to replace (its index) and two option ids; the entry
    becomes the slot ``schools``: a pool of its question (a pool's first one) and two :func:`pool_support.variant`
    of it keyed by those options, ``schools-b`` and ``schools-c``.
    """
    paths = make_project(root)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    quiz_file = paths.course / section / "quiz.yml"
    data = yaml.safe_load(quiz_file.read_text(encoding="utf-8"))
    index, (second, third) = choose(data)
    entry = data["questions"][index]
    first = entry["pool"][0] if "pool" in entry else entry
    data["questions"][index] = {"slot": "schools", "pool": [first, variant(first, "schools-b", second),
                                                            variant(first, "schools-c", third)]}
    quiz_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    root_option = ["--root", str(paths.root)]
    assert main([*root_option, "build"]) == 0 and main([*root_option, "release"]) == 0
    return paths


def right_answer(question: Question) -> Any:
    """The key of a question, as a learner would answer it."""
    return copy.deepcopy(question_type(question).right_answer(question))


def wrong_answer(question: Question) -> Any:
    """An answer that earns 0 points."""
    return question_type(question).wrong_answer(question)


def slot_of(section: Section) -> dict[str, str]:
    """The slot id of every question of a section's quiz (a fixed question is its own slot)."""
    return {qid: slot.id for slot in section.quiz.quiz_slots for qid in slot.questions}


def answers(section: Section, right: set[str] | None = None) -> dict[str, Any]:
    """Answers to every question, pool members included: right for the slots in ``right`` (all when None).

    ``right`` names slots (a pool's slot id is its first question's id); every
    question of such a slot is answered right, the others wrong. A responses
    file keeps only the answers to the questions drawn (:func:`drawn_attempts`).
    """
    slots = slot_of(section)
    return {q.id: right_answer(q) if right is None or slots[q.id] in right or q.id in right else wrong_answer(q)
            for q in section.quiz.questions}


def expected_score(section: Section, right: set[str] | None) -> float:
    """What :func:`answers` earns, counted by hand: the points of the right slots (one question each)."""
    quiz = section.quiz
    return float(sum(quiz.slot_points(slot) for slot in quiz.quiz_slots
                     if right is None or slot.id in right or set(slot.questions) & set(right)))


def drawn_answers(section: Section, learner: str, number: int, right: set[str] | None = None,
                  secret: bytes | None = None) -> dict[str, Any]:
    """:func:`answers` to the questions drawn for ``learner``'s attempt ``number`` (what a quiz server takes).

    ``secret``: the quiz service's draw key (:mod:`coursekit.service.draw_key`), else the public draw.
    """
    given = set(draw_for_attempt(section.quiz, learner, section.id, number, secret).values())
    return {qid: answer for qid, answer in answers(section, right).items() if qid in given}


def drawn_attempts(section: Section, learner: str, attempts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``attempts`` as the widget records them for ``learner``: with their draws, answers to undrawn questions dropped.

    A quiz without pools, or an attempt that already records a ``draw``, is left as it is.
    """
    quiz = section.quiz
    if not quiz.has_pools:
        return attempts
    recorded = []
    for record in attempts:
        if "draw" in record or not isinstance(record.get("number"), int):
            recorded.append(record)
            continue
        draw = draw_for_attempt(quiz, learner, section.id, record["number"])
        given = set(draw.values())
        pooled = {qid for slot in quiz.quiz_slots for qid in slot.questions}
        kept = record.get("answers")
        if isinstance(kept, dict):
            kept = {qid: answer for qid, answer in kept.items() if qid not in pooled or qid in given}
        recorded.append({**record, "answers": kept, "draw": draw})
    return recorded


def attempt(number: int, given: dict[str, Any]) -> dict[str, Any]:
    """One submitted attempt record."""
    return {"number": number, "started_at": f"2026-10-0{number}T09:00:00",
            "submitted_at": f"2026-10-0{number}T09:10:00", "answers": given}


def write_submission(paths: ProjectPaths, course: Course, section: Section, learner: str,
                     attempts: list[dict[str, Any]], comment: str | None = "We meet the partner schools twice a year.",
                     responses_text: str | None = None, release_root: Path | None = None,
                     field_comments: dict[str, str] | None = None) -> Path:
    """A submission folder as nbgrader collects it; returns the folder.

    ``comment`` goes into every Comment cell (None leaves the release's placeholder);
    ``field_comments`` (grade id -> text) are written as the Comment fields save them.
    """
    folder = paths.grader / "submitted" / learner / section.id
    (folder / "responses").mkdir(parents=True)
    release = release_root or paths.release
    nb = nbformat.read(release / section.id / f"{section.id}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and comment is not None:
            cell.source = comment
    nbformat.write(nb, folder / f"{section.id}.ipynb")
    if field_comments is not None:
        doc = {"schema": "coursekit.comments/1", "learner": learner, "section": section.id,
               "comments": {gid: {"text": text, "updated_at": "2026-10-01T09:00:00.000+00:00"}
                            for gid, text in field_comments.items()}}
        (folder / "responses" / f"{section.id}.comments.json").write_text(json.dumps(doc), encoding="utf-8")
    text = responses_text if responses_text is not None else json.dumps(
        responses_document(course, section, learner, drawn_attempts(section, learner, attempts)))
    (folder / "responses" / f"{section.id}.json").write_text(text, encoding="utf-8")
    hand_in_at(folder, "2026-10-01 09:10:00")
    return folder


def hand_in_at(folder: Path, when: str) -> None:
    """Date a hand-placed submission: its ``timestamp.txt`` and its files' modification times (UTC ``when``)."""
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    (folder / "timestamp.txt").write_text(moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    date_files(folder, moment)


def edit_notebook(folder: Path, section: str, edit) -> None:
    """Apply ``edit(nb)`` to a submitted notebook (its modification time, the hand-in time, kept)."""
    path = folder / f"{section}.ipynb"
    times = path.stat()
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))


def grade_all(paths: ProjectPaths, jobs: int = 2, **kwargs: Any) -> BatchResult:
    """Autograde every submission of the project with coursekit (real nbgrader, real gradebook)."""
    learners = sorted(p.name for p in (paths.grader / "submitted").iterdir())
    register_learners(paths.gradebook_url, learners)
    return grade_workspace(load_course(paths.course), paths, paths.gradebook_url, jobs=jobs, quiet=True, **kwargs)


SCORES = """
SELECT s.id AS learner, a.name AS section, bc.name AS cell, g.auto_score AS score, g.needs_manual_grade AS manual
FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN student s ON sa.student_id = s.id JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON g.cell_id = bc.id
"""


def scores_at(db_url: str) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """Every grade of a gradebook: (learner, section, cell) -> (automatic score, needs manual grading)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(SCORES)).all()
    engine.dispose()
    return {(r.learner, r.section, r.cell): (r.score, bool(r.manual)) for r in rows}


def grades_csv(paths: ProjectPaths, db_url: str | None = None):
    """``coursekit report``'s grades table, indexed by (learner, section)."""
    report = write_report(db_url or paths.gradebook_url, load_course(paths.course), paths.reports)
    return report.grades.set_index(["learner", "section"])
