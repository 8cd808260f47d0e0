"""The learner's quiz in a real JupyterLab, driven by a real Chromium: clicks, keys, restarts, settings."""

from __future__ import annotations

import pytest
from lab_driver import (
    ARTIFACTS,
    answer_with_mouse,
    click,
    course_quiz,
    current_question,
    key_answer,
    open_and_run,
    quiz,
    responses_path,
    restart_and_run_all,
    wait_for_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_answer_every_question_with_the_mouse_and_submit(lab, page):
    url, root = lab
    open_and_run(page, url, "mouse")
    spec = course_quiz()
    assert "Attempt 1" in quiz(page).inner_text()
    for number, question in enumerate(spec.questions, 1):
        answer_with_mouse(page, question, key_answer(question))
        wait_for_file(responses_path(root, "mouse"),
                      lambda doc, q=question: q.id in doc["in_progress"]["answers"])
        if number < len(spec.questions):
            click(page, ".coursekit-next")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    quiz(page).screenshot(path=str(ARTIFACTS / "answered_quiz.png"))
    click(page, ".coursekit-submit")
    doc = wait_for_file(responses_path(root, "mouse"), lambda d: len(d["attempts"]) == 1)
    answers = doc["attempts"][0]["answers"]
    for question in spec.questions:
        expected = key_answer(question)
        got = answers[question.id]
        assert (sorted(got) == sorted(expected)) if question.type == "multiple_choice" else got == expected
    assert doc["learner"] == "ada" and doc["section"] == "cooperation_networking"
    assert doc["in_progress"]["answers"] == {}
    quiz(page).locator(".coursekit-status", has_text="Attempt 1 submitted").wait_for()


def test_restart_and_run_all_restores_saved_answers(lab, page):
    url, root = lab
    open_and_run(page, url, "restart")
    spec = course_quiz()
    first, second = spec.questions[0], spec.questions[1]
    answer_with_mouse(page, first, key_answer(first))
    click(page, ".coursekit-next")
    answer_with_mouse(page, second, key_answer(second))
    path = responses_path(root, "restart")
    saved = wait_for_file(path, lambda d: d["in_progress"]["answers"].get(first.id) == first.answer
                          and sorted(d["in_progress"]["answers"].get(second.id, [])) == sorted(second.answer))

    restart_and_run_all(page)
    page.wait_for_function("() => [...document.querySelectorAll('.coursekit-status')]"
                           ".some(e => e.innerText.includes('Answers restored'))")
    assert current_question(page).locator("input[type=radio]:checked").count() == 1
    click(page, ".coursekit-next")
    boxes = current_question(page).locator("input[type=checkbox]:checked")
    assert boxes.count() == len(second.answer)
    after = wait_for_file(path, lambda d: True)
    assert after["in_progress"]["answers"] == saved["in_progress"]["answers"]  # never emptier


def test_sequential_navigation_has_no_way_back(lab, page):
    url, _ = lab
    open_and_run(page, url, "sequential")
    assert quiz(page).locator(".coursekit-back").is_hidden()
    assert quiz(page).locator(".coursekit-map-1").count() == 0
    spec = course_quiz()
    first = spec.questions[0]
    assert quiz(page).locator(f".coursekit-question-{first.id}").is_visible()
    click(page, ".coursekit-next")
    assert quiz(page).locator(f".coursekit-question-{first.id}").count() == 0
    assert quiz(page).locator(f".coursekit-question-{spec.questions[1].id}").is_visible()
    assert quiz(page).locator(".coursekit-back").is_hidden()


def test_third_submit_is_refused_with_two_attempts(lab, page):
    url, root = lab
    open_and_run(page, url, "two_attempts")
    spec = course_quiz()
    path = responses_path(root, "two_attempts")
    for attempt in (1, 2):
        answer_with_mouse(page, spec.questions[0], key_answer(spec.questions[0]))
        click(page, ".coursekit-submit")
        click(page, ".coursekit-confirm")  # the other questions are unanswered: confirm (waits for it)
        wait_for_file(path, lambda d, n=attempt: len(d["attempts"]) == n)
    quiz(page).locator(".coursekit-status", has_text="No attempts left").wait_for()
    submit = quiz(page).locator(".coursekit-submit")
    assert submit.is_disabled()
    assert "attempts left: 0" in quiz(page).inner_text()
    submit.click(force=True)  # a click on the disabled button changes nothing
    page.wait_for_timeout(500)
    assert len(wait_for_file(path, lambda d: True)["attempts"]) == 2


def test_one_question_with_the_keyboard_only(lab, page):
    url, root = lab
    open_and_run(page, url, "keyboard")
    spec = course_quiz()
    first = spec.questions[0]
    radios = current_question(page).locator("input[type=radio]")
    radios.first.focus()
    page.keyboard.press("Space")  # choose the focused option
    path = responses_path(root, "keyboard")
    doc = wait_for_file(path, lambda d: first.id in d["in_progress"]["answers"])
    chosen = doc["in_progress"]["answers"][first.id]
    page.keyboard.press("Tab")  # each option is a tab stop of its own
    page.keyboard.press("Space")
    doc = wait_for_file(path, lambda d: d["in_progress"]["answers"].get(first.id) not in (None, chosen))
    for _ in range(30):  # Tab to the Next button and press it
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('coursekit-next')"):
            break
    else:
        raise AssertionError("Next cannot be reached with Tab")
    page.keyboard.press("Enter")
    quiz(page).locator(f".coursekit-question-{spec.questions[1].id}").wait_for()
    assert doc["in_progress"]["answers"][first.id] in {o.id for o in first.options}


def test_submit_with_unanswered_questions_asks_first(lab, page):
    url, root = lab
    open_and_run(page, url, "confirm")
    click(page, ".coursekit-submit")
    quiz(page).locator(".coursekit-confirm").wait_for()
    assert "11 question(s) unanswered" in quiz(page).inner_text()
    click(page, ".coursekit-cancel")
    quiz(page).locator(".coursekit-confirm").wait_for(state="detached")
    assert not responses_path(root, "confirm").exists() or \
        wait_for_file(responses_path(root, "confirm"), lambda d: True)["attempts"] == []
    assert "Attempt 1" in quiz(page).inner_text()
