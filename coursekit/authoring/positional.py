"""Positional guessing: what a learner scores by answering from option order or option ids alone.

A learner who never reads a question can still answer it by position ("always
the first option", "the first two boxes", "item *i* to choice *i*") or by id
(a responses file may name option ``'a'`` directly). Such a rule is harmless
when the key is spread over the positions; it inflates scores when the author
habitually puts the key first.

:func:`positional_findings` scores every such rule against a quiz **as
released** (the order and ids of ``quiz.json``) and its key, and compares each
with **chance**: the expected score of a uniformly random answer of the same
shape (one random option, ``n`` random boxes, a random choice per item, true
or false at random). The difference is what the option order or the ids give
away, in points, the unit of the pass rate.

A rule *fails* when it expects more than **one question's worth of points**
above chance (the points of the largest question it answers). Keys are placed
by an author, not drawn at random, so the check asks how much a blind learner
gains, not whether the placement looks random: a balanced quiz gains nothing,
and the one question's worth leaves room for placements that cannot be
balanced exactly (five four-option questions put two keys at one position).
The rules of each question type are also combined, the best rule per type
together, with the same tolerance: a learner may use "first option" for
single choice and "always true" for true/false at once.

Pure logic: no Jupyter imports; :func:`find_positional` reads the released
``quiz.json`` files for ``coursekit release``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.spec import Question, QuizSpec, QuizSpecError, answer_key, rebuild_spec
from coursekit.quiz.types import REGISTRY, question_type
from coursekit.quiz.types.base import QuestionType
from coursekit.quiz.types.blind import BlindScorer, GuessLimitError, WorkBudget

EPSILON = 1e-9
MAX_FRACTION_WORK = 2_500_000
"""Most partial sums of option fractions one check may extend (a second or two) to compute the chance scores of
its multiple choice questions with fractions exactly. A question whose fractions take a few values needs some
thousands in all; one of 100 options with ten of Moodle's negative grades about 1,800,000."""


class PositionalLimitError(QuizSpecError):
    """A question the positional check cannot score in reasonable time; the message names it and says why."""


@dataclass(frozen=True)
class Rule:
    """One way to answer every question of a type without reading it.

    ``answer`` gives the rule's answer to a question, or ``None`` where the rule
    does not apply (say, "option 5" of a four-option question).
    """

    name: str
    kind: str
    answer: Callable[[Question], Any]
    holds: str | None = None
    """An option (or choice) id the rule needs: it answers no question without one of that id."""


@dataclass(frozen=True)
class Finding:
    """How one rule (or the best rules per type together) does on a quiz."""

    strategy: str
    expected: float
    chance: float
    points: float
    questions: int
    tolerance: float

    @property
    def excess(self) -> float:
        """Expected points above chance."""
        return self.expected - self.chance

    @property
    def fails(self) -> bool:
        """Whether the rule gains more than the tolerance over chance."""
        return self.excess > self.tolerance + EPSILON

    def describe(self) -> str:
        """One line: the strategy, its score against chance, and the allowed margin."""
        return (f"{self.strategy!r} scores {self.expected:.4g} of {self.points:g} points on "
                f"{self.questions} question(s) where random answers expect {self.chance:.4g} "
                f"(+{self.excess:.4g}; allowed: one question's worth, {self.tolerance:g})")


# --- chance: the expected score of a random answer of the same shape -------------------------------
#
# Each question type gives its rules and a scorer (:meth:`QuestionType.blind_rules`, :meth:`QuestionType.blind_scorer`,
# shared shapes in :mod:`coursekit.quiz.types.blind`); this module knows none of the types.


def _scorer(question: Question, work: WorkBudget | None = None) -> BlindScorer:
    try:
        return question_type(question).blind_scorer(question, work or WorkBudget(MAX_FRACTION_WORK))
    except NotImplementedError:
        raise TypeError(f"no positional answer for {type(question).__name__}") from None


def chance_of(question: Question, answer: Any) -> float:
    """The expected score of a uniformly random answer shaped like ``answer``.

    Parameters
    ----------
    question
        A single-choice, multiple-choice, matching or true/false question.
    answer
        The rule's answer: its shape (one option, ``n`` options, the items
        answered) is what the random answer keeps.

    Returns
    -------
    float
        One random option; ``n`` options drawn at random (exact,
        hypergeometric; with option fractions, exact over every draw); a
        random choice for each item answered; true or false at random.

    Raises
    ------
    PositionalLimitError
        Option fractions that take too many different sums (:data:`MAX_FRACTION_WORK`).
    """
    try:
        return _scorer(question).chance(answer)
    except GuessLimitError as exc:
        raise PositionalLimitError(str(exc)) from exc


# --- the rules ---------------------------------------------------------------------------------------


def _checked_types(quiz: QuizSpec) -> list[tuple[QuestionType, list[Question]]]:
    """The types of ``quiz`` that can be answered blind, in the registry's order, each with its questions."""
    present = {question.type for question in quiz.questions}
    return [(kind, [q for q in quiz.questions if q.type == name]) for name, kind in REGISTRY.items()
            if name in present]


def positional_rules(quiz: QuizSpec) -> list[Rule]:
    """Every rule checked on ``quiz``: by position in the released order, by option id, by a fixed value.

    Each question type gives its own (:meth:`QuestionType.blind_rules`), for
    the built-in types: single choice: always option *k* (each *k*), always
    the last option, always id *x* (each id). Multiple choice: the first or
    last *n* options, the first *n* ids alphabetically, only option *k*, only
    id *x*. Matching: item *i* to choice *i* (from the start, from the end,
    and by ids sorted), every item to choice *k*, to the last choice, to
    choice id *x*. True/false: always true, always false.
    """
    return [Rule(rule.name, kind.name, rule.answer, rule.holds)
            for kind, questions in _checked_types(quiz) for rule in kind.blind_rules(questions)]


