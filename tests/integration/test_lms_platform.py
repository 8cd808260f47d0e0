"""``coursekit lms roster`` and ``coursekit lms sync`` against a real LTI 1.3 platform on loopback.

Two learners (ada, ben) autograded with coursekit's real nbgrader pipeline, a trainer in the LMS course;
the platform is ``lti1p3platform`` (tests/lti_platform/), which checks the tool's signed assertion and the
access token on every request. What the platform holds afterwards is compared with ``grades.csv``'s rows.
"""

from __future__ import annotations

import html
import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from grading_support import grades_csv
from lti_support import MEMBERS, RunningPlatform, running_platform, write_tool_config
from trainer_support import SECTION, graded_workspace, review

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.gradebook.roster_file import load_roster
from coursekit.lms.ags import create_lineitem, list_lineitems, update_lineitem
from coursekit.lms.client import PlatformClient
from coursekit.lms.config import LmsError, load_tool_config
from coursekit.paths import ProjectPaths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ProjectPaths, RunningPlatform]]:
    """A graded workspace and the platform it is registered with."""
    paths = graded_workspace(tmp_path_factory.mktemp("lms"))
    logs = tmp_path_factory.mktemp("lms-platform")
    with running_platform(paths.grader, logs) as running:
        yield paths, running


def lms(paths: ProjectPaths, *args: str) -> int:
    """``coursekit lms …`` in the project."""
    return main(["--root", str(paths.root), "lms", *args])


def by_user(state: dict) -> dict[tuple[str, str], dict]:
    """The platform's scores by (line item's resourceId + tag, user id)."""
    items = {i["id"]: f"{i['resourceId']}/{i['tag']}" for i in state["lineitems"]}
    return {(items[url], user): score for url, scores in state["scores"].items() for user, score in scores.items()}


def assert_platform_equals_grades(paths: ProjectPaths, running: RunningPlatform) -> None:
    """Every learner × section of grades.csv has the quiz and comments scores it says on the platform."""
    grades = grades_csv(paths)
    scores = by_user(running.state())
    ids = {m["email"].split("@")[0]: m["user_id"] for m in MEMBERS}
    course = load_course(paths.course)
    for (learner, section), row in grades.iterrows():
        quiz = scores[(f"{section}/coursekit-quiz", ids[learner])]
        if row["status"] in ("not due yet", "not graded"):
            assert "scoreGiven" not in quiz, (learner, section, quiz)
        else:
            assert quiz["scoreGiven"] == pytest.approx(round(row["quiz_score"], 2) if not math.isnan(row["quiz_score"])
                                                       else 0.0), (learner, section)
            assert quiz["scoreMaximum"] == row["quiz_max"]
            assert quiz["gradingProgress"] == "FullyGraded"
        assert quiz["comment"].startswith(row["status"])
        if course.section(section).comments:
            comments = scores[(f"{section}/coursekit-comments", ids[learner])]
            if row["review"] == "pending review":
                assert "scoreGiven" not in comments
                assert comments["gradingProgress"] == "PendingManual"
                assert comments["comment"].startswith("review pending")
            elif row["status"] in ("passed", "failed", "incomplete", "passed, review pending"):
                assert comments["scoreGiven"] == pytest.approx(row["comments_score"])
                assert comments["gradingProgress"] == "FullyGraded"


def test_roster_from_the_platforms_membership(platform, capsys) -> None:
    paths, _ = platform
    assert lms(paths, "roster") == 0
    assert "2 learners" in capsys.readouterr().out
    roster = load_roster(paths.gradebook_url).set_index("learner")
    assert roster.loc["ada", "lms_user_id"] == "lms-101"
    assert roster.loc["ada", "name"] == "Ada Lovelace"
    assert roster.loc["ada", "email"] == "ada@example.org"
    assert roster.loc["ada", "idnumber"] == "S-101"
    assert roster.loc["ben", "lms_user_id"] == "lms-102"
    assert "tina" not in roster.index  # the instructor is no learner


