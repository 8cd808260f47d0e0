"""``coursekit report``: grades, statuses and LMS exports from the gradebook (one SQL query).

Writes into ``grader/reports/``:

* ``grades.csv``: one row per learner × section with quiz score, percent, pass
  rate, status, comments answered and reviewed, attempts, submission time and
  the problems grading found;
* ``moodle_grades.csv``: Moodle's "Import grades from CSV" layout (an
  identifier column, one column per grade item, its feedback beside it);
* ``canvas_grades.csv``: Canvas's gradebook import layout (Student, ID, SIS
  columns, Section, one column per assignment, a "Points Possible" row);
* ``item_analysis.csv`` and ``quiz_stats.csv``: Moodle's quiz statistics;
* ``copied_responses.csv`` (when the submissions folder is given): learners
  whose responses files hold the very same attempts (see :mod:`.copies`).

Every cell is written through :func:`coursekit.csv_export.write_csv`: text a
spreadsheet would run as a formula (a learner id ``=1+2``) is neutralised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.authoring.course import Course
from coursekit.csv_export import write_csv
from coursekit.grading.copies import CopyGroup, find_copied_responses
from coursekit.grading.status import NOT_GRADED, comments_review, section_status

GRADES_COLUMNS = [
    "learner", "section", "quiz_score", "quiz_max", "quiz_percent", "pass_rate", "status",
    "comments_answered", "comments_total", "comments_reviewed", "review", "attempts", "submitted_at",
    "problems",
]


def _problems_text(value: object) -> str:
    if not isinstance(value, str) or value in ("", "[]"):
        return ""
    try:
        return "; ".join(dict.fromkeys(str(p) for p in json.loads(value)))
    except (TypeError, ValueError):
        return value


def grades_table(cells: pd.DataFrame, course: Course) -> pd.DataFrame:
    """One row per learner × section from :func:`coursekit.cohort.gradebook.load_cells` rows."""
    keys = ["learner", "section"]
    quiz = cells[cells["kind"] == "quiz"].groupby(keys)["score"].sum().rename("quiz_score")
    comments = cells[cells["kind"] == "comment"].copy()
    untouched = (comments["auto_score"] == 0) & comments["manual_score"].isna() & \
        ~comments["needs_manual_grade"].fillna(False).astype(bool)
    comments["answered"] = ~untouched
    comments["reviewed"] = comments["answered"] & comments["manual_score"].notna()
    comment_counts = comments.groupby(keys)[["answered", "reviewed"]].sum().rename(
        columns={"answered": "comments_answered", "reviewed": "comments_reviewed"})
    base = cells.drop_duplicates(keys).set_index(keys)[["submitted_at", "attempts", "problems", "graded"]]
    base["problems"] = base["problems"].map(_problems_text)
    table = base.join(quiz).join(comment_counts).reset_index()

    by_section = {s.id: s for s in course.sections}
    table = table[table["section"].isin(by_section)].copy()
    table["quiz_max"] = table["section"].map({s: by_section[s].quiz.max_points for s in by_section})
    table["pass_rate"] = table["section"].map({s: by_section[s].quiz.settings.pass_rate for s in by_section})
    table["comments_total"] = table["section"].map({s: len(by_section[s].comments) for s in by_section})
    submitted = table["submitted_at"].notna()
    # graded is False where coursekit's autograde could not finish a submission: whatever nbgrader had
    # recorded of it before failing is no score (never a 0 / failed in an export).
    graded = ~table["graded"].isin([False, 0])
    # Rounded: the sum of float cell scores differs in the last bits between SQLite and PostgreSQL.
    table["quiz_score"] = table["quiz_score"].where(submitted & graded).astype(float).round(6)
    for column in ("comments_answered", "comments_reviewed"):
        table[column] = table[column].fillna(0).astype(int)
    table["quiz_percent"] = (100.0 * table["quiz_score"] / table["quiz_max"]).round(2)
    table["status"] = [
        section_status(s, p if s else np.nan, r, a, t, g)
        for s, p, r, a, t, g in zip(submitted, table["quiz_percent"], table["pass_rate"],
                                    table["comments_answered"], table["comments_total"], graded, strict=True)
    ]
    table["review"] = [
        comments_review(a, r) if s and g else "" for s, g, a, r in
        zip(submitted, graded, table["comments_answered"], table["comments_reviewed"], strict=True)
    ]
    table["attempts"] = pd.to_numeric(table["attempts"], errors="coerce").astype("Int64")
    table["submitted_at"] = table["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return table[GRADES_COLUMNS].sort_values(["learner", "section"]).reset_index(drop=True)


def refused_rows(refused: list[tuple[str, str, str]], course: Course) -> pd.DataFrame:
    """Rows of ``grades.csv`` for folders under ``submitted/`` that autograde refused (status ``not graded``)."""
    by_section = {s.id: s for s in course.sections}
    rows = [{
        "learner": learner, "section": section, "quiz_score": np.nan,
        "quiz_max": by_section[section].quiz.max_points if section in by_section else np.nan,
        "quiz_percent": np.nan,
        "pass_rate": by_section[section].quiz.settings.pass_rate if section in by_section else np.nan,
        "status": NOT_GRADED, "comments_answered": 0,
        "comments_total": len(by_section[section].comments) if section in by_section else 0,
        "comments_reviewed": 0, "review": "", "attempts": pd.NA, "submitted_at": "", "problems": reason,
    } for learner, section, reason in refused]
    return pd.DataFrame(rows, columns=GRADES_COLUMNS)


def moodle_grades(grades: pd.DataFrame, course: Course) -> pd.DataFrame:
    """Moodle's CSV grade import: ``Username``, then per section its score and feedback columns."""
    titles = {s.id: s.quiz.title for s in course.sections}
    wide = grades.pivot(index="learner", columns="section", values="quiz_score")
    status = grades.pivot(index="learner", columns="section", values="status")
    out = pd.DataFrame({"Username": wide.index})
    for section in [s.id for s in course.sections if s.id in wide.columns]:
        out[titles[section]] = wide[section].round(2).to_numpy()
        out[f"{titles[section]} feedback"] = status[section].to_numpy()
    return out


