"""Line items and scores from ``grades.csv``'s rows (pure): what the platform's gradebook should hold.

Each section is two line items, as in the CSV exports: the quiz (points after any late penalty) and, when the
section has comment questions, the comments (points once a trainer reviewed them). A line item is found
again by its ``resourceId`` (the section id) and ``tag`` (``coursekit-quiz`` or ``coursekit-comments``), so
a repeated sync never creates a second one.

A score never says 0 for "not graded" or "not due yet": it carries no ``scoreGiven`` then, and its
``activityProgress``/``gradingProgress`` say the state (``Initialized``/``NotReady`` before anything was
handed in, ``Submitted``/``Failed`` when grading could not finish, ``Completed``/``PendingManual`` while a
comment review is pending, ``Completed``/``FullyGraded`` for a grade). A learner who did not submit by the
due date scores 0 only when course.yml says so (``grading.not_submitted: zero``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coursekit.authoring.course import Course
from coursekit.results.lms import quiz_outcome
from coursekit.results.status import NOT_DUE_YET, NOT_GRADED, NOT_SUBMITTED, PENDING_REVIEW

TAGS = {"quiz": "coursekit-quiz", "comments": "coursekit-comments"}


@dataclass(frozen=True)
class LineItemSpec:
    """One line item coursekit keeps in the platform's gradebook."""

    section: str
    kind: str
    label: str
    score_maximum: float

    @property
    def key(self) -> tuple[str, str]:
        """(resourceId, tag): how the line item is found again."""
        return (self.section, TAGS[self.kind])

    def payload(self) -> dict[str, Any]:
        """The line item as AGS creates it."""
        return {"label": self.label, "scoreMaximum": self.score_maximum, "resourceId": self.section,
                "tag": TAGS[self.kind]}


def lineitem_specs(course: Course, sections: set[str] | None = None) -> list[LineItemSpec]:
    """The line items of the course's sections (of ``sections`` only, when given), named as in the exports."""
    specs = []
    for section in course.sections:
        if sections is not None and section.id not in sections:
            continue
        title = section.quiz.title
        specs.append(LineItemSpec(section.id, "quiz", course.grading.item_name(section.id, "quiz", title),
                                  float(section.quiz.max_points)))
        comments_max = float(sum(c.points for c in section.comments))
        if section.comments and comments_max > 0:
            specs.append(LineItemSpec(section.id, "comments",
                                      course.grading.item_name(section.id, "comments", title), comments_max))
    return specs


def _points(value: object) -> float:
    return round(float(value), 2)


def _no_score(row: Mapping[str, Any], zero_if_missing: bool, maximum: float) -> dict[str, Any]:
    """Progress (and, for a non-submitter under ``not_submitted: zero``, a 0) where no grade stands."""
    status = row["status"]
    if status == NOT_SUBMITTED and zero_if_missing:
        return {"scoreGiven": 0.0, "scoreMaximum": maximum, "activityProgress": "Initialized",
                "gradingProgress": "FullyGraded", "comment": NOT_SUBMITTED}
    if status == NOT_GRADED:
        return {"activityProgress": "Submitted", "gradingProgress": "Failed", "comment": quiz_outcome(row)}
    return {"activityProgress": "Initialized", "gradingProgress": "NotReady", "comment": str(status)}


def score_for(row: Mapping[str, Any], spec: LineItemSpec, user_id: str, timestamp: str,
              zero_if_missing: bool) -> dict[str, Any]:
    """The AGS score of one learner (their ``grades.csv`` row) on one line item."""
    base = {"userId": user_id, "timestamp": timestamp}
    if row["status"] in (NOT_SUBMITTED, NOT_DUE_YET, NOT_GRADED):
        return {**base, **_no_score(row, zero_if_missing, spec.score_maximum)}
    if spec.kind == "quiz":
        return {**base, "scoreGiven": _points(row["quiz_score"]), "scoreMaximum": spec.score_maximum,
                "activityProgress": "Completed", "gradingProgress": "FullyGraded", "comment": quiz_outcome(row)}
    if row["review"] == PENDING_REVIEW:
        left = int(row["comments_answered"]) - int(row["comments_reviewed"])
        return {**base, "activityProgress": "Completed", "gradingProgress": "PendingManual",
                "comment": f"review pending ({left} of {int(row['comments_answered'])} answered comments to review)"}
    blank = int(row["comments_total"]) - int(row["comments_answered"])
    return {**base, "scoreGiven": _points(row["comments_score"]), "scoreMaximum": spec.score_maximum,
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "comment": "reviewed" + (f"; {blank} comment(s) left blank" if blank > 0 else "")}
