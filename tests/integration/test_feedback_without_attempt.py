"""The feedback page of a learner who submitted no attempt of a quiz with pools: each pooled place is a line with
its points, never the text or the key of a question of its pool (a pool gave them no question this page could
name: under JupyterHub the quiz service draws with its own key); fixed questions and the quiz's points stay."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from pool_feedback_support import NO_ATTEMPT, ONE_ATTEMPT, pool_feedback

from coursekit.grading.feedback_page import correct_answer_text
from coursekit.quiz.describe import points_text
from coursekit.quiz.draw import draw_for_attempt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return pool_feedback(tmp_path_factory.mktemp("pool-feedback"))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _blocks(html: str) -> list[str]:
    """The text of each quiz question block of a feedback page, in order."""
    soup = BeautifulSoup(html, "html.parser")
    return [_flat(block.get_text(" ")) for block in soup.select("section.coursekit-quiz-question")]


def test_no_attempt_shows_each_pooled_place_as_a_line_with_its_points_and_nothing_of_its_pool(graded):
    quiz = graded.section.quiz
    html = graded.pages[NO_ATTEMPT].read_text(encoding="utf-8")
    page_text = _flat(BeautifulSoup(html, "html.parser").get_text(" "))
    blocks = _blocks(html)
    slots = quiz.quiz_slots
    assert len(blocks) == len(slots)
    assert any(s.pooled for s in slots) and any(not s.pooled for s in slots)
    assert f"Quiz: 0 of {points_text(quiz.max_points)} (0 %)" in page_text  # the quiz's points are all there
    for number, (block, slot) in enumerate(zip(blocks, slots, strict=True), 1):
        assert block.startswith(f"Question {number} "), block
        if slot.pooled:
            assert block == (f"Question {number} No answer given: 0 of {points_text(quiz.slot_points(slot))}. This "
                             "question is drawn from a pool for each attempt, and you have no graded attempt.")
            for member in (quiz.question(qid) for qid in slot.questions):
                assert _flat(member.text) not in page_text, (slot.id, member.id)
                assert f"Correct answer: {_flat(correct_answer_text(member))}" not in page_text, (slot.id, member.id)
                for passage in member.cited:
                    assert _flat(passage) not in block, (slot.id, member.id)
        else:
            question = quiz.question(slot.questions[0])
            assert _flat(question.text) in block and "Your answer: (no answer)" in block
            assert f"Correct answer: {_flat(correct_answer_text(question))}" in block  # the section shows keys


def test_a_learner_with_an_attempt_still_sees_the_questions_drawn_for_it(graded):
    quiz = graded.section.quiz
    blocks = _blocks(graded.pages[ONE_ATTEMPT].read_text(encoding="utf-8"))
    drawn = draw_for_attempt(quiz, ONE_ATTEMPT, graded.section.id, 1)
    for block, slot in zip(blocks, quiz.quiz_slots, strict=True):
        question = quiz.question(drawn[slot.id])
        assert _flat(question.text) in block and "No answer given" not in block
        assert f"Correct answer: {_flat(correct_answer_text(question))}" in block
        assert f"of {points_text(question.points)}" in block
