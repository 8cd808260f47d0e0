r"""GIFT: read and write question banks in Moodle's plain-text format.

The reader follows Moodle's own importer (``question/format/gift``): questions
are separated by blank lines; ``//`` starts a comment line; ``$CATEGORY:``
sets the category of the questions after it; ``::name::`` names a question;
``[html]``, ``[moodle]``, ``[plain]`` and ``[markdown]`` set a text's format;
``\~ \= \# \{ \} \: \n`` are escapes. The answer block ``{...}`` decides the type:

* ``{}`` essay; no block at all: a description;
* ``{#3:2}``, ``{#1..5}``, ``{#=%100%3:0 =%50%3:1 ~#wrong}`` numerical;
* any ``~``: multiple choice (``=`` right, ``~`` wrong, ``~%50%`` weighted;
  without any ``=`` several answers may be chosen);
* ``=a -> b`` pairs: matching (``= -> b`` is an extra distractor answer);
* ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` with ``#wrong#right`` feedback: true/false;
* otherwise ``=`` accepted answers: short answer;

``#`` after an answer gives its feedback and ``####`` the general feedback.
Comments ``// [id:...]`` and ``// [tag:...]`` carry the id number and tags, as
Moodle writes them. What GIFT cannot say (penalty, grade, hints, combined
feedback, units...) the writer puts in one ``// coursekit: {...}`` comment,
which Moodle ignores and this reader applies, so records survive a round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from coursekit.bank.category import join_category, split_category
from coursekit.bank.extras import apply_extras, dump_extras, extras
from coursekit.bank.limits import MAX_OPTIONS, BankLimitError, check_question_count
from coursekit.bank.record import BankAnswer, BankFormatError, BankQuestion, BankSubquestion, quoted

_ESCAPES = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005",
            "~": "\ue006", "n": "\ue007"}
_RESTORE = {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPES.items()}
_ESCAPE_PATTERN = re.compile(r"\\([\\:#={}~n])")
_FORMATS = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text", "markdown": "markdown"}
_MARKERS = {value: key for key, value in _FORMATS.items()}
_DEFAULT_FORMAT = "moodle_auto_format"
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_META_PREFIX = "// coursekit:"
_MARK_STOPS = {"id": re.compile(r"[\]\x00-\x1f]"), "tag": re.compile(r"[\]<>\x00-\x1f]")}
r"""What ends an ``[id:...]`` or ``[tag:...]`` mark's value: ``]`` (unless written ``\]``), a control character,
and in a tag ``<`` or ``>``."""
_WRITABLE = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description")


def _hide_escapes(text: str) -> str:
    return _ESCAPE_PATTERN.sub(lambda match: _ESCAPES[match.group(1)], text)


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


class _Block:
    """One question's lines: where it starts, its comments and its text (escapes hidden)."""

    def __init__(self, path: str, first_line: int, lines: list[str]) -> None:
        self.path = path
        self.comments = [line.strip() for line in lines if line.strip().startswith("//")]
        kept = [" " if line.strip().startswith("//") else line for line in lines]
        offset = next((i for i, line in enumerate(kept) if line.strip()), 0)
        self.first_line = first_line + offset
        self.text = _hide_escapes("\n".join(kept[offset:]))

    def line_at(self, index: int) -> int:
        """The file line of a character of :attr:`text`."""
        return self.first_line + self.text.count("\n", 0, max(index, 0))

    def error(self, problem: str, index: int = 0) -> BankFormatError:
        return BankFormatError(self.path, self.line_at(index), problem)


def _split_blocks(text: str, path: str) -> Iterator[_Block]:
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield _Block(path, start, current)
            current = []
    if current:
        yield _Block(path, start, current)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Split a leading ``[html]``-style marker off a text: (text, format), as Moodle's importer does."""
    text = text.lstrip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in _FORMATS:
            return _restore(text[end + 1:]).strip(), _FORMATS[text[1:end]]
    return _restore(text).strip(), default


