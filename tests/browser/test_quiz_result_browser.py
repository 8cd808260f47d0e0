"""The result after Submit as a first-time learner reads it, in a real learner-mode JupyterLab at 1280 and 400 px.

Per question: its number and text, the learner's answer in words, and
*Right* / *Not right* / *Not answered* where the review options show
correctness (an unanswered question is never called "not right"). With no
attempt left the quiz says plainly that it is finished. Keyboard only;
axe-core finds nothing.
"""

from __future__ import annotations

import pytest
from conftest import QuizPage, add_learner_copy, option_texts
from playwright.sync_api import expect
from service_support import right_answers
from test_learner_door_browser import active, assert_fully_accessible, narrow, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _submit_first_answer_only(quiz: QuizPage, first: dict, answer: str) -> None:
    page = quiz.page
    quiz.question(first["id"]).get_by_role("radio").first.focus()
    for _ in range(len(first["options"])):  # arrow keys to the right option
        if quiz.question(first["id"]).get_by_role("radio", checked=True).count() and \
                active(page)["text"] == option_texts(first)[answer]:
            break
        page.keyboard.press("ArrowDown")
    quiz.wait_for_responses(lambda d: d["in_progress"]["answers"].get(first["id"]) == answer, what="first answer")
    quiz.button("coursekit-submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('data-key') === 'confirm'")
    quiz.button("coursekit-confirm").focus()
    page.keyboard.press("Enter")
    quiz.quiz.locator(".coursekit-result").wait_for()


@pytest.mark.parametrize("width", [1280, 400])
def test_result_lists_each_question_with_its_text_the_answer_and_its_outcome(lab_server, page, width):
    folder = add_learner_copy(lab_server, f"result_{width}")
    quiz = QuizPage(page, lab_server, folder).open()
    narrow(page, width)
    quiz.run_all()
    questions = quiz.given()
    first = questions[0]
    key = right_answers()[first["id"]]
    _submit_first_answer_only(quiz, first, key)

    rows = quiz.quiz.locator(".coursekit-verdict")
    expect(rows).to_have_count(len(questions))
    one, two = rows.nth(0), rows.nth(1)
    points = f"{first['points']:g}"
    unit = "mark" if points == "1" else "marks"
    expect(one.locator(".coursekit-verdict-head")).to_have_text(f"Question 1Right ({points} of {points} {unit})")
    expect(one.locator(".coursekit-verdict-text")).to_have_text(first["text"])
    expect(one).to_contain_text(f"Your answer: {option_texts(first)[key]}")
    expect(two.locator(".coursekit-verdict-state")).to_have_text(
        f"Not answered (0 of {questions[1]['points']:g} marks)")
    expect(two).to_contain_text("Your answer: (no answer)")
    expect(quiz.quiz.locator(".coursekit-result")).not_to_contain_text("Right answer:")  # the kernel has no key
    assert "not right" not in quiz.quiz.locator(".coursekit-result").inner_text().lower()
    assert_fully_accessible(page, ".coursekit-quiz", f"result per question at {width} px")
    one.scroll_into_view_if_needed()
    shot(page, f"result_rows_{width}")


@pytest.mark.parametrize("width", [1280, 400])
def test_with_no_attempt_left_the_quiz_says_it_is_finished(lab_server, page, width):
    folder = add_learner_copy(lab_server, f"finished_{width}", {"attempts": 1})
    quiz = QuizPage(page, lab_server, folder).open()
    narrow(page, width)
    quiz.run_all()
    first = quiz.given()[0]
    _submit_first_answer_only(quiz, first, first["options"][0]["id"])
    notice = quiz.quiz.locator(".coursekit-finished")
    expect(notice).to_have_text("This quiz is finished: you have used all your attempts. Your attempts, and the "
                                "one that counts, are listed below.")
    expect(quiz.quiz.locator(".coursekit-again")).to_have_count(0)
    assert_fully_accessible(page, ".coursekit-quiz", f"quiz finished at {width} px")
    notice.scroll_into_view_if_needed()
    shot(page, f"result_finished_{width}")
