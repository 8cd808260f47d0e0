"""A review saved in formgrader reaches the LMS: the real formgrader (trainer mode), the real LTI platform.

``grader/lti_tool.json`` says ``sync_after_autograde``; ada's comments are pending review on the platform
(PendingManual). The trainer saves a score for her comment in formgrader (its own API, as its page does):
the server extension runs ``coursekit lms sync`` and the platform's comments score becomes the reviewed
points, FullyGraded. With the setting off, a review sends nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from lti_support import RunningPlatform, running_platform
from trainer_support import SECTION, free_port, graded_workspace, running_trainer_lab

from coursekit.authoring.course import load_course
from coursekit.cell_ids import comment_cell_id
from coursekit.cli import main
from coursekit.paths import ProjectPaths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ProjectPaths, RunningPlatform]]:
    """A graded workspace registered with the platform, roster and scores synced once, sync after grading on."""
    paths = graded_workspace(tmp_path_factory.mktemp("review-sync"))
    with running_platform(paths.grader, tmp_path_factory.mktemp("review-sync-platform")) as running:
        assert main(["--root", str(paths.root), "lms", "roster"]) == 0
        assert main(["--root", str(paths.root), "lms", "sync"]) == 0
        yield paths, running


def _set_sync(paths: ProjectPaths, on: bool) -> None:
    path = paths.grader / "lti_tool.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "sync_after_autograde": on}), encoding="utf-8")


def _comments_score(running: RunningPlatform, user: str) -> dict:
    state = running.state()
    item = next(i["id"] for i in state["lineitems"]
                if i["resourceId"] == SECTION and i["tag"] == "coursekit-comments")
    return state["scores"][item][user]


def _grade_id(paths: ProjectPaths, learner: str, question: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(paths.gradebook_url) as gradebook:
        return gradebook.find_grade(comment_cell_id(question), SECTION, SECTION, learner).id


def test_a_review_in_formgrader_reaches_the_platforms_score(synced) -> None:
    paths, running = synced
    questions = load_course(paths.course).section(SECTION).comments
    assert _comments_score(running, "lms-101")["gradingProgress"] == "PendingManual"
    _set_sync(paths, True)
    with running_trainer_lab(paths, free_port()) as lab:
        lab.page("/formgrader")  # formgrader's XSRF cookie, as the trainer's browser gets it
        for question in questions:  # the trainer reviews each of ada's comments in turn
            saved = lab.call("PUT", f"/formgrader/api/grade/{_grade_id(paths, 'ada', question.id)}",
                             {"manual_score": question.points})
            assert saved["manual_score"] == question.points
        log_file = paths.root / "trainer-lab.log"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the sync runs in the server's background, as the trainer goes on
            ada = _comments_score(running, "lms-101")
            log = log_file.read_text(encoding="utf-8", errors="replace")
            # every run of syncs the reviews started has ended (the last one read the last review)
            started, ended = (log.count(f"lms sync after review: {word}") for word in ("started", "every saved"))
            if ended and started == ended:
                break
            time.sleep(0.5)
    assert ada["gradingProgress"] == "FullyGraded", ada
    assert ada["scoreGiven"] == pytest.approx(sum(q.points for q in questions))
    assert "lms sync after review: lms sync: 0 line item(s) created" in log, log[-3000:]


def test_with_the_setting_off_a_review_sends_nothing(synced) -> None:
    paths, running = synced
    question = load_course(paths.course).section(SECTION).comments[0]
    _set_sync(paths, False)
    posts = running.state()["score_posts"]
    with running_trainer_lab(paths, free_port()) as lab:
        lab.page("/formgrader")
        saved = lab.call("PUT", f"/formgrader/api/grade/{_grade_id(paths, 'ben', question.id)}",
                         {"manual_score": 0.0})
        assert saved["manual_score"] == 0.0
        # the server's own log says it loaded the extension; a sync would have logged its line
        lab.call("GET", "/api/status")
    log = (paths.root / "trainer-lab.log").read_text(encoding="utf-8", errors="replace")
    assert "coursekit.lms.review_sync" in log and "lms sync after review" not in log, log[-3000:]
    assert running.state()["score_posts"] == posts
    assert _comments_score(running, "lms-102")["gradingProgress"] == "PendingManual"
