"""Through the real autograde path: comments too short to count, and short answers read as a trainer would."""

from __future__ import annotations

import nbformat
import pytest
from grading_support import (
    answers,
    attempt,
    expected_score,
    grade_all,
    grades_csv,
    make_project,
    scores_at,
    write_submission,
)

from coursekit.authoring.course import load_course
from coursekit.authoring.notebook import COMMENT_PLACEHOLDER
from coursekit.cell_ids import comment_cell_id
from coursekit.quiz.spec import ShortAnswer

pytestmark = pytest.mark.slow

SECTION = "networks_consortia"
COMMENTS = {
    "dot": ".",
    "two-words": "Good idea.",
    "placeholder-and-a-word": f"{COMMENT_PLACEHOLDER} yes",
    "three-words": "We share handbooks.",
    "full": "We meet the partner schools twice a year.",
}
# Written in the Comment fields (responses/<section>.comments.json); the graded cells keep the placeholder.
FIELD_COMMENTS = {
    "field-full": "Our school works with a local college.\nWe plan the open days together.",
    "field-blank": "  \n ",
    "field-short": "Good idea.",
}
VARIANTS = ("Memorandum of Understanding.", "memorandum-of-understanding\u200b",
            "\ufeffＭｅｍｏｒａｎｄｕｍ of Under\u00adstanding")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("answers"))
    course = load_course(paths.course)
    section = course.section(SECTION)
    all_right = answers(section, None)
    for learner, comment in COMMENTS.items():
        write_submission(paths, course, section, learner, [attempt(1, all_right)], comment=comment)
    for learner, text in FIELD_COMMENTS.items():
        write_submission(paths, course, section, learner, [attempt(1, all_right)], comment=None,
                         field_comments={comment_cell_id(c.id): text for c in section.comments})
    short = next(q for q in section.quiz.questions if isinstance(q, ShortAnswer))
    for number, variant in enumerate(VARIANTS, 1):
        write_submission(paths, course, section, f"variant-{number}", [attempt(1, {**all_right, short.id: variant})])
    result = grade_all(paths, jobs=2, timeout=30)
    return paths, result, grades_csv(paths), expected_score(section, None), len(section.comments), short


def test_every_submission_was_graded_without_problems(graded):
    _, result, grades, _, _, _ = graded
    assert not result.failed, [(o.learner, o.problems) for o in result.failed]
    assert len(result.graded) == len(COMMENTS) + len(FIELD_COMMENTS) + len(VARIANTS)
    assert all(p == "" or p != p for p in grades["problems"])  # empty or NaN: short comments are no problem


def test_a_local_batch_leaves_this_processs_garbage_collector_as_it_found_it(graded):
    """The pool's parent freezes its objects for the workers it forks, and unfreezes them after the batch."""
    import gc

    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("learner", ["dot", "two-words", "placeholder-and-a-word", "field-blank", "field-short"])
def test_a_comment_below_min_words_is_graded_as_blank(graded, learner):
    paths, _, grades, quiz_max, comments, _ = graded
    row = grades.loc[(learner, SECTION)]
    assert row.quiz_score == pytest.approx(quiz_max)
    assert row.comments_answered == 0 and row.comments_total == comments
    assert row.status == "incomplete"
    cells = {cell: value for (who, sec, cell), value in scores_at(paths.gradebook_url).items()
             if who == learner and sec == SECTION and cell.startswith("comment-")}
    assert len(cells) == comments and set(cells.values()) == {(0.0, False)}  # scored 0, nothing to review


def test_a_comment_typed_in_the_field_is_in_the_graded_cell(graded):
    paths = graded[0]
    notebook = nbformat.read(paths.grader / "autograded" / "field-full" / SECTION / f"{SECTION}.ipynb", as_version=4)
    held = [c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert held and all(text == FIELD_COMMENTS["field-full"] for text in held)


@pytest.mark.parametrize("learner", ["three-words", "full", "field-full"])
def test_a_comment_of_min_words_counts_as_answered(graded, learner):
    paths, _, grades, _, comments, _ = graded
    row = grades.loc[(learner, SECTION)]
    assert row.comments_answered == comments and row.status == "passed, review pending"  # answered, not yet reviewed
    cells = {cell: value for (who, sec, cell), value in scores_at(paths.gradebook_url).items()
             if who == learner and sec == SECTION and cell.startswith("comment-")}
    assert len(cells) == comments and all(manual for _, manual in cells.values())  # waiting for the trainer


@pytest.mark.parametrize("number", range(1, len(VARIANTS) + 1))
def test_short_answer_variants_earn_their_points(graded, number):
    paths, _, grades, quiz_max, _, short = graded
    assert grades.loc[(f"variant-{number}", SECTION)].quiz_score == pytest.approx(quiz_max)
    score, _ = scores_at(paths.gradebook_url)[(f"variant-{number}", SECTION, f"quiz-{short.id}")]
    assert score == short.points
