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

import itertools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.authoring.course import Course
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.scoring import score_question
from coursekit.quiz.spec import (
    Matching,
    MultipleChoice,
    Question,
    QuizSpec,
    QuizSpecError,
    SingleChoice,
    TrueFalse,
    answer_key,
    rebuild_spec,
)
from coursekit.quiz.types import question_type

EPSILON = 1e-9
MAX_FRACTION_WORK = 2_500_000
"""Most partial sums of option fractions one check may extend (a second or two) to compute the chance scores of
its multiple choice questions with fractions exactly. A question whose fractions take a few values needs some
thousands in all; one of 100 options with ten of Moodle's negative grades about 1,800,000."""
DEAD_MARGIN = 1e-9
"""How far below 0 (in percent) a draw's best possible sum must be for it to count as scoring 0."""
KIND_NAMES = {
    "single_choice": "single choice",
    "multiple_choice": "multiple choice",
    "matching": "matching",
    "true_false": "true/false",
}


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
# A rule's answer is scored, and its chance computed, once per question and rule. With a few thousand
# rules on a question of hundreds of options, validating every answer again (each id looked up in a
# list) and drawing every random answer would make the check cubic in the options; so a question's
# scorer validates nothing (a rule only answers with the question's own ids, each once) and keeps what
# its answers share: the score of each option, of each count of right and wrong picks, of each item.


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


def _final(question: Question, earned: float) -> float:
    """What :func:`score_question` makes of a type's score: floored at 0, capped at the points, 6 decimals."""
    return round(float(min(question.points, max(0.0, earned))), 6)


