"""Pure parts of the trainer's workflow: lateness, grading settings, roster files, status, review page, LMS names."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.grading_settings import GradingSettings, parse_datetime
from coursekit.gradebook.lateness import effective_due, format_late, late_days, late_penalty, seconds_late
from coursekit.gradebook.roster_file import RosterEntry, RosterError, parse_roster
from coursekit.results.lms import sortable_name
from coursekit.results.review import Answer, render_review_page
from coursekit.results.status import section_status

DUE = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("late", "text", "days"), [
    (0, "", 0), (30, "1 min", 1), (3599, "1 h", 1), (3600, "1 h", 1), (3600 + 600, "1 h 10 min", 1),
    (86400, "1 d", 1), (86401, "1 d", 2), (2 * 86400 + 3600, "2 d 1 h", 3),
])
def test_format_late_and_started_days(late, text, days):
    assert format_late(late) == text
    assert late_days(late) == days


def test_seconds_late_with_and_without_an_extension():
    submitted = datetime(2026, 10, 3, 13, 0)  # naive: nbgrader's UTC timestamps
    assert seconds_late(submitted, DUE) == 2 * 86400 + 3600
    assert seconds_late(submitted, effective_due(DUE, DUE + timedelta(days=3))) == 0
    assert seconds_late(None, DUE) == 0 and seconds_late(submitted, None) == 0


def test_late_penalty_per_started_day_never_below_zero():
    assert late_penalty(15.0, 15.0, 2 * 86400 + 1, 10) == pytest.approx(4.5)
    assert late_penalty(3.0, 15.0, 20 * 86400, 10) == 3.0
    assert late_penalty(15.0, 15.0, 0, 10) == 0.0
    assert late_penalty(15.0, 15.0, 86400, 0) == 0.0
    assert late_penalty(math.nan, 15.0, 86400, 10) == 0.0


def test_parse_datetime_reads_offsets_and_defaults_to_utc():
    assert parse_datetime("2026-12-01T17:00:00+01:00") == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert parse_datetime("2026-12-01 17:00") == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a date"):
        parse_datetime("next friday")


def test_grading_settings_names_and_canvas_ids():
    settings = GradingSettings.model_validate({"items": {"s1": {"comments": "Reflection"}},
                                               "canvas_ids": {"s1": {"quiz": 12}}})
    assert settings.item_name("s1", "quiz", "Quiz: Topic") == "Quiz: Topic"
    assert settings.item_name("s1", "comments", "Quiz: Topic") == "Reflection"
    assert settings.item_name("s2", "comments", "Quiz: Topic") == "Comments: Topic"
    assert settings.canvas_column("s1", "quiz", "Quiz: Topic") == "Quiz: Topic (12)"
    assert settings.canvas_column("s1", "comments", "Quiz: Topic") == "Reflection"
    assert settings.unknown_sections(["s2"]) == [
        "grading.items: 's1' is not a section of this course (sections: s2)",
        "grading.canvas_ids: 's1' is not a section of this course (sections: s2)",
    ]


def test_course_yml_grading_block_is_validated(tmp_path):
    import shutil

    shutil.copytree(REPO / "course", tmp_path / "course")
    path = tmp_path / "course" / "course.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "grading:\n  due:\n    nosuch: 2026-12-01\n", encoding="utf-8")
    from coursekit.authoring.course import CourseError

    with pytest.raises(CourseError, match=r"course\.yml: grading\.due: 'nosuch' is not a section"):
        load_course(tmp_path / "course")
    path.write_text(text + "grading:\n  due:\n    cooperation_networking: 2026-12-01 17:00\n"
                    "  not_submitted: excused\n", encoding="utf-8")
    course = load_course(tmp_path / "course")
    assert course.grading.due["cooperation_networking"] == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert course.grading.not_submitted == "excused"


def test_parse_roster_reads_the_documented_columns():
    entries = parse_roster("\ufefflogin,Name,email,idnumber,group\nada,Ada King Lovelace,a@x.org,S1,G1\n\n"
                           "bob,Bob,,,\n", "r.csv")
    assert entries == [RosterEntry("ada", "Ada King Lovelace", "a@x.org", "S1", "G1"), RosterEntry("bob", "Bob")]
    assert entries[0].first_last == ("Ada King", "Lovelace")
    assert entries[1].first_last == ("Bob", "")


@pytest.mark.parametrize(("text", "message"), [
    ("", "r.csv: empty file"),
    ("name,email\nAda,a@x.org\n", "r.csv: line 1: no 'login' column"),
    ("login,phone\nada,1\n", "r.csv: line 1: unknown column(s) 'phone'"),
    ("login,name\nada\n", "r.csv: line 2: 1 fields, the header has 2"),
    ("login,name\n ada,Ada\n", "r.csv: line 2: login ' ada' starts or ends with white space"),
    ("login,name\nada,\"two\nlines\"\n", "r.csv: line 3: name: holds U+000A (line feed), a line break"),
    ("login,name\nada,Ana\u2028Lee\n", "r.csv: line 2: name: holds U+2028 (line separator), a line break"),
    ("login,name\nada,Ana\u2029\n", "r.csv: line 2: name: holds U+2029 (paragraph separator), a line break"),
    ("login,name\nada,\u202eeeL anA\n", "r.csv: line 2: name: holds U+202E (right-to-left override), a bidi control"),
    ("login,name,group\nada,Ana,\u2066G1\u2069\n",
     "r.csv: line 2: group: holds U+2066 (left-to-right isolate), a bidi control"),
    ("login,name\nada,Ana\u200bLee\n", "r.csv: line 2: name: holds U+200B (zero width space), a control or format"),
    ("login,name\nada,Ana\x07\n", "r.csv: line 2: name: holds U+0007 (unnamed), a control or format character"),
    ("login,name\nAna,Ana\n", "r.csv: line 2: login 'Ana' contains upper-case letters: hub logins are lower case "
                              "(it reads as 'ana'"),
    ("login,name\n\uff41\uff4e\uff41,Ana\n", "r.csv: line 2: login 'ａｎａ' contains 'ａ' (fullwidth latin small "
                                            "letter a): logins are plain ASCII (it reads as 'ana'"),
    ("login,name\n\u0430na,Ana\n", "r.csv: line 2: login 'аna' mixes Cyrillic and Latin letters ('а' is cyrillic "
                                  "small letter a): a look-alike of another login"),
    ("login,name\n<svg onload=alert(1)>,X\n", "r.csv: line 2: login '<svg onload=alert(1)>' contains '<'"),
    ("login,name\nada,A\nada,B\n", "r.csv: line 3: login 'ada' already on line 2"),
])
def test_parse_roster_refuses_bad_files_with_file_and_line(text, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "r.csv")
    assert str(caught.value).startswith(message)


def test_four_spellings_of_one_login_are_one_learner_never_four():
    with pytest.raises(RosterError) as caught:
        parse_roster("login,name\nana,Ana\nAna,Ana\n\uff41\uff4e\uff41,Ana\n\u0430na,Ana\n", "r.csv")
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["line 3", "line 4", "line 5"]
    assert all("'ana'" in line or "look-alike" in line for line in lines)


def test_a_hostile_name_is_kept_as_text_and_ids_follow_the_shared_login_rule():
    from coursekit.gradebook.learner_ids import learner_id_problem, login_key, text_problem

    entries = parse_roster("login,name\nana,<img src=x onerror=alert(1)> Ana\n", "r.csv")
    assert entries[0].name == "<img src=x onerror=alert(1)> Ana"  # formgrader's templates show it escaped
    assert text_problem("Zoë Ō'Brien-Łukasz 山田") is None
    assert {login_key(x) for x in ("ana", "Ana", "\uff41\uff4e\uff41", "ANA")} == {"ana"}
    for ok in ("ana", "ana.lee", "a_1", "ana@school.org", "learner0001"):
        assert learner_id_problem(ok) is None, ok
    for bad in ("Ana", "\uff41\uff4e\uff41", "\u0430na", "<svg onload=alert(1)>", "an'a", 'a"b', "a b", "-ana",
                "ana\u2028", "ana\u202e", "jos\u00e9", "&lt;x&gt;"):
        assert learner_id_problem(bad), bad


def test_status_distinguishes_review_pending_and_ignores_points_on_blanks():
    assert section_status(True, 80.0, 75.0, 4, 4, True, 3) == "passed, review pending"
    assert section_status(True, 80.0, 75.0, 4, 4, True, 4) == "passed"
    assert section_status(True, 80.0, 75.0, 3, 4, True, 3) == "incomplete"
    assert section_status(True, 80.0, 75.0, 0, 0, True, 0) == "passed"


def test_sortable_name():
    assert sortable_name("Ada King Lovelace", "ada") == "Lovelace, Ada King"
    assert sortable_name("Cher", "cher") == "Cher"
    assert sortable_name("", "bob") == "bob"


def test_review_page_escapes_learner_text_and_shows_the_passage():
    course = load_course(REPO / "course")
    section = course.sections[0]
    question = section.comments[0]
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    answers = [Answer("ada", "nb1", hostile, False, None, question.points, "<b>see me</b>"),
               Answer("<i>bob</i>", "nb2", "", True, None, question.points, "")]
    page = render_review_page(course, section.id, question.id, answers, {"ada": "Ada <Lovelace>"})
    assert "<script>" not in page and "<img" not in page and "<b>see me" not in page and "<i>bob" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Ada &lt;Lovelace&gt;" in page
    assert " ".join(question.source.split())[:40].replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "not reviewed yet" in page and "blank (left as given or too short): 0 points" in page
    assert "2 submissions · 1 answered · 0 reviewed · 1 blank" in page


def test_moodle_feedback_of_a_submission_not_graded_names_the_reason_without_markup():
    from coursekit.results.lms import quiz_outcome

    row = {"status": "not graded", "late": "", "late_penalty": 0.0,
           "problems": "'x.ipynb': a symlink (refused); not graded: nothing of the learner's work could be read "
                       "('<img src=x onerror=alert(1)>.ipynb': a symlink (refused))"}
    assert quiz_outcome(row) == ("not graded: nothing of the learner's work could be read "
                                   "('‹img src=x onerror=alert(1)›.ipynb': a symlink (refused))")
    assert quiz_outcome({**row, "problems": "learner id 'a b' has white space: not graded"}) == (
        "not graded: learner id 'a b' has white space: not graded")
    assert quiz_outcome({**row, "problems": ""}) == "not graded"
