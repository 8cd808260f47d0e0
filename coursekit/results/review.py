"""``coursekit review``: every learner's answer to one reflection question on one offline HTML page.

The page shows the question, its points and the passage of the section text it
reflects on (comments.yml ``source:``) as guidance, then one block per learner
who submitted: the learner's answer as plain text (escaped: learner text is
untrusted), whether it is blank, the points a trainer gave so far and the
trainer's remark. Grades are given in formgrader; the page links each answer
to its formgrader submission view when formgrader's address is given. No
script, no external resource.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import nbformat

from coursekit.authoring.course import CommentQuestion, Course, CourseError
from coursekit.cell_ids import comment_cell_id
from coursekit.gradebook.nbgrader_tables import REVIEW_ANSWERS, check_gradebook
from coursekit.gradebook.roster_file import load_roster
from coursekit.gradebook.state import fetch_all
from coursekit.grading.escape import plain_text_block


@dataclass(frozen=True)
class Answer:
    """One learner's answer to the question, and its review so far."""

    learner: str
    notebook_id: str
    text: str
    blank: bool
    points: float | None
    max_points: float
    remark: str


def _answer_text(notebook: Path, cell_id: str) -> str:
    """The answer cell's text in the autograded notebook ('' when it cannot be read)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError):
        return ""
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == cell_id:
            return cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return ""


def reflection_question(course: Course, section: str, question: str) -> CommentQuestion:
    """The reflection question ``question`` of ``section`` (CourseError naming the file when there is none)."""
    part = course.section(section)
    for comment in part.comments:
        if comment.id == question:
            return comment
    known = ", ".join(c.id for c in part.comments)
    raise CourseError(f"{part.folder / 'comments.yml'}: no question {question!r} in section {section!r} "
                      f"(questions: {known})")


def load_answers(db_url: str, course: Course, section: str, question: str, autograded: Path) -> list[Answer]:
    """Every submitted answer to ``question`` of ``section``, from the gradebook and the autograded notebooks.

    Raises
    ------
    CourseError
        When the course has no such section, or the section no such reflection question.
    """
    reflection_question(course, section, question)
    cell = comment_cell_id(question)
    answers = []
    for row in (r._mapping for r in fetch_all(db_url, REVIEW_ANSWERS, section=section, cell=cell)):
        blank = row["auto_score"] is not None  # nbgrader scores an untouched answer cell 0 by itself
        notebook = autograded / row["learner"] / section / f"{section}.ipynb"
        answers.append(Answer(
            row["learner"], row["notebook_id"], "" if blank else _answer_text(notebook, cell), blank,
            None if blank else row["manual_score"], float(row["max_score"]), row["remark"] or "",
        ))
    return answers


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.4rem; }
.coursekit-learner-text { font-family: inherit; font-size: 1rem; }
.guidance { background: #f3f6fa; border-left: 4px solid #1565c0; padding: .5rem 1rem; }
.answer { border: 1px solid #ccc; border-radius: 4px; margin: 1rem 0; padding: .5rem 1rem; }
.answer h3 { margin: .2rem 0; font-size: 1rem; }
.state { color: #555; font-size: .9rem; }
.blank { color: #8a6d00; }
"""


def render_review_page(course: Course, section: str, question: str, answers: list[Answer],
                       names: dict[str, str] | None = None, formgrader_url: str = "") -> str:
    """The review page's HTML (every learner text escaped)."""
    names = names or {}
    part = course.section(section)
    comment = reflection_question(course, section, question)
    esc = html.escape
    reviewed = sum(1 for a in answers if not a.blank and a.points is not None)
    written = sum(1 for a in answers if not a.blank)
    lines = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Review: {esc(part.quiz.title)} · {esc(question)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(comment.text)}</h1>",
        f"<p>{esc(part.quiz.title.removeprefix('Quiz: '))} · question <code>{esc(question)}</code> · "
        f"{comment.points:g} point{'s' if comment.points != 1 else ''} · at least {comment.min_words} words</p>",
        '<div class="guidance"><p><strong>The passage it reflects on</strong> (guidance for the review):</p>',
        f"<blockquote>{esc(' '.join((comment.source or '(none: an imported question)').split()))}</blockquote></div>",
        f"<p>{len(answers)} submissions · {written} answered · {reviewed} reviewed · "
        f"{len(answers) - written} blank (0 points, whatever is given)</p>",
    ]
    for answer in answers:
        who = esc(answer.learner) + (f" · {esc(names[answer.learner])}" if names.get(answer.learner) else "")
        if answer.blank:
            state = '<span class="blank">blank (left as given or too short): 0 points</span>'
        elif answer.points is None:
            state = f"not reviewed yet (0–{answer.max_points:g} points)"
        else:
            state = f"reviewed: {answer.points:g} of {answer.max_points:g} points"
        link = (f' · <a href="{esc(formgrader_url.rstrip("/"))}/submission/{esc(answer.notebook_id)}">grade in '
                "formgrader</a>") if formgrader_url else ""
        lines += [f'<div class="answer"><h3>{who}</h3><p class="state">{state}{link}</p>',
                  plain_text_block(answer.text) if not answer.blank else ""]
        if answer.remark:
            lines.append(f"<p><strong>Remark:</strong></p>{plain_text_block(answer.remark)}")
        lines.append("</div>")
    lines.append("</body></html>")
    return "\n".join(lines)


def write_review_page(db_url: str, course: Course, section: str, question: str, grader_root: Path,
                      out: Path | None = None, formgrader_url: str = "") -> tuple[Path, list[Answer]]:
    """Write the review page (default ``reports/review_<section>_<question>.html``); return it and the answers."""
    reflection_question(course, section, question)
    check_gradebook(db_url)
    answers = load_answers(db_url, course, section, question, grader_root / "autograded")
    roster = load_roster(db_url)
    names = dict(zip(roster["learner"], roster["name"], strict=True))
    out = out or grader_root / "reports" / f"review_{section}_{question}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_review_page(course, section, question, answers, names, formgrader_url), encoding="utf-8")
    return out, answers