class _Scorer:
    """A question's score of a rule's answer and the chance score of its shape (true/false: as they come)."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def score(self, answer: Any) -> float:
        """What :func:`score_question` gives ``answer``."""
        return score_question(self.question, answer)

    def chance(self, answer: Any) -> float:
        """The expected score of a uniformly random answer shaped like ``answer`` (see :func:`chance_of`)."""
        if isinstance(self.question, TrueFalse):
            return _mean(score_question(self.question, value) for value in (True, False))
        raise TypeError(f"no positional answer for {type(self.question).__name__}")


class _SingleScorer(_Scorer):
    """Single choice: every option scored once; chance is their mean."""

    def __init__(self, question: SingleChoice) -> None:
        super().__init__(question)
        self.scores = {o.id: score_question(question, o.id) for o in question.options}
        self.mean = _mean(self.scores[o.id] for o in question.options)

    def score(self, answer: str) -> float:
        return self.scores[answer]

    def chance(self, answer: str) -> float:
        return self.mean


class _PicksScorer(_Scorer):
    """Multiple choice by the default rule: a score depends on the right and wrong picks counted.

    The running sums repeat :meth:`MultipleChoiceType.score`'s additions one pick at a time, so each
    score is the very float :func:`score_question` gives.
    """

    def __init__(self, question: MultipleChoice) -> None:
        super().__init__(question)
        self.right = set(question.answer)
        right, wrong = len(self.right), len(question.options) - len(self.right)
        points = question.points
        penalty = question.penalty if question.penalty is not None else (points / wrong if wrong else 0.0)
        self.gained = list(itertools.accumulate(itertools.repeat(points / right, right), initial=0))
        self.lost = list(itertools.accumulate(itertools.repeat(penalty, wrong), initial=0))
        self.ways_right = [math.comb(right, k) for k in range(right + 1)]
        self.ways_wrong = [math.comb(wrong, k) for k in range(wrong + 1)]
        self.chances: dict[int, float] = {}

    def _of(self, hits: int, misses: int) -> float:
        points = self.question.points
        return _final(self.question, min(points, max(0.0, self.gained[hits] - self.lost[misses])))

    def score(self, answer: list[str]) -> float:
        hits = sum(1 for pick in answer if pick in self.right)
        return self._of(hits, len(answer) - hits)

    def chance(self, answer: list[str]) -> float:
        picks = len(answer)
        if picks not in self.chances:
            right, wrong = len(self.ways_right) - 1, len(self.ways_wrong) - 1
            total = math.comb(right + wrong, picks)
            expected = 0.0
            for hits in range(max(0, picks - wrong), min(picks, right) + 1):
                ways = self.ways_right[hits] * self.ways_wrong[picks - hits]
                expected += ways / total * self._of(hits, picks - hits)
            self.chances[picks] = expected
        return self.chances[picks]


class _Work:
    """What is left of :data:`MAX_FRACTION_WORK` for one check."""

    def __init__(self) -> None:
        self.left = MAX_FRACTION_WORK


_FRACTION_CHANCES: dict[tuple[float, tuple[float, ...]], dict[int, float]] = {}
"""Chance scores by points and option fractions in order, kept across checks (a key search checks a quiz
again and again, one question changed each time)."""
_KEPT_CHANCES = 256


class _FractionScorer(_Scorer):
    """Multiple choice with per-option fractions: chance from the count of draws giving each sum.

    Draws are counted by their sum of fractions, one option at a time in option order (the order in
    which :meth:`MultipleChoiceType.score` adds a draw's fractions, so each sum is the same float),
    instead of being drawn one by one. A partial sum that the positive fractions still to come cannot
    lift above 0 scores 0 however the draw goes on, and is dropped. The sums left are few when few
    fractions differ; when a check has extended :data:`MAX_FRACTION_WORK` of them it gives up
    (:class:`PositionalLimitError`).
    """

    def __init__(self, question: MultipleChoice, work: _Work) -> None:
        super().__init__(question)
        self.kind = question_type(question)
        self.work = work
        self.key = (question.points, tuple(option.fraction or 0.0 for option in question.options))

    def score(self, answer: list[str]) -> float:
        return _final(self.question, self.kind.score(self.question, answer))

    def _all_chances(self) -> dict[int, float]:
        question = self.question
        fractions = self.key[1]
        still_positive = list(itertools.accumulate((max(0.0, f) for f in reversed(fractions)), initial=0.0))[::-1]
        sums: list[dict[float, int]] = [{0: 1}]
        for index, fraction in enumerate(fractions):
            self.work.left -= sum(len(by_sum) for by_sum in sums)
            if self.work.left < 0:
                raise PositionalLimitError(
                    f"question {question.id!r}: the option fractions of the multiple choice questions give too many "
                    "different sums to check the option order; give fewer options a fraction of their own")
            lowest = -still_positive[index + 1] - DEAD_MARGIN
            sums.append({})
            for picks in range(len(sums) - 2, -1, -1):
                grown = sums[picks + 1]
                for total, ways in sums[picks].items():
                    grown[total + fraction] = grown.get(total + fraction, 0) + ways
            sums = [{total: ways for total, ways in by_sum.items() if total > lowest} for by_sum in sums]
        points = question.points
        chances = {}
        for picks in range(1, len(sums)):
            expected = sum(ways * _final(question, min(points, max(0.0, points * total / 100)))
                           for total, ways in sums[picks].items())
            chances[picks] = expected / math.comb(len(question.options), picks)
        return chances

    def chance(self, answer: list[str]) -> float:
        if self.key not in _FRACTION_CHANCES:
            chances = self._all_chances()
            if len(_FRACTION_CHANCES) >= _KEPT_CHANCES:
                del _FRACTION_CHANCES[next(iter(_FRACTION_CHANCES))]
            _FRACTION_CHANCES[self.key] = chances
        return _FRACTION_CHANCES[self.key][len(answer)]


class _MatchingScorer(_Scorer):
    """Matching: chance adds, item by item, the mean score of one random choice for that item."""

    def __init__(self, question: Matching) -> None:
        super().__init__(question)
        self.kind = question_type(question)
        self.item_chances: dict[str, float] = {}

    def score(self, answer: dict[str, str]) -> float:
        return _final(self.question, self.kind.score(self.question, answer))

    def _item_chance(self, item: str) -> float:
        if item not in self.item_chances:
            self.item_chances[item] = _mean(self.score({item: c.id}) for c in self.question.choices)
        return self.item_chances[item]

    def chance(self, answer: dict[str, str]) -> float:
        return sum(self._item_chance(item) for item in answer)


def _scorer(question: Question, work: _Work | None = None) -> _Scorer:
    if isinstance(question, SingleChoice):
        return _SingleScorer(question)
    if isinstance(question, MultipleChoice):
        return _FractionScorer(question, work or _Work()) if question.uses_fractions else _PicksScorer(question)
    if isinstance(question, Matching):
        return _MatchingScorer(question)
    return _Scorer(question)


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
    return _scorer(question).chance(answer)


# --- the rules ---------------------------------------------------------------------------------------


def _options(question: Question) -> list[str]:
    return [o.id for o in question.options] if isinstance(question, SingleChoice | MultipleChoice) else []


def _option_ids(question: Question) -> set[str]:
    """The ids a rule may answer a question with: its options, or a matching question's choices."""
    return {c.id for c in question.choices} if isinstance(question, Matching) else set(_options(question))


def _at(ids: list[str], index: int) -> str | None:
    return ids[index] if -len(ids) <= index < len(ids) else None


def _single_rules(quiz: QuizSpec) -> list[Rule]:
    width = max((len(q.options) for q in quiz.questions if isinstance(q, SingleChoice)), default=0)
    rules = [Rule(f"always option {k + 1}", "single_choice", lambda q, k=k: _at(_options(q), k))
             for k in range(width)]
    rules.append(Rule("always the last option", "single_choice", lambda q: _at(_options(q), -1)))
    ids = sorted({o.id for q in quiz.questions if isinstance(q, SingleChoice) for o in q.options})
    rules.extend(Rule(f"always id {i!r}", "single_choice", lambda q, i=i: i if i in _options(q) else None, i)
                 for i in ids)
    return rules


def _first(ids: list[str], n: int) -> list[str] | None:
    return ids[:n] if n <= len(ids) else None


def _last(ids: list[str], n: int) -> list[str] | None:
    return ids[-n:] if n <= len(ids) else None


def _multiple_rules(quiz: QuizSpec) -> list[Rule]:
    width = max((len(q.options) for q in quiz.questions if isinstance(q, MultipleChoice)), default=0)
    rules = []
    for n in range(1, width + 1):
        rules.append(Rule(f"the first {n} option(s)", "multiple_choice", lambda q, n=n: _first(_options(q), n)))
        rules.append(Rule(f"the last {n} option(s)", "multiple_choice", lambda q, n=n: _last(_options(q), n)))
        rules.append(Rule(f"the first {n} id(s) in alphabetical order", "multiple_choice",
                          lambda q, n=n: _first(sorted(_options(q)), n)))
    for k in range(width):
        rules.append(Rule(f"only option {k + 1}", "multiple_choice",
                          lambda q, k=k: [o] if (o := _at(_options(q), k)) else None))
    ids = sorted({o.id for q in quiz.questions if isinstance(q, MultipleChoice) for o in q.options})
    rules.extend(Rule(f"only id {i!r}", "multiple_choice", lambda q, i=i: [i] if i in _options(q) else None, i)
                 for i in ids)
    return rules


def _pairs(items: list[str], choices: list[str]) -> dict[str, str] | None:
    pairs = dict(zip(items, choices, strict=False))
    return pairs or None


def _matching_rules(quiz: QuizSpec) -> list[Rule]:
    matching = [q for q in quiz.questions if isinstance(q, Matching)]
    width = max((len(q.choices) for q in matching), default=0)

    def items(q: Question) -> list[str]:
        return [i.id for i in q.items] if isinstance(q, Matching) else []

    def choices(q: Question) -> list[str]:
        return [c.id for c in q.choices] if isinstance(q, Matching) else []

    def every(q: Question, choice: str | None) -> dict[str, str] | None:
        return {item: choice for item in items(q)} if choice in choices(q) else None

    rules = [
        Rule("item i -> choice i", "matching", lambda q: _pairs(items(q), choices(q))),
        Rule("item i -> choice i counted from the end", "matching", lambda q: _pairs(items(q), choices(q)[::-1])),
        Rule("the i-th item id -> the i-th choice id, both in alphabetical order", "matching",
             lambda q: _pairs(sorted(items(q)), sorted(choices(q)))),
        Rule("every item -> the last choice", "matching", lambda q: every(q, _at(choices(q), -1))),
    ]
    rules.extend(Rule(f"every item -> choice {k + 1}", "matching", lambda q, k=k: every(q, _at(choices(q), k)))
                 for k in range(width))
    ids = sorted({c.id for q in matching for c in q.choices})
    rules.extend(Rule(f"every item -> choice id {i!r}", "matching", lambda q, i=i: every(q, i), i) for i in ids)
    return rules


def _true_false_rules() -> list[Rule]:
    return [Rule("always true", "true_false", lambda q: True), Rule("always false", "true_false", lambda q: False)]


def positional_rules(quiz: QuizSpec) -> list[Rule]:
    """Every rule checked on ``quiz``: by position in the released order and by option id.

    Single choice: always option *k* (each *k*), always the last option, always
    id *x* (each id). Multiple choice: the first or last *n* options, the
    first *n* ids alphabetically, only option *k*, only id *x*. Matching: item
    *i* to choice *i* (from the start, from the end, and by ids sorted), every
    item to choice *k*, to the last choice, to choice id *x*. True/false:
    always true, always false.
    """
    return [*_single_rules(quiz), *_multiple_rules(quiz), *_matching_rules(quiz), *_true_false_rules()]


# --- evaluation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    rule: Rule
    expected: float
    chance: float
    points: float
    questions: int
    largest: float


def _tally(questions: list[tuple[Question, _Scorer]], rule: Rule) -> _Tally:
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
    return f"{KIND_NAMES[rule.kind]}: {rule.name}"


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
    work = _Work()
    by_kind: dict[str, list[tuple[Question, _Scorer]]] = {}
    by_id: dict[tuple[str, str], list[tuple[Question, _Scorer]]] = {}
    for question in quiz.questions:
        if question.type in KIND_NAMES:
            entry = (question, _scorer(question, work))
            by_kind.setdefault(question.type, []).append(entry)
            for option in _option_ids(question):
                by_id.setdefault((question.type, option), []).append(entry)
    rules = positional_rules(quiz)
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
