"""Feedback for learners without the key, whichever way nbgrader's ``GenerateFeedback`` is started.

Stock nbgrader feedback prints every cell as graded, hidden tests included, so
a returned notebook reveals the answer key (nbgrader issues #917, #1363).
:class:`QuizFeedback` runs after nbgrader's ``GetGrades`` and replaces the
whole notebook by the feedback page of :mod:`.feedback_page`: the learner's
own answers, the verdicts, the quiz against its pass rate and the comment
points apart from it, the trainer's remarks; no code, no hidden test, no key
(the correct answer is named only when the section says
``show_correct_answers``). It renders with coursekit's own template
(``templates/coursekit_feedback``), so no notebook machinery shows.

:func:`configure_feedback` sets this up on an nbgrader config: ``coursekit
feedback`` uses it, and so does ``grader/nbgrader_config.py``, so formgrader's
Generate Feedback buttons and ``nbgrader generate_feedback`` make the same page.
The preprocessor finds the course itself (``course/`` beside the workspace),
so a plain nbgrader config is enough.

A submission with answers not yet reviewed in formgrader is refused
(:class:`PendingReviewError`), or, with ``QuizFeedback.pending =
"provisional"``, marked provisional at the top.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum, Unicode

from coursekit.authoring.course import Course, load_course
from coursekit.authoring.notebook import COMMENT_PLACEHOLDER
from coursekit.cell_ids import COMMENT_PREFIX, QUIZ_PREFIX, comment_cell_id, quiz_cell_id
from coursekit.gradebook.nbgrader_tables import PENDING_REVIEWS
from coursekit.gradebook.state import fetch_all
from coursekit.grading import feedback_page as page
from coursekit.grading.feedback_page import correct_answer_text, verdict  # noqa: F401 (part of this module's API)
from coursekit.grading.hidden import grade_quiz, submitter
from coursekit.nbgrader_glue import ensure_exchange, nbgrader_api, nbgrader_config
from coursekit.paths import ProjectPaths
from coursekit.quiz.describe import NO_ANSWER, describe_answer
from coursekit.quiz.spec import answer_key
from coursekit.results.follow_up import cohort_grades
from coursekit.results.lms import quiz_outcome

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "coursekit_feedback"
PENDING_POLICIES = ("refuse", "provisional")


class PendingReviewError(ValueError):
    """A submission has answers that are not yet reviewed; its feedback is refused."""


def find_course_folder(workspace: Path) -> Path | None:
    """``course/`` (with ``course.yml``) in the workspace, beside it, or one folder further up; None if none."""
    workspace = Path(workspace).resolve()
    for base in (workspace, *workspace.parents[:2]):
        if (base / "course" / "course.yml").is_file():
            return base / "course"
    return None


@lru_cache(maxsize=4)
def _load_course(folder: str, stamp: float) -> Course:
    return load_course(Path(folder))


def _course_stamp(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def configure_feedback(config: Any, course_folder: str | Path | None = None, pending: str = "refuse") -> None:
    """Make nbgrader's ``GenerateFeedback`` on ``config`` produce coursekit's key-free feedback page.

    Parameters
    ----------
    config
        A traitlets ``Config`` (``c`` in an ``nbgrader_config.py``).
    course_folder
        The course (``course/``); default: found beside the nbgrader workspace when feedback is made.
    pending
        ``"refuse"``: a submission with answers not yet reviewed gets no feedback; ``"provisional"``:
        it gets feedback marked provisional.
    """
    if pending not in PENDING_POLICIES:
        raise ValueError(f"pending must be one of {', '.join(PENDING_POLICIES)}, not {pending!r}")
    config.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades", "coursekit.results.feedback.QuizFeedback"]
    # Only the feedback converter's exporter uses coursekit's page; formgrader's own views are unchanged.
    config.GenerateFeedback.HTMLExporter.template_name = TEMPLATE_NAME
    config.GenerateFeedback.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    # QuizFeedback escapes the learner's text itself: the workspace's answer escaping (HTMLExporter.preprocessors,
    # for formgrader's views) would run first and make the page show the escaped markup.
    config.GenerateFeedback.HTMLExporter.preprocessors = []
    config.QuizFeedback.pending = pending
    if course_folder is not None:
        config.QuizFeedback.course_directory = str(course_folder)


def _cell_source(cell: NotebookNode) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _html_cell(html_text: str) -> NotebookNode:
    return new_markdown_cell(html_text)


class QuizFeedback(NbGraderPreprocessor):
    """Replace a graded notebook by coursekit's feedback page (no code, no hidden tests, no key)."""

    course_directory = Unicode("", help="The course folder (course/); default: found beside the workspace.").tag(
        config=True)
    pending = Enum(list(PENDING_POLICIES), "refuse",
                   help="Answers not yet reviewed: refuse the feedback, or mark it provisional.").tag(config=True)

    def _workspace(self) -> Path | None:
        owner = self.parent
        while owner is not None:
            coursedir = getattr(owner, "coursedir", None)
            if coursedir is not None:
                return Path(coursedir.root)
            owner = getattr(owner, "parent", None)
        return None

    def course(self, resources: dict[str, Any]) -> Course:
        """The course the notebook belongs to (``course_directory``, else found beside the workspace)."""
        folder = Path(self.course_directory) if self.course_directory else None
        if folder is None:
            workspace = self._workspace() or Path(resources.get("metadata", {}).get("path", ".")).parents[2]
            folder = find_course_folder(workspace)
            if folder is None:
                raise FileNotFoundError(f"{workspace}: no course/ folder with course.yml beside this workspace; "
                                        "set QuizFeedback.course_directory")
        return _load_course(str(folder.resolve()), _course_stamp(folder))

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Build the feedback page of one graded notebook."""
        info = resources["nbgrader"]
        course = self.course(resources)
        section = course.section(info["assignment"])
        learner = info["student"]
        pending = pending_in_submission(info["db_url"], info["assignment"], info["notebook"], learner)
        if pending and self.pending == "refuse":
            raise PendingReviewError(f"{learner} / {section.id}: not yet reviewed: {', '.join(pending)} "
                                     "(review in formgrader, or make provisional feedback)")
        graded_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells
                        if c.metadata.get("nbgrader", {}).get("grade")}

        def score(grade_id: str) -> float | None:
            cell = graded_cells.get(grade_id)
            value = cell.metadata["nbgrader"].get("score") if cell is not None else None
            return None if value is None else float(value)

        folder = Path(resources.get("metadata", {}).get("path") or ".")
        shown = None
        with submitter(learner), contextlib.suppress(OSError, ValueError):
            shown = grade_quiz(folder, section.id, answer_key(section.quiz)).shown

        comments = []
        for number, question in enumerate(section.comments, 1):
            grade_id = comment_cell_id(question.id)
            cell = graded_cells.get(grade_id)
            text = _cell_source(cell).strip() if cell is not None else ""
            remark = cell.metadata["nbgrader"].get("comment") if cell is not None else None
            blank = text in ("", COMMENT_PLACEHOLDER)  # a blank answer scores 0, whatever points it was given
            comments.append(page.CommentItem(number, question.text, question.points, "" if blank else text,
                                             0.0 if blank else score(grade_id), grade_id in pending and not blank,
                                             remark))
        review = section.quiz.settings.review
        # One item per slot: the question the learner was given there (with pools, nothing of the others). With no
        # graded attempt a pool gave them no question this page can name (under JupyterHub the quiz service draws
        # with its own key, not the public draw): its slot is a line with its points, no question, no key.
        given = (shown.draw if shown is not None else None) or {}
        quiz: list[page.QuizItem | page.UndrawnSlot] = []
        for number, slot in enumerate(section.quiz.quiz_slots, 1):
            points = score(quiz_cell_id(slot.id))
            if slot.pooled and slot.id not in given:
                quiz.append(page.UndrawnSlot(number, section.quiz.slot_points(slot), points))
                continue
            question = section.quiz.question(given.get(slot.id, slot.questions[0]))
            answer = shown.answers.get(question.id) if shown else None
            quiz.append(page.QuizItem(number, question, describe_answer(question, answer) if shown else NO_ANSWER,
                                      points, page.feedback_texts(question, answer, points, review)))
        record = learner_record(info["db_url"], course, learner, section.id)
        quiz_score = sum(q.score or 0.0 for q in quiz)
        if record is not None and pd.notna(record["quiz_score"]):
            quiz_score = float(record["quiz_score"])  # after the late penalty: the score every export gives
        comment_score = sum(c.score or 0.0 for c in comments if not c.pending)
        if record is not None and pd.notna(record["comments_score"]):
            comment_score = float(record["comments_score"])  # the comment points every export gives
        summary = page.Summary(
            title=f"{course.title}: {section.quiz.title}", learner=learner,
            quiz_score=quiz_score, quiz_max=section.quiz.max_points,
            pass_rate=section.quiz.settings.pass_rate,
            comment_score=comment_score,
            comment_max=float(sum(c.points for c in section.comments)), pending=len(pending),
            outcome=quiz_outcome(record) if record is not None else "",
            due=str(record["due"]) if record is not None else "",
            late_penalty=float(record["late_penalty"] or 0.0) if record is not None else 0.0)
        cells = [_html_cell(page.header_html(summary))]
        if comments:
            cells.append(_html_cell(page.heading_html("Your answers to the questions")))
            cells += [_html_cell(page.comment_html(c)) for c in comments]
        cells.append(_html_cell(page.heading_html(section.quiz.title)))
        show = section.quiz.settings.show_correct_answers
        cells += [_html_cell(page.quiz_html(q, show) if isinstance(q, page.QuizItem) else page.undrawn_html(q))
                  for q in quiz]
        nb.cells = cells
        nb.metadata["coursekit_feedback"] = {"title": summary.title, "learner": learner,
                                             "provisional": bool(pending)}
        return nb, resources


_RECORDS: dict[str, pd.DataFrame] = {}
"""Grade records read once for a whole ``coursekit feedback`` run (:func:`records_read_once`), by gradebook."""


@contextlib.contextmanager
def records_read_once(db_url: str, course: Course) -> Iterator[None]:
    """While inside, every feedback page of ``db_url`` reads the grade records of one read of the gradebook."""
    _RECORDS[db_url] = cohort_grades(db_url, course)
    try:
        yield
    finally:
        _RECORDS.pop(db_url, None)


def learner_record(db_url: str, course: Course, learner: str, section: str) -> dict[str, Any] | None:
    """The learner's row of ``grades.csv`` in ``section``, or None when the gradebook has none.

    It is the one record (:func:`coursekit.results.report.grades_table`) the report, the exports and the
    dashboards read, so the feedback page says the same score, status, lateness and penalty.
    """
    table = _RECORDS.get(db_url)
    if table is None:
        table = cohort_grades(db_url, course)
    rows = table[(table["learner"] == learner) & (table["section"] == section)]
    return None if rows.empty else rows.iloc[0].to_dict()


def pending_in_submission(db_url: str, section: str, notebook: str, learner: str) -> list[str]:
    """The grade cells of one submitted notebook still waiting for a trainer's review."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission_notebook(notebook, section, learner)
        except MissingEntry:
            return []
        return sorted(g.name for g in submission.grades if g.needs_manual_grade)


