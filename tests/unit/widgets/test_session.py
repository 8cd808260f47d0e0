import json
from pathlib import Path

import pytest

from coursekit.authoring.build import quiz_salt
from coursekit.authoring.course import load_course
from coursekit.quiz.attempts import AttemptLimitError
from coursekit.quiz.navigation import NavigationError
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.scoring import AnswerError
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import Review, public_spec, spec_hash

REPO = Path(__file__).resolve().parents[3]
SECTION = "cooperation_networking"


def _session(**settings):
    course = load_course(REPO / "course")
    quiz = course.section(SECTION).quiz
    quiz = quiz.model_copy(update={"settings": quiz.settings.model_copy(update=settings)})
    public = json.loads(json.dumps(public_spec(quiz, SECTION, quiz_salt(course.id, SECTION))))
    clock = iter(f"2026-11-01T10:00:{s:02d}" for s in range(60))
    return QuizSession(public, empty_responses("ada", SECTION, spec_hash(public)), lambda: next(clock)), quiz


def test_answers_are_validated_against_the_public_spec():
    session, _ = _session()
    with pytest.raises(AnswerError, match=r"partner-schools.*unknown option id .zz."):
        session.set_answer("partner-schools", "zz")
    with pytest.raises(AnswerError, match="expected a list"):
        session.set_answer("purposes", "a")
    session.set_answer("partner-schools", "b")
    assert session.answers == {"partner-schools": "b"}
    session.set_answer("partner-schools", None)
    assert session.answers == {}


def test_submit_records_attempts_and_starts_a_new_one():
    session, quiz = _session()
    flag = next(q.id for q in session.questions if q.type == "true_false")  # the one drawn for attempt 1
    session.set_answer(flag, True)
    responses = session.submit()
    assert [a.number for a in responses.attempts] == [1]
    assert responses.attempts[0].answers == {flag: True}
    assert responses.in_progress.answers == {} and session.attempt_number == 2
    assert len(session.unanswered()) == len(quiz.quiz_slots)  # one question per slot


def test_attempt_limit_is_enforced():
    session, _ = _session(attempts=2)
    session.submit()
    session.submit()
    assert session.finished and session.attempts_left == 0
    with pytest.raises(AttemptLimitError, match="2 of 2"):
        session.submit()
    with pytest.raises(AttemptLimitError):
        session.set_answer("recruitment", True)


def test_sequential_navigation_never_goes_back():
    session, _ = _session(navigation="sequential")
    session.navigator.next()
    assert not session.navigator.can_back
    with pytest.raises(NavigationError):
        session.navigator.back()
    with pytest.raises(NavigationError):
        session.navigator.go(0)


def test_immediate_feedback_from_digests_without_the_key():
    session, quiz = _session(feedback="immediate")
    assert all("answer" not in q for q in session.public["questions"])
    given = [quiz.question(q.id) for q in session.questions]  # the questions drawn for attempt 1, with keys
    assert len(given) == len(quiz.quiz_slots)
    for question in given:
        right = question.answer[0] if question.type == "short_answer" else question.answer
        session.set_answer(question.id, right)
    flag = next(q for q in given if q.type == "true_false")
    session.set_answer(flag.id, not flag.answer)
    verdicts = session.feedback(session.submit().attempts[-1])
    assert set(verdicts) == {q.id for q in given}
    assert verdicts[flag.id] is False
    assert all(v for k, v in verdicts.items() if k != flag.id)


def test_no_verdicts_when_review_hides_marks_or_attempts_are_limited():
    hidden = Review(immediately=("attempt",))
    session, _ = _session(review=hidden)
    assert session.feedback(session.submit().attempts[-1]) is None
    assert all("answer_digest" not in q for q in session.public["questions"]) and session.public["salt"] is None
    limited, _ = _session(attempts=3)  # Moodle's default review shows marks, but digests would leak the key
    assert limited.feedback(limited.submit().attempts[-1]) is None
    assert all("answer_digest" not in q for q in limited.public["questions"]) and limited.public["salt"] is None


def test_default_review_marks_in_the_kernel_when_attempts_are_unlimited():
    session, _ = _session()
    assert session.settings.review.shows("immediately", "marks")
    verdicts = session.feedback(session.submit().attempts[-1])
    assert verdicts is not None and not any(verdicts.values())  # nothing answered: nothing right


def test_shuffle_is_stable_per_learner():
    first, _ = _session()
    again, _ = _session()
    question = first.question("partner-schools")
    assert first.option_ids(question) == again.option_ids(question)
    assert sorted(first.option_ids(question)) == ["a", "b", "c", "d"]
