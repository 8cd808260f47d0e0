"""One grade record, every view: a course run on one machine, read back from every file a person reads.

Two sections: ``cooperation_networking`` is past its due date (10 % of the points per started day late),
``networks_consortia`` is due in 13 days. The quiz service's record (its tables in the gradebook, a clock
the test moves) holds the first section's attempts; the second is handed in as files. Learners:

* ``amy``: on time in both sections; her second section is not yet reviewed;
* ``liam``: 14 h late, the penalty takes him under the pass rate;
* ``eve``: late by the section's date, on time by her extension; her comments are blank (her trainer's
  points for them count for nothing);
* ``olga``: two overrides (4 attempts, then only the time limit); a fifth attempt, her best, is refused
  because the second override kept the first one's attempt limit;
* ``noor``: on the roster, hands in nothing.

Comments are reviewed through nbgrader's gradebook API (as formgrader saves a score), then
``coursekit autograde --force`` runs. Each view is then made the way its user makes it and parsed from
its file: formgrader's feedback (nbgrader's ``generate_feedback`` with the workspace's
``nbgrader_config.py``, what formgrader's button calls), ``coursekit feedback``'s pages, ``grades.csv``,
the Moodle and Canvas imports and the dashboards (the learner page's embedded data, the learner index,
``follow_up.csv``). Each must say what was counted by hand below, learner by learner.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from grading_support import answers, expected_score, grade_all, hand_in_at, make_project, write_submission
from project_support import REPO
from record_support import feedback_facts, feedback_pages, read_csv
from service_support import Clock
from trainer_support import first_right, review

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.gradebook.state import make_engine
from coursekit.quiz.timing import AttemptRefused
from coursekit.service.book import AttemptBook
from coursekit.service.migrate import migrate

pytestmark = pytest.mark.slow

PAST, AHEAD = "cooperation_networking", "networks_consortia"
DUE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EXTENDED = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
REMARK = "Clear example; name the schools next time."
LEARNERS = ("amy", "eve", "liam", "noor", "olga")
ROSTER = {"amy": "Amy Adler", "eve": "Eve Berg", "liam": "Liam Cole", "noor": "Noor Dahl", "olga": "Olga Ek"}


def _liam_right(section) -> set[str]:
    """The fewest first questions whose points pass the quiz, so that a 10 % penalty fails it."""
    for count in range(1, len(section.quiz.questions) + 1):
        right = first_right(section, count)
        earned = expected_score(section, right)
        if earned / section.quiz.max_points >= 0.75:
            assert (earned - 1.5) / section.quiz.max_points < 0.75, "pick a quiz where 1.5 points matter"
            return right
    raise AssertionError("no passing prefix")


def _submit_to_service(book: AttemptBook, clock: Clock, section, learner: str, at: datetime,
                       attempts: list[dict]) -> None:
    clock.now = at
    for number, given in enumerate(attempts, 1):
        drawn = set(book.draw(section.quiz, learner, section.id, number).values())  # with the service's key
        answered = {qid: answer for qid, answer in given.items() if qid in drawn}  # the server takes the draw only
        book.submit(section.quiz, learner, section.id, f"{learner}-{number}", answered)
        clock.advance(2)


@pytest.fixture(scope="module")
def course_run(tmp_path_factory):
    """The course run described above, graded, reviewed, regraded with --force; the project and what is expected."""
    root = tmp_path_factory.mktemp("record")
    paths = make_project(root)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", paths.grader)
    ahead_due = (datetime.now(UTC) + timedelta(days=13)).replace(microsecond=0)
    with open(paths.course / "course.yml", "a", encoding="utf-8") as handle:
        handle.write(f"grading:\n  due:\n    {PAST}: \"{DUE.isoformat()}\"\n    {AHEAD}: \"{ahead_due.isoformat()}\"\n"
                     "  late_penalty_per_day: 10\n")
    course = load_course(paths.course)
    past, ahead = course.section(PAST), course.section(AHEAD)
    root_args = ["--root", str(root)]

    roster = root / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["login", "name", "email", "idnumber", "group", "lms_user_id"])
        for number, learner in enumerate(LEARNERS, 1):
            writer.writerow([learner, ROSTER[learner], f"{learner}@example.org", f"ID{number}", "Group A",
                             str(100 + number)])
    assert main([*root_args, "roster", "import", str(roster)]) == 0

    db_url = paths.gradebook_url
    migrate(db_url)
    clock = Clock()
    book = AttemptBook(make_engine(db_url), clock)
    assert main([*root_args, "override", "--section", PAST, "--learner", "olga", "--attempts", "4",
                 "--time-limit", "10"]) == 0
    assert main([*root_args, "override", "--section", PAST, "--learner", "olga", "--time-limit", "30"]) == 0
    assert main([*root_args, "extend", "--section", PAST, "--learner", "eve", "--until",
                 EXTENDED.isoformat()]) == 0

    everything, liam = answers(past, None), answers(past, _liam_right(past))
    half = answers(past, first_right(past, 4))
    handed = {
        "amy": (DUE - timedelta(days=1), [everything]),
        "liam": (DUE + timedelta(hours=14), [liam]),
        "eve": (DUE + timedelta(hours=22), [everything]),
        "olga": (DUE - timedelta(hours=5), [half, half, half, half]),
    }
    for learner, (at, attempts) in handed.items():
        _submit_to_service(book, clock, past, learner, at, attempts)
        folder = write_submission(paths, course, past, learner,
                                  [{"number": n, "started_at": at.isoformat(), "submitted_at": at.isoformat(),
                                    "answers": a} for n, a in enumerate(attempts, 1)],
                                  comment=None if learner == "eve" else "We meet the partner schools twice a year.")
        last = at + timedelta(minutes=2 * (len(attempts) - 1))  # when the service received the last attempt
        hand_in_at(folder, last.strftime("%Y-%m-%d %H:%M:%S"))
    with pytest.raises(AttemptRefused):  # the override's 4 attempts are used up
        book.submit(past.quiz, "olga", PAST, "olga-5", everything)
    write_submission(paths, course, ahead, "amy", [{"number": 1, "started_at": "2026-12-01T09:00:00",
                                                     "submitted_at": "2026-12-01T09:10:00",
                                                     "answers": answers(ahead, None)}])
    for folder in (paths.grader / "submitted").glob("*/*"):  # as nbgrader submit writes it
        (folder / "submission_secret.txt").write_text(secrets.token_hex(16), encoding="utf-8")
    first = grade_all(paths, jobs=1)
    assert not first.failed, first.failed
    for learner in handed:
        review(db_url, learner, past, 1.0, REMARK)
    assert main([*root_args, "autograde", "--force", "--jobs", "1", "--quiet"]) == 0

    full_past, full_ahead = past.quiz.max_points, ahead.quiz.max_points
    liam_score = expected_score(past, _liam_right(past))
    comments_past = float(len(past.comments))  # 1 point given to each comment
    expected = {
        ("amy", PAST): dict(score=full_past, penalty=0.0, status="passed", review="reviewed", comments=comments_past),
        ("liam", PAST): dict(score=liam_score - 1.5, penalty=1.5, status="failed", review="reviewed",
                             comments=comments_past),
        # eve left every comment blank: incomplete, and the points her trainer gave them count for nothing
        ("eve", PAST): dict(score=full_past, penalty=0.0, status="incomplete", review="no comments", comments=0.0),
        ("olga", PAST): dict(score=expected_score(past, first_right(past, 4)), penalty=0.0, status="failed",
                             review="reviewed", comments=comments_past),
        ("noor", PAST): dict(score=None, penalty=0.0, status="not submitted", review="", comments=None),
        ("amy", AHEAD): dict(score=full_ahead, penalty=0.0, status="passed, review pending",
                             review="pending review", comments=None),
        **{(learner, AHEAD): dict(score=None, penalty=0.0, status="not due yet", review="", comments=None)
           for learner in ("eve", "liam", "noor", "olga")},
    }
    return paths, course, expected, ahead_due


def _learner_data(reports: Path, page: dict) -> dict:
    """The learner page's data as the page reads it: its own part and, per learner, the data file its id names."""
    from coursekit.results.learner_view import learner_file

    data = {**page, "learners": [], "sections": {}, "scores": {}}
    for number in range(page["files"]):
        text = (reports / f"{page['path']}{number:04d}.js").read_text(encoding="utf-8")
        registered, chunk = re.fullmatch(r"window\.\w+\((\d+), (.*)\);\n", text, re.S).groups()
        assert int(registered) == number
        chunk = json.loads(chunk)
        for learner, sections, scores in zip(chunk["learners"], chunk["sections"], chunk["scores"], strict=True):
            assert learner_file(learner, page["files"]) == number, learner  # the file the page reads for this id
            data["learners"].append(learner)
            data["sections"][learner], data["scores"][learner] = sections, scores
    return data


