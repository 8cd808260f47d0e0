"""Raw quiz responses of a cohort, for option-level (distractor) analysis.

Reads ``autograded/<learner>/<section>/responses/<section>.json`` (the copies
nbgrader graded, already pruned of anything else the learner sent) into one
row per picked option: learner, section, item, option, attempt, submitted_at.
Files that cannot be trusted are skipped the way grading skips them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from coursekit.grading.hidden import read_untrusted
from coursekit.quiz.attempts import Attempt
from coursekit.quiz.contract import normalise_short_answer, responses_glob
from coursekit.quiz.describe import shown_attempt
from coursekit.quiz.responses import ResponsesError, graded_attempts, parse_responses
from coursekit.quiz.spec import QuizSpec

COLUMNS = ["learner", "section", "item", "option", "attempt", "submitted_at"]


def _options(answer: object) -> list[str]:
    if isinstance(answer, list):
        return [str(a) for a in answer]
    if isinstance(answer, dict):
        return [f"{item}={choice}" for item, choice in answer.items()]
    if isinstance(answer, bool):
        return ["true" if answer else "false"]
    text = "" if answer is None else normalise_short_answer(str(answer))
    return [text[:80]] if text else []


def load_choices(autograded: Path, sections: list[str], last_attempt_only: bool = True,
                 quizzes: Mapping[str, QuizSpec] | None = None) -> pd.DataFrame:
    """Every option picked in the cohort's responses files: one attempt per learner and section by default.

    With ``quizzes`` (the full quizzes, keys included) that attempt is the one each learner's grade reflects,
    as grading picks it (:func:`coursekit.quiz.describe.shown_attempt`: the best one under ``highest``, the
    first or last under ``first`` or ``last``, the last under ``average``): the attempt the item statistics
    count, so the share of learners who picked a key and the facility tell the same story. Without them, the
    last attempt; ``last_attempt_only=False`` keeps every attempt.
    """
    rows = []
    for section in sections:
        for path in sorted(autograded.glob(responses_glob(section))):
            learner = path.parents[2].name
            try:
                responses = parse_responses(read_untrusted(path), path.name)
            except ResponsesError:
                continue
            if responses.section != section:
                continue
            attempts = graded_attempts(responses)
            spec = (quizzes or {}).get(section)
            if last_attempt_only and spec is not None:
                shown = shown_attempt(spec, [Attempt(number, answers, when) for number, answers, when in attempts])
                attempts = [a for a in attempts if shown is not None and a[0] == shown.number]
            elif last_attempt_only:
                attempts = attempts[-1:]
            for number, answers, when in attempts:
                for item, answer in answers.items():
                    rows.extend((learner, section, item, option, number, when) for option in _options(answer))
    return pd.DataFrame(rows, columns=COLUMNS)
