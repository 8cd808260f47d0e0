"""How large an imported question bank may be: the file, its questions, their options and texts.

An imported bank is untrusted input, and each limit bounds the work and the
files an import makes, with room to spare over what Moodle itself exports:

* :data:`MAX_BANK_BYTES`, 20 MB. Moodle XML spends about 1-3 kB on a
  question with five options and feedback, so a bank of a thousand questions
  is a few MB; Moodle's own question bank export, embedded images (base64 in
  ``<file>``) included, is rarely above a few MB per category. 20 MB is ten
  times that and is refused before the file is read.
* :data:`MAX_QUESTIONS`, 2,000: several times the largest category a course
  keeps; each becomes one question of one section's quiz.
* :data:`MAX_OPTIONS`, 100 answers (or matching pairs) per question. Moodle's
  editing form offers blanks for 5 answers, 3 more at a time; real questions
  have 2-10. The positional check scores every option position and id of a
  question, so options are what its time grows with.
* :data:`MAX_BANK_OPTIONS`, 20,000 answers and pairs in all (2,000 questions
  of 10): the import writes and reads back quiz.yml, and checks the option
  order, in time that grows with them.
* :data:`MAX_QUESTION_CHARS`, 2,000,000 characters of text per question
  (text, answers, feedback, hints; embedded images counted as their
  ``data:`` URIs): a few photos, while an image referred to again and again
  cannot grow one question, and quiz.yml, without bound.
* :data:`MAX_XML_DEPTH`, 32 nested elements: Moodle XML nests 5 deep
  (``quiz/question/answer/feedback/text``); its HTML is text, not elements.
* :data:`MAX_XML_ELEMENTS`, 250,000 elements in a Moodle XML file: Moodle
  writes about 30 per question and 5 per answer, so the question and answer
  limits need some 180,000; the tree of a file is held in memory whole.

Each refusal is a :class:`BankLimitError`: one line naming the file, what is
too large and the limit.
"""

from __future__ import annotations

from collections.abc import Iterable

from coursekit.bank.record import BankFormatError, BankQuestion

MAX_BANK_BYTES = 20 * 1024 * 1024
"""Largest bank file coursekit reads, in bytes (20 MB)."""
MAX_QUESTIONS = 2000
"""Most questions one bank file may hold (category markers not counted)."""
MAX_OPTIONS = 100
"""Most answers, or matching pairs, one question may have."""
MAX_BANK_OPTIONS = 20_000
"""Most answers and matching pairs one bank file may hold, all questions together."""
MAX_QUESTION_CHARS = 2_000_000
"""Most characters of text one question may hold, all its fields together."""
MAX_XML_DEPTH = 32
"""Deepest nesting of elements a Moodle XML file may have."""
MAX_XML_ELEMENTS = 250_000
"""Most elements a Moodle XML file may have."""


class BankLimitError(BankFormatError):
    """A bank file is larger than coursekit takes; the message names the file, what is too large and the limit."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(path, line, problem)
        if not line:
            self.args = (f"{path}: {problem}",)


def size_text(size: int) -> str:
    """A byte count as a trainer reads it, exact: ``812 bytes``, ``3.4 MB (3,565,158 bytes)``."""
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB ({size:,} bytes)"


def check_bank_size(path: str, size: int) -> None:
    """Refuse a bank file of ``size`` bytes above :data:`MAX_BANK_BYTES`, before it is read.

    Raises
    ------
    BankLimitError
        Naming the file, its size and the limit.
    """
    if size > MAX_BANK_BYTES:
        raise BankLimitError(path, 0, f"the file is {size_text(size)}; coursekit imports question banks of up to "
                                      f"{size_text(MAX_BANK_BYTES)}: export one category at a time from Moodle")


def question_chars(q: BankQuestion) -> int:
    """Characters of text a question holds, all fields together."""
    texts: Iterable[str] = (
        q.name, q.text, q.general_feedback, q.correct_feedback, q.partially_correct_feedback, q.incorrect_feedback,
        *q.hints, *q.tags, *(a.text + a.feedback for a in q.answers),
        *(s.text + s.answer for s in q.subquestions),
    )
    return sum(len(text) for text in texts)


def check_question_count(count: int, path: str) -> None:
    """Refuse a bank once it has more than :data:`MAX_QUESTIONS` questions (a reader stops counting there).

    Raises
    ------
    BankLimitError
        Naming the file and the limit.
    """
    if count > MAX_QUESTIONS:
        raise BankLimitError(path, 0, f"more than {MAX_QUESTIONS:,} questions; coursekit imports at most "
                                      f"{MAX_QUESTIONS:,} from one file (export one category at a time from Moodle)")


def check_questions(questions: list[BankQuestion], path: str) -> None:
    """Refuse a bank with too many questions or options, or a question with too many options or too much text.

    Raises
    ------
    BankLimitError
        Naming the file, the question (its name and line) and the limit.
    """
    check_question_count(len(questions), path)
    total = sum(len(q.answers) + len(q.subquestions) for q in questions)
    if total > MAX_BANK_OPTIONS:
        raise BankLimitError(path, 0, f"{total:,} answers and matching pairs in all; coursekit imports at most "
                                      f"{MAX_BANK_OPTIONS:,} from one file (export one category at a time from Moodle)")
    for q in questions:
        options = max(len(q.answers), len(q.subquestions))
        if options > MAX_OPTIONS:
            raise BankLimitError(path, q.line, f"question {q.name[:80]!r} has {options:,} "
                                               f"{'pairs' if len(q.subquestions) > len(q.answers) else 'answers'}; "
                                               f"coursekit takes at most {MAX_OPTIONS} per question")
        chars = question_chars(q)
        if chars > MAX_QUESTION_CHARS:
            raise BankLimitError(path, q.line, f"question {q.name[:80]!r} holds {chars:,} characters of text; "
                                               f"coursekit takes at most {MAX_QUESTION_CHARS:,} per question")
