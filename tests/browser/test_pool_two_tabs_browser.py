"""Two tabs of a pooled quiz in a real learner-mode JupyterLab at 1280 and 400 px: after the newer tab submitted,
the older tab's answer to the old attempt's pool question is not saved, and the older tab says so plainly in
its live region and shows the new attempt's questions. axe-core finds nothing in the quiz."""

from __future__ import annotations

import json

import pytest
from conftest import SECTION, QuizPage, add_learner_copy, shutdown_sessions, wait_until
from playwright.sync_api import expect
from pool_service_support import pooled_spec
from test_learner_door_browser import assert_fully_accessible, narrow, shot

from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import public_spec

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 400])
def test_the_older_tab_is_told_the_other_tab_submitted_and_shows_the_new_attempt(lab_server, browser, width):
    spec = pooled_spec(attempts=3)
    folder = add_learner_copy(lab_server, f"pool_tabs_{width}")
    (folder / "quiz.json").write_text(json.dumps(public_spec(spec, SECTION)), encoding="utf-8")
    questions = {q["id"]: q for q in public_spec(spec, SECTION)["questions"]}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        older_page, newer_page = context.new_page(), context.new_page()
        for page in (older_page, newer_page):
            page.set_default_timeout(60_000)
        older = QuizPage(older_page, lab_server, folder).open()
        narrow(older_page, width)
        older.run_all()
        older.answer_with_mouse(questions["fixed"], "a")
        saved = older.wait_for_responses(lambda d: d["in_progress"]["answers"].get("fixed") == "a")
        learner = saved["learner"]
        first, second = (draw_for_attempt(spec, learner, SECTION, n)["pick"] for n in (1, 2))
        older.go_next(first)

        newer = QuizPage(newer_page, lab_server, folder).open()
        narrow(newer_page, width)
        newer.run_all()
        newer.button("coursekit-submit").click()
        newer.button("coursekit-confirm").click()
        newer.quiz.locator(".coursekit-result").wait_for()
        newer.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted in the newer tab")

        older_page.bring_to_front()
        older.answer_with_mouse(questions[first], "b")
        status = older.quiz.locator(".coursekit-status")
        expect(status).to_contain_text("Attempt 1 was submitted in another tab or window of this quiz. This tab "
                                       "now shows attempt 2")
        expect(status).to_contain_text("Your answer to question 2 was for a question attempt 2 does not give, so "
                                       "it is not saved; answer the questions shown now.")
        live = older.quiz.locator("[aria-live]")
        expect(live.first).to_contain_text("Attempt 1 was submitted in another tab")
        expect(older.question("fixed")).to_be_visible()
        older.go_next(second)  # the new attempt's question of the pool
        saved = wait_until(lambda: json.loads((folder / "responses" / f"{SECTION}.json").read_text("utf-8")),
                           what="responses file")
        assert saved["attempts"][0]["answers"] == {"fixed": "a"}  # the old attempt: never changed here
        assert first not in saved["in_progress"]["answers"]
        assert_fully_accessible(older_page, ".coursekit-quiz", f"older tab after another tab's submit at {width} px")
        shot(older_page, f"pool_two_tabs_{width}")
    finally:
        context.close()
        shutdown_sessions(lab_server)
