"""The question map by keyboard, and each question named once, in a real learner-mode JupyterLab (1280, 400 px).

The 11 map buttons are one Tab stop (the question shown now): Tab leaves the
map for Question 1's options in one press, arrow keys (Home, End) move along
it, Enter shows the question and Shift+Tab comes back to the map's one stop.
A single-choice question is one group named by its legend (the fieldset), not
a fieldset and a radiogroup both carrying the question. axe-core finds nothing.
"""

from __future__ import annotations

import pytest
from conftest import QuizPage, add_learner_copy, shutdown_sessions
from playwright.sync_api import expect
from test_learner_door_browser import active, assert_fully_accessible, narrow, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 400])
def test_question_map_is_one_tab_stop_with_arrow_keys_and_each_question_is_named_once(lab_server, page, width):
    folder = add_learner_copy(lab_server, f"map_keys_{width}")
    try:
        quiz = QuizPage(page, lab_server, folder).open()
        narrow(page, width)
        quiz.run_all()
        questions = quiz.given()
        first = questions[0]
        stops = quiz.quiz.locator(".coursekit-map[tabindex='0']")
        expect(stops).to_have_count(1)
        expect(quiz.quiz.locator(".coursekit-map")).to_have_count(len(questions))

        quiz.button("coursekit-map-1").focus()
        page.keyboard.press("Tab")  # out of the map in one press
        focused = active(page)
        assert focused["type"] == "radio" and f"coursekit-question-{first['id']}" in focused["question"], focused
        page.keyboard.press("Shift+Tab")
        assert active(page)["key"] == "map:0", active(page)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert active(page)["key"] == "map:2", active(page)
        expect(stops).to_have_count(1)
        assert stops.get_attribute("data-key") == "map:2"  # the stop follows the arrows
        page.keyboard.press("End")
        assert active(page)["key"] == f"map:{len(questions) - 1}"
        page.keyboard.press("Home")
        page.keyboard.press("ArrowLeft")  # wraps round to the last
        assert active(page)["key"] == f"map:{len(questions) - 1}"
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        third = questions[2]
        quiz.question(third["id"]).wait_for(state="visible")
        page.wait_for_function(f"() => document.activeElement.getAttribute('data-key') === 'legend:{third['id']}'")
        page.keyboard.press("Shift+Tab")
        assert active(page)["key"] == "map:2", active(page)  # back on the map's one stop: the question shown
        shot(page, f"map_keys_{width}")

        quiz.button("coursekit-map-1").click()
        box = quiz.question(first["id"])
        box.wait_for(state="visible")
        assert box.locator("[role='radiogroup'], [aria-labelledby]").count() == 0  # named once, by the legend
        legend = box.locator("legend").inner_text()
        expect(quiz.quiz.get_by_role("group", name=" ".join(legend.split()))).to_have_count(1)
        assert_fully_accessible(page, ".coursekit-quiz", f"question map and question at {width} px")
    finally:
        shutdown_sessions(lab_server)