def test_sync_makes_the_platform_equal_grades_csv_twice_without_duplicates(platform, capsys) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    assert lms(paths, "sync") == 0
    first = running.state()
    keys = [(i["resourceId"], i["tag"]) for i in first["lineitems"]]
    assert len(keys) == len(set(keys))
    course = load_course(paths.course)
    assert (SECTION, "coursekit-quiz") in keys and (SECTION, "coursekit-comments") in keys
    assert {i["label"] for i in first["lineitems"]} >= {course.section(SECTION).quiz.title}
    assert_platform_equals_grades(paths, running)
    assert "pending review" in set(grades_csv(paths)["review"])  # nothing reviewed yet: PendingManual was checked

    assert lms(paths, "sync") == 0
    second = running.state()
    assert second["lineitems"] == first["lineitems"]
    assert {url: set(s) for url, s in second["scores"].items()} == {url: set(s) for url, s in first["scores"].items()}
    assert "0 line item(s) created" in capsys.readouterr().out.splitlines()[-1]

    review(paths.gradebook_url, "ada", course.section(SECTION), 2.0)
    assert lms(paths, "sync") == 0
    assert_platform_equals_grades(paths, running)
    ada = by_user(running.state())[(f"{SECTION}/coursekit-comments", "lms-101")]
    assert ada["gradingProgress"] == "FullyGraded" and ada["scoreGiven"] > 0
    assert running.state()["lineitems"] == first["lineitems"]


def test_sync_retries_a_platform_answering_500(platform, capsys) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    running.fail_next("/ags", 500, 503)
    running.fail_next("/token", 502)
    assert lms(paths, "sync") == 0
    requests = running.state()["requests"]
    assert requests.count("POST /token") >= 2
    assert_platform_equals_grades(paths, running)


def test_the_wait_between_tries_doubles_and_a_lasting_failure_stops(platform) -> None:
    paths, running = platform
    config = load_tool_config(paths.grader / "lti_tool.json")
    waits: list[float] = []
    client = PlatformClient(config, ["lineitem"], sleep=waits.append)
    running.fail_next("/ags", 500, 502, 503)
    assert isinstance(list_lineitems(client, config.lineitems_url), list)
    assert waits == [0.05, 0.1, 0.2]
    waits.clear()
    running.fail_next("/ags", 500, 500, 500, 500)
    with pytest.raises(LmsError, match=r"answered 500 \(failure 500 on purpose\), 4 tries$"):
        list_lineitems(client, config.lineitems_url)
    assert waits == [0.05, 0.1, 0.2]


def test_an_expired_token_is_asked_again(platform) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    tokens = running.state()["token_requests"]
    running.fail_next("/ags", 401)
    assert lms(paths, "sync") == 0
    assert running.state()["token_requests"] == tokens + 2  # the sync's token, then a fresh one after the 401
    assert_platform_equals_grades(paths, running)


@pytest.mark.parametrize(("prefix", "statuses"), [("/token", [401]), ("/ags", [404]), ("/ags", [401, 401]),
                                                  ("/ags", [403])])
def test_sync_refused_says_so_in_one_line_and_writes_nothing(platform, capsys, prefix, statuses) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    before = running.state()
    capsys.readouterr()
    status = statuses[-1]
    running.fail_next(prefix, *statuses)
    assert lms(paths, "sync") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"answered {status}" in err and running.url in err
    after = running.state()
    assert after["lineitems"] == before["lineitems"]
    assert after["score_posts"] == before["score_posts"]