def canvas_grades(grades: pd.DataFrame, course: Course) -> pd.DataFrame:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per section."""
    wide = grades.pivot(index="learner", columns="section", values="quiz_score")
    out = pd.DataFrame({
        "Student": wide.index, "ID": "", "SIS User ID": wide.index, "SIS Login ID": wide.index,
        "Section": course.title,
    })
    possible = {"Student": "Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "", "Section": ""}
    for section in course.sections:
        if section.id in wide.columns:
            out[section.quiz.title] = wide[section.id].round(2).to_numpy()
            possible[section.quiz.title] = f"{section.quiz.max_points:g}"
    return pd.concat([pd.DataFrame([possible]), out], ignore_index=True)


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


def write_report(db_url: str, course: Course, out_dir: Path, submitted_root: Path | None = None) -> ReportFiles:
    """Read the gradebook once and write every report file into ``out_dir``.

    With ``submitted_root`` (the workspace's ``submitted/`` folder), folders there that autograde refuses
    (a learner id nbgrader cannot use literally, a symlink) are reported as ``not graded`` with the reason,
    so no handed-in folder vanishes; the responses files are compared too and ``copied_responses.csv`` is
    written.
    """
    from coursekit.cohort.gradebook import item_scores, load_cells
    from coursekit.cohort.metrics import item_stats, section_stats
    from coursekit.grading.runner import find_tasks

    cells = load_cells(db_url)
    grades = grades_table(cells, course)
    if submitted_root is not None:
        every = [s.id for s in course.sections]
        refused = find_tasks(submitted_root, every, all_sections=every, digests=False)[1]
        extra = refused_rows([(r.learner, r.section, r.reason) for r in refused if r.section in every], course)
        if len(extra):
            grades = pd.concat([grades, extra], ignore_index=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "grades.csv": grades,
        "moodle_grades.csv": moodle_grades(grades, course),
        "canvas_grades.csv": canvas_grades(grades, course),
    }
    items = item_scores(cells)
    files["item_analysis.csv"] = item_stats(items)
    files["quiz_stats.csv"] = section_stats(items)
    copies: list[CopyGroup] = []
    if submitted_root is not None:
        copies = find_copied_responses(submitted_root, [s.id for s in course.sections])
        files["copied_responses.csv"] = copies_table(copies)
    written = [write_csv(frame, out_dir / name) for name, frame in files.items()]
    return ReportFiles(grades, written, copies)
