"""``coursekit autograde`` of a pooled section graded from the quiz service's record: the draws the service made
with its own key are checked with that key (read from the gradebook), scored as given, and counted per variant."""

from __future__ import annotations

import pandas as pd
import pytest
from grading_support import attempt, grade_all, pooled_project, right_answer, scores_at, write_submission
from pool_service_support import learners_drawn_apart
from service_support import Clock

from coursekit.authoring.course import load_course
from coursekit.gradebook.state import make_engine
from coursekit.quiz.draw import draw_for_attempt
from coursekit.results.report import write_report
from coursekit.service.book import AttemptBook
from coursekit.service.migrate import migrate

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"


def _fixed_single_choice(data):
    """The first fixed single-choice slot of three options or more, and two of its wrong options."""
    index, first = next((i, q) for i, q in enumerate(data["questions"])
                        if q.get("type") == "single_choice" and len(q["options"]) >= 3)
    others = [o["id"] for o in first["options"] if o["id"] != first["answer"]]
    return index, (others[0], others[1])


def test_a_record_drawn_with_the_services_key_is_graded_as_given(tmp_path):
    paths = pooled_project(tmp_path / "project", SECTION, _fixed_single_choice)
    course = load_course(paths.course)
    section = course.section(SECTION)
    quiz = section.quiz
    migrate(paths.gradebook_url)
    book = AttemptBook(make_engine(paths.gradebook_url), Clock())
    learner = learners_drawn_apart(quiz, book.draw_key, SECTION)[0]  # the public draw is not theirs
    served = book.draw(quiz, learner, SECTION, 1)
    right = {question.id: right_answer(question) for question in
             (quiz.question(served[slot.id]) for slot in quiz.quiz_slots)}
    book.submit(quiz, learner, SECTION, "hub-1", right)
    # the learner's own file claims the public draw: the record, not the file, is graded
    public = draw_for_attempt(quiz, learner, SECTION, 1)
    write_submission(paths, course, section, learner, [{**attempt(1, right), "draw": public}])
    result = grade_all(paths, jobs=1, timeout=60)
    assert result.failed == [] and [o.learner for o in result.graded] == [learner], result
    points = sum(score or 0.0 for (who, sect, cell), (score, _) in scores_at(paths.gradebook_url).items()
                 if who == learner and sect == SECTION and cell.startswith("quiz"))
    assert points == pytest.approx(quiz.max_points)
    report = write_report(paths.gradebook_url, course, paths.reports, paths.grader / "submitted")
    row = report.grades[report.grades["section"] == SECTION].set_index("learner").loc[learner]
    assert row["status"] != "not graded", row["problems"]
    variants = pd.read_csv(paths.reports / "variant_analysis.csv")
    assert set(variants[variants["slot"] == "schools"]["question"]) == {served["schools"]}

    # the cluster client reads the record once for the batch: its snapshot is the one a fresh read gives
    from coursekit.autograde.batch_lookups import read_batch_lookups
    from coursekit.autograde.job import GradingSetup, snapshot_submission
    from coursekit.gradebook.submissions import Task

    setup = GradingSetup(course.id, str(paths.grader), str(paths.source), str(paths.release), paths.gradebook_url)
    task = Task(learner, SECTION, "")
    submitted = paths.grader / "submitted" / learner / SECTION
    lookups = read_batch_lookups(paths.gradebook_url, [task])
    fresh = snapshot_submission(task, setup, submitted, tmp_path / "fresh")
    batch = snapshot_submission(task, setup, submitted, tmp_path / "batch", lookups=lookups)
    assert fresh == batch and batch[2] == book.draw_key  # digest, problems and the service's key
    for name in ("timestamp.txt", f"responses/{SECTION}.json"):
        assert (tmp_path / "fresh" / name).read_bytes() == (tmp_path / "batch" / name).read_bytes()
