"""A graded project whose pooled section names the correct answers, with feedback for a learner who submitted no
attempt (``noor``) and one who did (``ada``): what the feedback tests and the feedback page's browser check read."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from grading_support import answers, attempt, grade_all, make_project, write_submission

from coursekit.authoring.course import Section, load_course
from coursekit.cli import main
from coursekit.paths import ProjectPaths
from coursekit.results.feedback import generate_feedback

SECTION = "cooperation_networking"
NO_ATTEMPT = "noor"
ONE_ATTEMPT = "ada"


class PoolFeedback(NamedTuple):
    """The project, the pooled section as graded, and each learner's feedback page."""

    paths: ProjectPaths
    section: Section
    pages: dict[str, Path]


def pool_feedback(root: Path) -> PoolFeedback:
    """Build, release and grade the project at ``root`` (``show_correct_answers`` on), then make the feedback."""
    paths = make_project(root)
    quiz_path = paths.course / SECTION / "quiz.yml"
    text = quiz_path.read_text(encoding="utf-8")
    assert "show_correct_answers: false" in text
    quiz_path.write_text(text.replace("show_correct_answers: false", "show_correct_answers: true", 1),
                         encoding="utf-8")
    assert main(["--root", str(root), "build"]) == 0
    assert main(["--root", str(root), "release"]) == 0
    course = load_course(paths.course)
    section = course.section(SECTION)
    assert section.quiz.settings.show_correct_answers and section.quiz.has_pools
    write_submission(paths, course, section, NO_ATTEMPT, [])
    write_submission(paths, course, section, ONE_ATTEMPT, [attempt(1, answers(section))])
    result = grade_all(paths, jobs=1)
    assert not result.failed, result.problems
    pages = {f.parts[-3]: f for f in generate_feedback(course, paths, paths.gradebook_url)
             if f.parts[-2] == SECTION}
    assert set(pages) == {NO_ATTEMPT, ONE_ATTEMPT}, pages
    return PoolFeedback(paths, section, pages)
