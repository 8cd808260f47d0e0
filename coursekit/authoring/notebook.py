"""Turn one authored :class:`~coursekit.authoring.course.Section` into an nbgrader source notebook.

Pure functions from data to :class:`nbformat.NotebookNode`: no kernel, no
nbgrader run, deterministic output (stable cell ids, no timestamps, no
outputs, no widget state).

The notebook reads top to bottom as the learner meets it:

1. the section text, one read-only Markdown cell per heading;
2. the reflections ("Reflection 1", …), each a read-only question cell
   followed by a locked, source-hidden code cell that shows the **Comment**
   field (a widget that saves as the learner types);
3. the quiz: its settings, then one locked, source-hidden code cell that shows
   the quiz widget;
4. one heading, collapsed for the learner ("For your trainer"), over the
   grading cells: the Comment answer cells (nbgrader manually graded cells,
   read-only for the learner; grading writes the saved comment into them, see
   :mod:`coursekit.autograde.rebuild`) and one hidden-test grade cell per quiz
   question, worth that question's points, which scores the learner's saved
   responses and prints, for the trainer, the question, the learner's answer
   and the points. Each grade cell holds only its own question's key, inside
   the ``### BEGIN HIDDEN TESTS`` block, which nbgrader strips from the release;
5. "End of the section": where Run All leaves the learner (with the trainer's
   part still folded), saying how to hand the section in.

Cells a learner must not edit carry ``editable: false`` and ``deletable:
false`` (JupyterLab honours both). The start instruction shown before the
kernel runs is added to the release by :func:`add_start_outputs`.
"""

from __future__ import annotations

import pprint
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from coursekit.authoring.course import COMMENTS_MARKER, DEFAULT_MIN_WORDS, QUIZ_MARKER, Section
from coursekit.authoring.grading_settings import GradingSettings
from coursekit.cell_ids import comment_cell_id, quiz_cell_id
from coursekit.nbgrader_glue import ANSWER_PLACEHOLDER
from coursekit.quiz.spec import QuizSpec, Settings, answer_key

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
GRADE_CELL_NOTE = "# Scored from your saved quiz answers when your trainer grades this section."
COMMENT_PLACEHOLDER = ANSWER_PLACEHOLDER
HEADING_COLLAPSED = "jp-MarkdownHeadingCollapsed"
"""JupyterLab's cell metadata key for a heading whose section is collapsed."""
READ_ONLY = {"editable": False, "deletable": False}
START_QUIZ = ("**To start the quiz, choose Run › Run All Cells in the menu bar at the top.** "
              "The quiz appears here in a few seconds, with any answers you saved before.")
START_COMMENT = ("**To write your answer, choose Run › Run All Cells in the menu bar at the top.** "
                 "A field called Comment appears here; your answer is saved as you type.")


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
    cell = nbformat.v4.new_markdown_cell(text.strip(), metadata={**_nbgrader(grade_id, locked=True), **READ_ONLY})
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


QUIZ_CELL_TITLE = "# The quiz (Run › Run All Cells shows it here)"
COMMENT_CELL_TITLE = "# The Comment field (Run › Run All Cells shows it here)"


def quiz_call(section_id: str) -> str:
    """The locked quiz cell: a title line (JupyterLab shows the first line of a hidden source), then the call."""
    return f'{QUIZ_CELL_TITLE}\nfrom coursekit.widgets import show_quiz; show_quiz("{section_id}")'


def comment_call(section_id: str, question_id: str, heading: str, question: str) -> str:
    """The locked cell that shows a reflection's Comment field (the question describes the field)."""
    return (f"{COMMENT_CELL_TITLE}\nfrom coursekit.widgets import show_comment\n"
            f"show_comment({section_id!r}, {question_id!r}, {heading!r}, {question!r})")


def comment_field_id(question_id: str) -> str:
    """The grade id (and cell id) of the locked cell that shows a reflection's Comment field."""
    return f"{comment_cell_id(question_id)}-field"


def _widget_cell(grade_id: str, source: str, tags: list[str]) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={
        **_nbgrader(grade_id, locked=True), **READ_ONLY, "jupyter": {"source_hidden": True}, "tags": tags})
    cell.id = grade_id
    return cell


