"""The positional check against a plain reference: every rule scored answer by answer, chance by every draw.

The check scores each question once per rule from counts and caches; on random small quizzes of every
type and scoring rule (penalties, option fractions, partial credit, ids shared across questions) its
findings must be the reference's: the same strategies, scores and chance scores, the same verdicts.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from coursekit.authoring.positional import (
    EPSILON,
    Finding,
    PositionalLimitError,
    chance_of,
    evaluate,
    positional_rules,
)
from coursekit.quiz.scoring import score_question
from coursekit.quiz.spec import Matching, MultipleChoice, Question, QuizSpec, SingleChoice, parse_quiz

KINDS = {"single_choice": "single choice", "multiple_choice": "multiple choice", "matching": "matching",
         "true_false": "true/false"}


def reference_chance(question: Question, answer: Any) -> float:
    """The mean score of every random answer of the answer's shape, each one scored."""
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    if isinstance(question, SingleChoice):
        return mean([score_question(question, o.id) for o in question.options])
    if isinstance(question, MultipleChoice):
        ids = [o.id for o in question.options]
        return mean([score_question(question, list(draw)) for draw in itertools.combinations(ids, len(answer))])
    if isinstance(question, Matching):
        return sum(mean([score_question(question, {item: c.id}) for c in question.choices]) for item in answer)
    return mean([score_question(question, value) for value in (True, False)])


def reference_evaluate(quiz: QuizSpec) -> list[Finding]:
    """Every rule on every question it answers, then the best rule per type together."""
    tallies = []
    for rule in positional_rules(quiz):
        expected = chance = points = largest = 0.0
        count = 0
        for question in quiz.questions:
            answer = rule.answer(question) if question.type == rule.kind else None
            if answer is None:
                continue
            expected += score_question(question, answer)
            chance += reference_chance(question, answer)
            points += question.points
            largest = max(largest, question.points)
            count += 1
        if count:
            tallies.append((rule, Finding(f"{KINDS[rule.kind]}: {rule.name}", expected, chance, points, count,
                                          largest)))
    findings = [finding for _, finding in tallies]
    best: dict[str, Finding] = {}
    for rule, finding in tallies:
        if rule.kind not in best or finding.excess > best[rule.kind].excess:
            best[rule.kind] = finding
    chosen = [f for f in best.values() if f.excess > EPSILON]
    if len(best) >= 2 and chosen:
        findings.append(Finding("together: " + "; ".join(f.strategy for f in chosen),
                                sum(f.expected for f in chosen), sum(f.chance for f in chosen),
                                sum(f.points for f in chosen), sum(f.questions for f in chosen),
                                max(f.tolerance for f in chosen)))
    return findings


def random_options(rng: random.Random, count: int, tag: str) -> list[dict[str, Any]]:
    pool = "abcdefgh" if rng.random() < 0.7 else "abcdefghijkl"
    ids = rng.sample(pool, count) if rng.random() < 0.5 else list(pool[:count])
    return [{"id": i, "text": f"{tag} {i}"} for i in ids]


def random_question(rng: random.Random, number: int) -> dict[str, Any]:
    qid, points = f"q{number}", rng.choice([1.0, 2.0, 3.0, 0.5])
    kind = rng.choice(list(KINDS))
    if kind == "true_false":
        return {"id": qid, "type": kind, "text": qid, "points": points, "answer": rng.random() < 0.5}
    if kind == "matching":
        items = [{"id": f"i{k}", "text": f"item {k}"} for k in range(rng.randint(2, 4))]
        choices = random_options(rng, rng.randint(2, 5), "choice")
        answer = {item["id"]: rng.choice(choices)["id"] for item in items}
        return {"id": qid, "type": kind, "text": qid, "points": points, "items": items, "choices": choices,
                "answer": answer}
    options = random_options(rng, rng.randint(2, 6), "option")
    if kind == "single_choice":
        key = rng.choice(options)["id"]
        for option in options:
            if option["id"] != key and rng.random() < 0.3:
                option["fraction"] = rng.choice([50.0, 33.33333, -25.0, 10.0])
        return {"id": qid, "type": kind, "text": qid, "points": points, "options": options, "answer": key}
    keys = [o["id"] for o in rng.sample(options, rng.randint(1, len(options)))]
    question = {"id": qid, "type": kind, "text": qid, "points": points, "options": options, "answer": keys}
    style = rng.choice(["default", "penalty", "fractions"])
    if style == "penalty":
        question["penalty"] = rng.choice([0.0, 0.25, 0.5, 1.0, 2.5])
    elif style == "fractions":
        for option in options:
            if option["id"] in keys:
                option["fraction"] = round(100 / len(keys), 5)
            elif rng.random() < 0.6:
                option["fraction"] = rng.choice([-100.0, -50.0, -33.33333, -25.0, -14.28571])
        if abs(sum(o.get("fraction", 0) for o in options if o["id"] in keys) - 100) > 0.01:
            question["options"] = [{k: v for k, v in o.items() if k != "fraction"} for o in options]
    return question


@pytest.mark.parametrize("seed", range(40))
def test_findings_are_the_reference_s(seed: int) -> None:
    rng = random.Random(seed)
    quiz = parse_quiz({"title": "t", "questions": [random_question(rng, n) for n in range(rng.randint(1, 7))]},
                      require_source=False)
    found, expected = evaluate(quiz), reference_evaluate(quiz)
    assert [f.strategy for f in found] == [f.strategy for f in expected]
    for ours, theirs in zip(found, expected, strict=True):
        assert (ours.points, ours.questions, ours.tolerance) == (theirs.points, theirs.questions, theirs.tolerance)
        assert ours.expected == pytest.approx(theirs.expected, rel=1e-12, abs=1e-12), ours.strategy
        assert ours.chance == pytest.approx(theirs.chance, rel=1e-12, abs=1e-12), ours.strategy
        assert ours.fails == theirs.fails, ours.strategy


@pytest.mark.parametrize("seed", range(40))
def test_chance_of_every_number_of_boxes_is_the_reference_s(seed: int) -> None:
    rng = random.Random(1000 + seed)
    data = random_question(rng, 0)
    while data["type"] != "multiple_choice":
        data = random_question(rng, 0)
    [question] = parse_quiz({"title": "t", "questions": [data]}, require_source=False).questions
    ids = [o.id for o in question.options]
    for picks in range(1, len(ids) + 1):
        assert chance_of(question, ids[:picks]) == pytest.approx(reference_chance(question, ids[:picks]),
                                                                 rel=1e-12, abs=1e-12)


def test_fractions_too_varied_to_count_every_sum_are_named() -> None:
    options = [{"id": f"o{k}", "text": f"option {k}", "fraction": -(k + 1) / 100} for k in range(98)]
    options += [{"id": "r1", "text": "right 1", "fraction": 50.0}, {"id": "r2", "text": "right 2", "fraction": 50.0}]
    varied = parse_quiz({"title": "t", "questions": [{"id": "varied", "type": "multiple_choice", "text": "Which?",
                                                      "options": options, "answer": ["r1", "r2"]}]},
                        require_source=False)
    with pytest.raises(PositionalLimitError, match=r"^question 'varied': the option fractions of the multiple choice "):
        evaluate(varied)
