"""Hostile learners through the real autograde, report and feedback: copied responses files, learner ids
a spreadsheet would run as formulas, and script in a comment."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest
from bs4 import BeautifulSoup
from grading_support import answers, attempt, expected_score, grade_all, grades_csv, make_project, write_submission

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.results.feedback import generate_feedback

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"
FORMULA_IDS = {"=1-2": "contains '='", "@SUM(1,1)": "upper-case", "=cmd|calc!A0": "upper-case",
               "-2-3": "starts with '-'"}  # no plain login names: refused, but still reported
REFUSED_FORMULA_ID = "+cmd|calc!A0"  # '+' splits nbgrader's exchange names
SCRIPT_COMMENT = '<script>window.__pwned=1</script>\n\n<img src=x onerror="window.__pwned=2">'
REPORTS = ("grades.csv", "moodle_grades.csv", "canvas_grades.csv", "item_analysis.csv", "quiz_stats.csv",
           "copied_responses.csv")


def _own_attempt(given, minute):
    """An attempt submitted at a time of its own (two learners never submit at the same instant)."""
    record = attempt(1, given)
    record["submitted_at"] = f"2026-10-01T09:{minute:02d}:00"
    return record


def _responses(paths, learner):
    return paths.grader / "submitted" / learner / SECTION / "responses" / f"{SECTION}.json"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("hostile"))
    course = load_course(paths.course)
    section = course.section(SECTION)
    some = {q.id for q in section.quiz.questions[:4]}
    write_submission(paths, course, section, "ada", [attempt(1, answers(section, some)), attempt(2, answers(section))])
    # ben hands in ada's file as it is; dan hands in ada's file with his own name written into it
    write_submission(paths, course, section, "ben", [attempt(1, answers(section, set()))],
                     responses_text=_responses(paths, "ada").read_text(encoding="utf-8"))
    forged = json.loads(_responses(paths, "ada").read_text(encoding="utf-8"))
    forged["learner"] = "dan"
    write_submission(paths, course, section, "dan", [], responses_text=json.dumps(forged))
    write_submission(paths, course, section, "cleo", [_own_attempt(answers(section, some), 30)],
                     comment=SCRIPT_COMMENT)
    result = grade_all(paths, jobs=2)
    for minute, learner in enumerate([*FORMULA_IDS, REFUSED_FORMULA_ID], 31):  # refused, but reported
        write_submission(paths, course, section, learner, [_own_attempt(answers(section, some), minute)])
    return paths, course, result, expected_score(section, None), expected_score(section, some)


def _report(paths, capsys):
    assert main(["--root", str(paths.root), "report"]) == 0
    return capsys.readouterr().out


def _rows(paths, name):
    with open(paths.reports / name, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _grades(paths):
    rows = _rows(paths, "grades.csv")
    return {(r[0], r[1]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_a_copied_responses_file_scores_zero_with_the_reason(graded, capsys):
    paths, _, result, full, _ = graded
    # dan's forged name passes the owner check, but the questions in ada's file are ada's draw, not his
    assert [(o.learner, "this learner's draw is" in " ".join(o.problems)) for o in result.failed] == [("dan", True)]
    problems = {(learner, p) for learner, _, p in result.problems}
    assert (("ben", f"{SECTION}.json: saved by learner 'ada', not by the submitter 'ben' (copied; not counted)")
            in problems)
    _report(paths, capsys)
    grades = _grades(paths)
    assert float(grades[("ben", SECTION)]["quiz_score"]) == 0.0
    assert grades[("ben", SECTION)]["status"] == "failed"
    assert "saved by learner 'ada'" in grades[("ben", SECTION)]["problems"]
    assert float(grades[("ada", SECTION)]["quiz_score"]) == full  # the original counts for its owner
    assert grades[("ada", SECTION)]["problems"] == ""


def test_copies_are_listed_for_the_trainer(graded, capsys):
    paths, _, _, _, _ = graded
    out = _report(paths, capsys)
    assert "copied responses: 1 group(s) of learners with identical attempts" in out
    assert f"  {SECTION}: ada, ben, dan" in out
    rows = _rows(paths, "copied_responses.csv")
    assert rows[0] == ["section", "fingerprint", "learners"]
    assert [(r[0], r[2]) for r in rows[1:]] == [(SECTION, "ada; ben; dan")]
    assert len(rows[1][1]) == 16
    # dan's forged name passes the owner check; the pools' draws (ada's, not his) keep his copy from counting
    dan = _grades(paths)[("dan", SECTION)]
    assert dan["status"] == "not graded" and dan["quiz_score"] == "" and "draw edited" in dan["problems"], dan


def test_formula_ids_are_refused_as_no_login_names_and_neutralised_in_every_csv(graded, capsys):
    paths, _, _, _, _ = graded
    _report(paths, capsys)
    grades = _grades(paths)
    for learner, why in [*FORMULA_IDS.items(), (REFUSED_FORMULA_ID, "contains +")]:
        row = grades[("'" + learner, SECTION)]
        assert row["status"] == "not graded" and row["quiz_score"] == "" and why in row["problems"]
    for name in REPORTS:
        for row in _rows(paths, name):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
                assert not cell.startswith("-") or _number(cell), (name, cell)


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_feedback_shows_a_script_comment_as_text(graded):
    paths, course, _, _, _ = graded
    files = generate_feedback(course, paths, paths.gradebook_url)
    page = next(f for f in files if f.parts[-3] == "cleo").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    shown = [b.get_text() for b in BeautifulSoup(page, "html.parser").select("pre.coursekit-learner-text")]
    assert SCRIPT_COMMENT in shown
    autograded = nbformat.read(paths.grader / "autograded" / "cleo" / SECTION / f"{SECTION}.ipynb", as_version=4)
    kept = [c.source for c in autograded.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert kept and set(kept) == {SCRIPT_COMMENT}  # the trainer's copy keeps the text as written


def test_a_copied_file_is_refused_when_kernels_run_the_grade_cells(tmp_path):
    """nbgrader's own Execute (a kernel per notebook) grades as the same submitter as the in-process runner."""
    paths = make_project(tmp_path)
    course = load_course(paths.course)
    section = course.section(SECTION)
    write_submission(paths, course, section, "ada", [attempt(1, answers(section))])
    write_submission(paths, course, section, "ben", [], responses_text=_responses(paths, "ada").read_text("utf-8"))
    result = grade_all(paths, jobs=1, executor="kernel")
    assert not result.failed, [(o.learner, o.problems) for o in result.failed]
    grades = grades_csv(paths)
    assert grades.loc[("ada", SECTION), "quiz_score"] == expected_score(section, None)
    assert grades.loc[("ben", SECTION), "quiz_score"] == 0.0
    assert "saved by learner 'ada', not by the submitter 'ben'" in grades.loc[("ben", SECTION), "problems"]
