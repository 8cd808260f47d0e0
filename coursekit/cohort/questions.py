"""The quiz as learners see it, for the item analysis: numbered questions with text, options with text (pure).

:func:`question_catalogue` lists every question of every type in the order
learners see them; :func:`option_labels` gives the text of each option a
responses file can hold (``a`` → the option's text, ``true``, ``item=choice``
for a matching pair, a short answer as written) and whether it is the key.
"""

from __future__ import annotations

import pandas as pd

from coursekit.quiz.scoring import AnswerError, score_question
from coursekit.quiz.spec import Matching, MultipleChoice, QuizSpec, ShortAnswer, SingleChoice, TrueFalse

CATALOGUE_COLUMNS = ["section", "item", "number", "type", "text"]
TYPE_NAMES = {
    "single_choice": "single choice", "multiple_choice": "multiple choice", "true_false": "true/false",
    "matching": "matching", "short_answer": "short answer",
}


def question_catalogue(quizzes: dict[str, QuizSpec]) -> pd.DataFrame:
    """One row per question: section, item (id), number (1-based, learners' order), type (in words), text."""
    rows = [(section, q.id, number, TYPE_NAMES.get(q.type, q.type), q.text)
            for section, quiz in quizzes.items() for number, q in enumerate(quiz.questions, start=1)]
    return pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)


def _accepted(question: ShortAnswer, value: str) -> bool:
    try:
        return score_question(question, value) >= question.points
    except AnswerError:
        return False


def accepted_text(question: ShortAnswer) -> str:
    """A short-answer question's accepted answers as the item analysis shows them, in the order tried.

    Each as written, with its share of the points when below full credit (``Erasmus+, Erasmus (50 %)``),
    whether the key lists plain texts or ``{text, fraction, feedback}`` entries.
    """
    return ", ".join(a.text if a.fraction == 100 else f"{a.text} ({a.fraction:g} %)" for a in question.accepted)


def option_labels(question: object, picked: list[str]) -> list[tuple[str, str, bool]]:
    """``(option, text, is_key)`` for every option of ``question``, then for every other ``picked`` value.

    Choice and true/false questions list all their options (picked or not); a
    matching question lists every right pair, then the wrong pairs picked; a
    short-answer question lists the answers given (a right one is a key).
    """
    labels: list[tuple[str, str, bool]] = []
    if isinstance(question, SingleChoice | MultipleChoice):
        keys = {question.answer} if isinstance(question, SingleChoice) else set(question.answer)
        labels = [(o.id, o.text, o.id in keys) for o in question.options]
    elif isinstance(question, TrueFalse):
        labels = [("true", "True", question.answer is True), ("false", "False", question.answer is False)]
    elif isinstance(question, Matching):
        items = {o.id: o.text for o in question.items}
        choices = {o.id: o.text for o in question.choices}

        def pair(value: str) -> tuple[str, str, bool]:
            item, _, choice = value.partition("=")
            text = f"{items.get(item, item)} → {choices.get(choice, choice)}"
            return value, text, question.answer.get(item) == choice

        labels = [pair(f"{item}={choice}") for item, choice in question.answer.items()]
    known = {option for option, _, _ in labels}
    for value in picked:
        if value in known:
            continue
        known.add(value)
        if isinstance(question, Matching):
            labels.append(pair(value))
        elif isinstance(question, ShortAnswer):
            labels.append((value, value, _accepted(question, value)))
        else:
            labels.append((value, value, False))
    return labels
