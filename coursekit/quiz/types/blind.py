"""Blind answers: the ways to answer a question without reading it, and what a random answer of the same shape earns.

A question type says how a learner who never reads its questions can still
answer them (:meth:`~coursekit.quiz.types.base.QuestionType.blind_rules`: by
position in the released order, by option id, by a fixed value) and how to
score such an answer against chance
(:meth:`~coursekit.quiz.types.base.QuestionType.blind_scorer`). This module
holds the rules and scorers the built-in types share, by the shape of their
answer: one option, some options, an item-to-choice pairing, a fixed value.
The positional check of a release (:mod:`coursekit.authoring.positional`)
asks the types and knows none of them.

A scorer validates nothing (a rule only answers with the question's own ids,
each once) and keeps what its answers share, so that a question of hundreds
of options is scored by a few thousand rules in linear time, not cubic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

EPSILON_BELOW_ZERO = 1e-9
"""How far below 0 (in percent) a draw's best possible sum must be for it to count as scoring 0."""
_KEPT_CHANCES = 256


class GuessLimitError(ValueError):
    """A question whose chance score would take too long to compute; the message names it and says why."""


class WorkBudget:
    """What is left of the partial sums one check may extend (see :class:`FractionScorer`)."""

    def __init__(self, left: int) -> None:
        self.left = left


@dataclass(frozen=True)
class BlindRule:
    """One way to answer every question of a type without reading it.

    ``answer`` gives the rule's answer to a question, or ``None`` where the rule
    does not apply (say, "option 5" of a four-option question).
    """

    name: str
    answer: Callable[[Any], Any]
    holds: str | None = None
    """An option (or choice) id the rule needs: it answers no question without one of that id."""


def held(question: Any, earned: float) -> float:
    """A type's score as a question earns it: floored at 0, capped at the points, 6 decimals."""
    return round(float(min(question.points, max(0.0, earned))), 6)


def mean(values: Iterable[float]) -> float:
    """The mean of ``values`` (at least one)."""
    values = list(values)
    return sum(values) / len(values)


class BlindScorer:
    """A question's score of a blind answer and the chance score of a random answer of the same shape.

    ``ids`` are the ids a rule may answer the question with (the rules that
    hold an id answer only questions that have it). Subclasses give
    :meth:`chance`; :meth:`score` is the type's score, held to the points.
    """

    def __init__(self, question: Any, kind: Any, ids: Iterable[str] = ()) -> None:
        self.question = question
        self.kind = kind
        self.ids = frozenset(ids)

    def score(self, answer: Any) -> float:
        """What the question earns for ``answer`` (a rule's answer is valid by construction)."""
        return held(self.question, self.kind.score(self.question, answer))

    def chance(self, answer: Any) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
        raise NotImplementedError


# --- one option ---------------------------------------------------------------------------------------


def at(ids: Sequence[str], index: int) -> str | None:
    """The id at ``index`` (negative from the end), or None when there is none."""
    return ids[index] if -len(ids) <= index < len(ids) else None


class OneOptionScorer(BlindScorer):
    """One option picked: every option scored once; chance is their mean."""

    def __init__(self, question: Any, kind: Any, ids: Sequence[str]) -> None:
        super().__init__(question, kind, ids)
        self.scores = {i: held(question, kind.score(question, i)) for i in ids}
        self.mean = mean(self.scores[i] for i in ids)

    def score(self, answer: str) -> float:
        """What the question earns for ``answer``."""
        return self.scores[answer]

    def chance(self, answer: str) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
        return self.mean


def one_option_rules(questions: Sequence[Any], ids_of: Callable[[Any], list[str]]) -> list[BlindRule]:
    """Always option *k* (each *k*), always the last option, always id *x* (each id of ``questions``)."""
    width = max((len(ids_of(q)) for q in questions), default=0)
    rules = [BlindRule(f"always option {k + 1}", lambda q, k=k: at(ids_of(q), k)) for k in range(width)]
    rules.append(BlindRule("always the last option", lambda q: at(ids_of(q), -1)))
    ids = sorted({i for q in questions for i in ids_of(q)})
    rules.extend(BlindRule(f"always id {i!r}", lambda q, i=i: i if i in ids_of(q) else None, i) for i in ids)
    return rules


# --- some options ---------------------------------------------------------------------------------------


def first(ids: Sequence[str], n: int) -> list[str] | None:
    """The first ``n`` ids, or None when there are fewer."""
    return list(ids[:n]) if n <= len(ids) else None


