"""A question as Moodle's question bank holds it, independent of the file format.

Moodle XML and GIFT are two spellings of the same question bank. Their readers
(:mod:`coursekit.bank.moodle_xml`, :mod:`coursekit.bank.gift`) turn a file into
:class:`BankQuestion` records and their writers turn records back into a file;
each coursekit question type maps its model to and from a record. So a format
knows nothing of coursekit's types, and a type knows nothing of file syntax.

Field names follow Moodle's XML elements; texts are kept as written (HTML stays
HTML, marked by ``text_format``). Fractions are Moodle's percentages
(``100`` full credit, ``-50`` half the question's points lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_QTYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay")
"""Moodle question types coursekit maps; any other (cloze, ddwtos, calculated, ...) is reported and skipped."""

TEXT_FORMATS = ("html", "moodle_auto_format", "plain_text", "markdown")
"""Moodle's text formats, as its XML spells them (GIFT's ``[html]``, ``[moodle]``, ``[plain]``, ``[markdown]``)."""


@dataclass
class BankAnswer:
    """One answer of a question: a choice, an accepted text, a number or a true/false value.

    ``text`` is the answer as written: an option's text, an accepted short
    answer (``*`` is Moodle's wildcard), a number (``"3.5"``, or ``"*"`` for any
    number) or ``"true"``/``"false"``.
    """

    text: str
    fraction: float = 0.0
    feedback: str = ""
    text_format: str = "html"
    feedback_format: str = "html"
    tolerance: float | None = None
    """Numerical questions only: the accepted error (Moodle's nominal tolerance)."""
    id: str = ""
    """coursekit's id of this option; empty when it is the default (``a``, ``b``, ... in order).
    Moodle has no place for it: a writer may keep it where Moodle ignores it, or drop it."""


@dataclass
class BankSubquestion:
    """One pair of a matching question; an empty ``text`` is an extra distractor answer."""

    text: str
    answer: str
    text_format: str = "html"
    id: str = ""
    """coursekit's id of the item; empty when it is the default (``1``, ``2``, ... in order)."""
    answer_id: str = ""
    """coursekit's id of the answer (choice); empty when it is the default (``a``, ``b``, ... in the
    order answers first appear)."""


@dataclass
class BankUnit:
    """A unit of a numerical question and its multiplier (the first has multiplier 1)."""

    unit: str
    multiplier: float = 1.0


@dataclass
class BankQuestion:
    """One question of a Moodle question bank, as any format writes it."""

    qtype: str
    """Moodle's type name: ``multichoice``, ``truefalse``, ``shortanswer``, ``numerical``, ``matching``,
    ``essay``, or any other (kept so an unsupported question can be named)."""
    name: str = ""
    text: str = ""
    text_format: str = "html"
    category: list[str] = field(default_factory=list)
    """The category path, e.g. ``["$course$", "Top", "Section 5.3"]``."""
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    default_grade: float = 1.0
    penalty: float = 0.3333333
    """Moodle's penalty for each incorrect try (0-1, interactive behaviours)."""
    general_feedback: str = ""
    general_feedback_format: str = "html"
    answers: list[BankAnswer] = field(default_factory=list)
    subquestions: list[BankSubquestion] = field(default_factory=list)
    single: bool = True
    """Multichoice only: one answer (radio buttons) or several (check boxes)."""
    shuffle_answers: bool = True
    answer_numbering: str = "abc"
    case_sensitive: bool = False
    """Shortanswer only: Moodle's ``usecase``."""
    choice_order: list[str] = field(default_factory=list)
    """Matching only: the answers (by text) in the order coursekit lists its choices, when that is not the order
    in which they first appear in ``subquestions``; empty otherwise. Moodle has no place for it."""
    units: list[BankUnit] = field(default_factory=list)
    unit_penalty: float = 0.1
    correct_feedback: str = ""
    partially_correct_feedback: str = ""
    incorrect_feedback: str = ""
    hints: list[str] = field(default_factory=list)
    response_format: str = "editor"
    """Essay only: how the learner answers (Moodle's ``responseformat``)."""
    min_words: int | None = None
    """Essay only: Moodle's ``minwordlimit``."""
    id: str = ""
    """coursekit's question id, when it is not the ID number (or, without a valid one, the name as an id);
    empty otherwise. Moodle has no place for it: a writer may keep it where Moodle ignores it, or drop it."""
    line: int = field(default=0, compare=False)
    """Where the question starts in its file (1-based; 0 when unknown), for messages; not part of equality."""

    @property
    def supported(self) -> bool:
        """Whether coursekit has a question type for this Moodle type."""
        return self.qtype in SUPPORTED_QTYPES


class BankFormatError(ValueError):
    """A question bank file is malformed; the message names the file, the line and what was expected."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(f"{path}, line {line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


QUOTED_CHARACTERS = 40
"""Most characters of a wrong token an error message quotes."""


def quoted(text: str) -> str:
    """A token as an error message quotes it: stripped, in quotes, cut to :data:`QUOTED_CHARACTERS` (``'...'...``)."""
    text = text.strip()
    return repr(text) if len(text) <= QUOTED_CHARACTERS else repr(text[:QUOTED_CHARACTERS]) + "..."