def pending_reviews(db_url: str) -> dict[tuple[str, str], list[str]]:
    """Every submission with grade cells waiting for a trainer's review: (learner, section) -> cell names."""
    rows = fetch_all(db_url, PENDING_REVIEWS)
    pending: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        pending.setdefault((row.learner, row.section), []).append(row.cell)
    return pending


def describe_pending(cells: Iterable[str]) -> str:
    """Pending grade cells in words: ``comment own-cooperation, quiz question partner-schools``."""
    words = []
    for cell in cells:
        if cell.startswith(COMMENT_PREFIX):
            words.append(f"comment {cell.removeprefix(COMMENT_PREFIX)}")
        elif cell.startswith(QUIZ_PREFIX):
            words.append(f"quiz question {cell.removeprefix(QUIZ_PREFIX)}")
        else:
            words.append(cell)
    return ", ".join(words)


@dataclass
class FeedbackRun:
    """What ``coursekit feedback`` did: files written, submissions refused (pending review), released."""

    written: list[Path] = field(default_factory=list)
    refused: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    released: list[tuple[str, str]] = field(default_factory=list)
    provisional: list[tuple[str, str]] = field(default_factory=list)


def _feedback_api(course: Course, paths: ProjectPaths, db_url: str, provisional: bool) -> Any:
    config = nbgrader_config(course.id, paths.grader, paths.source, paths.release, db_url)
    configure_feedback(config, paths.course, "provisional" if provisional else "refuse")
    return nbgrader_api(config)


