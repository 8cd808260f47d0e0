"""Turn one authored :class:`~coursekit.authoring.course.Section` into an nbgrader source notebook.

Pure functions from data to :class:`nbformat.NotebookNode`: no kernel, no
nbgrader run, deterministic output (stable cell ids, no timestamps, no
outputs, no widget state).

The notebook reads top to bottom as the learner meets it:

1. the section text, one read-only Markdown cell per heading;
2. the reflection questions, each a read-only question cell followed by a
   **Comment** cell (an nbgrader manually graded answer cell);
3. the quiz: its settings, then one locked, source-hidden code cell that shows
   the quiz widget;
4. one hidden-test grade cell per quiz question, worth that question's points,
   which scores the learner's saved responses and prints, for the trainer,
   the question, the learner's answer and the points. Each cell holds only its
   own question's key, inside the ``### BEGIN HIDDEN TESTS`` block, which
   nbgrader strips from the release.
"""

from __future__ import annotations

import pprint
import re
from typing import Any

import nbformat
from nbformat import NotebookNode

from coursekit.authoring.course import COMMENTS_MARKER, DEFAULT_MIN_WORDS, QUIZ_MARKER, Section
from coursekit.cell_ids import comment_cell_id, quiz_cell_id
from coursekit.quiz.spec import QuizSpec, Settings, answer_key

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
GRADE_CELL_NOTE = "# Scored from your saved quiz answers when your trainer grades this section."
COMMENT_PLACEHOLDER = "YOUR ANSWER HERE"


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(grade_id: str, text: str) -> NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text.strip(), metadata=_nbgrader(grade_id, locked=True))
    cell.id = grade_id
    return cell


def split_at_headings(text: str) -> list[str]:
    """Split Markdown into chunks that each start at a heading (empty chunks dropped)."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if re.match(r"^#{1,6} ", line) and any(s.strip() for s in chunks[-1]):
            chunks.append([])
        chunks[-1].append(line)
    return [c for c in ("\n".join(lines).strip() for lines in chunks) if c]


def split_markers(text: str) -> tuple[str, str, str]:
    """Split section.md into (text before the comments, quiz introduction, text after the quiz).

    The comments go where ``<!-- coursekit:comments -->`` stands and the quiz where
    ``<!-- coursekit:quiz -->`` stands; without markers both follow the text.
    """
    body, _, after_quiz = text.partition(QUIZ_MARKER)
    body, _, quiz_intro = body.partition(COMMENTS_MARKER)
    return body.strip(), quiz_intro.strip(), after_quiz.strip()


def settings_markdown(title: str, settings: Settings) -> str:
    """The quiz header a learner sees, in the words Moodle uses for these settings."""
    attempts = "Unlimited" if settings.attempts == "unlimited" else str(settings.attempts)
    navigation = "Allowed" if settings.navigation == "free" else "Not allowed"
    return (
        f"## {title}\n\n"
        f"Attempts allowed: {attempts}  \n"
        f"Pass rate: {settings.pass_rate:g} %  \n"
        f"Backwards navigation: {navigation}"
    )


def quiz_call(section_id: str) -> str:
    """The one line of the locked quiz cell."""
    return f'from coursekit.widgets import show_quiz; show_quiz("{section_id}")'


def hidden_test_source(section_id: str, question_id: str, quiz: QuizSpec) -> str:
    """Source of the grade cell for one question; only that question's key, inside the hidden block.

    At grading the cell prints the question, the learner's answer and the points (what formgrader
    shows the trainer) and returns the points.
    """
    key = pprint.pformat({question_id: answer_key(quiz)[question_id]}, width=100, sort_dicts=True)
    return "\n".join([
        GRADE_CELL_NOTE,
        HIDDEN_BEGIN,
        "from coursekit.grading.hidden import grade_question",
        f"grade_question({section_id!r}, {question_id!r}, {key})",
        HIDDEN_END,
    ])


def _text_cells(prefix: str, text: str) -> list[NotebookNode]:
    return [_markdown(f"{prefix}-{i:02d}", chunk) for i, chunk in enumerate(split_at_headings(text), 1)]


def _comment_cells(section: Section) -> list[NotebookNode]:
    cells = []
    for number, question in enumerate(section.comments, 1):
        cells.append(_markdown(
            f"{comment_cell_id(question.id)}-question",
            f"**Question {number}.** {question.text}\n\n"
            f"*Write your answer in the field Comment below ({question.points:g} "
            f"point{'s' if question.points != 1 else ''}).*",
        ))
        grade_id = comment_cell_id(question.id)
        answer = nbformat.v4.new_markdown_cell(
            COMMENT_PLACEHOLDER,
            metadata={**_nbgrader(grade_id, grade=True, solution=True, points=question.points),
                      "coursekit": {"min_words": question.min_words}},
        )
        answer.id = grade_id
        cells.append(answer)
    return cells


def comment_min_words(cell: NotebookNode) -> int:
    """The ``min_words`` a Comment cell of a (trusted) release notebook was built with.

    Read by grading, which needs nothing but the release notebook; a cell
    built before the setting existed gets :data:`DEFAULT_MIN_WORDS`.
    """
    meta = cell.get("metadata", {}).get("coursekit", {})
    value = meta.get("min_words") if isinstance(meta, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return DEFAULT_MIN_WORDS


def _grade_cells(section: Section) -> list[NotebookNode]:
    cells = [_markdown(
        "scoring-note",
        "## Scoring\n\nThe cells below score your saved quiz answers when your trainer grades "
        "this section. They are empty for you; leave them as they are.",
    )]
    for question in section.quiz.questions:
        grade_id = quiz_cell_id(question.id)
        cell = nbformat.v4.new_code_cell(
            hidden_test_source(section.id, question.id, section.quiz),
            metadata={
                **_nbgrader(grade_id, grade=True, locked=True, points=question.points),
                "jupyter": {"source_hidden": True},
            },
        )
        cell.id = grade_id
        cells.append(cell)
    return cells


def build_notebook(section: Section) -> NotebookNode:
    """The nbgrader source notebook of one section."""
    text, quiz_intro, after_quiz = split_markers(section.text)
    cells = _text_cells("text", text)
    if section.comments:
        cells.append(_markdown("comments-intro", "## Questions\n\nAnswer each question in the field "
                               "**Comment** below it. Your trainer reads and grades your answers."))
        cells.extend(_comment_cells(section))
    quiz_intro = quiz_intro or settings_markdown(f"Quiz: {section.quiz.title}", section.quiz.settings)
    cells.extend(_text_cells("quiz-intro", quiz_intro))
    quiz = nbformat.v4.new_code_cell(
        quiz_call(section.id),
        metadata={**_nbgrader("quiz", locked=True), "jupyter": {"source_hidden": True}, "tags": ["quiz"]},
    )
    quiz.id = "quiz"
    cells.append(quiz)
    cells.extend(_text_cells("after-quiz", after_quiz))
    cells.extend(_grade_cells(section))

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        "coursekit": {"section": section.id, "title": section.quiz.title},
    }
    nbformat.validate(notebook)
    return notebook
