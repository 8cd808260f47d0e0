"""What the quiz widget shows of a quiz with pools: the questions drawn, and each past attempt on its own."""

from __future__ import annotations

from itertools import count

from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import parse_quiz, public_spec, spec_hash
from coursekit.widgets.quiz_state import quiz_view

SECTION = "pooled"


def _tf(qid: str) -> dict:
    return {"id": qid, "type": "true_false", "text": f"Statement {qid}.", "answer": True, "source": "x"}


SPEC = parse_quiz({"title": "Quiz", "settings": {"attempts": "unlimited", "feedback": "immediate"}, "questions": [
    _tf("fixed"), {"slot": "pick", "pool": [_tf("pick-a"), _tf("pick-b"), _tf("pick-c")]}]})
PUBLIC = public_spec(SPEC, SECTION, salt="course-salt")


def test_the_view_shows_the_drawn_questions_and_marks_each_attempt_on_its_own_questions():
    ticks = count()
    session = QuizSession(PUBLIC, empty_responses("ada", SECTION, spec_hash(PUBLIC)),
                          clock=lambda: f"2026-12-01T09:{next(ticks) % 60:02d}:00.000+00:00")
    first = draw_for_attempt(SPEC, "ada", SECTION, 1)["pick"]
    view = quiz_view(session)
    assert [q["id"] for q in view["questions"]] == ["fixed", first]
    session.set_answer("fixed", True)
    session.set_answer(first, True)
    session.submit()
    view = quiz_view(session, phase="result", show_result=True)
    second = draw_for_attempt(SPEC, "ada", SECTION, 2)["pick"]
    assert [q["id"] for q in view["questions"]] == ["fixed", second]
    assert view["history"][0]["marks"] == "2" and view["history"][0]["max_marks"] == "2"
    assert view["result"]["answered"] == 2 and view["result"]["marks"] == "2"
