"""The quiz as learners see it, for the item analysis: numbered questions with text, options with text (pure).

:func:`question_catalogue` lists every question of every type in the order
learners see them; :func:`option_labels` gives the text of each option a
responses file can hold and whether it is the key. Both ask the question's
type (:mod:`coursekit.quiz.types`): a registered type needs nothing here.
"""

from __future__ import annotations

import pandas as pd

from coursekit.quiz.spec import QuizSpec
from coursekit.quiz.types import question_type
from coursekit.quiz.types.base import OptionLabel

CATALOGUE_COLUMNS = ["section", "item", "number", "type", "text"]


def question_catalogue(quizzes: dict[str, QuizSpec]) -> pd.DataFrame:
    """One row per slot: section, item (id), number (1-based, learners' order), type (in words), text.

    A slot is an item of the statistics: a question, or a pool (item: the
    slot's id; type and text: its first question's, the text followed by
    ``(one of k questions drawn)``).
    """
    rows = []
    for section, quiz in quizzes.items():
        for number, slot in enumerate(quiz.quiz_slots, start=1):
            q = quiz.question(slot.questions[0])
            text = f"{q.text} (one of {len(slot.questions)} questions drawn)" if slot.pooled else q.text
            rows.append((section, slot.id, number, question_type(q).words, text))
    return pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)


def accepted_text(question: object) -> str:
    """The answers a typed question accepts, as the item analysis shows them (its type's words)."""
    return question_type(question).accepted_words(question)  # type: ignore[arg-type]


def option_labels(question: object, picked: list[str]) -> list[OptionLabel]:
    """``(option, text, is_key)`` for every option of ``question`` its type lists, then for every other ``picked``.

    Choice and true/false questions list all their options (picked or not); a
    matching question lists every right pair, then the wrong pairs picked; a
    typed answer (short answer, numerical) lists the answers given, each a key
    when it earns full points.
    """
    kind = question_type(question)  # type: ignore[arg-type]
    labels = kind.listed_options(question)
    known = {label.option for label in labels}
    for value in picked:
        if value not in known:
            known.add(value)
            labels.append(kind.picked_option(question, value))
    return labels
