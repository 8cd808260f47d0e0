"""The hand-in time is the exchange's, not the learner's timestamp.txt: forged clocks change nothing.

Through the real exchange: ``coursekit release --exchange``, nbgrader's submit as each learner (one with
a client clock in 2020, one in 2099), ``coursekit collect``, ``coursekit autograde`` and ``coursekit report``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from grading_support import answers, attempt, drawn_answers, hand_in_at, make_project, write_submission
from nbgrader.exchange.default import ExchangeSubmit

from coursekit.authoring.course import load_course
from coursekit.autograde.exchange import inbound_folder, submit_as
from coursekit.autograde.handin_clock import TOLERANCE_SECONDS
from coursekit.cli import main
from coursekit.paths import ProjectPaths
from coursekit.results.report import write_report

pytestmark = pytest.mark.slow
SECTION = "cooperation_networking"
CLOCKS = {"ada": None, "ben": "2020-01-01 00:00:00.000000 UTC", "cat": "2099-01-01 00:00:00.000000 UTC"}


def _grades(paths):
    course = load_course(paths.course)
    return write_report(paths.gradebook_url, course, paths.reports).grades.set_index(["learner", "section"])


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clock")
    paths = make_project(tmp / "course")
    course_yml = paths.course / "course.yml"
    data = yaml.safe_load(course_yml.read_text(encoding="utf-8"))
    due = datetime.now(UTC) - timedelta(hours=2)  # every hand-in below is a few hours late: one started day
    data["grading"] = {"due": {SECTION: due.strftime("%Y-%m-%dT%H:%M:%S+00:00")}, "late_penalty_per_day": 10}
    course_yml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSEKIT_EXCHANGE", str(tmp / "exchange"))
        patch.setenv("JUPYTER_DATA_DIR", str(tmp / "learner-data"))  # the learners' nbgrader cache
        root = ["--root", str(paths.root)]
        assert main([*root, "release", "--exchange"]) == 0
        course = load_course(paths.course)
        section = course.section(SECTION)
        home = ProjectPaths(tmp / "home")
        for learner, clock in CLOCKS.items():
            folder = write_submission(home, course, section, learner, [attempt(1, answers(section))],
                                      release_root=paths.release)
            with pytest.MonkeyPatch.context() as learner_clock:
                if clock is not None:  # the learner's computer says it is 2020 (or 2099)
                    learner_clock.setattr(ExchangeSubmit, "set_timestamp",
                                          lambda self, clock=clock: setattr(self, "timestamp", clock))
                submit_as(course, paths, learner, folder.parent, section.id)
        assert main([*root, "collect"]) == 0
        assert main([*root, "autograde", "--quiet", "--jobs", "2"]) == 1  # the forged timestamps are problems
        first = _grades(paths)
        # later, a learner moves the entry's times into the past (its ctime moves on); the trainer collects again
        for entry in inbound_folder(course, paths).iterdir():
            os.utime(entry, (0, 0))
        assert main([*root, "collect"]) == 0
        assert main([*root, "autograde", "--quiet", "--force", "--jobs", "2"]) == 1
        yield paths, section, first, _grades(paths)


def _late_days(text):
    return int(text.split(" d")[0]) if " d" in text else 0


@pytest.mark.parametrize("learner", list(CLOCKS))
def test_lateness_comes_from_the_exchange_not_the_learners_clock(collected, learner):
    _, section, grades, _ = collected
    row = grades.loc[(learner, SECTION)]
    handed_in = datetime.strptime(row["submitted_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - handed_in).total_seconds()) < 3600  # the real hand-in, minutes ago
    assert row["late"] and _late_days(row["late"]) == 0  # hours late, never 0 nor 26,328 days
    assert row["late_penalty"] == pytest.approx(section.quiz.max_points * 0.10)
    assert row["quiz_score"] == pytest.approx(section.quiz.max_points * 0.90)


@pytest.mark.parametrize(("learner", "claimed"), [("ben", "2020-01-01 00:00:00"), ("cat", "2099-01-01 00:00:00")])
def test_a_forged_timestamp_is_named_in_the_report(collected, learner, claimed):
    _, _, grades, _ = collected
    problems = grades.loc[(learner, SECTION), "problems"]
    assert f"timestamp.txt says {claimed} UTC, but the exchange received it at" in problems
    assert "that time counts" in problems
    assert "timestamp.txt" not in grades.loc[("ada", SECTION), "problems"]  # within the tolerance
    assert TOLERANCE_SECONDS == 300


def test_a_recollect_never_moves_the_hand_in_time_back(collected):
    """Moving an entry's times into the past changes its ctime: the hand-in counts from then, never earlier."""
    _, _, first, again = collected
    for learner in CLOCKS:
        assert again.loc[(learner, SECTION), "submitted_at"] >= first.loc[(learner, SECTION), "submitted_at"]


