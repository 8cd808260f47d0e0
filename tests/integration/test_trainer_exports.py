"""A trainer's review, roster, deadlines and LMS exports, through the real autograde and gradebook.

Five learners on the roster: ada (quiz right, comments written), bob (quiz right, comments blank),
cat (never submits), dan (two days late), eve (late, with an extension). Comments are reviewed the
way formgrader's API handler stores a review: ``manual_score`` on the grade, ``manual_comment`` on
the comment, in nbgrader's own gradebook.
"""

from __future__ import annotations

import csv

import pytest
import yaml
from grading_support import answers, attempt, hand_in_at, make_project, write_submission
from postgres_support import create_database, running_postgres

from coursekit.authoring.course import load_course
from coursekit.autograde.runner import grade_workspace
from coursekit.cell_ids import comment_cell_id
from coursekit.cli import main
from coursekit.results.report import write_report

pytestmark = pytest.mark.slow

SECTION, OTHER = "cooperation_networking", "networks_consortia"
ROSTER = """login,name,email,idnumber,group,lms_user_id
ada,Ada King Lovelace,ada@example.org,S-001,Group A,101
bob,Bob Marley,bob@example.org,S-002,Group B,102
cat,Cat Stevens,cat@example.org,S-003,Group A,103
dan,Dan Brown,,S-004,Group B,
eve,Eve Online,eve@example.org,,Group A,105
"""
DUE = "2026-10-01T12:00:00Z"
QUIZ_ITEM = "Quiz 1"
COMMENTS_ITEM = "Reflection 1"


