"""Who needs a trainer's follow-up, per section (pure, from the rows of ``grades.csv``).

A learner needs follow-up in a section when the status there is ``failed``,
``not submitted``, ``incomplete`` or ``not graded``: the next step is the
learner's (:data:`LEARNER_TO_DO`). ``passed, review pending`` is on the list
too, as the trainer's to-do (:data:`TRAINER_TO_DO`: comments wait for a
review), so the two are never mixed up. :func:`follow_up_table` lists them
with human column names, sections in course order; :func:`cohort_grades`
reads the same rows ``coursekit report`` writes to ``grades.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coursekit.authoring.course import Course
from coursekit.cohort.gradebook import load_cells
from coursekit.gradebook.extensions import load_extensions
from coursekit.gradebook.roster_file import load_roster
from coursekit.gradebook.submissions import find_submissions
from coursekit.results.report import grades_table, refused_rows
from coursekit.results.status import FAILED, INCOMPLETE, NOT_GRADED, NOT_SUBMITTED, PASSED_REVIEW_PENDING

LEARNER_TO_DO = (FAILED, NOT_SUBMITTED, INCOMPLETE, NOT_GRADED)
"""Statuses whose next step is the learner's (a retry, a hand-in, a comment, a readable file)."""
TRAINER_TO_DO = (PASSED_REVIEW_PENDING,)
"""Statuses whose next step is the trainer's (a review in formgrader)."""
FOLLOW_UP_STATUSES = LEARNER_TO_DO + TRAINER_TO_DO
LEARNER, TRAINER = "learner", "trainer"
"""The values of the ``Next step by`` column."""
REASONS = {
    FAILED: "quiz below the pass rate",
    NOT_SUBMITTED: "nothing handed in",
    INCOMPLETE: "a reflection comment is blank",
    NOT_GRADED: "grading could not finish",
    PASSED_REVIEW_PENDING: "comments wait for a trainer's review",
}
LEARNER_LINK = "learner_progress.html#{}"
"""Where a learner's id links to on the analyst pages: that learner's question-by-question results."""
FOLLOW_UP_COLUMNS = ["Section", "Learner", "Name", "Status", "Why", "Next step by", "Quiz score (%)", "Attempts",
                     "Last activity", "Grading problem"]


def status_reason(status: str, problem: str = "") -> str:
    """Why a learner's section has ``status``, in words (empty for a passed section or a status without one).

    ``problem`` is what grading recorded (the ``problems`` column of ``grades.csv``): for ``not graded`` it is
    the reason, e.g. a damaged file, and is said after the status's own reason.
    """
    reason = REASONS.get(status, "")
    problem = " ".join(str(problem or "").split())
    if status == NOT_GRADED and problem:
        return f"{reason}: {problem}"
    return reason


def cohort_grades(db_url: str, course: Course, submitted_dir: Path | None = None) -> pd.DataFrame:
    """The rows of ``grades.csv`` (roster, extensions and refused folders included) read from the gradebook."""
    grades = grades_table(load_cells(db_url), course, load_roster(db_url), load_extensions(db_url))
    if submitted_dir is not None and Path(submitted_dir).is_dir():
        every = [s.id for s in course.sections]
        refused = find_submissions(Path(submitted_dir), every, all_sections=every)[1]
        extra = refused_rows([(r.learner, r.section, r.reason) for r in refused if r.section in every], course)
        if len(extra):
            grades = pd.concat([grades, extra], ignore_index=True)
    return grades


def follow_up_table(grades: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Every learner × section that needs follow-up, with human column names.

    Parameters
    ----------
    grades
        Rows of ``grades.csv`` (learner, section, name, status, quiz_percent, attempts, submitted_at, problems).
    titles
        Section id to the title shown, in course order (sections missing from it are left out).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FOLLOW_UP_COLUMNS`, sections in course order, then by status and learner; a plain
        0..n-1 index. ``Next step by`` is :data:`LEARNER` or :data:`TRAINER`. Missing scores, attempts
        and times are empty text, never ``nan``.
    """
    rows = grades[grades["status"].isin(FOLLOW_UP_STATUSES) & grades["section"].isin(titles)].copy()
    order = {sid: position for position, sid in enumerate(titles)}
    rows["_section"] = rows["section"].map(order)
    rows["_status"] = rows["status"].map({s: i for i, s in enumerate(FOLLOW_UP_STATUSES)})
    rows = rows.sort_values(["_section", "_status", "learner"], kind="stable")
    percent = pd.to_numeric(rows["quiz_percent"], errors="coerce")
    attempts = pd.to_numeric(rows["attempts"], errors="coerce")
    table = pd.DataFrame({
        "Section": rows["section"].map(titles),
        "Learner": rows["learner"].astype(str),
        "Name": rows["name"].fillna("").astype(str) if "name" in rows else "",
        "Status": rows["status"],
        "Why": [status_reason(status, problem) if status != PASSED_REVIEW_PENDING else REASONS[status]
                for status, problem in zip(rows["status"], rows["problems"] if "problems" in rows
                                           else [""] * len(rows), strict=True)],
        "Next step by": [TRAINER if status in TRAINER_TO_DO else LEARNER for status in rows["status"]],
        "Quiz score (%)": [f"{p:.1f}" if pd.notna(p) else "" for p in percent],
        "Attempts": [str(int(a)) if pd.notna(a) else "" for a in attempts],
        "Last activity": rows["submitted_at"].fillna("").astype(str),
        "Grading problem": rows["problems"].fillna("").astype(str) if "problems" in rows else "",
    })
    return table[FOLLOW_UP_COLUMNS].reset_index(drop=True)
