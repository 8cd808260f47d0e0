"""A timed quiz as a first-time learner meets it, in a real learner-mode JupyterLab at 1280 and 400 px.

Before the attempt the quiz states its time limit and close date (in the
learner's own time zone, here Europe/Berlin) and shows no question, only
*Start attempt*; the clock starts when it is pressed (keyboard only). When the
time is up, a panel says "Time is up: your attempt was submitted at HH:MM" in
local time, takes the focus, and the live region says it too; axe-core finds
nothing in any of these states.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import QuizPage, add_learner_copy, shutdown_sessions
from playwright.sync_api import expect
from test_learner_door_browser import active, assert_fully_accessible, narrow, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ZONE = "Europe/Berlin"
LIMIT_MINUTES = 0.25
CLOSE = "2026-12-31T17:00:00+00:00"


@pytest.mark.parametrize("width", [1280, 400])
def test_timed_quiz_states_its_limit_starts_on_start_attempt_and_says_when_time_is_up(lab_server, browser, width):
    folder = add_learner_copy(lab_server, f"time_limit_{width}", {"time_limit": LIMIT_MINUTES, "close": CLOSE})
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id=ZONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        quiz = QuizPage(page, lab_server, folder).open()
        narrow(page, width)
        quiz.run_all()
        widget = quiz.quiz
        timing = widget.locator(".coursekit-timing")
        expect(timing).to_have_text("Time limit: 15 seconds. The quiz closes on Thursday, 31 December 2026, 18:00.")
        expect(widget.locator(".coursekit-question")).to_have_count(0)  # nothing to answer before Start attempt
        expect(widget.locator(".coursekit-timer")).to_be_hidden()
        assert quiz.responses() is None  # the clock has not started
        start = widget.get_by_role("button", name="Start attempt", exact=True)
        start.scroll_into_view_if_needed()
        assert_fully_accessible(page, ".coursekit-quiz", f"start page at {width} px")
        shot(page, f"time_limit_start_{width}")

        start.focus()
        page.keyboard.press("Enter")
        first = quiz.given()[0]
        expect(widget.locator(f".coursekit-question-{first['id']}")).to_be_visible()
        assert active(page)["key"] == f"legend:{first['id']}", active(page)
        expect(widget.locator(".coursekit-timer")).to_be_visible()
        started = quiz.wait_for_responses(lambda d: bool(d["in_progress"].get("started_at")), what="started")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")  # answered by keyboard within the time
        answered = quiz.wait_for_responses(lambda d: first["id"] in d["in_progress"]["answers"], what="answer saved")
        saved_at = datetime.fromisoformat(answered["in_progress"]["updated_at"]).astimezone(ZoneInfo(ZONE))
        quiz.wait_for_status(f"Saved at {saved_at:%H:%M:%S}.")  # the learner's local time, not UTC
        assert_fully_accessible(page, ".coursekit-quiz", f"timed attempt running at {width} px")

        panel = widget.locator(".coursekit-timeup")
        expect(panel).to_be_visible(timeout=(LIMIT_MINUTES * 60 + 30) * 1000)
        saved = quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt submitted")
        attempt = saved["attempts"][0]
        assert attempt["started_at"] == started["in_progress"]["started_at"] and first["id"] in attempt["answers"]
        local = datetime.fromisoformat(attempt["submitted_at"]).astimezone(ZoneInfo(ZONE)).strftime("%H:%M")
        heading = f"Time is up: your attempt was submitted at {local}"
        expect(panel.get_by_role("heading", level=3)).to_have_text(heading)
        assert active(page)["key"] == "timeup", active(page)  # the focus moved to it
        assert quiz.status().startswith(f"{heading}, with the answers given until then."), quiz.status()
        expect(widget.get_by_role("button", name="Start attempt 2", exact=True)).to_be_visible()
        assert "Traceback" not in widget.inner_text()
        assert_fully_accessible(page, ".coursekit-quiz", f"time is up at {width} px")
        panel.scroll_into_view_if_needed()
        shot(page, f"time_limit_up_{width}")
    finally:
        context.close()
        shutdown_sessions(lab_server)


@pytest.mark.parametrize("width", [1280, 400])
def test_time_that_ran_out_while_away_is_shown_at_its_deadline_and_the_next_attempt_starts_clean(
        lab_server, browser, width):
    limit_minutes = 0.1
    folder = add_learner_copy(lab_server, f"away_{width}", {"time_limit": limit_minutes})
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id=ZONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        quiz = QuizPage(page, lab_server, folder).open()
        narrow(page, width)
        quiz.run_all()
        start = quiz.quiz.get_by_role("button", name="Start attempt", exact=True)
        start.focus()
        page.keyboard.press("Enter")
        first = quiz.given()[0]
        quiz.question(first["id"]).wait_for(state="visible")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")
        begun = quiz.wait_for_responses(lambda d: first["id"] in d["in_progress"]["answers"], what="answered")
        page.goto("about:blank")  # the learner leaves: tab closed, kernel shut down
        shutdown_sessions(lab_server)
        page.wait_for_timeout(limit_minutes * 60 * 1000 + 2_000)  # away until after the deadline

        page.set_viewport_size({"width": 1400, "height": 1000})  # wide enough for the kernel indicator
        quiz.open()  # back: the notebook opened again and run
        narrow(page, width)
        quiz.run_all()
        panel = quiz.quiz.locator(".coursekit-timeup")
        expect(panel).to_be_visible()
        saved = quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted")
        started = datetime.fromisoformat(begun["in_progress"]["started_at"])
        submitted = datetime.fromisoformat(saved["attempts"][0]["submitted_at"])
        assert (submitted - started).total_seconds() == limit_minutes * 60  # at its deadline, not at the return
        assert saved["attempts"][0]["answers"] == begun["in_progress"]["answers"]
        local = submitted.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")
        expect(panel.get_by_role("heading", level=3)).to_have_text(f"Time is up: your attempt was submitted at {local}")
        # shown where the quiz is; Run All does not move the focus into it (the learner may be typing elsewhere)
        assert_fully_accessible(page, ".coursekit-quiz", f"time ran out while away at {width} px")
        panel.scroll_into_view_if_needed()
        shot(page, f"time_limit_away_{width}")

        again = quiz.quiz.get_by_role("button", name="Start attempt 2", exact=True)
        again.focus()
        page.keyboard.press("Enter")  # the next attempt starts clean, its clock from now
        opening = quiz.given(2)[0]  # attempt 2's first question (a pool may draw another one)
        quiz.question(opening["id"]).wait_for(state="visible")
        expect(quiz.question(opening["id"]).get_by_role("radio", checked=True)).to_have_count(0)
        expect(quiz.quiz.locator(".coursekit-timer")).to_be_visible()
        fresh = quiz.wait_for_responses(lambda d: bool(d["in_progress"].get("started_at")), what="attempt 2 started")
        assert fresh["in_progress"]["answers"] == {} and len(fresh["attempts"]) == 1
    finally:
        context.close()
        shutdown_sessions(lab_server)
