"""A section imported from a Moodle XML export goes through the whole flow.

Import, build, release (drift and leak checks), simulated learners plus two with known answers,
the real autograde into nbgrader's gradebook, and the report: the imported questions score as their
keys say, partial credit included.
"""

from __future__ import annotations

import pandas as pd
import pytest
from grading_support import answers, attempt, expected_score, make_project, scores_at, write_submission
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.leaks import find_leaks
from coursekit.autograde.runner import grade_workspace
from coursekit.cli import main
from coursekit.gradebook.roster import register_learners
from coursekit.results.report import write_report
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

SECTION = "consortia_bank"


def test_moodle_xml_section_builds_releases_is_simulated_autograded_and_reported(tmp_path, capsys) -> None:
    fixture = tmp_path / "moodle_export.xml"
    fixture.write_bytes((REPO / "tests" / "fixtures" / "bank" / "moodle_export.xml").read_bytes())
    paths = make_project(tmp_path / "project")
    root = ["--root", str(paths.root)]
    assert main([*root, "import", str(fixture), "--section", SECTION]) == 0
    out = capsys.readouterr().out
    assert "skipped: 'Cloze on funding' (multianswer" in out and "skipped: 'Drag the words' (ddwtos" in out
    assert main([*root, "build"]) == 0
    assert f"note: {SECTION}: 7 imported question(s) cite no passage" in capsys.readouterr().out
    assert main([*root, "release"]) == 0
    assert main([*root, "build", "--check"]) == 0 and main([*root, "release", "--check"]) == 0
    course = load_course(paths.course)
    assert find_leaks(paths.release, course) == []
    section = course.section(SECTION)
    assert sorted(p.name for p in (paths.release / SECTION).iterdir()) == [f"{SECTION}.ipynb", "quiz.json"]

    plan = simulate(course, paths.release, paths.grader / "submitted", 6, seed=11)
    partly = {"cons-lead", "acronym", "roles-1"}
    essay = " ".join(["Our consortium met monthly and shared the reporting duties."] * 6)  # 54 words: min_words 50
    write_submission(paths, course, section, "known-right", [attempt(1, answers(section))], comment=essay)
    write_submission(paths, course, section, "known-partly", [attempt(1, answers(section, partly))])
    learners = [*plan.learners, "known-right", "known-partly"]
    register_learners(paths.gradebook_url, learners)
    result = grade_workspace(course, paths, paths.gradebook_url, sections=[SECTION], jobs=2, quiet=True)
    assert result.problems == [] and not result.stopped

    report = write_report(paths.gradebook_url, course, paths.reports)
    grades = report.grades[report.grades["section"] == SECTION].set_index("learner")
    assert section.quiz.max_points == 9.0
    assert grades.loc["known-right", "quiz_score"] == pytest.approx(9.0)
    assert grades.loc["known-partly", "quiz_score"] == pytest.approx(expected_score(section, partly)) == 6.0
    assert (grades["quiz_max"] == 9.0).all()
    submitted = [learner for learner in plan.learners if (paths.grader / "submitted" / learner / SECTION).is_dir()]
    assert submitted and all(grades.loc[learner, "quiz_score"] >= 0 for learner in submitted)
    reflection = [cell for (learner, sect, cell), (_, manual) in scores_at(paths.gradebook_url).items()
                  if learner == "known-right" and sect == SECTION and manual]
    assert len(reflection) == 1  # the essay: a reflection of 50 words at least, graded by hand
    items = pd.read_csv(paths.reports / "item_analysis.csv")
    assert set(items[items["section"] == SECTION]["item"]) == {q.id for q in section.quiz.questions}
