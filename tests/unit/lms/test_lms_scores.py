"""Scores from grades.csv's rows (pure): a grade where one stands, the state in words and progress where not."""

from __future__ import annotations

import pytest

from coursekit.authoring.course import load_course
from coursekit.lms.scores import lineitem_specs, score_for

STAMP = "2026-12-07T10:00:00+00:00"


@pytest.fixture(scope="module")
def specs(repo):
    course = load_course(repo.course)
    return {(s.section, s.kind): s for s in lineitem_specs(course)}, course


def row(**changes):
    base = {"status": "passed", "quiz_score": 7.5, "quiz_max": 10.0, "comments_score": float("nan"),
            "review": "pending review", "comments_answered": 1, "comments_reviewed": 0, "comments_total": 1,
            "late": "", "late_penalty": 0.0, "problems": ""}
    return {**base, **changes}


def test_every_section_has_a_quiz_item_and_a_comments_item_when_it_has_comments(specs) -> None:
    by_key, course = specs
    for section in course.sections:
        quiz = by_key[(section.id, "quiz")]
        assert quiz.score_maximum == section.quiz.max_points
        assert quiz.payload() == {"label": quiz.label, "scoreMaximum": quiz.score_maximum,
                                  "resourceId": section.id, "tag": "coursekit-quiz"}
        assert ((section.id, "comments") in by_key) == bool(section.comments)


def test_a_graded_quiz_is_fully_graded_with_its_status(specs) -> None:
    by_key, _ = specs
    quiz = next(s for k, s in by_key.items() if k[1] == "quiz")
    score = score_for(row(status="passed, review pending", late="1 day", late_penalty=1.0), quiz, "u1", STAMP, True)
    assert score == {"userId": "u1", "timestamp": STAMP, "scoreGiven": 7.5, "scoreMaximum": quiz.score_maximum,
                     "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                     "comment": "passed, review pending; submitted 1 day late (late penalty 1 points)"}


def test_comments_wait_for_the_review_then_carry_its_points(specs) -> None:
    by_key, _ = specs
    comments = next(s for k, s in by_key.items() if k[1] == "comments")
    pending = score_for(row(), comments, "u1", STAMP, True)
    assert "scoreGiven" not in pending and pending["gradingProgress"] == "PendingManual"
    assert pending["comment"] == "review pending (1 of 1 answered comments to review)"
    done = score_for(row(review="reviewed", comments_reviewed=1, comments_score=3.0), comments, "u1", STAMP, True)
    assert (done["scoreGiven"], done["gradingProgress"], done["comment"]) == (3.0, "FullyGraded", "reviewed")


@pytest.mark.parametrize(("status", "progress"), [
    ("not due yet", ("Initialized", "NotReady")),
    ("not graded", ("Submitted", "Failed")),
])
def test_no_zero_for_not_graded_or_not_due_yet(specs, status, progress) -> None:
    by_key, _ = specs
    for spec in by_key.values():
        score = score_for(row(status=status, quiz_score=float("nan"), problems="not graded: unreadable notebook"),
                          spec, "u1", STAMP, zero_if_missing=True)
        assert "scoreGiven" not in score
        assert (score["activityProgress"], score["gradingProgress"]) == progress
        assert score["comment"].startswith(status)


def test_a_non_submitter_scores_zero_only_when_course_yml_says_so(specs) -> None:
    by_key, _ = specs
    quiz = next(s for k, s in by_key.items() if k[1] == "quiz")
    missing = row(status="not submitted", quiz_score=float("nan"))
    assert score_for(missing, quiz, "u1", STAMP, True)["scoreGiven"] == 0.0
    blank = score_for(missing, quiz, "u1", STAMP, False)
    assert "scoreGiven" not in blank and blank["gradingProgress"] == "NotReady"