# --- evaluation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    rule: Rule
    expected: float
    chance: float
    points: float
    questions: int
    largest: float


def _tally(questions: list[tuple[Question, BlindScorer]], rule: Rule) -> _Tally:
    expected = chance = points = largest = 0.0
    count = 0
    for question, scorer in questions:
        answer = rule.answer(question)
        if answer is None:
            continue
        expected += scorer.score(answer)
        chance += scorer.chance(answer)
        points += question.points
        largest = max(largest, question.points)
        count += 1
    return _Tally(rule, expected, chance, points, count, largest)


def _label(rule: Rule) -> str:
    kind = REGISTRY[rule.kind]
    return f"{kind.short_words or kind.words}: {rule.name}"


def evaluate(quiz: QuizSpec) -> list[Finding]:
    """Score every positional rule on ``quiz`` (keys and order as released), and the best per type together.

    Parameters
    ----------
    quiz
        The full quiz, questions and options in the order learners receive
        them (see :func:`positional_findings` to join a released ``quiz.json``
        with its key).

    Returns
    -------
    list[Finding]
        One finding per rule that answers at least one question, then, when
        two or more question types are answered, one for the best rule of
        each type together (types where no rule beats chance are answered at
        random and add nothing).

    Raises
    ------
    PositionalLimitError
        The option fractions of its multiple choice questions take too many
        different sums to score every random draw exactly (:data:`MAX_FRACTION_WORK`).
    """
    try:
        return _evaluate(quiz)
    except GuessLimitError as exc:
        raise PositionalLimitError(str(exc)) from exc


def _evaluate(quiz: QuizSpec) -> list[Finding]:
    work = WorkBudget(MAX_FRACTION_WORK)
    rules = positional_rules(quiz)
    checked = {rule.kind for rule in rules}
    by_kind: dict[str, list[tuple[Question, BlindScorer]]] = {}
    by_id: dict[tuple[str, str], list[tuple[Question, BlindScorer]]] = {}
    for question in quiz.questions:
        if question.type in checked:
            entry = (question, _scorer(question, work))
            by_kind.setdefault(question.type, []).append(entry)
            for option in entry[1].ids:
                by_id.setdefault((question.type, option), []).append(entry)
    tallies = [t for t in (_tally(by_kind.get(rule.kind, []) if rule.holds is None
                                  else by_id.get((rule.kind, rule.holds), []), rule) for rule in rules)
               if t.questions]
    findings = [Finding(_label(t.rule), t.expected, t.chance, t.points, t.questions, t.largest) for t in tallies]
    best: dict[str, _Tally] = {}
    for tally in tallies:
        current = best.get(tally.rule.kind)
        if current is None or tally.expected - tally.chance > current.expected - current.chance:
            best[tally.rule.kind] = tally
    chosen = [t for t in best.values() if t.expected - t.chance > EPSILON]
    if len(best) >= 2 and chosen:
        findings.append(Finding(
            "together: " + "; ".join(_label(t.rule) for t in chosen),
            sum(t.expected for t in chosen), sum(t.chance for t in chosen), sum(t.points for t in chosen),
            sum(t.questions for t in chosen), max(t.largest for t in chosen),
        ))
    return findings


def positional_findings(public: dict[str, Any], key: dict[str, dict[str, Any]]) -> list[Finding]:
    """The rules that gain more than one question's worth over chance on a released quiz.

    Parameters
    ----------
    public
        The quiz as released (the content of ``quiz.json``): its order and ids
        are what a learner sees and can write into a responses file.
    key
        The key by question id (:func:`coursekit.quiz.spec.answer_key`).

    Returns
    -------
    list[Finding]
        The failing findings, largest gain first; empty when the quiz cannot
        be guessed by position or id.

    Raises
    ------
    QuizSpecError
        If the key does not fit the released questions, or
        (:class:`PositionalLimitError`) the option fractions of its multiple
        choice questions take too many different sums to be checked.
    """
    quiz = rebuild_spec(public, key)
    failing = [f for f in evaluate(quiz) if f.fails]
    return sorted(failing, key=lambda f: f.excess, reverse=True)


def find_positional(release_root: Path, course: Course) -> list[str]:
    """Every released quiz that can be guessed by position or id, as ``path: strategy ...`` lines.

    Parameters
    ----------
    release_root
        ``release/``: ``<section>/quiz.json`` is read for every section.
    course
        The loaded course (:class:`coursekit.authoring.course.Course`), whose keys are used.

    Returns
    -------
    list[str]
        One line per failing strategy, naming the file, the strategy, its
        score and the chance score; a file that is missing or does not fit
        its key is one line too.
    """
    problems = []
    for section in course.sections:
        path = Path(release_root) / section.id / PUBLIC_SPEC_NAME
        try:
            public = json.loads(path.read_text(encoding="utf-8"))
            findings = positional_findings(public, answer_key(section.quiz))
        except FileNotFoundError:
            problems.append(f"{path}: missing, cannot check the option order")
            continue
        except (json.JSONDecodeError, UnicodeDecodeError, QuizSpecError, AttributeError, TypeError) as exc:
            problems.append(f"{path}: cannot check the option order: {str(exc).splitlines()[0]}")
            continue
        problems.extend(
            f"{path}: guessable without reading: {finding.describe()}; "
            f"spread the keys over the positions in {section.folder / 'quiz.yml'}"
            for finding in findings
        )
    return problems
