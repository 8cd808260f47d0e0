"""Every question type: partial and negative fractions, tolerance and units, wildcards, distractors, validation
errors naming the question, the learner's copy, and the Moodle question bank round trip of every question."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from coursekit.authoring.course import load_course
from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion
from coursekit.grading.feedback_page import feedback_texts
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.scoring import AnswerError, is_answered, score_question, validate_answer
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import QuizSpecError, Review, answer_key, parse_quiz, public_spec, rebuild_spec, spec_hash
from coursekit.quiz.types import REGISTRY, essay_from_bank, essay_to_bank, question_type, type_for_bank

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "fixtures" / "bank" / "every_type_quiz.yml"


def _corpus():
    return parse_quiz(yaml.safe_load(CORPUS.read_text(encoding="utf-8")), str(CORPUS), require_source=False)


def _q(question_id: str):
    return _corpus().question(question_id)


def _quiz(*questions: dict) -> dict:
    return {"title": "t", "questions": list(questions)}


# --- scoring ----------------------------------------------------------------------------------

def test_single_choice_gives_an_options_fraction_and_never_less_than_zero():
    q = _q("capital")  # 2 points; b earns 50 %, c -25 %, d nothing
    assert score_question(q, "a") == 2.0
    assert score_question(q, "b") == 1.0
    assert score_question(q, "c") == 0.0
    assert score_question(q, "d") == 0.0


def test_multiple_choice_with_fractions_adds_the_picked_options_and_floors_at_zero():
    q = _q("primes")  # a 50, b 30, c 20, d -100, e 0
    assert score_question(q, ["a", "b", "c"]) == 1.0
    assert score_question(q, ["a", "b", "c", "e"]) == 1.0
    assert score_question(q, ["a", "c"]) == 0.7
    assert score_question(q, ["a", "b", "c", "d"]) == 0.0
    assert score_question(q, ["b", "d"]) == 0.0
    assert score_question(q, ["e"]) == 0.0


def test_multiple_choice_without_fractions_keeps_the_default_rule_and_the_penalty():
    default = _q("default-rule")  # 3 points, 2 right, 1 wrong: +1.5 per right pick, -3 per wrong pick
    assert score_question(default, ["a"]) == 1.5
    assert score_question(default, ["a", "b", "c"]) == 0.0
    with_penalty = _q("with-penalty")  # 2 points, +1 per right pick, -0.5 per wrong pick
    assert score_question(with_penalty, ["a", "b", "c"]) == 1.5
    assert score_question(with_penalty, ["a", "c", "d"]) == 0.0


def test_matching_scores_pairs_and_offers_the_distractors():
    q = _q("pairs")
    assert score_question(q, {"fr": "paris", "de": "berlin", "it": "rome"}) == 3.0
    assert score_question(q, {"fr": "paris", "de": "vienna", "it": "madrid"}) == 1.0
    assert {"madrid", "vienna"} <= set(question_type(q).option_ids(q))
    with pytest.raises(AnswerError, match=r"'pairs'.*unknown choice id 'london'"):
        validate_answer(q, {"fr": "london"})


def test_short_answer_takes_the_first_accepted_answer_matched_with_its_fraction_and_wildcards():
    q = _q("colour")  # case-sensitive: Blue 100, "light blu*" 50, Grey 0
    assert score_question(q, "Blue") == 1.0
    assert score_question(q, " Blue. ") == 1.0
    assert score_question(q, "blue") == 0.0
    assert score_question(q, "light blue") == 0.5
    assert score_question(q, "light blu") == 0.5
    assert score_question(q, "light") == 0.0
    assert score_question(q, "Grey") == 0.0
    star = _q("star")  # "\*" is a star, not a wildcard
    assert score_question(star, "*") == 1.0
    assert score_question(star, "anything") == 0.0
    assert score_question(star, "STAR") == 1.0


def test_numerical_reads_tolerance_fractions_units_and_the_unit_penalty():
    q = _q("length")  # 2 points: 1.5 ± 0.01 full, 1.5 ± 0.1 half, any number 0; m, cm (× 100); unit penalty 0.2
    assert score_question(q, "1.5") == 2.0
    assert score_question(q, "1.505 m") == 2.0
    assert score_question(q, "150 cm") == 2.0
    assert score_question(q, "1,5") == 2.0
    assert score_question(q, 1.5) == 2.0
    assert score_question(q, "1.45") == 1.0
    assert score_question(q, "1.5 km") == pytest.approx(2 * 0.8)
    assert score_question(q, "1.45 ft") == pytest.approx(2 * 0.3)
    assert score_question(q, "3") == 0.0
    assert score_question(q, "one and a half") == 0.0
    plain = _q("plain-number")
    assert score_question(plain, "42") == 1.0
    assert score_question(plain, "42 apples") == 0.0
    assert score_question(plain, "41.9999") == 0.0
    with pytest.raises(AnswerError, match=r"'plain-number'.*expected a number"):
        validate_answer(plain, ["42"])
    assert not is_answered(plain, "  ") and is_answered(plain, 0)


def test_numerical_typing_hint_names_what_keeps_a_typed_answer_from_counting():
    q, plain = _q("length"), _q("plain-number")
    hint = question_type(q).typing_hint
    assert [hint(q, a) for a in ("1.5", "150 cm", "1,5 m", "", 1.5)] == [None] * 5
    assert hint(q, "one and a half") == "No number was read from your answer: start it with a number, such as 1.5."
    assert hint(q, "1.5 km") == "'km' is not one of this question's units (m, cm)."
    assert question_type(plain).typing_hint(plain, "42 apples") == "This question takes a number only: remove 'apples'."
    assert question_type(plain).typing_hint(plain, "42") is None
    assert question_type(_q("capital")).typing_hint(_q("capital"), "a") is None  # other types: none


# --- validation errors name the question ------------------------------------------------------

@pytest.mark.parametrize(("question", "message"), [
    ({"id": "sc", "type": "single_choice", "text": "t", "options": [{"id": "a", "text": "A", "fraction": 50},
                                                                    {"id": "b", "text": "B"}], "answer": "a"},
     r"question 'sc'.*key 'a' earns full points"),
    ({"id": "mc", "type": "multiple_choice", "text": "t", "answer": ["a"],
      "options": [{"id": "a", "text": "A", "fraction": 60}, {"id": "b", "text": "B", "fraction": -10}]},
     r"question 'mc'.*positive fractions must add up to 100, got 60"),
    ({"id": "mc2", "type": "multiple_choice", "text": "t", "answer": ["a"],
      "options": [{"id": "a", "text": "A", "fraction": 50}, {"id": "b", "text": "B", "fraction": 50}]},
     r"question 'mc2'.*exactly the options with a positive fraction"),
    ({"id": "mc3", "type": "multiple_choice", "text": "t", "answer": ["a"], "penalty": 1,
      "options": [{"id": "a", "text": "A", "fraction": 100}, {"id": "b", "text": "B"}]},
     r"question 'mc3'.*either option fractions or a penalty"),
    ({"id": "mc4", "type": "multiple_choice", "text": "t", "answer": ["a"],
      "options": [{"id": "a", "text": "A", "fraction": 100}, {"id": "b", "text": "B", "fraction": -120}]},
     r"question 'mc4' \(options.1.fraction\)"),
    ({"id": "sa", "type": "short_answer", "text": "t", "answer": [{"text": "x", "fraction": 50}]},
     r"question 'sa'.*no accepted answer earns full points"),
    ({"id": "nu", "type": "numerical", "text": "t", "answer": [{"value": 1, "fraction": 50}]},
     r"question 'nu'.*no accepted number earns full points"),
    ({"id": "nu2", "type": "numerical", "text": "t", "answer": [{"value": 1}],
      "units": [{"unit": "cm", "multiplier": 100}]},
     r"question 'nu2'.*base unit: its multiplier must be 1"),
    ({"id": "nu3", "type": "numerical", "text": "t", "answer": [{"value": "many"}]},
     r"question 'nu3' \(answer.0.value"),
    ({"id": "ma", "type": "matching", "text": "t", "items": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}],
      "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "A"}], "answer": {"x": "a", "y": "b"}},
     r"question 'ma'.*two choices have the same text"),
    ({"id": "tf", "type": "essay", "text": "t", "answer": True},
     r"question 'tf'.*unknown type 'essay'; expected one of single_choice, .*numerical"),
])
def test_invalid_questions_are_refused_naming_file_and_question(question, message):
    with pytest.raises(QuizSpecError, match=message) as caught:
        parse_quiz(_quiz(question), "course/x/quiz.yml", require_source=False)
    assert str(caught.value).startswith("course/x/quiz.yml: ")


# --- the learner's copy, the key and immediate feedback ---------------------------------------

def test_the_learners_copy_holds_no_fraction_feedback_or_key_and_joins_back_with_the_key():
    spec = _corpus()
    public = public_spec(spec, "s", "salt")
    text = yaml.safe_dump(public["questions"])
    for secret in ("fraction", "feedback", "tolerance", "Second city", "light blu", "GEO-1", "hints",
                   "retry_penalty", "unit_penalty", "Rayleigh", "1.5"):
        assert secret not in text, secret
    assert public["questions"][[q.id for q in spec.questions].index("length")]["units"] == [
        {"unit": "m", "multiplier": 1.0}, {"unit": "cm", "multiplier": 100.0}]
    assert rebuild_spec(public, answer_key(spec)) == spec


def test_kernel_marks_nothing_when_a_question_cannot_be_digested():
    spec = parse_quiz({"title": "t", "settings": {"feedback": "immediate"},
                       "questions": [{"id": "n", "type": "numerical", "text": "t", "answer": [{"value": 2}]},
                                     {"id": "b", "type": "true_false", "text": "t", "answer": True}]},
                      require_source=False)
    public = public_spec(spec, "s", "salt")
    assert "answer_digest" not in public["questions"][0] and "answer_digest" in public["questions"][1]
    session = QuizSession(public, empty_responses("ada", "s", spec_hash(public)), lambda: "2026-11-01T10:00:00")
    session.set_answer("n", "2")
    session.set_answer("b", True)
    session.submit()
    assert session.feedback(session.submitted[0]) is None  # "after grading", never a wrong "not right"
    digestible = spec.model_copy(update={"questions": spec.questions[1:]})
    public = public_spec(digestible, "s", "salt")
    session = QuizSession(public, empty_responses("ada", "s", spec_hash(public)), lambda: "2026-11-01T10:00:00")
    session.set_answer("b", True)
    session.submit()
    assert session.feedback(session.submitted[0]) == {"b": True}


def test_feedback_texts_follow_the_answer_and_the_review_options():
    q = _q("capital")
    everything = Review()
    assert feedback_texts(q, "b", 1.0, everything) == (
        "Second city by some counts.", "Nearly.", "Paris has been the capital since 987.")
    assert feedback_texts(q, "a", 2.0, everything) == ("Yes.", "Well done.", "Paris has been the capital since 987.")
    assert feedback_texts(q, None, 0.0, everything) == ("Look at a map.", "Paris has been the capital since 987.")
    no_specific = Review(open=("attempt", "general_feedback"))
    assert feedback_texts(q, "b", 1.0, no_specific) == ("Paris has been the capital since 987.",)
    assert feedback_texts(q, "b", 1.0, Review(open=("attempt",))) == ()
    assert feedback_texts(_q("colour"), "light blue", 0.5, everything) == ("Close enough for half.",)
    assert feedback_texts(_q("length"), "9", 0.0, everything) == ("Measure again.",)
    assert feedback_texts(_q("sky"), False, 1.0, everything) == ("Right.", "Rayleigh scattering.")


# --- simulated, right and wrong answers -------------------------------------------------------

@pytest.mark.parametrize("question_id", [q.id for q in _corpus().questions])
def test_every_type_gives_right_wrong_and_simulated_answers_that_fit(question_id):
    q = _q(question_id)
    kind = question_type(q)
    assert score_question(q, kind.right_answer(q)) == q.points
    assert score_question(q, kind.wrong_answer(q)) == 0.0
    rng = random.Random(7)
    assert score_question(q, kind.simulated_answer(q, 1.0, rng)) == q.points
    for _ in range(20):
        validate_answer(q, kind.simulated_answer(q, 0.5, rng))


# --- the Moodle question bank mapping ---------------------------------------------------------

def _round_trip(question):
    kind = question_type(question)
    bq = kind.to_bank(question)
    assert bq.supported and type_for_bank(bq) is kind
    data = kind.from_bank(bq)
    assert "source" not in data
    return parse_quiz(_quiz(data), "bank", require_source=False).questions[0]


COURSE = load_course(REPO / "course")
COURSE_QUESTIONS = [(s.id, q.id) for s in COURSE.sections for q in s.quiz.questions]


@pytest.mark.parametrize(("section", "question_id"), COURSE_QUESTIONS)
def test_every_course_question_survives_the_bank_round_trip(section, question_id):
    question = COURSE.section(section).quiz.question(question_id)
    assert _round_trip(question) == question.model_copy(update={"source": None})


@pytest.mark.parametrize("question_id", [q.id for q in _corpus().questions])
def test_every_corpus_question_survives_the_bank_round_trip(question_id):
    question = _q(question_id)
    assert _round_trip(question) == question


@pytest.mark.parametrize(("section", "comment_id"), [(s.id, c.id) for s in COURSE.sections for c in s.comments])
def test_every_reflection_question_survives_the_essay_round_trip(section, comment_id):
    comment = next(c for c in COURSE.section(section).comments if c.id == comment_id)
    bq = essay_to_bank(comment)
    assert bq.qtype == "essay" and type_for_bank(bq) is None and bq.default_grade == comment.points
    data = essay_from_bank(bq)
    assert type(comment).model_validate({**data, "source": comment.source}) == comment


def test_bank_records_map_to_types_and_unsupported_ones_to_none():
    assert type_for_bank(BankQuestion("multichoice", single=True)) is REGISTRY["single_choice"]
    assert type_for_bank(BankQuestion("multichoice", single=False)) is REGISTRY["multiple_choice"]
    for qtype, name in (("truefalse", "true_false"), ("shortanswer", "short_answer"), ("numerical", "numerical"),
                        ("matching", "matching")):
        assert type_for_bank(BankQuestion(qtype)) is REGISTRY[name]
    for unsupported in ("multianswer", "ddwtos", "calculated", "essay", "description"):
        assert type_for_bank(BankQuestion(unsupported)) is None


def test_a_moodle_matching_question_keeps_its_distractors_and_its_fields():
    bq = BankQuestion("matching", name="Capitals", idnumber="Q 7", text="<p>Match</p>", text_format="html",
                      tags=["Top", "geo"], default_grade=2, penalty=0.1, general_feedback="See the atlas.",
                      subquestions=[BankSubquestion("France", "Paris"), BankSubquestion("Italy", "Rome"),
                                    BankSubquestion("", "Madrid"), BankSubquestion("Spain", "Madrid")])
    data = REGISTRY["matching"].from_bank(bq)
    q = parse_quiz(_quiz(data), require_source=False).questions[0]
    assert (q.id, q.name, q.idnumber, q.text_format, q.tags, q.points, q.retry_penalty) == (
        "q-7", "Capitals", "Q 7", "html", ["Top", "geo"], 2.0, 0.1)
    assert [i.text for i in q.items] == ["France", "Italy", "Spain"]
    assert [c.text for c in q.choices] == ["Paris", "Rome", "Madrid"]
    assert q.answer == {"1": "a", "2": "b", "3": "c"}
    assert q.general_feedback == "See the atlas."


def test_a_moodle_multichoice_becomes_the_simplest_form_that_scores_the_same():
    def multi(*fractions: float) -> BankQuestion:
        return BankQuestion("multichoice", name="m", text="t", single=False,
                            answers=[BankAnswer(f"o{i}", f) for i, f in enumerate(fractions)])

    default = REGISTRY["multiple_choice"].from_bank(multi(50, 50, -100))
    assert default["answer"] == ["a", "b"] and "penalty" not in default
    assert all("fraction" not in o for o in default["options"])
    penalised = REGISTRY["multiple_choice"].from_bank(multi(50, 50, -25, -25))
    assert penalised["penalty"] == 0.25 and "fraction" not in penalised["options"][0]
    weighted = REGISTRY["multiple_choice"].from_bank(multi(33.33333, 33.33333, 33.33333, -50, 0))
    assert [o.get("fraction") for o in weighted["options"]] == [33.33333, 33.33333, 33.33333, -50, None]
    uneven = REGISTRY["multiple_choice"].from_bank(multi(70, 30, -50, 0))
    q = parse_quiz(_quiz(uneven), require_source=False).questions[0]
    assert score_question(q, ["a"]) == 0.7 and score_question(q, ["b", "c"]) == 0.0


def test_a_bank_question_without_full_marks_is_refused_by_name():
    bq = BankQuestion("multichoice", name="Broken", text="t", single=True,
                      answers=[BankAnswer("x", 50), BankAnswer("y", 0)])
    with pytest.raises(ValueError, match="question 'Broken': no answer earns 100 %"):
        REGISTRY["single_choice"].from_bank(bq)
    with pytest.raises(ValueError, match="question 'n': answer 'lots' is not a number"):
        REGISTRY["numerical"].from_bank(BankQuestion("numerical", name="n", text="t",
                                                      answers=[BankAnswer("lots", 100)]))


def test_the_leak_check_finds_fractions_feedback_and_tolerances_in_a_learners_copy(tmp_path):
    import json
    import shutil

    from coursekit.authoring.leaks import find_leaks

    shutil.copytree(REPO / "release", tmp_path / "release")
    section = COURSE.sections[0]
    assert find_leaks(tmp_path / "release", COURSE) == []
    spec_path = tmp_path / "release" / section.id / "quiz.json"
    public = json.loads(spec_path.read_text(encoding="utf-8"))
    public["questions"][0]["options"][1]["fraction"] = 50
    public["questions"][1]["general_feedback"] = "The key is a, c and d."
    public["questions"].append({"id": "n", "type": "numerical", "text": "t", "answer": [{"value": 1}],
                                "units": [{"unit": "m", "multiplier": 1}], "tolerances": [{"tolerance": 0.1}]})
    spec_path.write_text(json.dumps(public), encoding="utf-8")
    found = "\n".join(find_leaks(tmp_path / "release", COURSE))
    first, second = section.quiz.questions[0].id, section.quiz.questions[1].id
    assert f"question {first!r} has key field 'fraction' in options" in found
    assert f"question {second!r} has key field 'general_feedback'" in found
    assert "question 'n' has key field 'answer'" in found
    assert "question 'n' has key field 'tolerance' in tolerances" in found
    assert "'units'" not in found
