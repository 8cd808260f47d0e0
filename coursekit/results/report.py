"""``coursekit report``: grades, statuses and LMS exports from the gradebook (one SQL query).

Writes into ``grader/reports/``:

* ``grades.csv``: one row per learner × section with the roster's name, email,
  id number and group, quiz score, percent, pass rate, comment points, status,
  comments answered and reviewed, due date, submission time, how late and the
  late penalty, attempts and the problems grading found;
* ``moodle_grades.csv``: Moodle's "Import grades from CSV" layout (see
  :mod:`.lms`);
* ``canvas_grades.csv``: Canvas's gradebook import layout (see :mod:`.lms`);
* ``item_analysis.csv`` and ``quiz_stats.csv``: Moodle's quiz statistics (per
  slot: a pool is one item, whichever question was drawn);
* ``variant_analysis.csv`` (when a quiz has pools and the submissions folder
  is given): per question drawn, facility, discrimination, n and a flag for a
  question markedly harder or easier than its siblings (see
  :mod:`coursekit.cohort.variants`);
* ``copied_responses.csv`` (when the submissions folder is given): learners
  whose responses files hold the very same attempts (see :mod:`.copies`).

Every cell is written through :func:`coursekit.csv_export.write_csv`: text a
spreadsheet would run as a formula (a learner id ``=1+2``) is neutralised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.authoring.course import Course
from coursekit.cohort.gradebook import item_scores, load_cells
from coursekit.cohort.metrics import item_stats, section_stats
from coursekit.cohort.responses import load_drawn
from coursekit.cohort.variants import variant_stats
from coursekit.csv_export import write_csv
from coursekit.gradebook.extensions import Extension, load_extensions
from coursekit.gradebook.lateness import effective_due, format_late, late_penalty, seconds_late
from coursekit.gradebook.nbgrader_tables import REMARKS, check_gradebook
from coursekit.gradebook.roster_file import load_roster
from coursekit.gradebook.state import fetch_all
from coursekit.gradebook.submissions import find_submissions
from coursekit.results.copies import CopyGroup, find_copied_responses
from coursekit.results.lms import MOODLE_IDENTIFIERS, canvas_grades, moodle_grades
from coursekit.results.status import NOT_DUE_YET, NOT_GRADED, NOT_SUBMITTED, comments_review, section_status
from coursekit.service.grading import section_draw_keys

GRADES_COLUMNS = [
    "learner", "section", "name", "email", "idnumber", "group", "quiz_score", "quiz_max", "quiz_percent",
    "pass_rate", "comments_score", "comments_max", "status", "comments_answered", "comments_total",
    "comments_reviewed", "review", "due", "submitted_at", "late", "late_penalty", "extension", "attempts",
    "problems",
]
ROSTER_COLUMNS = ["name", "email", "idnumber", "group", "lms_user_id"]


def _problems_text(value: object) -> str:
    if not isinstance(value, str) or value in ("", "[]"):
        return ""
    try:
        return "; ".join(dict.fromkeys(str(p) for p in json.loads(value)))
    except (TypeError, ValueError):
        return value


def _comment_counts(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per learner × section: comments answered, reviewed, and the points of the answered ones.

    A comment is answered when nbgrader found the learner's own text in it (its automatic score is
    empty: nbgrader scores an untouched answer cell 0 by itself). A blank answer stays blank whatever
    points a trainer gives it, and scores 0.
    """
    comments = cells[cells["kind"] == "comment"].copy()
    comments["answered"] = comments["auto_score"].isna()
    comments["reviewed"] = (comments["answered"] & comments["manual_score"].notna()
                            & ~comments["needs_manual_grade"].fillna(False).astype(bool))
    comments["points"] = comments["score"].where(comments["reviewed"], 0.0).fillna(0.0)
    return comments.groupby(keys, observed=True)[["answered", "reviewed", "points"]].sum().rename(
        columns={"answered": "comments_answered", "reviewed": "comments_reviewed", "points": "comments_points"})


def _lateness(table: pd.DataFrame, course: Course, extensions: dict[tuple[str, str], Extension],
              submitted_times: pd.Series) -> None:
    """Add due, late, late_penalty and extension; take the penalty off the quiz score (in place)."""
    if not course.grading.due and not extensions:  # no deadlines at all: nothing is late
        table["due"], table["late"], table["extension"], table["late_penalty"] = "", "", "", 0.0
        return
    per_day = course.grading.late_penalty_per_day
    due_text, late_text, penalties, extension_text = [], [], [], []
    for learner, section, when, score, most in zip(table["learner"], table["section"], submitted_times,
                                                   table["quiz_score"], table["quiz_max"], strict=True):
        extension = extensions.get((learner, section))
        due = effective_due(course.grading.due.get(section), None if extension is None else extension.until)
        moment = None if pd.isna(when) else when.to_pydatetime()
        late = seconds_late(moment, due)
        due_text.append("" if due is None else due.strftime("%Y-%m-%d %H:%M:%S UTC"))
        late_text.append(format_late(late))
        penalties.append(late_penalty(float(score), float(most), late, per_day) if late else 0.0)
        extension_text.append("" if extension is None else
                              f"until {extension.until.strftime('%Y-%m-%d %H:%M UTC')} "
                              f"(set by {extension.set_by} at {extension.set_at})")
    table["due"], table["late"], table["extension"] = due_text, late_text, extension_text
    table["late_penalty"] = penalties
    table["quiz_score"] = (table["quiz_score"] - table["late_penalty"]).round(6)