def last(ids: Sequence[str], n: int) -> list[str] | None:
    """The last ``n`` ids, or None when there are fewer."""
    return list(ids[-n:]) if n <= len(ids) else None


def some_options_rules(questions: Sequence[Any], ids_of: Callable[[Any], list[str]]) -> list[BlindRule]:
    """The first or last *n* options, the first *n* ids alphabetically, only option *k*, only id *x*."""
    width = max((len(ids_of(q)) for q in questions), default=0)
    rules = []
    for n in range(1, width + 1):
        rules.append(BlindRule(f"the first {n} option(s)", lambda q, n=n: first(ids_of(q), n)))
        rules.append(BlindRule(f"the last {n} option(s)", lambda q, n=n: last(ids_of(q), n)))
        rules.append(BlindRule(f"the first {n} id(s) in alphabetical order",
                               lambda q, n=n: first(sorted(ids_of(q)), n)))
    for k in range(width):
        rules.append(BlindRule(f"only option {k + 1}", lambda q, k=k: [o] if (o := at(ids_of(q), k)) else None))
    ids = sorted({i for q in questions for i in ids_of(q)})
    rules.extend(BlindRule(f"only id {i!r}", lambda q, i=i: [i] if i in ids_of(q) else None, i) for i in ids)
    return rules


class PicksScorer(BlindScorer):
    """Some options picked, scored by the right and wrong picks counted (``points / len(key)`` each, less a penalty).

    The running sums repeat the type's additions one pick at a time, so each
    score is the very float the type gives; chance is exact (hypergeometric).
    """

    def __init__(self, question: Any, kind: Any, ids: Sequence[str], right: Iterable[str],
                 penalty: float | None) -> None:
        super().__init__(question, kind, ids)
        self.right = set(right)
        right_count, wrong = len(self.right), len(ids) - len(self.right)
        points = question.points
        penalty = penalty if penalty is not None else (points / wrong if wrong else 0.0)
        self.gained = list(itertools.accumulate(itertools.repeat(points / right_count, right_count), initial=0))
        self.lost = list(itertools.accumulate(itertools.repeat(penalty, wrong), initial=0))
        self.ways_right = [math.comb(right_count, k) for k in range(right_count + 1)]
        self.ways_wrong = [math.comb(wrong, k) for k in range(wrong + 1)]
        self.chances: dict[int, float] = {}

    def _of(self, hits: int, misses: int) -> float:
        points = self.question.points
        return held(self.question, min(points, max(0.0, self.gained[hits] - self.lost[misses])))

    def score(self, answer: list[str]) -> float:
        """What the question earns for ``answer``."""
        hits = sum(1 for pick in answer if pick in self.right)
        return self._of(hits, len(answer) - hits)

    def chance(self, answer: list[str]) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
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


_FRACTION_CHANCES: dict[tuple[float, tuple[float, ...]], dict[int, float]] = {}
"""Chance scores by points and option fractions in order, kept across checks (a key search checks a quiz
again and again, one question changed each time)."""


class FractionScorer(BlindScorer):
    """Some options picked, scored by per-option fractions (percent of the points, summed in option order).

    Draws are counted by their sum of fractions, one option at a time in option
    order (the order in which the type adds a draw's fractions, so each sum is
    the same float), instead of being drawn one by one. A partial sum that the
    positive fractions still to come cannot lift above 0 scores 0 however the
    draw goes on, and is dropped. The sums left are few when few fractions
    differ; when a check has extended its :class:`WorkBudget` it gives up
    (:class:`GuessLimitError`).
    """

    def __init__(self, question: Any, kind: Any, ids: Sequence[str], fractions: Sequence[float],
                 budget: WorkBudget) -> None:
        super().__init__(question, kind, ids)
        self.budget = budget
        self.key = (question.points, tuple(fractions))

    def _all_chances(self) -> dict[int, float]:
        question = self.question
        fractions = self.key[1]
        still_positive = list(itertools.accumulate((max(0.0, f) for f in reversed(fractions)), initial=0.0))[::-1]
        sums: list[dict[float, int]] = [{0: 1}]
        for index, fraction in enumerate(fractions):
            self.budget.left -= sum(len(by_sum) for by_sum in sums)
            if self.budget.left < 0:
                raise GuessLimitError(
                    f"question {question.id!r}: the option fractions of the {self.kind.words} questions give too "
                    "many different sums to check the option order; give fewer options a fraction of their own")
            lowest = -still_positive[index + 1] - EPSILON_BELOW_ZERO
            sums.append({})
            for picks in range(len(sums) - 2, -1, -1):
                grown = sums[picks + 1]
                for total, ways in sums[picks].items():
                    grown[total + fraction] = grown.get(total + fraction, 0) + ways
            sums = [{total: ways for total, ways in by_sum.items() if total > lowest} for by_sum in sums]
        points = question.points
        chances = {}
        for picks in range(1, len(sums)):
            expected = sum(ways * held(question, min(points, max(0.0, points * total / 100)))
                           for total, ways in sums[picks].items())
            chances[picks] = expected / math.comb(len(fractions), picks)
        return chances

    def chance(self, answer: list[str]) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
        if self.key not in _FRACTION_CHANCES:
            chances = self._all_chances()
            if len(_FRACTION_CHANCES) >= _KEPT_CHANCES:
                del _FRACTION_CHANCES[next(iter(_FRACTION_CHANCES))]
            _FRACTION_CHANCES[self.key] = chances
        return _FRACTION_CHANCES[self.key][len(answer)]