def _review(db_url, learner, cell, score=None, remark=None):
    """Store a trainer's review as formgrader's GradeHandler / CommentHandler do (nbgrader's Gradebook)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        if score is not None:
            grade = gb.find_grade(cell, SECTION, SECTION, learner)
            grade.manual_score = score
            grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None  # as GradeHandler.put
        if remark is not None:
            comment = gb.find_comment(cell, SECTION, SECTION, learner)
            comment.manual_comment = remark
        gb.db.commit()


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _scenario(root, db_url=None):
    """The five learners graded, one extension, then reviewed; returns (paths, course, before, after) grades."""
    paths = make_project(root)
    db_url = db_url or paths.gradebook_url
    db = ["--db-url", db_url]
    course_yml = paths.course / "course.yml"
    data = yaml.safe_load(course_yml.read_text(encoding="utf-8"))
    data["grading"] = {
        "due": {SECTION: DUE}, "late_penalty_per_day": 10, "not_submitted": "zero",
        "items": {SECTION: {"quiz": QUIZ_ITEM, "comments": COMMENTS_ITEM}},
        "canvas_ids": {SECTION: {"quiz": 5001, "comments": 5002}},
    }
    course_yml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    course = load_course(paths.course)
    section = course.section(SECTION)
    roster = paths.root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert main(["--root", str(paths.root), "roster", "import", str(roster), *db]) == 0
    write_submission(paths, course, section, "ada", [attempt(1, answers(section))])
    write_submission(paths, course, section, "bob", [attempt(1, answers(section))], comment="")
    for learner in ("dan", "eve"):
        folder = write_submission(paths, course, section, learner, [attempt(1, answers(section))])
        hand_in_at(folder, "2026-10-03 13:00:00")
    result = grade_workspace(course, paths, db_url, jobs=2, quiet=True)
    assert not result.problems, result.problems
    assert main(["--root", str(paths.root), "extend", "--section", SECTION, "--learner", "eve",
                 "--until", "2026-10-04T12:00:00+00:00", "--by", "trainer-jo", *db]) == 0
    before = write_report(db_url, course, paths.reports / "before")
    for question in section.comments:
        cell = comment_cell_id(question.id)
        _review(db_url, "bob", cell, score=0.0)  # "No credit" on each blank comment
        _review(db_url, "ada", cell, score=question.points,
                remark=f"Good point on {question.id}" if question == section.comments[0] else None)
        for learner in ("dan", "eve"):
            _review(db_url, learner, cell, score=question.points / 2)
    after = write_report(db_url, course, paths.reports)
    return paths, course, before.grades.set_index(["learner", "section"]), after.grades.set_index(
        ["learner", "section"])


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    return _scenario(tmp_path_factory.mktemp("trainer"))


def test_no_credit_on_a_blank_comment_keeps_it_blank(trainer):
    _, course, before, after = trainer
    total = len(course.section(SECTION).comments)
    assert before.loc[("bob", SECTION), "status"] == "incomplete"
    assert after.loc[("bob", SECTION), "status"] == "incomplete"
    assert after.loc[("bob", SECTION), "comments_answered"] == 0
    assert after.loc[("bob", SECTION), "comments_total"] == total
    assert after.loc[("bob", SECTION), "comments_score"] == 0.0


def test_full_points_on_a_blank_comment_give_nothing(trainer):
    paths, course, _, _ = trainer
    section = course.section(SECTION)
    cell = comment_cell_id(section.comments[0].id)
    _review(paths.gradebook_url, "bob", cell, score=section.comments[0].points)
    try:
        grades = write_report(paths.gradebook_url, course, paths.reports / "bob").grades.set_index(
            ["learner", "section"])
        assert grades.loc[("bob", SECTION), "status"] == "incomplete"
        assert grades.loc[("bob", SECTION), "comments_score"] == 0.0
    finally:
        _review(paths.gradebook_url, "bob", cell, score=0.0)


def test_review_pending_until_every_answer_is_reviewed(trainer):
    _, course, before, after = trainer
    comments_max = sum(c.points for c in course.section(SECTION).comments)
    assert before.loc[("ada", SECTION), "status"] == "passed, review pending"
    assert before.loc[("ada", SECTION), "review"] == "pending review"
    assert pd_isna(before.loc[("ada", SECTION), "comments_score"])
    assert after.loc[("ada", SECTION), "status"] == "passed"
    assert after.loc[("ada", SECTION), "comments_score"] == comments_max
    assert after.loc[("ada", SECTION), "comments_max"] == comments_max


def pd_isna(value):
    return value != value  # NaN


def test_roster_names_and_non_submitter(trainer):
    paths, _, _, after = trainer
    cat = after.loc[("cat", SECTION)]
    assert cat["status"] == "not submitted"
    assert (cat["name"], cat["email"], cat["idnumber"], cat["group"]) == (
        "Cat Stevens", "cat@example.org", "S-003", "Group A")
    from nbgrader.api import Gradebook

    with Gradebook(paths.gradebook_url) as gb:  # formgrader shows nbgrader's first and last names
        ada = gb.find_student("ada")
        assert (ada.first_name, ada.last_name, ada.email, ada.lms_user_id) == (
            "Ada King", "Lovelace", "ada@example.org", "101")


def test_late_flag_penalty_and_extension(trainer):
    paths, course, _, after = trainer
    quiz_max = course.section(SECTION).quiz.max_points
    dan, eve, ada = (after.loc[(name, SECTION)] for name in ("dan", "eve", "ada"))
    assert dan["late"] == "2 d 1 h"
    assert dan["late_penalty"] == pytest.approx(quiz_max * 0.3)  # 3 started days at 10 %
    assert dan["quiz_score"] == pytest.approx(quiz_max * 0.7)
    assert dan["due"] == "2026-10-01 12:00:00 UTC"
    assert (eve["late"], eve["late_penalty"], eve["quiz_score"]) == ("", 0.0, quiz_max)
    assert eve["due"] == "2026-10-04 12:00:00 UTC"
    assert "set by trainer-jo" in eve["extension"]
    assert (ada["late"], ada["late_penalty"]) == ("", 0.0)
    from nbgrader.api import Gradebook

    with Gradebook(paths.gradebook_url) as gb:  # nbgrader's own due date and extension agree
        assert str(gb.find_assignment(SECTION).duedate) == "2026-10-01 12:00:00"
        assert gb.find_submission(SECTION, "eve").total_seconds_late == 0
        assert gb.find_submission(SECTION, "dan").total_seconds_late == (2 * 86400 + 3600)


def test_moodle_csv_column_by_column(trainer):
    paths, course, _, _ = trainer
    other = course.section(OTHER).quiz.title
    rows = _read(paths.reports / "moodle_grades.csv")
    assert rows[0] == ["Username", QUIZ_ITEM, f"{QUIZ_ITEM} (Feedback)", COMMENTS_ITEM, f"{COMMENTS_ITEM} (Feedback)",
                       other, f"{other} (Feedback)", f"Comments: {other.removeprefix('Quiz: ')}",
                       f"Comments: {other.removeprefix('Quiz: ')} (Feedback)"]
    by_id = {row[0]: row for row in rows[1:]}
    assert sorted(by_id) == ["ada", "bob", "cat", "dan", "eve"]
    first_question = course.section(SECTION).comments[0]
    assert by_id["ada"][1:5] == ["15", "passed", "8", f"{first_question.text}: Good point on {first_question.id}"]
    assert by_id["bob"][1:5] == ["15", "incomplete", "0", "4 comment(s) left blank"]
    assert by_id["cat"][1:5] == ["0", "not submitted", "0", ""]
    assert by_id["dan"][1:5] == ["10.5", "failed; submitted 2 d 1 h late (late penalty 4.5 points)", "4", ""]
    assert by_id["ada"][5:7] == ["0", "not submitted"]


def test_moodle_csv_by_email_or_idnumber(trainer, tmp_path):
    paths, course, _, _ = trainer
    report = write_report(paths.gradebook_url, course, tmp_path, moodle_id="email")
    assert report.moodle_left_out == ["dan"]  # no email on the roster: Moodle could not match the row
    rows = _read(tmp_path / "moodle_grades.csv")
    assert rows[0][0] == "Email address"
    by_id = {row[0]: row for row in rows[1:]}
    assert sorted(by_id) == ["ada@example.org", "bob@example.org", "cat@example.org", "eve@example.org"]
    assert by_id["ada@example.org"][1:4] == ["15", "passed", "8"]
    report = write_report(paths.gradebook_url, course, tmp_path, moodle_id="idnumber")
    assert report.moodle_left_out == ["eve"]
    rows = _read(tmp_path / "moodle_grades.csv")
    assert rows[0][0] == "ID number"
    assert sorted(row[0] for row in rows[1:]) == ["S-001", "S-002", "S-003", "S-004"]


def test_moodle_csv_pending_review_exports_no_comment_score(trainer):
    paths = trainer[0]
    rows = _read(paths.reports / "before" / "moodle_grades.csv")
    by_id = {row[0]: row for row in rows[1:]}
    # written in the fixture before any review: the quiz stands, the comments item has no grade yet
    assert by_id["ada"][1:5] == ["15", "passed, review pending", "",
                                 "review pending (4 of 4 answered comments to review)"]


def test_canvas_csv_column_by_column(trainer):
    paths, course, _, _ = trainer
    other = course.section(OTHER).quiz.title
    rows = _read(paths.reports / "canvas_grades.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{QUIZ_ITEM} (5001)",
                       f"{COMMENTS_ITEM} (5002)", other, f"Comments: {other.removeprefix('Quiz: ')}"]
    assert rows[1] == ["Points Possible", "", "", "", "", "15", "8", "15", "8"]
    by_login = {row[3]: row for row in rows[2:]}
    assert by_login["ada"] == ["Lovelace, Ada King", "101", "S-001", "ada", "Group A", "15", "8", "0", "0"]
    assert by_login["bob"] == ["Marley, Bob", "102", "S-002", "bob", "Group B", "15", "0", "0", "0"]
    assert by_login["cat"] == ["Stevens, Cat", "103", "S-003", "cat", "Group A", "0", "0", "0", "0"]
    assert by_login["dan"] == ["Brown, Dan", "", "S-004", "dan", "Group B", "10.5", "4", "0", "0"]
    before = {row[3]: row for row in _read(paths.reports / "before" / "canvas_grades.csv")[2:]}
    assert before["ada"][5:7] == ["15", ""]  # review pending: no comments grade (Canvas: no change)


def test_canvas_non_submitters_excused_by_setting(trainer):
    _, course, _, after = trainer
    import dataclasses

    from coursekit.results.lms import canvas_grades

    excused = dataclasses.replace(course, grading=course.grading.model_copy(update={"not_submitted": "excused"}))
    table = canvas_grades(after.reset_index().assign(lms_user_id=""), excused)
    cat = table[table["SIS Login ID"] == "cat"].iloc[0]
    assert list(cat.iloc[5:]) == ["EX", "EX", "EX", "EX"]


def test_review_page_shows_every_answer_escaped_with_the_passage(trainer):
    paths, course, _, _ = trainer
    question = course.section(SECTION).comments[1]
    assert main(["--root", str(paths.root), "review", "--section", SECTION, "--question", question.id]) == 0
    page = (paths.reports / f"review_{SECTION}_{question.id}.html").read_text(encoding="utf-8")
    assert question.text.replace("'", "&#x27;") in page or question.text in page
    assert " ".join(question.source.split())[:60].replace("'", "&#x27;") in page
    assert page.count('class="answer"') == 4
    assert page.count("We meet the partner schools twice a year.") == 3
    assert "Bob Marley" in page and "blank (left as given or too short)" in page


def test_unknown_section_question_or_learner_is_one_line_and_exit_1(trainer, capsys):
    paths, _, _, _ = trainer
    root = ["--root", str(paths.root)]
    cases = [
        ["review", "--section", "nosuch", "--question", "x"],
        ["review", "--section", SECTION, "--question", "nosuch"],
        ["extend", "--section", "nosuch", "--learner", "ada", "--days", "2"],
        ["extend", "--section", SECTION, "--learner", "nobody", "--days", "2"],
        ["extend", "--section", OTHER, "--learner", "ada", "--days", "2"],  # no due date for --days
        ["extend", "--section", SECTION, "--learner", "ada", "--until", "next friday"],
    ]
    for args in cases:
        capsys.readouterr()
        assert main(root + args) == 1, args
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and len(err.splitlines()) == 1, (args, err)
    assert "nobody" in _last_error(main, root + cases[3], capsys)


def _last_error(run, args, capsys):
    capsys.readouterr()
    run(args)
    return capsys.readouterr().err


def test_the_same_on_postgresql(trainer, tmp_path):
    """Roster, extension, reviews and exports on a real PostgreSQL gradebook give SQLite's files."""
    paths, _, _, after = trainer
    with running_postgres() as server:
        pg_paths, _, _, pg_after = _scenario(tmp_path, create_database(server, "trainer"))
    assert pg_after.drop(columns=["extension"]).equals(after.drop(columns=["extension"]))
    assert pg_after.loc[("eve", SECTION), "extension"].startswith("until 2026-10-04 12:00 UTC (set by trainer-jo")
    for name in ("moodle_grades.csv", "canvas_grades.csv"):
        assert _read(pg_paths.reports / name) == _read(paths.reports / name), name
