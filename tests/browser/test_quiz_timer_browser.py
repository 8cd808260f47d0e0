"""The quiz timer in a real JupyterLab, with the quiz service on real PostgreSQL and the server's clock.

A quiz with a 0.2-minute time limit: Start attempt starts the attempt on
the service; the header shows "Time left 0:00:1x", counting down, in the
last-minute style, inside the quiz at 400 px, axe-core clean; at 0 the widget
submits with what was saved, the result is shown with the service's words,
and the service records the attempt once (under the id of the attempt in the
learner's file).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime

import pytest
import test_learner_door_browser as door
from conftest import RELEASE, SECTION, QuizPage, add_learner_copy, running_lab
from playwright.sync_api import expect
from postgres_support import create_database, running_postgres
from service_support import (
    quiz_source,
    running_service,
    service_client,
    service_draw_key,
    service_token,
    service_tokens,
)

from coursekit.learner import copy_release
from coursekit.service.book import utc_now

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIME_LIMIT_MINUTES = 0.2
TOKENS = service_tokens(["ada"])


def test_countdown_from_the_servers_time_then_submitted_once_when_time_runs_out(browser, tmp_path, monkeypatch):
    source = quiz_source(tmp_path, pools=True, time_limit=TIME_LIMIT_MINUTES)
    with running_postgres() as server_url:
        db_url = create_database(server_url, f"timer_{uuid.uuid4().hex[:10]}")
        with running_service(db_url, source, TOKENS, utc_now) as url:
            monkeypatch.setenv("COURSEKIT_QUIZ_URL", url)  # the kernels JupyterLab starts inherit these
            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", service_token("ada"))
            workspace = tmp_path / "learner"
            copy_release(RELEASE, workspace / "course")
            with running_lab(workspace) as lab:
                folder = add_learner_copy(lab, "timed", {"time_limit": TIME_LIMIT_MINUTES})
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(60_000)
                try:
                    _take_the_timed_quiz(QuizPage(page, lab, folder), url, service_draw_key(db_url))
                finally:
                    context.close()


def _take_the_timed_quiz(quiz: QuizPage, url: str, secret: bytes) -> None:
    page = quiz.page
    quiz.open().run_all()
    door.narrow(page, 400)
    timer = quiz.quiz.locator(".coursekit-timer")
    expect(timer).to_be_hidden()  # no attempt on the service yet: no deadline, no timer
    start = quiz.quiz.get_by_role("button", name="Start attempt", exact=True)
    start.focus()
    page.keyboard.press("Enter")  # the attempt starts on the service: its clock runs from here
    first = quiz.given(secret=secret)[0]  # the question the service drew
    options = first.get("options")
    quiz.answer_with_mouse(first, options[0]["id"] if options else True)

    expect(timer).to_be_visible(timeout=10_000)  # the first answer started the attempt on the service
    shown = timer.get_by_role("timer").inner_text()
    assert re.fullmatch(r"Time left 0:00:(0\d|1[0-2])", shown), shown
    expect(timer).to_have_class(re.compile(r"\bcoursekit-timer-final\b"))  # the last minute looks different
    seconds = int(shown[-2:])
    page.wait_for_timeout(1_500)
    later = timer.get_by_role("timer").inner_text()
    assert int(later[-2:]) < seconds, (shown, later)  # counting down locally, between kernel messages

    # 400 px: the header row stays inside the quiz (the timer wraps below the header text if need be)
    fits = page.evaluate("""() => {
        const quiz = document.querySelector('.coursekit-quiz');
        const row = quiz.querySelector('.coursekit-headrow');
        const box = quiz.getBoundingClientRect(), timer = row.querySelector('.coursekit-timer').getBoundingClientRect();
        return {row: row.scrollWidth <= row.clientWidth, right: timer.right <= box.right + 0.5,
                quiz: quiz.scrollWidth <= quiz.clientWidth};
    }""")
    assert all(fits.values()), fits
    door.assert_accessible(page, ".coursekit-quiz", "timer running, last minute")
    # screen readers: a polite region of the timer's own, not the ticking text
    live = quiz.quiz.locator(".coursekit-timer-live")
    assert live.get_attribute("aria-live") == "polite" and live.inner_text() == ""  # 12 s left: nothing to say yet

    result = quiz.quiz.locator(".coursekit-result")
    expect(result).to_be_visible(timeout=(TIME_LIMIT_MINUTES * 60 + 30) * 1000)
    status = quiz.status()
    assert re.match(r"Time is up: your attempt was submitted at \d\d:\d\d, with the answers given", status), status
    expect(quiz.quiz.locator(".coursekit-timeup")).to_be_visible()
    assert "Traceback" not in quiz.quiz.inner_text()
    expect(timer).to_be_hidden()
    door.assert_accessible(page, ".coursekit-quiz", "time ran out, result shown")

    saved = quiz.wait_for_responses(lambda d: len(d.get("attempts", [])) == 1, what="the attempt in the file")
    client = service_client(url, "ada")
    time.sleep(1.0)  # anything sent twice would have arrived by now
    recorded = client.state(SECTION)["attempts"]
    assert len(recorded) == 1, json.dumps(recorded, indent=1)
    assert recorded[0]["state"] == "submitted" and recorded[0]["attempt_id"] == saved["attempts"][0]["id"]
    lasted = (datetime.fromisoformat(recorded[0]["submitted_at"])
              - datetime.fromisoformat(recorded[0]["started_at"])).total_seconds()
    assert 0 < lasted <= TIME_LIMIT_MINUTES * 60 + 0.5, lasted  # submitted at (or just before) its deadline