def _not_due_yet(table: pd.DataFrame, course: Course, extensions: dict[tuple[str, str], Extension],
                 now: datetime) -> list[bool]:
    """Per row: whether the learner's due date (an extension's, else the section's) is still ahead of ``now``."""
    ahead = []
    for learner, section in zip(table["learner"], table["section"], strict=True):
        extension = extensions.get((learner, section))
        due = effective_due(course.grading.due.get(section), None if extension is None else extension.until)
        ahead.append(due is not None and due > now)
    return ahead


def grades_table(cells: pd.DataFrame, course: Course, roster: pd.DataFrame | None = None,
                 extensions: dict[tuple[str, str], Extension] | None = None,
                 now: datetime | None = None) -> pd.DataFrame:
    """One row per learner × section from :func:`coursekit.cohort.gradebook.load_cells` rows.

    ``roster`` (from :func:`coursekit.gradebook.roster_file.load_roster`) adds the learners' names, emails,
    id numbers and groups; ``extensions`` (:func:`coursekit.gradebook.extensions.load_extensions`) move
    a learner's due date. ``quiz_score`` is after the late penalty (``late_penalty``, course.yml's
    ``grading.late_penalty_per_day``); ``comments_score`` is empty until every answered comment is reviewed.
    A learner who handed nothing in is ``not due yet`` until their due date (``now``: the current time).
    """
    keys = ["learner", "section"]
    quiz = cells[cells["kind"] == "quiz"].groupby(keys, observed=True)["score"].sum().rename("quiz_score")
    comment_counts = _comment_counts(cells, keys)
    base = cells.drop_duplicates(keys).set_index(keys)[["submitted_at", "attempts", "problems", "graded"]]
    base["problems"] = base["problems"].map(_problems_text)
    table = base.join(quiz).join(comment_counts).reset_index()
    table["learner"] = table["learner"].astype(str)
    table["section"] = table["section"].astype(str)

    by_section = {s.id: s for s in course.sections}
    table = table[table["section"].isin(by_section)].copy()
    table["quiz_max"] = table["section"].map({s: by_section[s].quiz.max_points for s in by_section})
    table["pass_rate"] = table["section"].map({s: by_section[s].quiz.settings.pass_rate for s in by_section})
    table["comments_total"] = table["section"].map({s: len(by_section[s].comments) for s in by_section})
    table["comments_max"] = table["section"].map(
        {s: float(sum(c.points for c in by_section[s].comments)) for s in by_section})
    # graded is False where coursekit's autograde could not finish a submission: whatever nbgrader had
    # recorded of it before failing is no score (never a 0 / failed in an export). A submission that
    # failed before nbgrader recorded anything has no submission time, yet it was handed in: not graded,
    # never "not submitted".
    graded = ~table["graded"].isin([False, 0])
    submitted = table["submitted_at"].notna() | ~graded
    # Rounded: the sum of float cell scores differs in the last bits between SQLite and PostgreSQL.
    table["quiz_score"] = table["quiz_score"].where(submitted & graded).astype(float).round(6)
    for column in ("comments_answered", "comments_reviewed"):
        table[column] = table[column].fillna(0).astype(int)
    _lateness(table, course, extensions or {}, table["submitted_at"])
    table["quiz_percent"] = (100.0 * table["quiz_score"] / table["quiz_max"]).round(2)
    review_done = table["comments_reviewed"] >= table["comments_answered"]
    table["comments_score"] = table["comments_points"].astype(float).round(6).where(
        submitted & graded & review_done)
    table["status"] = [
        section_status(s, p if s else np.nan, r, a, t, g, v)
        for s, p, r, a, t, g, v in zip(submitted, table["quiz_percent"], table["pass_rate"],
                                       table["comments_answered"], table["comments_total"], graded,
                                       table["comments_reviewed"], strict=True)
    ]
    waiting = _not_due_yet(table, course, extensions or {}, now or datetime.now(UTC))
    table["status"] = [NOT_DUE_YET if status == NOT_SUBMITTED and ahead else status
                       for status, ahead in zip(table["status"], waiting, strict=True)]
    table["review"] = [
        comments_review(a, r) if s and g else "" for s, g, a, r in
        zip(submitted, graded, table["comments_answered"], table["comments_reviewed"], strict=True)
    ]
    table["attempts"] = pd.to_numeric(table["attempts"], errors="coerce").astype("Int64")
    table["submitted_at"] = table["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    table = _with_roster(table, roster)
    return table[[*GRADES_COLUMNS, "lms_user_id"]].sort_values(["learner", "section"]).reset_index(drop=True)


def _with_roster(table: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    if roster is None or roster.empty:
        for column in ROSTER_COLUMNS:
            table[column] = ""
        return table
    people = roster.drop_duplicates("learner").set_index("learner")[ROSTER_COLUMNS]
    table = table.join(people, on="learner")
    table[ROSTER_COLUMNS] = table[ROSTER_COLUMNS].fillna("")
    return table


def refused_rows(refused: list[tuple[str, str, str]], course: Course) -> pd.DataFrame:
    """Rows of ``grades.csv`` for folders under ``submitted/`` that autograde refused (status ``not graded``)."""
    by_section = {s.id: s for s in course.sections}
    rows = [{
        "learner": learner, "section": section, "quiz_score": np.nan,
        "quiz_max": by_section[section].quiz.max_points if section in by_section else np.nan,
        "quiz_percent": np.nan,
        "pass_rate": by_section[section].quiz.settings.pass_rate if section in by_section else np.nan,
        "comments_score": np.nan,
        "comments_max": float(sum(c.points for c in by_section[section].comments)) if section in by_section
        else np.nan,
        "status": NOT_GRADED, "comments_answered": 0,
        "comments_total": len(by_section[section].comments) if section in by_section else 0,
        "comments_reviewed": 0, "review": "", "attempts": pd.NA, "submitted_at": "", "problems": reason,
        "due": "", "late": "", "late_penalty": 0.0, "extension": "",
        **dict.fromkeys(ROSTER_COLUMNS, ""),
    } for learner, section, reason in refused]
    return pd.DataFrame(rows, columns=[*GRADES_COLUMNS, "lms_user_id"])


def load_remarks(db_url: str) -> pd.DataFrame:
    """The trainer's remarks written in formgrader on the comment cells: learner, section, cell, remark."""
    return pd.DataFrame(fetch_all(db_url, REMARKS), columns=["learner", "section", "cell", "remark"])


COPIES_COLUMNS = ["section", "fingerprint", "learners"]


def copies_table(groups: list[CopyGroup]) -> pd.DataFrame:
    """``copied_responses.csv``: one row per group of learners sharing identical attempts."""
    return pd.DataFrame([(g.section, g.fingerprint, "; ".join(g.learners)) for g in groups],
                        columns=COPIES_COLUMNS)


@dataclass
class ReportFiles:
    """Where a report was written, the grades it holds and the copied responses found."""

    grades: pd.DataFrame
    files: list[Path]
    copies: list[CopyGroup] = field(default_factory=list)
    moodle_left_out: list[str] = field(default_factory=list)
    """Learners left out of moodle_grades.csv: the roster has no value for the chosen identifier."""


def write_report(db_url: str, course: Course, out_dir: Path, submitted_root: Path | None = None,
                 moodle_id: str = "username") -> ReportFiles:
    """Read the gradebook once and write every report file into ``out_dir``.

    With ``submitted_root`` (the workspace's ``submitted/`` folder), folders there that autograde refuses
    (a learner id nbgrader cannot use literally, a symlink) are reported as ``not graded`` with the reason,
    so no handed-in folder vanishes; the responses files are compared too and ``copied_responses.csv`` is
    written. ``moodle_id`` picks Moodle's identifier column (``username``, ``email`` or ``idnumber``).

    Raises
    ------
    NoGradebookError
        Before the first autograde (no gradebook, or no tables in it).
    """
    if moodle_id not in MOODLE_IDENTIFIERS:
        raise ValueError(f"moodle_id must be one of {', '.join(MOODLE_IDENTIFIERS)}, not {moodle_id!r}")
    check_gradebook(db_url)
    cells = load_cells(db_url)
    grades = grades_table(cells, course, load_roster(db_url), load_extensions(db_url))
    if submitted_root is not None:
        every = [s.id for s in course.sections]
        refused = find_submissions(submitted_root, every, all_sections=every)[1]
        extra = refused_rows([(r.learner, r.section, r.reason) for r in refused if r.section in every], course)
        if len(extra):
            grades = pd.concat([grades, extra], ignore_index=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    remarks = load_remarks(db_url)
    moodle = moodle_grades(grades, course, remarks, moodle_id)
    files = {
        "grades.csv": grades[GRADES_COLUMNS],
        "moodle_grades.csv": moodle.table,
        "canvas_grades.csv": canvas_grades(grades, course),
    }
    items = item_scores(cells)
    files["item_analysis.csv"] = item_stats(items)
    files["quiz_stats.csv"] = section_stats(items)
    copies: list[CopyGroup] = []
    if submitted_root is not None:
        copies = find_copied_responses(submitted_root, [s.id for s in course.sections])
        files["copied_responses.csv"] = copies_table(copies)
        pooled = {s.id: s.quiz for s in course.sections if s.quiz.has_pools}
        if pooled:  # per question drawn, from the graded copies of the responses files
            keys = section_draw_keys(db_url, sorted(pooled))  # sections the quiz service drew, with its key
            files["variant_analysis.csv"] = variant_stats(load_drawn(Path(submitted_root).parent / "autograded",
                                                                     pooled, keys))
    written = [write_csv(frame, out_dir / name) for name, frame in files.items()]
    return ReportFiles(grades[GRADES_COLUMNS], written, copies, moodle.left_out)
