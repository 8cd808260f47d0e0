"""The learner's feedback page in Chromium, from disk, at 1280 and 400 px: with and without an attempt of a quiz with
pools (a pooled place without an attempt is one line with its points). axe-core finds nothing, and leaves nothing
undecided; the page never scrolls sideways; screenshots in artifacts/browser/."""

from __future__ import annotations

import pytest
from pool_feedback_support import NO_ATTEMPT, ONE_ATTEMPT, pool_feedback
from test_learner_door_browser import WIDTHS, assert_fully_accessible, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return pool_feedback(tmp_path_factory.mktemp("pool-feedback-browser"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("learner", [NO_ATTEMPT, ONE_ATTEMPT])
def test_the_feedback_page_is_accessible_and_fits_the_window(graded, page, learner, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(graded.pages[learner].as_uri(), wait_until="load")
    undrawn = page.locator("section.coursekit-quiz-undrawn")
    expected = sum(slot.pooled for slot in graded.section.quiz.quiz_slots) if learner == NO_ATTEMPT else 0
    assert undrawn.count() == expected
    if expected:
        undrawn.first.scroll_into_view_if_needed()
        assert undrawn.first.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_fully_accessible(page, "body", f"feedback page of {learner} at {width} px")
    shot(page, f"feedback_{learner}_{width}")
