"""The positional check: blind rules (by position or id) against random answers, on hand-made quizzes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from coursekit.authoring.course import load_course
from coursekit.authoring.positional import chance_of, evaluate, find_positional, positional_findings
from coursekit.paths import ProjectPaths
from coursekit.quiz.scoring import score_question
from coursekit.quiz.spec import QuizSpec, answer_key, parse_quiz, public_spec

LETTERS = "abcdefgh"


def single(qid: str, key_at: int, options: int = 4, ids: str = LETTERS, points: float = 1.0) -> dict[str, Any]:
    """A single-choice question whose key is option number ``key_at`` (1-based), ids in the given order."""
    opts = [{"id": ids[i], "text": f"option {i + 1} of {qid}"} for i in range(options)]
    return {"id": qid, "type": "single_choice", "text": qid, "points": points, "options": opts,
            "answer": ids[key_at - 1]}


def multiple(qid: str, keys_at: list[int], options: int = 4, points: float = 2.0) -> dict[str, Any]:
    """A multiple-choice question whose keys are the option numbers ``keys_at`` (1-based)."""
    opts = [{"id": LETTERS[i], "text": f"option {i + 1} of {qid}"} for i in range(options)]
    return {"id": qid, "type": "multiple_choice", "text": qid, "points": points, "options": opts,
            "answer": [LETTERS[k - 1] for k in keys_at]}


def matching(qid: str, pairing: list[int], points: float = 2.0) -> dict[str, Any]:
    """A matching question: item i's key is choice number ``pairing[i]`` (1-based)."""
    items = [{"id": f"item{i + 1}", "text": f"item {i + 1}"} for i in range(len(pairing))]
    choices = [{"id": f"choice{i + 1}", "text": f"choice {i + 1}"} for i in range(len(pairing))]
    return {"id": qid, "type": "matching", "text": qid, "points": points, "items": items, "choices": choices,
            "answer": {f"item{i + 1}": f"choice{k}" for i, k in enumerate(pairing)}}


def true_false(qid: str, answer: bool) -> dict[str, Any]:
    """A true/false question."""
    return {"id": qid, "type": "true_false", "text": qid, "answer": answer}


def quiz(*questions: dict[str, Any]) -> QuizSpec:
    """A quiz of these questions (no cited passages needed here)."""
    return parse_quiz({"title": "t", "questions": list(questions)}, require_source=False)


def failing(spec: QuizSpec) -> dict[str, float]:
    """Failing strategies of a quiz released as authored: name -> points above chance."""
    findings = positional_findings(public_spec(spec, "s"), answer_key(spec))
    return {f.strategy: round(f.excess, 6) for f in findings}


def test_key_always_first_fails_naming_the_strategy() -> None:
    spec = quiz(*(single(f"q{i}", 1) for i in range(4)))
    found = failing(spec)
    assert found["single choice: always option 1"] == 3.0  # 4 of 4 where chance is 1
    assert found["single choice: always id 'a'"] == 3.0
    assert not any("option 2" in name for name in found)


def test_keys_spread_over_the_positions_pass() -> None:
    spec = quiz(single("q1", 1), single("q2", 4), single("q3", 2), single("q4", 3),
                multiple("m1", [1, 3]), multiple("m2", [2, 4]), multiple("m3", [3, 4]), multiple("m4", [1, 2]),
                matching("pairs", [2, 1, 4, 3]), true_false("t1", True), true_false("t2", False))
    assert failing(spec) == {}
    rules = {f.strategy: f for f in evaluate(spec)}
    assert rules["single choice: always option 1"].expected == 1.0
    assert rules["single choice: always option 1"].chance == 1.0


def test_tolerance_is_one_question_s_worth() -> None:
    # Option 1 is the key twice in four questions: 2 points where chance is 1, exactly one question above.
    at_the_edge = quiz(single("q1", 1), single("q2", 1), single("q3", 2), single("q4", 3))
    assert failing(at_the_edge) == {}
    assert {f.strategy: f.excess for f in evaluate(at_the_edge)}["single choice: always option 1"] == 1.0
    over = quiz(single("q1", 1), single("q2", 1), single("q3", 1), single("q4", 2))
    assert failing(over) == {"single choice: always option 1": 2.0, "single choice: always id 'a'": 2.0}


def test_tolerance_is_the_largest_question_the_rule_answers() -> None:
    # Worth 3 points each, option 1 twice in four: 3 points above chance, still one question's worth.
    heavy = quiz(*(single(f"q{i}", k, points=3.0) for i, k in enumerate((1, 1, 2, 3))))
    assert failing(heavy) == {}


