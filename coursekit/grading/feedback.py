"""``coursekit feedback``: nbgrader feedback that shows right/wrong and the passage, never the key.

Stock nbgrader feedback prints every cell as graded, hidden tests included, so
a returned notebook reveals the answer key (nbgrader issues #917, #1363).
:class:`QuizFeedback` runs after nbgrader's ``GetGrades``: each quiz grade
cell's source becomes a short note (question, points earned, "right",
"partly right" or "not right", and the passage of the text it tests) and its
output is removed; hidden-test blocks anywhere else are cleared. The correct
answer is named only when the section's settings say ``show_correct_answers``.
The learner's own answers are shown as plain text (:mod:`.escape`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict

from coursekit.authoring.course import Course
from coursekit.cell_ids import QUIZ_PREFIX
from coursekit.paths import ProjectPaths
from coursekit.quiz.spec import Matching, MultipleChoice, Question, ShortAnswer, SingleChoice, TrueFalse

HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)


def verdict(score: float | None, points: float) -> str:
    """``right``, ``partly right`` or ``not right`` for a score out of ``points``."""
    if score is None or score <= 0:
        return "not right"
    return "right" if score >= points - 1e-9 else "partly right"


def correct_answer_text(question: Question) -> str:
    """The key of a question in words (only shown when the settings allow it)."""
    if isinstance(question, SingleChoice):
        return next(o.text for o in question.options if o.id == question.answer)
    if isinstance(question, MultipleChoice):
        return "; ".join(o.text for o in question.options if o.id in question.answer)
    if isinstance(question, TrueFalse):
        return "True" if question.answer else "False"
    if isinstance(question, Matching):
        items = {i.id: i.text for i in question.items}
        choices = {c.id: c.text for c in question.choices}
        return "; ".join(f"{items[i]} → {choices[c]}" for i, c in question.answer.items())
    if isinstance(question, ShortAnswer):
        return " / ".join(question.answer)
    raise TypeError(type(question).__name__)


def quiz_note(number: int, question: Question, score: float | None, show_answer: bool) -> str:
    """The feedback text that replaces a quiz grade cell's source."""
    earned = 0.0 if score is None else score
    lines = [
        f"# Question {number}: {verdict(score, question.points)} ({earned:g} of {question.points:g} "
        f"point{'s' if question.points != 1 else ''})",
        f"# {question.text}",
    ]
    for passage in question.cited:
        lines.append(f"# Read again: “{' '.join(passage.split())}”")
    if show_answer:
        lines.append(f"# Correct answer: {correct_answer_text(question)}")
    return "\n".join(lines)


class QuizFeedback(NbGraderPreprocessor):
    """Replace quiz grade cells by key-free notes; clear hidden tests everywhere."""

    sections = Dict(help="section id -> (questions by id, show_correct_answers)").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Rewrite the cells of one feedback notebook."""
        section = resources.get("nbgrader", {}).get("assignment")
        questions, show = self.sections.get(section, ({}, False))
        order = {qid: n for n, qid in enumerate(questions, 1)}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            qid = grade_id.removeprefix(QUIZ_PREFIX)
            if grade_id.startswith(QUIZ_PREFIX) and qid in questions:
                cell.source = quiz_note(order[qid], questions[qid], meta.get("score"), show)
                cell.outputs = []
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = False
            elif "BEGIN HIDDEN TESTS" in cell.source:
                cell.source = HIDDEN_BLOCK.sub("", cell.source)
        return nb, resources


def generate_feedback(course: Course, paths: ProjectPaths, db_url: str) -> list[Path]:
    """Nbgrader's generate_feedback for every autograded submission, with :class:`QuizFeedback`."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from coursekit.grading.escape import EscapeLearnerAnswers
    from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config

    config = nbgrader_config(course.id, paths.grader, paths.source, paths.release, db_url)
    # Learner text is shown as text (nbgrader's feedback template renders Markdown unsanitised).
    config.GenerateFeedback.preprocessors = [GetGrades, QuizFeedback, EscapeLearnerAnswers,
                                             CSSHTMLHeaderPreprocessor]
    config.HTMLExporter.sanitize_html = True
    config.QuizFeedback.sections = {
        s.id: ({q.id: q for q in s.quiz.questions}, s.quiz.settings.show_correct_answers) for s in course.sections
    }
    api = nbgrader_api(config)
    written: list[Path] = []
    autograded = paths.grader / "autograded"
    for section in course.sections:
        if not any(autograded.glob(f"*/{section.id}")):
            continue
        result = api.generate_feedback(section.id, force=True)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader generate_feedback failed for {section.id}: {result.get('error')}")
    written = sorted((paths.grader / "feedback").glob("*/*/*.html"))
    return written
