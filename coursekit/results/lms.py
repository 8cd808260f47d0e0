"""Grade exports an LMS imports as they are: Moodle's "Import grades → CSV" and Canvas's gradebook CSV (pure).

Each section is two grade items: the quiz (points after any late penalty) and
the comments (points a trainer gave the reflection answers; a blank answer
scores 0). Item names are the quiz title and ``Comments: <title>`` unless
course.yml names them (``grading.items``).

**Moodle** (Grades → Import → CSV file): an identifier column the trainer
picks (``Username``, ``Email address`` or ``ID number``, from the roster) that
is mapped to Moodle's *username*, *email address* or *ID number*; per item a
column named as the Moodle grade item and a ``<item> (Feedback)`` column for
*Feedback for <item>*. The quiz feedback holds the status (``passed, review
pending`` …) and how late; the comments feedback holds the trainer's remarks
from formgrader, or that the review is pending. A learner the roster has no
identifier for is left out (and named by ``coursekit report``): Moodle cannot
match them.

**Canvas** (Grades → Import): ``Student`` (``Last, First`` from the roster),
``ID`` (Canvas user id, roster ``lms_user_id``), ``SIS User ID`` (roster
``idnumber``), ``SIS Login ID`` (the login), ``Section`` (roster ``group``),
then one column per item, ``Title (id)`` when course.yml gives the Canvas
assignment id (``grading.canvas_ids``), and a ``Points Possible`` row. Canvas
leaves a grade unchanged for an empty cell, so a non-submitter gets an explicit
value per ``grading.not_submitted``: ``zero`` (0), ``excused`` (``EX``) or
``blank``. Before a learner's due date a non-submitter is ``not due yet`` and
blank in both files (no 0 before the deadline).

A comments score is left empty (no grade yet) while a review is pending, in
both files, so an unreviewed comment is never exported as a zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coursekit.authoring.course import Course
from coursekit.cell_ids import COMMENT_PREFIX
from coursekit.results.status import NOT_DUE_YET, NOT_GRADED, NOT_SUBMITTED, PENDING_REVIEW

MOODLE_IDENTIFIERS = {"username": "Username", "email": "Email address", "idnumber": "ID number"}
"""``--moodle-id`` choice → the identifier column's header (as in Moodle's own exports)."""
NOT_SUBMITTED_VALUE = {"zero": "0", "excused": "EX", "blank": ""}
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _points(value: object) -> str:
    """A score rounded to 2 decimals as an LMS reads it (``15``, ``7.5``), or ``""`` for no score."""
    return "" if pd.isna(value) else f"{round(float(value), 2):g}"


def _item_value(row: dict, column: str, not_submitted: object, review_gate: bool) -> object:
    if row["status"] == NOT_SUBMITTED:
        return not_submitted
    if row["status"] == NOT_DUE_YET:  # nothing to grade yet: the LMS keeps no grade, never a 0
        return ""
    if review_gate and row["review"] == PENDING_REVIEW:
        return ""
    return _points(row[column])


def plain_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as plain dicts, read column by column (``to_dict("records")`` boxes every cell: 5x slower)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _records(grades: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The grades as plain dicts by (learner, section): fast row access for thousands of learners."""
    return {(r["learner"], r["section"]): r for r in plain_rows(grades)}


def remarks_by_submission(remarks: pd.DataFrame, course: Course) -> dict[tuple[str, str], str]:
    """The trainer's remarks per (learner, section), one line per comment question: ``<question>: <remark>``."""
    questions = {(s.id, f"{COMMENT_PREFIX}{c.id}"): (i, c.text) for s in course.sections
                 for i, c in enumerate(s.comments)}
    lines: dict[tuple[str, str], list] = {}
    for learner, section, cell, remark in zip(remarks["learner"], remarks["section"], remarks["cell"],
                                              remarks["remark"], strict=True):
        order, text = questions.get((section, cell), (len(questions), str(cell).removeprefix(COMMENT_PREFIX)))
        lines.setdefault((learner, section), []).append((order, text, " ".join(str(remark).split())))
    return {key: "\n".join(f"{text}: {remark}" for _, text, remark in sorted(found))
            for key, found in lines.items()}


def _not_graded_reason(problems: object) -> str:
    """The reason a submission was not graded, from the report's problems (``; ``-joined, the reason last).

    The problem that starts with ``not graded: `` and everything after it (its reason may hold ``; ``);
    all the problems when none starts so (a refused folder's reason).
    """
    text = str(problems or "")
    marker = f"{NOT_GRADED}: "
    if text.startswith(marker):
        return text.removeprefix(marker)
    found = text.find(f"; {marker}")
    return text if found < 0 else text[found + 2 + len(marker):]


def quiz_outcome(row: Mapping[str, Any]) -> str:
    """A learner's quiz in a section in words, from their row of ``grades.csv``: the status, how late and the penalty.

    The Moodle export's quiz feedback and the learner's feedback page say the same sentence.
    """
    if row["status"] == NOT_GRADED:
        # the reason may quote a learner's file name: no angle bracket reaches the LMS's HTML feedback
        reason = _not_graded_reason(row["problems"]).replace("<", "‹").replace(">", "›")
        return f"{NOT_GRADED}: {reason}" if reason else NOT_GRADED
    text = str(row["status"])
    if row["late"]:
        text += f"; submitted {row['late']} late"
        if row["late_penalty"]:
            text += f" (late penalty {_points(row['late_penalty'])} points)"  # as the feedback page shows it
    return text