def hidden_test_source(section_id: str, question_id: str, quiz: QuizSpec) -> str:
    """Source of the grade cell for one slot (a question, or a pool); only its questions' keys, in the hidden block.

    ``question_id`` is the slot's id (a question's own id when it is not in a pool).

    At grading the cell prints the question, the learner's answer and the points (what formgrader
    shows the trainer) and returns the points.
    """
    slot = next(s for s in quiz.quiz_slots if s.id == question_id)
    keys = answer_key(quiz)
    key = pprint.pformat({qid: keys[qid] for qid in slot.questions}, width=100, sort_dicts=True)
    return "\n".join([
        GRADE_CELL_NOTE,
        HIDDEN_BEGIN,
        "from coursekit.grading.hidden import grade_question",
        f"grade_question({section_id!r}, {question_id!r}, {key})",
        HIDDEN_END,
    ])


def _headings(text: str) -> set[str]:
    return {m.group(1).strip() for m in re.finditer(r"^#{1,6} +(.+)$", text, flags=re.MULTILINE)}


def distinct_heading(intro: str, before: str) -> str:
    """``intro`` with a heading that repeats one of ``before`` prefixed "Quiz: " (its words kept).

    The seed's quiz introduction repeats the section's title; the learner
    would read the same heading twice.
    """
    seen = _headings(before)

    def rename(match: re.Match[str]) -> str:
        return f"{match.group(1)} Quiz: {match.group(2)}" if match.group(2).strip() in seen else match.group(0)

    return re.sub(r"^(#{1,6}) +(.+)$", rename, intro, flags=re.MULTILINE)


def _text_cells(prefix: str, text: str) -> list[NotebookNode]:
    return [_markdown(f"{prefix}-{i:02d}", chunk) for i, chunk in enumerate(split_at_headings(text), 1)]


def _comment_cells(section: Section) -> list[NotebookNode]:
    """Each reflection's question and the cell that shows its Comment field."""
    cells = []
    for number, question in enumerate(section.comments, 1):
        cells.append(_markdown(
            f"{comment_cell_id(question.id)}-question",
            f"### Reflection {number}\n\n{question.text}\n\n"
            f"*Write your answer in the field Comment below ({question.points:g} "
            f"point{'s' if question.points != 1 else ''}).*",
        ))
        call = comment_call(section.id, question.id, f"Reflection {number}", question.text)
        cells.append(_widget_cell(comment_field_id(question.id), call, ["comment"]))
    return cells


