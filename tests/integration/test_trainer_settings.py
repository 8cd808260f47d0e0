"""``coursekit extend`` and ``coursekit override`` on a real gradebook: out-of-range settings are one line each."""

from __future__ import annotations

import pytest
import yaml
from grading_support import make_project

from coursekit.cli import main
from coursekit.gradebook.extensions import load_extensions
from coursekit.gradebook.roster import register_learners
from coursekit.quiz.overrides import effective_rules
from coursekit.service.grading import open_book

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"
DUE = "2026-10-01T12:00:00Z"
ROSTER = "login,name,email,idnumber,group,lms_user_id\nada,Ada King,,,,\nbob,Bob Marley,,,,\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("settings")
    paths = make_project(tmp_path)
    course_yml = paths.course / "course.yml"
    data = yaml.safe_load(course_yml.read_text(encoding="utf-8"))
    data["grading"] = {"due": {SECTION: DUE}}
    course_yml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    root = ["--root", str(paths.root)]
    assert main([*root, "roster", "import", str(roster)]) == 0
    register_learners(paths.gradebook_url, ["zed"])  # in the gradebook (handed something in), not on the roster
    assert main([*root, "service", "migrate"]) == 0
    return paths, root


def _recorded(paths) -> tuple[list, dict]:
    book = open_book(paths.gradebook_url)
    try:
        return book.overrides(), load_extensions(paths.gradebook_url)
    finally:
        book.engine.dispose()


def _one_line_error(capsys, args) -> str:
    capsys.readouterr()
    assert main(args) == 1, args
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1, (args, err)
    assert "Traceback" not in captured.err + captured.out
    return err


@pytest.mark.parametrize(("when", "problem"), [
    (["--days", "-30"], "more than 0 and at most 365 days after the due date, got -30"),
    (["--days", "0"], "got 0"),
    (["--days", "1000000000"], "got 1e+09"),
    (["--days", "nan"], "expected a number of days, got 'nan'"),
    (["--days", "1e400"], "expected a number of days, got 'inf'"),
    (["--until", "2026-09-30T12:00Z"], "2026-09-30 12:00 UTC is not after the section's due date 2026-10-01 12:00 UTC"),
    (["--until", DUE], "is not after the section's due date"),
    (["--until", "9999-12-31"], "more than 365 days after the section's due date"),
])
def test_extend_refuses_what_is_no_extension_and_records_nothing(project, capsys, when, problem):
    paths, root = project
    before = _recorded(paths)
    err = _one_line_error(capsys, [*root, "extend", "--section", SECTION, "--learner", "ada", *when])
    assert problem in err and "course.yml" in err
    assert _recorded(paths) == before


@pytest.mark.parametrize(("change", "problem"), [
    (["--time-limit", "1e12"], "--time-limit: time limit must be more than 0 minutes and at most 525,600 (a year), "
                               "got 1e+12"),
    (["--time-limit", "inf"], "--time-limit: time limit must be a number of minutes, got 'inf'"),
    (["--time-limit", "nan"], "got 'nan'"),
    (["--time-limit", "0"], "more than 0 minutes"),
    (["--attempts", "0"], "--attempts: attempts must be at least 1 and at most 1,000, got 0"),
    (["--attempts", "1000000000000"], "got 1,000,000,000,000"),
    (["--close", "someday"], "--close: 'someday' is not a date"),
])
def test_override_refuses_what_the_service_cannot_apply_and_records_nothing(project, capsys, change, problem):
    paths, root = project
    before = _recorded(paths)
    err = _one_line_error(capsys, [*root, "override", "--section", SECTION, "--learner", "ada", *change])
    assert problem in err
    assert _recorded(paths) == before


def test_a_learner_not_on_the_roster_gets_no_extension_or_override(project, capsys):
    paths, root = project
    before = _recorded(paths)
    for command in (["extend", "--days", "2"], ["override", "--attempts", "3"]):
        err = _one_line_error(capsys, [*root, command[0], "--section", SECTION, "--learner", "zed", *command[1:]])
        assert "'zed' is not on the roster" in err
    err = _one_line_error(capsys, [*root, "extend", "--section", SECTION, "--learner", "nobody", "--days", "2"])
    assert "no learner 'nobody' in the gradebook" in err
    assert _recorded(paths) == before


def test_override_changes_only_what_is_given_and_show_lists_who_and_when(project, capsys):
    paths, root = project
    ada = [*root, "override", "--section", SECTION, "--learner", "ada"]
    assert main([*ada, "--attempts", "4", "--time-limit", "10", "--by", "tess"]) == 0
    capsys.readouterr()
    assert main([*ada, "--time-limit", "1", "--by", "jo"]) == 0
    assert "ada / cooperation_networking: attempts 4, time limit 1 min (set by jo)" in capsys.readouterr().out
    assert main([*root, "extend", "--section", SECTION, "--learner", "bob", "--days", "2.5", "--by", "tess"]) == 0
    book = open_book(paths.gradebook_url)
    recorded = book.override("ada", SECTION)
    book.engine.dispose()
    assert (recorded.attempts, recorded.time_limit_minutes, recorded.set_by) == (4, 1.0, "jo")
    from coursekit.authoring.course import load_course

    rules = effective_rules(load_course(paths.course).section(SECTION).quiz.settings, recorded)
    assert rules.attempts == 4 and rules.time_limit.total_seconds() == 60
    capsys.readouterr()
    assert main([*root, "override", "--show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    when = recorded.set_at.strftime("%Y-%m-%d %H:%M UTC")
    assert lines[0] == f"'ada' / {SECTION}: attempts 4, time limit 1 min (set by jo, {when})"
    assert lines[1].startswith(f"'bob' / {SECTION}: due 2026-10-04 00:00 UTC (extension set by tess, 20")
    assert lines[2] == "2 learner(s) and section(s) with an override or extension"
    assert main([*root, "override", "--show", "--learner", "bob"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "1 learner(s) and section(s) with an override or extension"


def test_without_a_gradebook_override_says_so_in_one_line_and_creates_nothing(tmp_path, capsys):
    paths = make_project(tmp_path)
    root = ["--root", str(paths.root)]
    err = _one_line_error(capsys, [*root, "override", "--section", SECTION, "--learner", "ada", "--attempts", "3"])
    assert err == f"error: {paths.grader / 'gradebook.db'}: no gradebook yet: run `coursekit service migrate`"
    assert main([*root, "override", "--show"]) == 0
    assert "no gradebook yet, so no override or extension is in force" in capsys.readouterr().out
    assert not (paths.grader / "gradebook.db").exists()