def _comments_feedback(row: dict, remarks: str) -> str:
    if row["status"] in (NOT_SUBMITTED, NOT_GRADED, NOT_DUE_YET):
        return ""
    if row["review"] == PENDING_REVIEW:
        left = int(row["comments_answered"]) - int(row["comments_reviewed"])
        pending = f"review pending ({left} of {int(row['comments_answered'])} answered comments to review)"
        return pending + (f"\n{remarks}" if remarks else "")
    blank = int(row["comments_total"]) - int(row["comments_answered"])
    note = f"{blank} comment(s) left blank" if blank > 0 else ""
    return "\n".join(part for part in (remarks, note) if part)


@dataclass
class MoodleExport:
    """The Moodle CSV table and the learners left out of it (no value for the identifier)."""

    table: pd.DataFrame
    left_out: list[str] = field(default_factory=list)


def moodle_grades(grades: pd.DataFrame, course: Course, remarks: pd.DataFrame | None = None,
                  identifier: str = "username") -> MoodleExport:
    """Moodle's CSV grade import: the identifier, then per section the quiz and comments items with feedback."""
    header = MOODLE_IDENTIFIERS[identifier]
    source = {"username": "learner", "email": "email", "idnumber": "idnumber"}[identifier]
    remarks = remarks if remarks is not None else pd.DataFrame(columns=["learner", "section", "cell", "remark"])
    settings = course.grading
    missing = NOT_SUBMITTED_VALUE[settings.not_submitted]
    not_submitted = "" if missing == "EX" else missing  # Moodle's CSV import has no "excused"
    records = _records(grades)
    notes = remarks_by_submission(remarks, course)
    ids = dict(zip(grades["learner"], grades[source].astype(str), strict=True))
    learners = sorted(ids)
    left_out = [learner for learner in learners if not ids[learner].strip()]
    names = {s.id: (settings.item_name(s.id, "quiz", s.quiz.title), settings.item_name(s.id, "comments",
                                                                                       s.quiz.title))
             for s in course.sections}
    rows = []
    for learner in (learner for learner in learners if ids[learner].strip()):
        row: dict[str, object] = {header: ids[learner]}
        for section in course.sections:
            grade = records.get((learner, section.id))
            if grade is None:
                continue
            quiz, comments = names[section.id]
            row[quiz] = _item_value(grade, "quiz_score", not_submitted, review_gate=False)
            row[f"{quiz} (Feedback)"] = quiz_outcome(grade)
            row[comments] = _item_value(grade, "comments_score", not_submitted, review_gate=True)
            row[f"{comments} (Feedback)"] = _comments_feedback(grade, notes.get((learner, section.id), ""))
        rows.append(row)
    columns = [header]
    for section in course.sections:
        if section.id in set(grades["section"]):
            for item in ("quiz", "comments"):
                name = settings.item_name(section.id, item, section.quiz.title)
                columns += [name, f"{name} (Feedback)"]
    return MoodleExport(pd.DataFrame(rows, columns=columns), left_out)


def sortable_name(name: str, login: str) -> str:
    """Canvas's ``Last, First`` form of a roster name (the last word is the last name); the login without one."""
    words = name.split()
    if not words:
        return login
    return words[0] if len(words) == 1 else f"{words[-1]}, {' '.join(words[:-1])}"


def canvas_grades(grades: pd.DataFrame, course: Course) -> pd.DataFrame:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then two items per section."""
    settings = course.grading
    not_submitted = NOT_SUBMITTED_VALUE[settings.not_submitted]
    present = set(grades["section"])
    items = [(section, item, settings.canvas_column(section.id, item, section.quiz.title))
             for section in course.sections if section.id in present for item in ("quiz", "comments")]
    possible: dict[str, object] = {"Student": "Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "",
                                   "Section": ""}
    for section, item, column in items:
        most = section.quiz.max_points if item == "quiz" else sum(c.points for c in section.comments)
        possible[column] = _points(most)
    records = _records(grades)
    rows = []
    for person in plain_rows(grades.drop_duplicates("learner").sort_values("learner")):
        learner = person["learner"]
        row: dict[str, object] = {
            "Student": sortable_name(str(person["name"]), str(learner)), "ID": person["lms_user_id"],
            "SIS User ID": person["idnumber"], "SIS Login ID": learner, "Section": person["group"],
        }
        for section, item, column in items:
            grade = records.get((learner, section.id))
            score = "quiz_score" if item == "quiz" else "comments_score"
            row[column] = "" if grade is None else _item_value(grade, score, not_submitted,
                                                                review_gate=item == "comments")
        rows.append(row)
    columns = CANVAS_FIXED + [column for _, _, column in items]
    return pd.DataFrame([possible, *rows], columns=columns)
