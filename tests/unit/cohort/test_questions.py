"""Questions and options as learners read them (coursekit.cohort.questions), on the course's own quizzes."""

from __future__ import annotations

from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.cohort.questions import accepted_text, option_labels, question_catalogue
from coursekit.quiz.spec import Matching, ShortAnswer, SingleChoice, TrueFalse
from coursekit.quiz.types import question_type
from coursekit.quiz.types.numerical import Numerical

COURSE = load_course(REPO / "course")
QUIZZES = {s.id: s.quiz for s in COURSE.sections}


def test_catalogue_numbers_every_question_in_the_learners_order():
    catalogue = question_catalogue(QUIZZES)  # one row per slot; a pool shows its first question
    assert len(catalogue) == sum(len(q.quiz_slots) for q in QUIZZES.values())
    for section, quiz in QUIZZES.items():
        rows = catalogue[catalogue["section"] == section]
        slots = quiz.quiz_slots
        assert any(slot.pooled for slot in slots)
        assert list(rows["item"]) == [s.id for s in slots]
        assert list(rows["number"]) == list(range(1, len(slots) + 1))
        firsts = [quiz.question(s.questions[0]).text for s in slots]
        assert list(rows["text"]) == [f"{text} (one of {len(s.questions)} questions drawn)" if s.pooled else text
                                      for text, s in zip(firsts, slots, strict=True)]
    assert set(catalogue["type"]) == {"single choice", "multiple choice", "true or false", "matching", "short answer"}
    assert set(catalogue["type"]) == {question_type(q).words for quiz in QUIZZES.values() for q in quiz.questions}


def _first(kind):
    return next(q for quiz in QUIZZES.values() for q in quiz.questions if isinstance(q, kind))


def test_choice_options_carry_their_text_and_the_key():
    question = _first(SingleChoice)
    labels = option_labels(question, ["zz"])
    assert [(o, t) for o, t, _ in labels[:-1]] == [(o.id, o.text) for o in question.options]
    assert [o for o, _, key in labels if key] == [question.answer]
    assert labels[-1] == ("zz", "zz", False)
    assert [(o, key) for o, _, key in option_labels(_first(TrueFalse), [])] == [
        ("true", _first(TrueFalse).answer), ("false", not _first(TrueFalse).answer)]


def test_matching_pairs_and_short_answers_read_as_text():
    question = _first(Matching)
    item, choice = next(iter(question.answer.items()))
    wrong = next(c.id for c in question.choices if c.id != choice)
    labels = {o: (t, key) for o, t, key in option_labels(question, [f"{item}={wrong}"])}
    item_text = next(i.text for i in question.items if i.id == item)
    choice_text = next(c.text for c in question.choices if c.id == choice)
    assert labels[f"{item}={choice}"] == (f"{item_text} → {choice_text}", True)
    assert labels[f"{item}={wrong}"][1] is False
    short = _first(ShortAnswer)
    given = {o: key for o, _, key in option_labels(short, [short.answer[0].upper(), "surely not this"])}
    assert given == {short.answer[0].upper(): True, "surely not this": False}


def test_a_right_numerical_answer_is_the_key_in_every_form_it_is_accepted():
    question = Numerical(id="q", type="numerical", text="How many days?", answer=[
        {"value": 4}, {"value": 5, "fraction": 50}], units=[{"unit": "days"}])
    given = {o: (t, key) for o, t, key in option_labels(question, ["4", "5", "4 days", "4.0", "four", "4", "9"])}
    assert given == {"4": ("4", True), "5": ("5", False), "4 days": ("4 days", True), "4.0": ("4.0", True),
                     "four": ("four", False), "9": ("9", False)}


def test_short_answer_keyed_with_fractions_and_feedback_reads_as_text():
    """The key form an imported Moodle short answer with feedback takes: {text, fraction, feedback}."""
    question = ShortAnswer.model_validate({
        "id": "programme", "type": "short_answer", "text": "Which EU programme funds the mobility?",
        "answer": [{"text": "Erasmus+", "fraction": 100, "feedback": "Right."},
                   {"text": "Erasmus", "fraction": 50, "feedback": "Nearly: the current name has a plus."},
                   "Erasmus plus"],
    })
    assert accepted_text(question) == "Erasmus+, Erasmus (50 %), Erasmus plus"
    labels = {o: key for o, _, key in option_labels(question, ["erasmus+", "erasmus", "Comenius"])}
    assert labels == {"erasmus+": True, "erasmus": False, "Comenius": False}  # half credit is not the key
    assert accepted_text(_first(ShortAnswer)) == ", ".join(_first(ShortAnswer).answer)

