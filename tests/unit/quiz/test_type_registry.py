"""A question type added in a test, with its own two modules (core and view) and one registry call:
it validates, scores, shuffles, simulates, joins the learner's copy with its key and draws its view state,
with no other part of coursekit edited."""

from __future__ import annotations

import random
import sys
import textwrap

import pytest

from coursekit.quiz.describe import QUESTION_KINDS, describe_answer
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.scoring import AnswerError, score_answers, score_question, validate_answer
from coursekit.quiz.session import QuizSession
from coursekit.quiz.shuffle import option_order
from coursekit.quiz.spec import QuizSpecError, answer_key, parse_quiz, public_spec, rebuild_spec, spec_hash
from coursekit.quiz.types import REGISTRY, register, type_for_bank, unregister
from coursekit.simulate import simulated_answer
from coursekit.widgets.quiz import assemble_esm
from coursekit.widgets.quiz_state import quiz_view

CORE_MODULE = '''
"""Ordering: put the items in the right order (a test-only question type)."""

from __future__ import annotations

import itertools
import random
from typing import Any, Literal

from pydantic import Field, model_validator

from coursekit.bank.record import BankAnswer, BankQuestion
from coursekit.quiz.types.base import Option, QuestionModel, QuestionType, common_from_bank, common_to_bank, fail
from coursekit.quiz.types.blind import BlindRule, BlindScorer, mean


class OrderScorer(BlindScorer):
    """Chance: the mean score of every order of the items."""

    def chance(self, answer):
        return mean(self.score(list(order)) for order in itertools.permutations(answer))


class Ordering(QuestionModel):
    type: Literal["ordering"]
    items: list[Option] = Field(min_length=2)
    answer: list[str]

    @model_validator(mode="after")
    def _key_is_the_items(self) -> "Ordering":
        if sorted(self.answer) != sorted(i.id for i in self.items):
            raise ValueError("the key must list every item once")
        return self


class OrderingType(QuestionType):
    name = "ordering"
    model = Ordering
    words = "ordering"
    bank_qtype = "ordering"

    def placeholder_key(self, public):
        return [i["id"] for i in public["items"]]

    def validate_answer(self, question, answer):
        ids = [i.id for i in question.items]
        if not isinstance(answer, list) or sorted(answer) != sorted(ids):
            raise fail(question, "expected every item id once, in order")
        return answer

    def score(self, question, answer):
        right = sum(1 for given, key in zip(answer, question.answer) if given == key)
        return question.points * right / len(question.items)

    def option_ids(self, question):
        return [i.id for i in question.items]

    def blind_rules(self, questions):
        return [BlindRule("the items as shown", lambda q: [i.id for i in q.items]),
                BlindRule("the items in reverse", lambda q: [i.id for i in q.items][::-1])]

    def blind_scorer(self, question, budget):
        return OrderScorer(question, self, [i.id for i in question.items])

    def describe(self, question, answer):
        texts = {i.id: i.text for i in question.items}
        return " < ".join(texts[i] for i in answer)

    def key_text(self, question):
        return self.describe(question, question.answer)

    def simulated_answer(self, question, p, rng):
        if rng.random() < p:
            return list(question.answer)
        return list(reversed(question.answer))

    def right_answer(self, question):
        return list(question.answer)

    def wrong_answer(self, question):
        return list(reversed(question.answer))

    def view(self, question, option_ids):
        texts = {i.id: i.text for i in question.items}
        return {"items": [{"id": i, "text": texts[i]} for i in option_ids]}

    def to_bank(self, question):
        bq = common_to_bank(question, "ordering")
        texts = {i.id: i.text for i in question.items}
        bq.answers = [BankAnswer(texts[i], 100.0, id=i) for i in question.answer]
        return bq

    def from_bank(self, bq):
        data = common_from_bank(bq, self.name)
        data["items"] = [{"id": a.id, "text": a.text} for a in bq.answers]
        data["answer"] = [a.id for a in bq.answers]
        return data


QUESTION_TYPE = OrderingType()
'''

VIEW_MODULE = '''
// ordering: the items in this learner's order.
VIEWS.set("ordering", {
  draw: (ctx, view, q) => ctx.el("ol", { class: "coursekit-ordering" },
    q.items.map((i) => ctx.el("li", { text: i.text }))),
  refresh: () => {},
});
'''