@pytest.fixture(scope="module")
def views(course_run):
    """Every view, made as its user makes it, parsed from its files."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    paths, _, expected, _ = course_run
    root_args = ["--root", str(paths.root)]
    graded = sorted(key for key, facts in expected.items() if facts["score"] is not None)

    # formgrader's Generate Feedback button: nbgrader's API with the workspace's own nbgrader_config.py
    config = PyFileConfigLoader("nbgrader_config.py", path=str(paths.grader)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    formgrader_refused = set()
    for learner, section in graded:
        result = api.generate_feedback(section, learner, force=True)
        if not result["success"]:
            assert "not yet reviewed" in result["log"] + str(result.get("error")), result
            formgrader_refused.add((learner, section))
    formgrader = feedback_pages(paths.grader)
    shutil.rmtree(paths.grader / "feedback")

    assert main([*root_args, "feedback"]) == 1  # one submission waits for review: refused, named
    coursekit_pages = feedback_pages(paths.grader)
    assert main([*root_args, "report"]) == 0
    assert main([*root_args, "dashboard"]) == 0
    reports = paths.reports
    learner_page = BeautifulSoup((reports / "learner_progress.html").read_text(encoding="utf-8"), "html.parser")
    data = _learner_data(reports, json.loads(learner_page.find("script", id="learner-data").string))
    index = BeautifulSoup((reports / "learners.html").read_text(encoding="utf-8"), "html.parser")
    return {
        "formgrader": {key: feedback_facts(html) for key, html in formgrader.items()},
        "formgrader_refused": formgrader_refused,
        "feedback": {key: feedback_facts(html) for key, html in coursekit_pages.items()},
        "grades": {(r["learner"], r["section"]): r for r in read_csv(reports / "grades.csv")},
        "moodle": {r["Username"]: r for r in read_csv(reports / "moodle_grades.csv")},
        "canvas": {r["SIS Login ID"]: r for r in read_csv(reports / "canvas_grades.csv")
                   if r["Student"] != "Points Possible"},
        "canvas_possible": next(r for r in read_csv(reports / "canvas_grades.csv")
                                if r["Student"] == "Points Possible"),
        "learner_data": data,
        "index": index,
        "overview": BeautifulSoup((reports / "cohort_dashboard.html").read_text(encoding="utf-8"), "html.parser"),
        "follow_up": read_csv(reports / "follow_up.csv"),
    }


def _number(text: str) -> float | None:
    return None if text in ("", None) else float(text)


def test_grades_csv_holds_what_was_counted_by_hand(course_run, views):
    _, _, expected, ahead_due = course_run
    grades = views["grades"]
    assert set(grades) == set(expected)
    for key, facts in expected.items():
        row = grades[key]
        assert _number(row["quiz_score"]) == (None if facts["score"] is None else pytest.approx(facts["score"])), key
        assert float(row["late_penalty"] or 0) == pytest.approx(facts["penalty"]), key
        assert row["status"] == facts["status"], key
        assert row["review"] == facts["review"], key
    assert grades[("liam", PAST)]["late"].startswith("14 h")
    assert grades[("eve", PAST)]["due"] == EXTENDED.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert grades[("eve", PAST)]["late"] == "" and "set by" in grades[("eve", PAST)]["extension"]
    assert grades[("olga", PAST)]["attempts"] == "4"
    assert grades[("noor", AHEAD)]["due"] == ahead_due.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_the_overrides_changed_only_the_fields_given(course_run, capsys):
    paths, _, _, _ = course_run
    capsys.readouterr()
    assert main(["--root", str(paths.root), "override", "--show", "--learner", "olga"]) == 0
    shown = capsys.readouterr().out
    line = next(line for line in shown.splitlines() if "olga" in line and PAST in line)
    assert "4 attempts" in line or "attempts 4" in line, line
    assert "30" in line and "10 min" not in line, line


def test_both_feedback_pages_say_what_grades_csv_says(course_run, views):
    _, _, expected, _ = course_run
    grades = views["grades"]
    pending = {key for key, facts in expected.items() if facts["review"] == "pending review"}
    assert views["formgrader_refused"] == pending  # formgrader's button refuses what is not reviewed
    graded = {key for key, facts in expected.items() if facts["score"] is not None}
    for name in ("formgrader", "feedback"):
        pages = views[name]
        assert set(pages) == graded - pending, name
        for key, page in pages.items():
            row, facts = grades[key], expected[key]
            assert page["score"] == pytest.approx(round(float(row["quiz_score"]), 2)), (name, key)
            assert page["score"] == pytest.approx(facts["score"]), (name, key)
            assert page["penalty"] == pytest.approx(float(row["late_penalty"])), (name, key)
            assert page["status"].split(";")[0] == row["status"] == facts["status"], (name, key)
            assert page["due"] == row["due"], (name, key)
            assert page["pending"] == 0 and not page["provisional"], (name, key)
            assert page["comments"] == pytest.approx(float(row["comments_score"])) == facts["comments"], (name, key)
            assert REMARK in page["text"], (name, key)
    assert views["feedback"][("liam", PAST)]["status"].startswith("failed; submitted 14 h")
    # the two ways make the same page
    assert views["formgrader"] == views["feedback"]


def test_moodle_and_canvas_exports_say_what_grades_csv_says(course_run, views):
    _, course, expected, _ = course_run
    grades, moodle, canvas = views["grades"], views["moodle"], views["canvas"]
    settings = course.grading
    assert set(moodle) == set(LEARNERS) and set(canvas) == set(LEARNERS)
    for (learner, section_id), facts in expected.items():
        section = course.section(section_id)
        row = grades[(learner, section_id)]
        quiz = settings.item_name(section_id, "quiz", section.quiz.title)
        comments = settings.item_name(section_id, "comments", section.quiz.title)
        key = (learner, section_id)
        if facts["status"] == "not submitted":
            quiz_value, comments_value = "0", "0"  # grading.not_submitted: zero (the default)
        elif facts["status"] == "not due yet":
            quiz_value, comments_value = "", ""  # nothing is due yet: no grade, never a 0
        else:
            quiz_value = f"{round(facts['score'], 2):g}"
            comments_value = "" if facts["review"] == "pending review" else f"{round(facts['comments'], 2):g}"
        assert moodle[learner][quiz] == quiz_value, key
        assert canvas[learner][settings.canvas_column(section_id, "quiz", section.quiz.title)] == quiz_value, key
        assert moodle[learner][comments] == comments_value, key
        assert canvas[learner][settings.canvas_column(section_id, "comments", section.quiz.title)] == \
            comments_value, key
        said = moodle[learner][f"{quiz} (Feedback)"]
        assert said.split(";")[0] == row["status"] == facts["status"], key
        if facts["penalty"]:
            assert f"late penalty {facts['penalty']:g} points" in said and row["late"] in said, key
        else:
            assert "late" not in said.removeprefix("not due yet"), key
        review_note = moodle[learner][f"{comments} (Feedback)"]
        assert ("review pending" in review_note) == (facts["review"] == "pending review"), key
        assert (REMARK in review_note) == (section_id == PAST and facts["score"] is not None), key
    assert canvas["liam"]["Student"] == "Cole, Liam"


def test_the_dashboards_say_what_grades_csv_says(course_run, views):
    _, course, expected, _ = course_run
    data, grades = views["learner_data"], views["grades"]
    titles = {s.id: s.quiz.title for s in course.sections}
    from coursekit.results.learner_view import SECTION_COLUMNS, learner_rows

    for learner in LEARNERS:
        rows = {row[0]: dict(zip(SECTION_COLUMNS, row, strict=True)) for row in learner_rows(data, learner)[0]}
        for section_id, title in titles.items():
            facts, row, shown = expected[(learner, section_id)], grades[(learner, section_id)], rows[title]
            key = (learner, section_id)
            assert shown["Status"] == row["status"] == facts["status"], key
            assert shown["Review"] == row["review"] == facts["review"], key
            score = "" if facts["score"] is None else f"{facts['score']:.1f}"
            assert shown["Quiz score"] == score, key
            assert _number(shown["Late penalty"]) == pytest.approx(facts["penalty"]) or \
                (facts["penalty"] == 0 and shown["Late penalty"] == ""), key

    # the learner index: one row per learner, status and score per section
    table = views["index"].find("table", class_="learners")
    headers = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    for tr in table.find("tbody").find_all("tr"):
        cells = dict(zip(headers, (td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])), strict=True))
        learner = cells["Learner"]
        for number, section_id in enumerate(titles, 1):
            facts = expected[(learner, section_id)]
            assert cells[f"{number}. status"] == facts["status"], (learner, section_id)
            percent = "" if facts["score"] is None else \
                f"{100 * facts['score'] / course.section(section_id).quiz.max_points:.1f}"
            assert cells[f"{number}. score (%)"] == percent, (learner, section_id)

    # the cohort overview: learners per status and section, every learner counted once
    caption = views["overview"].find("caption", string=re.compile("Learners per status and section"))
    table = caption.find_parent("table")
    headers = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    counted = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = dict(zip(headers, (td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])), strict=True))
        shown_title = cells.pop("Section")
        section_id = next(s for s, title in titles.items() if title == shown_title)
        counted[section_id] = {status: int(n) for status, n in cells.items() if int(n)}
    for section_id in titles:
        statuses = [facts["status"] for (_, s), facts in expected.items() if s == section_id]
        assert counted[section_id] == {status: statuses.count(status) for status in set(statuses)}, section_id

    # follow-up: the learner's to-dos apart from the trainer's reviews; nobody before the due date
    follow_up = {(r["Learner"], r["Section"]): r for r in views["follow_up"]}
    for (learner, section_id), facts in expected.items():
        listed = follow_up.get((learner, titles[section_id]))
        if facts["status"] in ("failed", "not submitted", "incomplete"):
            assert listed is not None and listed["Next step by"] == "learner", (learner, section_id)
        elif facts["status"] == "passed, review pending":
            assert listed is not None and listed["Next step by"] == "trainer", (learner, section_id)
        else:
            assert listed is None, (learner, section_id)