def test_a_hand_placed_submission_counts_from_its_files_never_the_future(tmp_path):
    paths = make_project(tmp_path)
    course = load_course(paths.course)
    section = course.section(SECTION)
    placed = write_submission(paths, course, section, "dee", [attempt(1, answers(section))])
    hand_in_at(placed, "2026-10-01 09:10:00")
    (placed / "timestamp.txt").write_text("2099-01-01 00:00:00.000000 UTC", encoding="utf-8")
    future = write_submission(paths, course, section, "eli", [attempt(1, answers(section))])
    hand_in_at(future, "2098-06-01 12:00:00")  # files dated in the future: capped at the grading time
    root = ["--root", str(paths.root)]
    assert main([*root, "autograde", "--quiet", "--jobs", "1"]) == 1  # dee's timestamp.txt is named
    grades = _grades(paths)
    assert grades.loc[("dee", SECTION), "submitted_at"] == "2026-10-01 09:10:00"
    assert "timestamp.txt says 2099-01-01 00:00:00 UTC, but its files were last changed at 2026-10-01 09:10:00 UTC" \
        in grades.loc[("dee", SECTION), "problems"]
    eli = datetime.strptime(grades.loc[("eli", SECTION), "submitted_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert eli <= datetime.now(UTC) and (datetime.now(UTC) - eli).total_seconds() < 3600


def test_with_the_quiz_service_its_record_of_the_last_attempt_counts(tmp_path):
    from service_support import Clock

    from coursekit.gradebook.state import make_engine
    from coursekit.service.book import AttemptBook
    from coursekit.service.migrate import migrate

    paths = make_project(tmp_path)
    course = load_course(paths.course)
    section = course.section(SECTION)
    migrate(paths.gradebook_url)
    clock = Clock(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    book = AttemptBook(make_engine(paths.gradebook_url), clock)
    book.submit(section.quiz, "ada", SECTION, "ada-1", drawn_answers(section, "ada", 1, set(), book.draw_key))
    clock.advance(90)
    book.submit(section.quiz, "ada", SECTION, "ada-2", drawn_answers(section, "ada", 2, None, book.draw_key))
    book.engine.dispose()
    for learner in ("ada", "cy"):  # cy has no record: the files' time counts
        write_submission(paths, course, section, learner, [attempt(1, answers(section))])
    main(["--root", str(paths.root), "autograde", "--quiet", "--jobs", "1"])
    grades = _grades(paths)
    assert grades.loc[("ada", SECTION), "submitted_at"] == "2026-11-02 09:30:00"
    assert ("timestamp.txt says 2026-10-01 09:10:00 UTC, but the quiz service received the last attempt at "
            "2026-11-02 09:30:00 UTC: that time counts") in grades.loc[("ada", SECTION), "problems"]
    assert grades.loc[("cy", SECTION), "submitted_at"] == "2026-10-01 09:10:00"
    assert "timestamp.txt" not in grades.loc[("cy", SECTION), "problems"]