def _comment_answer_cells(section: Section) -> list[NotebookNode]:
    """The nbgrader manually graded cells that hold each Comment when the trainer grades."""
    cells = []
    for question in section.comments:
        grade_id = comment_cell_id(question.id)
        answer = nbformat.v4.new_markdown_cell(
            COMMENT_PLACEHOLDER,
            metadata={**_nbgrader(grade_id, grade=True, solution=True, points=question.points), **READ_ONLY,
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
    note = _markdown(
        "scoring-note",
        "## For your trainer\n\nThe cells of this part hold your comments and score your saved quiz answers "
        "when your trainer grades this section. There is nothing to do here.",
    )
    note.metadata[HEADING_COLLAPSED] = True
    cells = [note, *_comment_answer_cells(section)]
    for slot in section.quiz.quiz_slots:  # one grade cell per slot: a question, or a pool scored as drawn
        grade_id = quiz_cell_id(slot.id)
        cell = nbformat.v4.new_code_cell(
            hidden_test_source(section.id, slot.id, section.quiz),
            metadata={
                **_nbgrader(grade_id, grade=True, locked=True, points=section.quiz.slot_points(slot)),
                "jupyter": {"source_hidden": True},
            },
        )
        cell.id = grade_id
        cells.append(cell)
    return cells


def first_heading(text: str) -> str | None:
    """The text of the first Markdown heading in ``text`` (None when it has none)."""
    match = re.search(r"^#{1,6} +(.+?)\s*$", text, flags=re.MULTILINE)
    return match.group(1) if match else None


def due_sentence(due: datetime | None, late_penalty_per_day: float = 0.0) -> str:
    """When the section is due, and what lateness costs, in words ('' without a due date)."""
    if due is None:
        return ""
    when = due.astimezone(UTC)
    sentence = f"Hand it in by **{when.day} {when:%B %Y, %H:%M} UTC**"
    if late_penalty_per_day > 0:
        sentence += (f"; after that, the quiz loses {late_penalty_per_day:g} % of its points for each day "
                     "or part of a day late")
    return sentence + " (your trainer may give you a later date)."


def _end_cell(section: Section, quiz_heading: str, due: datetime | None, late_penalty_per_day: float) -> NotebookNode:
    """The last cell, after the trainer's part: Restart Kernel and Run All ends here, so that part stays collapsed.

    JupyterLab makes the last cell run the active one and opens a collapsed
    heading around it; ending on this cell keeps the grading cells folded. (In
    learner mode Run All keeps the learner's place instead.)
    It names the quiz by the heading the learner sees above it, and says when
    the section is due.
    """
    deadline = due_sentence(due, late_penalty_per_day)
    text = (f"## End of the section\n\nYour quiz answers and Comment texts are saved as you go. The quiz is "
            f"above, under \"{quiz_heading}\". When you have finished, hand the section in: "
            "**Assignments › Assignment List**, then **Submit** next to the section.")
    return _markdown("end-of-section", f"{text} {deadline}" if deadline else text)


def build_notebook(section: Section, grading: GradingSettings | None = None) -> NotebookNode:
    """The nbgrader source notebook of one section (``grading``: course.yml's due dates and late policy)."""
    text, quiz_intro, after_quiz = split_markers(section.text)
    cells = _text_cells("text", text)
    if section.comments:
        cells.append(_markdown("comments-intro", "## Reflections\n\nAnswer each reflection in the field "
                               "**Comment** below it. Your answer is saved as you type; your trainer reads "
                               "and grades it."))
        cells.extend(_comment_cells(section))
    quiz_intro = distinct_heading(quiz_intro, text) if quiz_intro else (
        settings_markdown(section.quiz.title, section.quiz.settings))
    cells.extend(_text_cells("quiz-intro", quiz_intro))
    grading = grading or GradingSettings()
    deadline = due_sentence(grading.due.get(section.id), grading.late_penalty_per_day)
    if deadline:  # under the quiz's heading, before the learner starts
        cells.append(_markdown("quiz-due", deadline))
    cells.append(_widget_cell("quiz", quiz_call(section.id), ["quiz"]))
    cells.extend(_text_cells("after-quiz", after_quiz))
    cells.extend(_grade_cells(section))
    cells.append(_end_cell(section, first_heading(quiz_intro) or section.quiz.title, grading.due.get(section.id),
                           grading.late_penalty_per_day))

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        "coursekit": {"section": section.id, "title": section.quiz.title},
    }
    nbformat.validate(notebook)
    return notebook


def add_start_outputs(notebook: NotebookNode) -> bool:
    """Give the quiz and Comment cells a saved output that says what to press; return whether anything changed.

    nbgrader clears outputs when it generates the release, so this runs on the
    release notebook afterwards. The learner sees the instruction where the
    widget will be, before the kernel has run anything; running the cell
    replaces it with the widget.
    """
    changed = False
    count = 0
    for cell in notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        text = START_QUIZ if "quiz" in tags else START_COMMENT if "comment" in tags else None
        if cell.cell_type != "code" or text is None:
            continue
        count += 1
        output = nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": text})
        # A cell with an output is a run cell to notebook tools (nbval refuses outputs without a count).
        if cell.outputs != [output] or cell.execution_count != count:
            cell.outputs, cell.execution_count = [output], count
            changed = True
    return changed


def kernel_language_info() -> dict[str, Any]:
    """The ``language_info`` the learner's IPython kernel reports (this interpreter's version).

    JupyterLab writes the kernel's ``language_info`` into the notebook when the
    kernel starts; when it differs from the file the notebook is marked unsaved,
    and closing it untouched asks to save.
    """
    version = ".".join(str(part) for part in sys.version_info[:3])
    return {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
            "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
            "pygments_lexer": "ipython3", "version": version}


def stamp_language_info(path: Path) -> None:
    """Write :func:`kernel_language_info` into a learner's copy of a notebook (nothing else changes)."""
    notebook = nbformat.read(path, as_version=4)
    if notebook.metadata.get("language_info") != kernel_language_info():
        notebook.metadata["language_info"] = kernel_language_info()
        nbformat.write(notebook, path)
