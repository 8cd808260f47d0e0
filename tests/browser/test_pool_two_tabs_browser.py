"""Two tabs of a pooled quiz in a real learner-mode JupyterLab at 1280 and 400 px: after the newer tab submitted,
the older tab's answer to the old attempt's pool question is not saved, and the older tab says so plainly at the
top of the question area, inside the window with the question it moved the focus to, announced once by its live
region, and shows the new attempt's questions. axe-core finds nothing in the quiz."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SECTION, add_learner_copy, wait_until
from playwright.sync_api import expect
from pool_service_support import pooled_spec
from test_learner_door_browser import active, assert_fully_accessible, shot
from two_tabs_support import open_tab, two_tabs

from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.spec import public_spec

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOLD = "Attempt 1 was submitted in another tab or window of this quiz."


def seen_in_window(page, locator) -> dict:
    """Where ``locator`` is drawn, whether that box lies inside the window, and whether it is on top at its corners
    and centre (not under JupyterLab's toolbar nor scrolled out of the notebook)."""
    return locator.evaluate("""(node) => {
        const r = node.getBoundingClientRect();
        const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
            && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
        const points = [[r.left + 2, r.top + 2], [r.right - 2, r.top + 2], [r.left + 2, r.bottom - 2],
                        [r.right - 2, r.bottom - 2], [(r.left + r.right) / 2, (r.top + r.bottom) / 2]];
        const onTop = points.every(([x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return !!hit && (hit === node || node.contains(hit));
        });
        return {box: [r.left, r.top, r.right, r.bottom], window: [window.innerWidth, window.innerHeight],
                inside, onTop};
    }""")


def live_regions_saying(page, text: str) -> int:
    """How many live regions (aria-live, role status or alert) of the page hold ``text``."""
    return page.evaluate("""(text) => [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')]
        .filter((n) => n.textContent.includes(text)).length""", text)


@pytest.mark.parametrize("width", [1280, 400])
def test_the_older_tab_is_told_the_other_tab_submitted_and_shows_the_new_attempt(lab_server, browser, width):
    spec = pooled_spec(attempts=3)
    folder = add_learner_copy(lab_server, f"pool_tabs_{width}")
    (folder / "quiz.json").write_text(json.dumps(public_spec(spec, SECTION)), encoding="utf-8")
    questions = {q["id"]: q for q in public_spec(spec, SECTION)["questions"]}
    with two_tabs(lab_server, browser) as (older_page, newer_page):
        older = open_tab(older_page, lab_server, folder, width)
        older.answer_with_mouse(questions["fixed"], "a")
        saved = older.wait_for_responses(lambda d: d["in_progress"]["answers"].get("fixed") == "a")
        learner = saved["learner"]
        first, second = (draw_for_attempt(spec, learner, SECTION, n)["pick"] for n in (1, 2))
        older.go_next(first)

        newer = open_tab(newer_page, lab_server, folder, width)
        newer.button("coursekit-submit").click()
        newer.button("coursekit-confirm").click()
        newer.quiz.locator(".coursekit-result").wait_for()
        newer.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted in the newer tab")

        older_page.bring_to_front()
        older.answer_with_mouse(questions[first], "b")
        status = older.quiz.locator(".coursekit-status")
        expect(status).to_contain_text(f"{TOLD} This tab now shows attempt 2")
        expect(status).to_contain_text("Your answer to question 2 was for a question attempt 2 does not give, so "
                                       "it is not saved; answer the questions shown now.")
        expect(older.question("fixed")).to_be_visible()

        # The learner is at the question (the focus moved to it): the message is beside it, in the window.
        note = older.quiz.locator(".coursekit-tabnote")
        expect(note).to_be_visible()
        expect(note).to_have_text(status.text_content())
        assert active(older_page)["key"] == "legend:fixed"
        assert note.evaluate("n => n.nextElementSibling.matches('.coursekit-question-fixed')")  # read just before it
        where = seen_in_window(older_page, note)
        assert where["inside"] and where["onTop"], f"the message is not in the window at {width} px: {where}"
        legend = seen_in_window(older_page, older.question("fixed").locator("legend"))
        assert legend["inside"], f"the question is not in the window at {width} px: {legend}"
        # Announced once: the one live region says it; the note beside the question is no live region.
        assert live_regions_saying(older_page, TOLD) == 1
        assert note.evaluate("n => !n.closest('[aria-live], [role=status], [role=alert]')")
        expect(status).to_have_class(re.compile(r"\bcoursekit-visually-hidden\b"))  # seen once, at the question
        assert_fully_accessible(older_page, ".coursekit-quiz", f"older tab told of another tab at {width} px")
        shot(older_page, f"pool_two_tabs_{width}")

        older.go_next(second)  # the new attempt's question of the pool: the message is back in the status line
        expect(note).to_have_count(0)
        expect(status).not_to_have_class(re.compile(r"\bcoursekit-visually-hidden\b"))
        expect(status).to_contain_text(TOLD)
        saved = wait_until(lambda: json.loads((folder / "responses" / f"{SECTION}.json").read_text("utf-8")),
                           what="responses file")
        assert saved["attempts"][0]["answers"] == {"fixed": "a"}  # the old attempt: never changed here
        assert first not in saved["in_progress"]["answers"]
        assert_fully_accessible(older_page, ".coursekit-quiz", f"older tab after another tab's submit at {width} px")