def test_first_n_options_of_multiple_choice() -> None:
    spec = quiz(*(multiple(f"m{i}", [1, 2]) for i in range(3)))
    found = failing(spec)
    # Two random boxes of four, two of them right: 1/6 both right (2 points), else at most 0 -> 1/3 expected.
    assert found["multiple choice: the first 2 option(s)"] == pytest.approx(6 - 3 * 2 / 6)
    assert "multiple choice: the last 2 option(s)" not in found


def test_item_i_to_choice_i_and_every_item_to_one_choice() -> None:
    spec = quiz(matching("p1", [1, 2, 3, 4]), matching("p2", [1, 2, 3, 4]))
    found = failing(spec)
    assert found["matching: item i -> choice i"] == pytest.approx(4 - 2 * 0.5)
    assert "matching: every item -> choice 1" not in found  # one pair right of four: chance exactly
    reversed_keys = quiz(matching("p1", [4, 3, 2, 1]), matching("p2", [4, 3, 2, 1]))
    assert "matching: item i -> choice i counted from the end" in failing(reversed_keys)


def test_always_true() -> None:
    assert failing(quiz(*(true_false(f"t{i}", True) for i in range(4)))) == {"true/false: always true": 2.0}
    assert failing(quiz(*(true_false(f"t{i}", i % 2 == 0) for i in range(4)))) == {}


def test_rules_within_tolerance_alone_can_fail_together() -> None:
    # Single choice one point above chance, true/false one point above: each allowed, together two.
    spec = quiz(single("q1", 1), single("q2", 1), single("q3", 2), single("q4", 3),
                true_false("t1", True), true_false("t2", True), true_false("t3", True), true_false("t4", False))
    found = failing(spec)
    assert list(found) == ["together: single choice: always option 1; true/false: always true"]
    assert found["together: single choice: always option 1; true/false: always true"] == 2.0


def test_key_by_id_fails_even_when_positions_are_spread() -> None:
    # The key is id 'a' everywhere, but 'a' stands at a different position in each question.
    spec = quiz(single("q1", 1, ids="abcd"), single("q2", 2, ids="bacd"),
                single("q3", 3, ids="cdab"), single("q4", 4, ids="dcba"))
    found = failing(spec)
    assert found == {"single choice: always id 'a'": 3.0}


def test_released_order_is_what_counts() -> None:
    # The same questions, released with the key last instead of first, fail on 'last', not 'first'.
    spec = quiz(*(single(f"q{i}", 1) for i in range(4)))
    public = public_spec(spec, "s")
    for question in public["questions"]:
        question["options"].reverse()
    found = {f.strategy for f in positional_findings(public, answer_key(spec))}
    assert "single choice: always option 4" in found and "single choice: always the last option" in found
    assert "single choice: always option 1" not in found


@pytest.mark.parametrize("picks", [1, 2, 3, 4, 5])
def test_chance_of_n_random_boxes_is_exact(picks: int) -> None:
    question = parse_quiz({"title": "t", "questions": [{**multiple("m", [2, 4, 5], options=5), "penalty": 0.5}]},
                          require_source=False).questions[0]
    ids = [o.id for o in question.options]
    subsets = list(itertools.combinations(ids, picks))
    brute = sum(score_question(question, list(s)) for s in subsets) / len(subsets)
    assert chance_of(question, ids[:picks]) == pytest.approx(brute)


def test_find_positional_names_the_file(tmp_path: Path, repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    for section in course.sections:
        (tmp_path / section.id).mkdir()
        public = json.loads((repo.release / section.id / "quiz.json").read_text(encoding="utf-8"))
        for question in public["questions"]:  # a release that puts every key first
            spec_question = section.quiz.question(question["id"])
            key = getattr(spec_question, "answer", None)
            if "options" in question:
                keys = [key] if isinstance(key, str) else key
                question["options"].sort(key=lambda o, keys=keys: o["id"] not in keys)
        (tmp_path / section.id / "quiz.json").write_text(json.dumps(public), encoding="utf-8")
    (tmp_path / course.sections[1].id / "quiz.json").unlink()
    problems = find_positional(tmp_path, course)
    first = tmp_path / course.sections[0].id / "quiz.json"
    single = sum(q.type == "single_choice" for q in course.sections[0].quiz.questions)  # pool members included
    assert any(line.startswith(
        f"{first}: guessable without reading: 'single choice: always option 1' scores {single} of {single}")
               for line in problems), problems
    assert f"{tmp_path / course.sections[1].id / 'quiz.json'}: missing, cannot check the option order" in problems


def test_the_shipped_course_passes(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    assert find_positional(repo.release, course) == []
    for section in course.sections:
        public = json.loads((repo.release / section.id / "quiz.json").read_text(encoding="utf-8"))
        for finding in evaluate(section.quiz):
            assert finding.excess <= 1.0, (section.id, finding.describe())  # well inside one question (2 points)
        assert positional_findings(public, answer_key(section.quiz)) == []