def graded_submissions(paths: ProjectPaths, course: Course) -> list[tuple[str, str]]:
    """Every (learner, section) with an autograded notebook in the workspace."""
    autograded = paths.grader / "autograded"
    return sorted((nb.parent.parent.name, section.id) for section in course.sections
                  for nb in autograded.glob(f"*/{section.id}/{section.id}.ipynb"))


def make_feedback(course: Course, paths: ProjectPaths, db_url: str, provisional: bool = False,
                  release: bool = False) -> FeedbackRun:
    """Feedback for every autograded submission (nbgrader's generate_feedback with :class:`QuizFeedback`).

    Submissions with answers not yet reviewed are refused (``run.refused``) unless ``provisional``.
    With ``release`` the feedback is returned to the learners through the exchange (nbgrader's
    release_feedback); the exchange folder is created when missing.
    """
    api = _feedback_api(course, paths, db_url, provisional)
    run = FeedbackRun()
    pending = pending_reviews(db_url)
    done = []
    with records_read_once(db_url, course):  # one read of the gradebook for every page, not one per learner
        for learner, section in graded_submissions(paths, course):
            if (learner, section) in pending and not provisional:
                run.refused[(learner, section)] = pending[(learner, section)]
                continue
            result = api.generate_feedback(section, learner, force=True)
            if not result.get("success"):
                raise RuntimeError(f"nbgrader generate_feedback failed for {learner} / {section}: "
                                   f"{(result.get('error') or result.get('log') or '').strip()[-500:]}")
            done.append((learner, section))
            if (learner, section) in pending:
                run.provisional.append((learner, section))
    run.written = sorted(p for learner, section in done
                         for p in (paths.grader / "feedback" / learner / section).glob("*.html"))
    if release and done:
        ensure_exchange(Path(api.config.Exchange.root))
        for learner, section in done:
            result = api.release_feedback(section, learner)
            if not result.get("success"):
                raise RuntimeError(f"nbgrader release_feedback failed for {learner} / {section}: "
                                   f"{(result.get('error') or result.get('log') or '').strip()[-500:]}")
            run.released.append((learner, section))
    return run


def generate_feedback(course: Course, paths: ProjectPaths, db_url: str) -> list[Path]:
    """Feedback for every autograded submission, those not yet reviewed marked provisional; the files written."""
    return make_feedback(course, paths, db_url, provisional=True).written
