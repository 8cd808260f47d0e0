"""The learner's quiz in a real JupyterLab (learner mode), driven by a real Chromium like a learner does.

Mouse clicks, the keyboard alone, Restart Kernel and Run All Cells, and quiz
settings (sequential navigation, two attempts); every answer is checked where it
matters, in ``responses/cooperation_networking.json`` beside the notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from coursekit.quiz.session import structural_questions
from coursekit.quiz.shuffle import option_order

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECTION = "cooperation_networking"
LEARNER = "ada"
SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "browser" / "answered_quiz.png"

# One answer per question, by public id (right or wrong does not matter here; the file must hold them).
ANSWERS: dict[str, Any] = {
    "partner-schools": "a",
    "purposes": ["a", "b", "c"],
    "recruitment": True,
    "transition": "a",
    "competition": False,
    "competitive-advantage": "a",
    "quality-benefits": ["a", "b"],
    "partners": {"schools": "info-days", "providers": "joint-delivery", "research": "quality-marks",
                 "universities": "new-programmes"},
    "lifelong-learning": "a",
    "box-35": ["a", "b", "c"],
    "open-days": "open days",
}


# --- helpers ---------------------------------------------------------------------------------------


def texts(question: dict[str, Any], key: str = "options") -> dict[str, str]:
    """Option (or choice) text by id."""
    return {o["id"]: o["text"] for o in question[key]}


def same(question: dict[str, Any], got: Any, expected: Any) -> bool:
    """Whether a saved answer is the expected one (the order of ticked boxes does not matter)."""
    if question["type"] == "multiple_choice":
        return isinstance(got, list) and sorted(got) == sorted(expected)
    return got == expected


def wait_for_answer(quiz, question: dict[str, Any], value: Any) -> dict[str, Any]:
    """Wait until the attempt in progress on disk holds ``value`` for the question."""
    return quiz.wait_for_responses(
        lambda doc: same(question, doc["in_progress"]["answers"].get(question["id"]), value),
        what=f"answer {value!r} to {question['id']} saved")


# --- tests -----------------------------------------------------------------------------------------


def test_answer_every_question_with_the_mouse_and_submit(open_quiz):
    quiz = open_quiz(shared=True)
    spec = quiz.spec()
    questions = quiz.given()  # ada's attempt 1 draws the first question of every pool
    assert [q["id"] for q in questions] == list(ANSWERS)
    assert "Attempt 1" in quiz.quiz.inner_text()

    # The options are shuffled for this learner (COURSEKIT_LEARNER reached the kernel), the same way every time.
    first = structural_questions(spec)[0]
    shown = quiz.question(first.id).get_by_role("radio").evaluate_all("rs => rs.map(r => r.parentElement.innerText)")
    expected = [texts(questions[0])[i] for i in option_order(first, LEARNER, SECTION, enabled=True)]
    assert [s.strip() for s in shown] == expected

    for number, question in enumerate(questions, 1):
        assert f"Question {number} of {len(questions)}" in quiz.quiz.inner_text()
        quiz.answer_with_mouse(question, ANSWERS[question["id"]])
        wait_for_answer(quiz, question, ANSWERS[question["id"]])
        if number < len(questions):
            quiz.go_next(questions[number]["id"])

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    quiz.quiz.screenshot(path=str(SCREENSHOT))

    quiz.button("coursekit-submit").click()  # everything is answered: no confirmation
    doc = quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted")
    attempt = doc["attempts"][0]
    assert attempt["number"] == 1
    assert set(attempt["answers"]) == set(ANSWERS)
    for question in questions:
        assert same(question, attempt["answers"][question["id"]], ANSWERS[question["id"]]), question["id"]
    assert doc["learner"] == LEARNER and doc["section"] == SECTION
    assert doc["in_progress"]["answers"] == {}
    quiz.wait_for_status("Attempt 1 submitted")
    assert "Attempt 2" in quiz.quiz.inner_text()
    assert SCREENSHOT.stat().st_size > 1000


def test_restart_kernel_and_run_all_shows_the_saved_answers(open_quiz):
    quiz = open_quiz()
    single, multiple, third = (quiz.given()[i] for i in range(3))
    chosen_single, chosen_multiple = "c", ["b", "e"]
    quiz.answer_with_mouse(single, chosen_single)
    wait_for_answer(quiz, single, chosen_single)
    quiz.go_next(multiple["id"])
    # Each box tells a screen reader user that several may be ticked (not only the text beside the group).
    for box in quiz.question(multiple["id"]).get_by_role("checkbox").all():
        expect(box).to_have_accessible_description("Choose all that apply (arrow keys move, Space ticks).")
    quiz.answer_with_mouse(multiple, chosen_multiple)
    saved = wait_for_answer(quiz, multiple, chosen_multiple)
    assert saved["in_progress"]["answers"][single["id"]] == chosen_single

    quiz.restart_and_run_all()
    quiz.wait_for_status("Answers restored.")
    radios = quiz.question(single["id"])
    for option_id, text in texts(single).items():
        radio = radios.get_by_role("radio", name=text, exact=True)
        assert radio.is_checked() == (option_id == chosen_single), text
    quiz.go_next(multiple["id"])
    boxes = quiz.question(multiple["id"])
    for option_id, text in texts(multiple).items():
        assert boxes.get_by_role("checkbox", name=text, exact=True).is_checked() == (option_id in chosen_multiple), text
    assert quiz.responses() == saved  # reloading wrote nothing, and certainly nothing emptier

    # The new kernel goes on saving beside the restored answers.
    quiz.go_next(third["id"])
    quiz.answer_with_mouse(third, False)
    doc = wait_for_answer(quiz, third, False)
    assert doc["in_progress"]["answers"][single["id"]] == chosen_single
    assert sorted(doc["in_progress"]["answers"][multiple["id"]]) == chosen_multiple


def test_sequential_navigation_offers_no_way_back(open_quiz):
    quiz = open_quiz({"navigation": "sequential"})
    first, second = quiz.given()[:2]
    assert quiz.question(first["id"]).is_visible()
    assert quiz.button("coursekit-back").is_hidden()
    assert quiz.quiz.locator("[class*='coursekit-map-']").count() == 0
    assert "Questions:" not in quiz.quiz.inner_text()

    quiz.go_next(second["id"])
    assert quiz.question(first["id"]).count() == 0
    assert quiz.button("coursekit-back").is_hidden()
    assert quiz.quiz.locator("[class*='coursekit-map-']").count() == 0

    assert quiz.button("coursekit-back").count() == 0  # no Back button at all
    quiz.answer_with_mouse(second, ["a"])  # a later round trip through the kernel
    wait_for_answer(quiz, second, ["a"])
    quiz.wait_for_status("Saved at")
    assert quiz.question(first["id"]).count() == 0
    assert quiz.question(second["id"]).is_visible()


def test_third_submit_is_refused_after_two_attempts(open_quiz):
    quiz = open_quiz({"attempts": 2})
    assert "attempts left: 2" in quiz.quiz.inner_text()
    for number, choice in ((1, "a"), (2, "b")):
        first = quiz.given(number)[0]  # the first question of this attempt (a pool draws another one in attempt 2)
        quiz.answer_with_mouse(first, choice)
        wait_for_answer(quiz, first, choice)
        quiz.button("coursekit-submit").click()
        quiz.button("coursekit-confirm").click()  # the other questions are unanswered: submit anyway
        doc = quiz.wait_for_responses(lambda d, n=number: len(d["attempts"]) == n, what=f"attempt {number}")
        assert doc["attempts"][-1]["answers"] == {first["id"]: choice}
        quiz.wait_for_status(f"Attempt {number} submitted")
        # Limited attempts: no key digests in quiz.json, so the marks wait for grading and the result says so.
        assert "Your marks come with your trainer's grading" in quiz.quiz.inner_text()
        if number == 1:
            quiz.button("coursekit-again").click()
            quiz.question(quiz.given(2)[0]["id"]).wait_for(state="visible")

    quiz.wait_for_status("No attempts left")
    assert "All attempts used (2)" in quiz.quiz.inner_text()
    assert "This quiz is finished" in quiz.quiz.locator(".coursekit-finished").inner_text()
    assert quiz.button("coursekit-again").count() == 0  # no way to start a third attempt
    assert quiz.button("coursekit-submit").count() == 0
    assert quiz.quiz.locator(".coursekit-history tbody tr").count() == 2
    doc = quiz.responses()
    assert [a["number"] for a in doc["attempts"]] == [1, 2]


def test_submit_with_unanswered_questions_asks_first_and_cancel_keeps_the_attempt(open_quiz):
    quiz = open_quiz()
    questions = quiz.given()
    quiz.answer_with_mouse(questions[0], "d")
    wait_for_answer(quiz, questions[0], "d")

    quiz.button("coursekit-submit").click()
    quiz.button("coursekit-confirm").wait_for()
    unanswered = ", ".join(str(n) for n in range(2, len(questions) + 1))
    assert f"{len(questions) - 1} question(s) unanswered ({unanswered})" in quiz.quiz.inner_text()
    quiz.button("coursekit-cancel").click()
    quiz.button("coursekit-confirm").wait_for(state="detached")
    doc = quiz.responses()
    assert doc["attempts"] == []
    assert doc["in_progress"]["answers"] == {questions[0]["id"]: "d"}
    assert "Attempt 1" in quiz.quiz.inner_text()

    quiz.go_next(questions[1]["id"])  # the attempt stays open: answering goes on
    quiz.answer_with_mouse(questions[1], ["a"])
    wait_for_answer(quiz, questions[1], ["a"])
    quiz.button("coursekit-submit").click()
    quiz.button("coursekit-confirm").click()
    doc = quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted")
    assert doc["attempts"][0]["answers"] == {questions[0]["id"]: "d", questions[1]["id"]: ["a"]}


NUMERICAL = {"id": "rod", "type": "numerical", "text": "How long is the rod?", "points": 1.0,
             "units": [{"unit": "m", "multiplier": 1.0}, {"unit": "cm", "multiplier": 100.0}]}
DISTRACTORS = {"id": "capitals", "type": "matching", "text": "Match each country with its capital.", "points": 2.0,
               "items": [{"id": "fr", "text": "France"}, {"id": "it", "text": "Italy"}],
               "choices": [{"id": "paris", "text": "Paris"}, {"id": "rome", "text": "Rome"},
                           {"id": "madrid", "text": "Madrid"}, {"id": "vienna", "text": "Vienna"}]}


def test_a_numerical_answer_with_its_unit_and_a_matching_distractor_are_drawn_and_saved(open_quiz):
    quiz = open_quiz(settings={"layout": "single_page"}, extra_questions=[NUMERICAL, DISTRACTORS])
    rod = quiz.question("rod")
    rod.wait_for(state="visible")
    field = rod.get_by_role("textbox", name="Your answer: a number and a unit (m, cm)")
    assert field.get_attribute("inputmode") == "text"
    # A unit the question does not list is saved, and the learner is told at once (the status line warns).
    quiz.answer_with_mouse(NUMERICAL, "1.5 metres")
    wait_for_answer(quiz, NUMERICAL, "1.5 metres")
    warning = quiz.quiz.locator(".coursekit-status.coursekit-warn")
    warning.wait_for()
    assert "Question 12: 'metres' is not one of this question's units (m, cm)." in warning.inner_text()
    quiz.answer_with_mouse(NUMERICAL, "150 cm")
    wait_for_answer(quiz, NUMERICAL, "150 cm")

    capitals = quiz.question("capitals")
    offered = capitals.get_by_role("combobox", name="Italy", exact=True).evaluate(
        "s => [...s.options].map(o => o.text)")
    assert sorted(offered) == ["Madrid", "Paris", "Rome", "Vienna", "— choose —"]
    quiz.answer_with_mouse(DISTRACTORS, {"fr": "paris", "it": "vienna"})  # a distractor is a valid pick
    saved = wait_for_answer(quiz, DISTRACTORS, {"fr": "paris", "it": "vienna"})
    assert saved["in_progress"]["answers"]["rod"] == "150 cm"

    # Submitted: the kernel cannot mark a numerical answer, and the result says why (attempts are unlimited).
    quiz.button("coursekit-submit").click()
    quiz.button("coursekit-confirm").click()
    quiz.wait_for_status("Attempt 1 submitted")
    result = quiz.quiz.locator(".coursekit-result").inner_text()
    assert "only your trainer marks" in result and "limited number of attempts" not in result, result


def test_shift_tab_returns_to_the_chosen_radio_after_arrows_or_a_click(open_quiz):
    quiz = open_quiz()
    page = quiz.page
    first = quiz.given()[0]
    radios = quiz.question(first["id"]).get_by_role("radio")
    focused = "() => document.activeElement.getAttribute('data-key')"

    radios.first.focus()
    page.keyboard.press("ArrowDown")  # chooses the second option
    chosen = radios.nth(1).get_attribute("value")
    wait_for_answer(quiz, first, chosen)
    page.keyboard.press("Tab")  # leaves the group
    assert page.evaluate(focused).startswith("btn:"), page.evaluate(focused)
    page.keyboard.press("Shift+Tab")  # back into the group: on the chosen radio, not lost past it
    assert page.evaluate(focused) == f"opt:{first['id']}:1"

    radios.nth(3).click()  # a click moves the group's Tab stop too
    wait_for_answer(quiz, first, radios.nth(3).get_attribute("value"))
    quiz.button("coursekit-next").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == f"opt:{first['id']}:3"