QUIZ = {
    "title": "Order",
    "settings": {"attempts": "unlimited"},
    "questions": [
        {"id": "steps", "type": "ordering", "points": 3, "text": "Order the steps.",
         "items": [{"id": "plan", "text": "Plan"}, {"id": "do", "text": "Do"}, {"id": "check", "text": "Check"},
                   {"id": "act", "text": "Act"}],
         "answer": ["plan", "do", "check", "act"], "source": "Plan, do, check, act."},
        {"id": "sure", "type": "true_false", "text": "PDCA is a cycle.", "answer": True, "source": "a cycle"},
    ],
}


@pytest.fixture
def ordering(tmp_path, monkeypatch):
    """The test-only type: its core module imported from a file, its view module beside it, registered."""
    (tmp_path / "ordering_type.py").write_text(textwrap.dedent(CORE_MODULE), encoding="utf-8")
    view = tmp_path / "ordering.js"
    view.write_text(VIEW_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("ordering_type")
    module.OrderingType.view_module = view
    register(module.QUESTION_TYPE)
    yield module
    unregister("ordering")
    sys.modules.pop("ordering_type", None)


def test_the_type_is_unknown_before_it_is_registered():
    with pytest.raises(QuizSpecError, match="question 'steps': unknown type 'ordering'"):
        parse_quiz(QUIZ)


def test_a_registered_type_validates_scores_and_names_the_question_in_errors(ordering):
    spec = parse_quiz(QUIZ, "course/pdca/quiz.yml")
    steps = spec.question("steps")
    assert isinstance(steps, ordering.Ordering)
    assert score_question(steps, ["plan", "do", "check", "act"]) == 3.0
    assert score_question(steps, ["plan", "do", "act", "check"]) == 1.5
    assert score_answers(spec, {"steps": ["act", "check", "do", "plan"], "sure": True}) == {"steps": 0.0, "sure": 1.0}
    with pytest.raises(AnswerError, match="question 'steps': expected every item id once"):
        validate_answer(steps, ["plan"])
    broken = {**QUIZ, "questions": [{**QUIZ["questions"][0], "answer": ["plan"]}]}
    with pytest.raises(QuizSpecError, match=r"course/pdca/quiz\.yml: question 'steps'.*every item once"):
        parse_quiz(broken, "course/pdca/quiz.yml")
    assert QUESTION_KINDS["ordering"] == "ordering"
    assert describe_answer(steps, ["plan", "do", "check", "act"]) == "Plan < Do < Check < Act"


def test_a_registered_type_shuffles_and_simulates(ordering):
    steps = parse_quiz(QUIZ).question("steps")
    orders = {tuple(option_order(steps, f"learner{n}", "pdca")) for n in range(12)}
    assert len(orders) > 1 and all(sorted(o) == sorted(steps.answer) for o in orders)
    assert option_order(steps, "ada", "pdca") == option_order(steps, "ada", "pdca")
    assert option_order(steps, "ada", "pdca", enabled=False) == ["plan", "do", "check", "act"]
    rng = random.Random(3)
    assert simulated_answer(steps, 1.0, rng) == steps.answer
    assert score_question(steps, simulated_answer(steps, 0.0, rng)) == 0.0


def test_a_registered_type_travels_in_the_learners_copy_and_the_bank(ordering):
    spec = parse_quiz(QUIZ)
    public = public_spec(spec, "pdca", "salt")
    assert "answer" not in public["questions"][0]
    assert rebuild_spec(public, answer_key(spec)) == parse_quiz(QUIZ, require_source=False).model_copy(
        update={"questions": [q.model_copy(update={"source": None}) for q in spec.questions]})
    steps = spec.question("steps")
    bq = ordering.QUESTION_TYPE.to_bank(steps)
    assert type_for_bank(bq) is REGISTRY["ordering"]
    back = parse_quiz({"title": "t", "questions": [ordering.QUESTION_TYPE.from_bank(bq)]}, require_source=False)
    assert back.questions[0] == steps.model_copy(update={"source": None})


def test_a_registered_type_draws_its_view_state_and_its_view_module(ordering):
    spec = parse_quiz({**QUIZ, "settings": {"attempts": "unlimited", "feedback": "immediate"}})
    public = public_spec(spec, "pdca", "salt")
    session = QuizSession(public, empty_responses("ada", "pdca", spec_hash(public)), lambda: "2026-11-01T10:00:00")
    session.set_answer("steps", ["plan", "do", "check", "act"])
    session.submit()
    assert session.feedback(session.submitted[0]) == {"steps": True, "sure": False}
    view = quiz_view(session)
    drawn = view["questions"][0]
    assert drawn["type"] == "ordering" and drawn["points"] == 3.0
    assert [i["id"] for i in drawn["items"]] == session.option_ids(session.question("steps"))
    assert [i["text"] for i in drawn["items"]] != [] and "answer" not in drawn
    esm = assemble_esm()
    assert 'VIEWS.set("ordering"' in esm and esm.index('VIEWS.set("ordering"') < esm.index("function render(")
    unregister("ordering")
    assert 'VIEWS.set("ordering"' not in assemble_esm()
    register(ordering.QUESTION_TYPE)


def test_built_in_types_cannot_be_replaced_or_removed():
    with pytest.raises(ValueError, match="registered already"):
        register(REGISTRY["numerical"])
    with pytest.raises(ValueError, match="built in"):
        unregister("numerical")
    esm = assemble_esm()
    assert "/* coursekit:views */" not in esm
    assert all(f'VIEWS.set("{name}"' in esm for name in REGISTRY)


def test_a_registered_type_reaches_the_item_analysis_with_its_name_and_keys(ordering):
    from coursekit.cohort.questions import option_labels, question_catalogue

    spec = parse_quiz(QUIZ)
    catalogue = question_catalogue({"pdca": spec})
    assert list(catalogue["type"]) == ["ordering", "true or false"]
    steps = spec.question("steps")
    assert option_labels(steps, ["plan", "act"]) == [("plan", "plan", False), ("act", "act", False)]
    sure = spec.question("sure")
    assert [(label.option, label.is_key) for label in option_labels(sure, ["true"])] == [("true", True),
                                                                                          ("false", False)]


@pytest.mark.parametrize(("raw", "pinned"), [(-5.0, 0.0), (30.0, 3.0), (1.0000004, 1.0), (float("-0.0"), 0.0)])
def test_a_registered_types_score_is_held_to_zero_and_its_points(ordering, monkeypatch, raw, pinned):
    """Whatever a type's ``score`` returns, a question earns between 0 and its points (rounded to 6 places)."""
    steps = parse_quiz(QUIZ).question("steps")
    monkeypatch.setattr(ordering.OrderingType, "score", lambda self, question, answer: raw)
    assert score_question(steps, ["plan", "do", "check", "act"]) == pinned
    assert score_question(steps, None) == 0.0  # unanswered never reaches the type


def test_a_registered_type_is_checked_for_positional_guessing(ordering):
    """The toy type's own blind rules and chance run through the release's positional check."""
    from coursekit.authoring.positional import chance_of, evaluate, positional_findings

    step = QUIZ["questions"][0]
    shown = [{**step, "id": f"s{n}", "points": 1} for n in range(4)]
    spec = parse_quiz({"title": "Order", "questions": shown})
    assert chance_of(spec.questions[0], ["plan", "do", "check", "act"]) == pytest.approx(0.25)
    found = {f.strategy: (f.expected, f.chance) for f in evaluate(spec)}
    assert found["ordering: the items as shown"] == (4.0, pytest.approx(1.0))
    assert found["ordering: the items in reverse"] == (0.0, pytest.approx(1.0))
    [failing] = positional_findings(public_spec(spec, "pdca", "salt"), answer_key(spec))
    assert failing.strategy == "ordering: the items as shown" and failing.fails
    spread = [{**q, "answer": q["answer"] if n % 2 else q["answer"][::-1]} for n, q in enumerate(shown)]
    balanced = parse_quiz({"title": "Order", "questions": spread})
    assert positional_findings(public_spec(balanced, "pdca", "salt"), answer_key(balanced)) == []