def test_a_tool_key_the_platform_does_not_know_is_refused(platform, tmp_path, capsys) -> None:
    paths, running = platform
    before = running.state()["score_posts"]
    other = tmp_path / "grader"
    other.mkdir()
    config = write_tool_config(other, running.url)  # a new key, never registered with the platform
    data = json.loads(config.read_text())
    data["private_key_file"] = str(other / "lti_tool_key.pem")
    Path(config).write_text(json.dumps(data))
    assert main(["--root", str(paths.root), "lms", "sync", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"POST {running.url}/token: the platform answered 401" in err and "Traceback" not in err
    assert running.state()["score_posts"] == before


def test_a_platform_that_is_down_is_reported_after_retries(platform, tmp_path, capsys) -> None:
    paths, _ = platform
    grader = tmp_path / "grader"
    grader.mkdir()
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens
    config = write_tool_config(grader, dead, retries=2, backoff_seconds=0.01)
    assert main(["--root", str(paths.root), "lms", "sync", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"POST {dead}/token: no answer" in err and "3 tries" in err and "Traceback" not in err


def _post_form(url: str, fields: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_deep_linking_returns_the_chosen_sections_to_the_platform(platform, tmp_path, capsys) -> None:
    paths, running = platform
    grader = tmp_path / "grader"
    grader.mkdir()
    config = write_tool_config(grader, running.url, launch_url="https://hub.example.org/hub/lti13/launch",
                               private_key_file=str(paths.grader / "lti_tool_key.pem"))
    course = load_course(paths.course)
    chosen = [s.id for s in course.sections][::-1]
    page = tmp_path / "deep_link.html"
    args = ["--root", str(paths.root), "lms", "deep-link", "--config", str(config), "--data", "req-7",
            "--return-url", f"{running.url}/deep_link_return", "--out", str(page)]
    for section in chosen:
        args += ["--section", section]
    assert main(args) == 0
    text = page.read_text()
    assert f'action="{running.url}/deep_link_return"' in text
    token = html.unescape(re.search(r'name="JWT" value="([^"]+)"', text).group(1))
    before = len(running.state()["deep_linked"])
    assert _post_form(f"{running.url}/deep_link_return", {"JWT": token}) == 200
    linked = running.state()["deep_linked"][before:]
    assert len(linked) == 1
    items = linked[0]["items"]
    assert [i["custom"]["section"] for i in items] == chosen
    for item, section in zip(items, chosen, strict=True):
        assert item["type"] == "ltiResourceLink"
        assert item["title"] == course.section(section).quiz.title
        assert item["url"] == "https://hub.example.org/hub/lti13/launch"
        title = course.section(section).quiz.title
        assert item["lineItem"] == {"label": course.grading.item_name(section, "quiz", title),
                                    "scoreMaximum": course.section(section).quiz.max_points,
                                    "resourceId": section, "tag": "coursekit-quiz"}

    forged = token.rsplit(".", 1)[0] + "." + token.rsplit(".", 1)[1][::-1]  # the signature no longer matches
    assert _post_form(f"{running.url}/deep_link_return", {"JWT": forged}) == 400
    assert len(running.state()["deep_linked"]) == before + 1

    args[args.index("--section") + 1] = "no_such_section"
    assert main(args) == 1
    assert "unknown section(s) 'no_such_section'" in capsys.readouterr().err


def test_a_renamed_line_item_is_set_back_and_a_duplicate_is_reported(platform, capsys) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    assert lms(paths, "sync") == 0
    config = load_tool_config(paths.grader / "lti_tool.json")
    client = PlatformClient(config, ["lineitem"])
    quiz = next(i for i in running.state()["lineitems"] if i["resourceId"] == SECTION and i["tag"] == "coursekit-quiz")
    update_lineitem(client, {**quiz, "label": "renamed in the LMS", "scoreMaximum": 1})
    create_lineitem(client, config.lineitems_url, {**{k: v for k, v in quiz.items() if k != "id"},
                                                   "label": "a copy"})
    capsys.readouterr()
    assert lms(paths, "sync") == 0
    captured = capsys.readouterr()
    assert "1 updated" in captured.out
    assert "more than once, scores went to the first: a copy" in captured.err
    items = {i["id"]: i for i in running.state()["lineitems"]}
    assert items[quiz["id"]] == quiz
    assert_platform_equals_grades(paths, running)


def test_autograde_syncs_when_the_registration_says_so(platform, capsys) -> None:
    paths, running = platform
    assert lms(paths, "roster") == 0
    autograde = ["--root", str(paths.root), "autograde", "--jobs", "1", "--quiet"]
    def service_requests() -> list[str]:
        return [r for r in running.state()["requests"] if " /_test/" not in r]

    before = service_requests()
    assert main(autograde) == 0
    assert service_requests() == before  # not asked for: the LMS is not contacted

    config_path = paths.grader / "lti_tool.json"
    saved = config_path.read_text()
    config_path.write_text(json.dumps({**json.loads(saved), "sync_after_autograde": True}))
    try:
        review(paths.gradebook_url, "ben", load_course(paths.course).section(SECTION), 1.0)
        capsys.readouterr()
        assert main(autograde) == 0
        assert "lms sync: 0 line item(s) created" in capsys.readouterr().out
        assert_platform_equals_grades(paths, running)
        ben = by_user(running.state())[(f"{SECTION}/coursekit-comments", "lms-102")]
        assert ben["gradingProgress"] == "FullyGraded"

        posts = running.state()["score_posts"]
        running.fail_next("/token", 401)
        assert main(autograde) == 1
        err = capsys.readouterr().err
        assert "lms sync after autograde" in err and "the grades are saved" in err and "Traceback" not in err
        assert running.state()["score_posts"] == posts
    finally:
        config_path.write_text(saved)