def _weight(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if match is None:
        return default, answer
    return float(match.group(1)), answer[match.end():]


def _comment_split(
    answer: str, default: str, text_default: str | None = None
) -> tuple[tuple[str, str], tuple[str, str]]:
    """An answer and its ``#`` feedback, each with its format (the answer's default may differ)."""
    text, _, feedback = answer.partition("#")
    return _with_format(text, text_default or default), _with_format(feedback, default)


def _choices(answer_text: str, separator: str) -> list[str]:
    parts = answer_text.split(separator)
    if parts and not parts[0].strip():
        parts = parts[1:]
    return [part.strip() for part in parts]


def _check_options(block: _Block, name: str, count: int, what: str) -> None:
    """Refuse a question with more than :data:`MAX_OPTIONS` answers before reading any of them."""
    if count > MAX_OPTIONS:
        raise BankLimitError(block.path, block.first_line, f"question {name[:80]!r} has {count:,} {what}; "
                                                           f"coursekit takes at most {MAX_OPTIONS} per question")


def _run_end(comment: str, start: int, stops: re.Pattern[str]) -> int:
    """Where a mark's value starting at ``start`` stops: the first stop character that is not an escaped ``]``."""
    while (stop := stops.search(comment, start)) is not None:
        at = stop.start()
        if comment[at] != "]" or comment[at - 1] != "\\" or at - 1 < start:
            return at
        start = at + 1
    return len(comment)


def _marks(comment: str, kind: str) -> list[str]:
    r"""The values of every ``[kind:value]`` mark in a comment line, in order, in one pass over the line.

    A value runs to the first ``]`` not written ``\]``; a value cut short by a character it may not
    hold ends at its last ``\]`` instead (whose backslash it keeps), or is no mark. Each character is
    read once: marks that start inside the same run share its end, so a line of ``[tag:`` repeated
    without a ``]`` takes linear time.
    """
    opener = f"[{kind}:"
    found: list[str] = []
    run_end = last_pair = -1
    at = comment.find(opener)
    while at >= 0:
        start = at + len(opener)
        if start >= run_end:
            run_end = _run_end(comment, start, _MARK_STOPS[kind])
            last_pair = comment.rfind("\\]", start, run_end)
        if run_end > start and comment.startswith("]", run_end):
            found.append(comment[start:run_end])
            at = comment.find(opener, run_end + 1)
        elif last_pair >= start:
            found.append(comment[start:last_pair + 1])
            at = comment.find(opener, last_pair + 2)
        else:
            at = comment.find(opener, at + 1)
    return found


def _strip_tags(text: str) -> str:
    """``text`` with each ``<...>`` replaced by a space (an unclosed ``<`` stays), in one pass."""
    parts: list[str] = []
    done = 0
    opening = text.find("<")
    while opening >= 0:
        closing = text.find(">", opening + 1)
        if closing < 0:
            break
        parts += [text[done:opening], " "]
        done = closing + 1
        opening = text.find("<", done)
    return "".join(parts) + text[done:]


def _default_name(text: str) -> str:
    plain = " ".join(_strip_tags(text).split())
    return plain if len(plain) <= 80 else plain[:77].rstrip() + "..."


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


_LARGEST_EXPONENT = 308
"""Numbers are kept as Moodle stores them, in floating point: at most 1e308 in size, at least 1e-308 (or 0)."""


def _number(block: _Block, text: str, what: str, index: int) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise block.error(f"expected a number for {what}, found {quoted(text)}", index) from None
    if not value.is_finite():
        raise block.error(f"expected a finite number for {what}, found {quoted(text)}", index)
    if value and abs(value.adjusted()) > _LARGEST_EXPONENT:
        raise block.error(f"expected a number between 1e-{_LARGEST_EXPONENT} and 1e{_LARGEST_EXPONENT} in size "
                          f"for {what}, found {quoted(text)}", index)
    return value


def _numerical_answer(block: _Block, answer: str, qformat: str, index: int) -> BankAnswer:
    fraction, answer = _weight(answer, 100.0)
    (value, value_format), (feedback, feedback_format) = _comment_split(answer, qformat, _DEFAULT_FORMAT)
    if value == "*":
        return BankAnswer("*", fraction, feedback, value_format, feedback_format, 0.0)
    if value.find("..") > 0:
        low, _, high = value.partition("..")
        low_value = _number(block, low, "the range's lower end", index)
        high_value = _number(block, high, "the range's upper end", index)
        middle = (low_value + high_value) / 2
        return BankAnswer(_decimal_text(middle), fraction, feedback, value_format, feedback_format,
                          float(high_value - middle))
    if value.find(":") > 0:
        number, _, tolerance = value.partition(":")
        _number(block, number, "the answer", index)
        tolerance_value = _number(block, tolerance, "the tolerance", index)
        return BankAnswer(number.strip(), fraction, feedback, value_format, feedback_format, float(tolerance_value))
    _number(block, value, "the answer (or '*')", index)
    return BankAnswer(value, fraction, feedback, value_format, feedback_format, 0.0)


def _parse_answers(block: _Block, q: BankQuestion, answer_text: str, index: int) -> None:
    """Fill ``q``'s type and answers from the text between the braces."""
    qformat = q.text_format
    if not answer_text:
        q.qtype = "essay"
    elif answer_text.startswith("#"):
        q.qtype = "numerical"
        body = answer_text[1:]
        wrong = ""
        if "~" in body:
            body, wrong = body[:body.index("~")], body[body.index("~"):]
        answers = _choices(body, "=")
        if not answers and not wrong:
            raise block.error("expected a number after '{#' (e.g. {#3:0.5} or {#1..5})", index)
        q.answers = [_numerical_answer(block, answer, qformat, index) for answer in answers]
        if wrong:
            _, (feedback, feedback_format) = _comment_split(wrong, qformat)
            q.answers.append(BankAnswer("*", 0.0, feedback, _DEFAULT_FORMAT, feedback_format, 0.0))
    elif "~" in answer_text:
        q.qtype = "multichoice"
        q.single = "=" in answer_text
        choices = _choices(answer_text.replace("=", "~="), "~")
        _check_options(block, q.name, len(choices), "answers")
        if len(choices) < 2:
            raise block.error("expected at least two choices (~wrong =right) in a multiple choice question", index)
        for choice in choices:
            if choice.startswith("="):
                fraction, choice = 100.0, choice[1:]
            else:
                fraction, choice = _weight(choice, 0.0)
            (text, text_format), (feedback, feedback_format) = _comment_split(choice, qformat)
            q.answers.append(BankAnswer(text, fraction, feedback, text_format, feedback_format))
    elif "=" in answer_text and "->" in answer_text:
        q.qtype = "matching"
        pairs = _choices(answer_text, "=")
        _check_options(block, q.name, len(pairs), "pairs")
        if len(pairs) < 2:
            raise block.error("expected at least two pairs (=question -> answer) in a matching question", index)
        for number, pair in enumerate(pairs, start=1):
            if "->" not in pair:
                raise block.error(f"expected 'question -> answer' in matching pair {number}, found {quoted(pair)}",
                                  index)
            text, _, answer = pair.partition("->")
            sub_text, sub_format = _with_format(text, qformat)
            q.subquestions.append(BankSubquestion(sub_text, _restore(answer).strip(), sub_format))
    else:
        head = answer_text[:answer_text.index("#")].strip() if answer_text.find("#") > 0 else answer_text
        if head in ("T", "TRUE", "F", "FALSE"):
            q.qtype = "truefalse"
            q.penalty = 1.0
            bits = [*answer_text.split("#", 2), "", ""]
            wrong = _with_format(bits[1], qformat)
            right = _with_format(bits[2], qformat)
            true_feedback, false_feedback = (right, wrong) if head in ("T", "TRUE") else (wrong, right)
            truth = head in ("T", "TRUE")
            q.answers = [
                BankAnswer("true", 100.0 if truth else 0.0, true_feedback[0], _DEFAULT_FORMAT, true_feedback[1]),
                BankAnswer("false", 0.0 if truth else 100.0, false_feedback[0], _DEFAULT_FORMAT, false_feedback[1]),
            ]
            return
        q.qtype = "shortanswer"
        for answer in _choices(answer_text, "="):
            fraction, answer = _weight(answer, 100.0)
            (text, text_format), (feedback, feedback_format) = _comment_split(answer, qformat, _DEFAULT_FORMAT)
            if not text:
                raise block.error("expected an accepted answer after '=' in a short answer question", index)
            q.answers.append(BankAnswer(text, fraction, feedback, text_format, feedback_format))


def _apply_comments(block: _Block, q: BankQuestion) -> None:
    for comment in block.comments:
        if comment.startswith(_META_PREFIX):
            _apply_meta(block, q, comment[len(_META_PREFIX):])
            continue
        if not q.idnumber and (ids := _marks(comment, "id")):
            q.idnumber = ids[0].replace("\\]", "]").strip()
        q.tags += [tag.replace("\\]", "]").strip() for tag in _marks(comment, "tag")]


def _apply_meta(block: _Block, q: BankQuestion, raw: str) -> None:
    try:
        apply_extras(q, raw)
    except ValueError as exc:
        raise block.error(f"'{_META_PREFIX}' comment: {exc}") from None


def _read_block(block: _Block, category: list[str]) -> BankQuestion | list[str]:
    """One block as a question, or as the new category path when it is ``$CATEGORY:``."""
    text = block.text.strip()
    start = len(block.text) - len(block.text.lstrip())
    if text.startswith("$CATEGORY:"):
        return split_category(_restore(text[len("$CATEGORY:"):]))
    q = BankQuestion(qtype="description", category=list(category), line=block.first_line)
    name: str | None = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise block.error("expected '::' to close the question name", start)
        name = _restore(text[2:end]).strip()
        start += end + 2 + (len(text[end + 2:]) - len(text[end + 2:].lstrip()))
        text = text[end + 2:].strip()
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing >= 0:
        raise block.error("found '}' without '{': expected '{' to open the answers", start + closing)
    if opening >= 0 and closing < 0:
        raise block.error("unclosed brace: expected '}' to close the answers opened here", start + opening)
    if opening >= 0 and closing < opening:
        raise block.error("found '}' before '{': expected '{' to open the answers", start + closing)
    if opening >= 0 and ("{" in text[opening + 1:closing] or "{" in text[closing + 1:] or "}" in text[closing + 1:]):
        raise block.error("expected one {...} answer block per question (separate questions with a blank line; "
                          "escape literal braces as \\{ \\})", start + opening)
    answer_text = ""
    if opening < 0:
        question_text = text
    else:
        answer_text = text[opening + 1:closing].strip()
        tail = text[closing + 1:]
        question_text = text[:opening] + ("_____" + tail if tail.strip() else "")
        general_at = answer_text.rfind("####")
        if general_at >= 0:
            general = answer_text[general_at + 4:]
            answer_text = answer_text[:general_at].strip()
        else:
            general = ""
    q.text, q.text_format = _with_format(question_text, _DEFAULT_FORMAT)
    q.general_feedback_format = q.text_format
    if opening < 0:
        q.default_grade = 0.0
    else:
        if general.strip():
            q.general_feedback, q.general_feedback_format = _with_format(general, q.text_format)
        q.name = name if name else _default_name(q.text)  # named before the answers: a refusal names it
        _parse_answers(block, q, answer_text, start + opening)
    q.name = name if name else _default_name(q.text)
    _apply_comments(block, q)
    return q


def read_gift(text: str, path: str) -> list[BankQuestion]:
    """Read a GIFT file into bank records, in file order.

    Parameters
    ----------
    text
        The file's text.
    path
        The file's name, used in error messages.

    Returns
    -------
    list[BankQuestion]
        Every question with the category in force where it stands (a
        description-only item is a record of type ``description``, which
        coursekit does not support and reports).

    Raises
    ------
    BankFormatError
        A brace is not closed, a question has too few answers, a number is not
        a number, a name is not closed, or a ``// coursekit:`` comment is not JSON;
        or (:class:`~coursekit.bank.limits.BankLimitError`) the file holds more than
        :data:`~coursekit.bank.limits.MAX_QUESTIONS` questions: reading stops there.
    """
    category: list[str] = []
    questions: list[BankQuestion] = []
    for block in _split_blocks(text, path):
        if not block.text.strip():
            continue
        read = _read_block(block, category)
        if isinstance(read, list):
            category = read
        else:
            questions.append(read)
            check_question_count(len(questions), path)
    return questions


# ----------------------------------------------------------------------------- writing


def _escape(text: str) -> str:
    """Escape GIFT's reserved characters and new lines, as Moodle's exporter does."""
    for char, escaped in (("\\", "\\\\"), ("#", "\\#"), ("=", "\\="), ("~", "\\~"), ("{", "\\{"), ("}", "\\}"),
                          (":", "\\:"), ("\n", "\\n"), ("\r", "")):
        text = text.replace(char, escaped)
    return text


def _text(text: str, text_format: str, default: str) -> str:
    marker = f"[{_MARKERS.get(text_format, 'moodle')}]" if text and text_format != default else ""
    return marker + _escape(text)


def _short(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _general(q: BankQuestion, indent: str) -> str:
    if not q.general_feedback:
        return ""
    written = "####" + _text(q.general_feedback, q.general_feedback_format, q.text_format)
    return f"{indent}{written}\n" if indent else written


def _feedback(answer: BankAnswer, qformat: str) -> str:
    return "#" + _text(answer.feedback, answer.feedback_format, qformat) if answer.feedback else ""


def _answer_lines(q: BankQuestion) -> str:
    qformat = q.text_format
    if q.qtype == "essay":
        return "{" + _general(q, "") + "}"
    if q.qtype == "truefalse":
        true = next((a for a in q.answers if a.text.strip().lower() == "true"), BankAnswer("true"))
        false = next((a for a in q.answers if a.text.strip().lower() == "false"), BankAnswer("false"))
        right, wrong = (true, false) if true.fraction > 0 else (false, true)
        written = "{" + ("TRUE" if true.fraction > 0 else "FALSE")
        if wrong.feedback:
            written += "#" + _text(wrong.feedback, wrong.feedback_format, qformat)
        elif right.feedback:
            written += "#"
        if right.feedback:
            written += "#" + _text(right.feedback, right.feedback_format, qformat)
        return written + _general(q, "") + "}"
    lines = ["{" + ("#" if q.qtype == "numerical" else "")]
    for answer in q.answers:
        if q.qtype == "multichoice":
            if answer.fraction == 100 and q.single:
                prefix = "="
            elif answer.fraction == 0:
                prefix = "~"
            else:
                prefix = f"~%{_short(answer.fraction)}%"
            lines.append(f"\t{prefix}{_text(answer.text, answer.text_format, qformat)}{_feedback(answer, qformat)}")
        elif q.qtype == "shortanswer":
            prefix = "=" if answer.fraction == 100 else f"=%{_short(answer.fraction)}%"
            lines.append(f"\t{prefix}{_text(answer.text, answer.text_format, _DEFAULT_FORMAT)}"
                         f"{_feedback(answer, qformat)}")
        elif q.qtype == "numerical":
            if answer.text.strip() in ("", "*"):
                lines.append("\t~#" + _text(answer.feedback, answer.feedback_format, qformat))
                continue
            prefix = "=" if answer.fraction == 100 else f"=%{_short(answer.fraction)}%"
            tolerance = f":{_short(answer.tolerance)}" if answer.tolerance is not None else ""
            lines.append(f"\t{prefix}{answer.text.strip()}{tolerance}{_feedback(answer, qformat)}")
    for sub in q.subquestions:
        lines.append(f"\t={_text(sub.text, sub.text_format, qformat)} -> {_escape(sub.answer)}")
    return "\n".join(lines) + "\n" + _general(q, "\t") + "}"


def _body(q: BankQuestion) -> str:
    head = "::" + _escape(q.name) + "::" + _text(q.text, q.text_format, _DEFAULT_FORMAT)
    if q.qtype == "description":
        return head
    return head + _answer_lines(q)


def _comments(number: int, q: BankQuestion) -> list[str]:
    name = " ".join(q.name.split())
    comments = [f"// question: {number}  name: {name}"]
    marks = ([f"[id:{q.idnumber.replace(']', chr(92) + ']')}]"] if q.idnumber else []) + [
        f"[tag:{tag.replace(']', chr(92) + ']')}]" for tag in q.tags]
    if marks:
        comments.append("// " + " ".join(" ".join(marks).splitlines()))
    return comments


def write_gift(questions: list[BankQuestion]) -> str:
    """Write bank records as a GIFT file that Moodle's importer reads.

    Each question is preceded by ``// question:`` and ``// [id:...] [tag:...]``
    comments as Moodle writes them, a ``$CATEGORY:`` line when its category
    changes, and a ``// coursekit: {...}`` comment holding whatever GIFT cannot
    express, so :func:`read_gift` gives back records equal to ``questions``.

    Raises
    ------
    ValueError
        A question's type has no GIFT form (e.g. ``cloze``); the message names it.
    """
    parts: list[str] = []
    category: list[str] = []
    for number, q in enumerate(questions, start=1):
        if q.qtype not in _WRITABLE:
            raise ValueError(f"question {q.name!r}: type {q.qtype!r} has no GIFT form")
        if q.category and q.category != category:
            line = f"$CATEGORY: {join_category(q.category)}"
            parts.append(line + "\n")
            read = _read_block(_Block("<written>", 1, [line]), category)
            category = read if isinstance(read, list) else category
        lines = [*_comments(number, q), *_body(q).split("\n")]
        written = _read_block(_Block("<written>", 1, lines), category)
        assert isinstance(written, BankQuestion)
        found = extras(q, written)
        if found:
            lines.insert(1, f"{_META_PREFIX} {dump_extras(found)}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)