# --- items to choices ------------------------------------------------------------------------------------


def pairs(items: Sequence[str], choices: Sequence[str]) -> dict[str, str] | None:
    """Item *i* to choice *i* as far as both go, or None when either is empty."""
    return dict(zip(items, choices, strict=False)) or None


def pairing_rules(questions: Sequence[Any], items_of: Callable[[Any], list[str]],
                  choices_of: Callable[[Any], list[str]]) -> list[BlindRule]:
    """Item *i* to choice *i* (from the start, from the end, by ids sorted); every item to one choice."""
    width = max((len(choices_of(q)) for q in questions), default=0)

    def every(q: Any, choice: str | None) -> dict[str, str] | None:
        return {item: choice for item in items_of(q)} if choice in choices_of(q) else None

    rules = [
        BlindRule("item i -> choice i", lambda q: pairs(items_of(q), choices_of(q))),
        BlindRule("item i -> choice i counted from the end", lambda q: pairs(items_of(q), choices_of(q)[::-1])),
        BlindRule("the i-th item id -> the i-th choice id, both in alphabetical order",
                  lambda q: pairs(sorted(items_of(q)), sorted(choices_of(q)))),
        BlindRule("every item -> the last choice", lambda q: every(q, at(choices_of(q), -1))),
    ]
    rules.extend(BlindRule(f"every item -> choice {k + 1}", lambda q, k=k: every(q, at(choices_of(q), k)))
                 for k in range(width))
    ids = sorted({c for q in questions for c in choices_of(q)})
    rules.extend(BlindRule(f"every item -> choice id {i!r}", lambda q, i=i: every(q, i), i) for i in ids)
    return rules


class PairingScorer(BlindScorer):
    """Items paired with choices: chance adds, item by item, the mean score of one random choice for that item."""

    def __init__(self, question: Any, kind: Any, choices: Sequence[str]) -> None:
        super().__init__(question, kind, choices)
        self.choices = list(choices)
        self.item_chances: dict[str, float] = {}

    def _item_chance(self, item: str) -> float:
        if item not in self.item_chances:
            self.item_chances[item] = mean(self.score({item: c}) for c in self.choices)
        return self.item_chances[item]

    def chance(self, answer: dict[str, str]) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
        return sum(self._item_chance(item) for item in answer)


# --- fixed values ----------------------------------------------------------------------------------------


def fixed_value_rules(values: Sequence[Any]) -> list[BlindRule]:
    """Always the same value (``always true``, ``always false``), one rule per value."""
    return [BlindRule(f"always {str(value).lower()}", lambda q, value=value: value) for value in values]


class FixedValuesScorer(BlindScorer):
    """One of a few values: chance is the mean score of every value, each validated and scored as it comes."""

    def __init__(self, question: Any, kind: Any, values: Sequence[Any]) -> None:
        super().__init__(question, kind)
        self.values = list(values)

    def score(self, answer: Any) -> float:
        """What the question earns for ``answer``."""
        return held(self.question, self.kind.score(self.question, self.kind.validate_answer(self.question, answer)))

    def chance(self, answer: Any) -> float:
        """The expected score of a uniformly random answer shaped like ``answer``."""
        return mean(self.score(value) for value in self.values)
