"""Moodle XML: read and write question banks in the shape Moodle's own export gives.

A file is a ``<quiz>`` of ``<question type="...">`` elements. A question of
type ``category`` sets the category of the questions after it. Imported files
are untrusted: they are parsed with :mod:`defusedxml` (no DTD entities, no
external references), and a malformed file raises :class:`BankFormatError`
naming the file, the line and what was expected. Elements nest at most
:data:`~coursekit.bank.limits.MAX_XML_DEPTH` deep, a file has at most
:data:`~coursekit.bank.limits.MAX_XML_ELEMENTS` of them, and a text with its images
embedded holds at most :data:`~coursekit.bank.limits.MAX_QUESTION_CHARS`.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from coursekit.bank.category import join_category, split_category
from coursekit.bank.extras import apply_extras, dump_extras, extras
from coursekit.bank.limits import (
    MAX_QUESTION_CHARS,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    BankLimitError,
    check_question_count,
)
from coursekit.bank.record import BankAnswer, BankFormatError, BankQuestion, BankSubquestion, BankUnit, quoted

_EXTRAS = "coursekit"
"""Element holding, as JSON, what Moodle XML cannot say of a question (Moodle's importer skips it)."""
_LINE = "{coursekit}line"
"""Attribute the reader adds to every element: the line it starts on."""


class _LineTreeBuilder(ET.TreeBuilder):
    """A tree builder that notes each element's line as an attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.depth = self.elements = 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else 0
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooLarge(line, f"elements nested more than {MAX_XML_DEPTH} deep (Moodle XML nests 5)")
        if self.elements > MAX_XML_ELEMENTS:
            raise _TooLarge(line, f"more than {MAX_XML_ELEMENTS:,} elements; coursekit imports at most "
                                  f"{MAX_XML_ELEMENTS:,} from one file (export one category at a time from Moodle)")
        return super().start(tag, {**attrs, _LINE: str(line)})

    def end(self, tag: str) -> ET.Element:  # type: ignore[override]
        self.depth -= 1
        return super().end(tag)


class _TooLarge(Exception):
    """Part of a file is beyond a limit of :mod:`coursekit.bank.limits`; the reader names the file."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def _parse(data: bytes, path: str) -> ET.Element:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except _TooLarge as exc:
        raise BankLimitError(path, exc.line, exc.problem) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        reason = str(exc).split(":")[0]
        raise BankFormatError(path, line, f"expected well-formed XML ({reason})") from None
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise BankFormatError(path, line, f"expected XML without entity declarations or external references "
                                          f"({type(exc).__name__})") from None


def _line(element: ET.Element) -> int:
    return int(element.get(_LINE, "0"))


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".webp": "image/webp"}
"""Images a ``<file>`` may carry that are embedded into the text (not SVG: it may hold script)."""


def _embedded_files(element: ET.Element) -> dict[str, str]:
    """``@@PLUGINFILE@@`` references to the images in an element's ``<file>`` children, as ``data:`` URIs."""
    found: dict[str, str] = {}
    for file in element.findall("file"):
        name = file.get("name") or ""
        kind = _IMAGE_TYPES.get(PurePosixPath(name).suffix.lower())
        if kind is None or (file.get("encoding") or "base64") != "base64":
            continue
        data = "".join((file.text or "").split())
        folder = (file.get("path") or "/").strip("/")
        where = f"{folder}/{name}" if folder else name
        uri = f"data:{kind};base64,{data}"
        for spelt in {where, quote(where), quote(where, safe="/")}:
            found["@@PLUGINFILE@@/" + spelt] = uri
    return found


def _text_of(element: ET.Element | None) -> str:
    """The ``<text>`` of an element such as ``<questiontext>``, trimmed as Moodle's importer does, or ``""``.

    Images the element carries as ``<file>`` children (Moodle's export of the file area) are embedded
    where the text refers to them (``@@PLUGINFILE@@/name``), so the text shows them without a fetch.
    """
    if element is None:
        return ""
    text = element.find("text")
    value = (text.text or "").strip() if text is not None else ""
    if "@@PLUGINFILE@@" in value:
        value = _embed(value, _embedded_files(element), _line(element))
    return value


_REFERENCE = re.compile(r"""(["'])@@PLUGINFILE@@/([^"']*)\1""")
"""A quoted reference to a file of the element's file area, as Moodle writes it in ``src`` or ``href``."""


def _embed(value: str, embedded: dict[str, str], line: int) -> str:
    """``value`` with each quoted reference to an embedded file replaced by its ``data:`` URI, in one pass.

    Raises :class:`_TooLarge` as soon as the text would hold more than :data:`MAX_QUESTION_CHARS`.
    """
    parts: list[str] = []
    done = size = 0
    for match in _REFERENCE.finditer(value):
        uri = embedded.get("@@PLUGINFILE@@/" + match.group(2))
        if uri is None:
            continue
        parts += [value[done:match.start() + 1], uri]
        size += match.start() + 1 - done + len(uri)
        done = match.end() - 1
        if size > MAX_QUESTION_CHARS:
            raise _TooLarge(line, f"a text with its images embedded holds more than {MAX_QUESTION_CHARS:,} "
                                  "characters; coursekit takes at most that many per question")
    return "".join(parts) + value[done:]


def _format_of(element: ET.Element | None, default: str = "html") -> str:
    if element is None:
        return default
    return element.get("format") or default


def _child_text(question: ET.Element, tag: str, default: str = "") -> str:
    child = question.find(tag)
    if child is None or child.text is None:
        return default
    return child.text.strip()


def _number(element: ET.Element, value: str, what: str, path: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise BankFormatError(path, _line(element), f"expected a number for {what}, found {quoted(value)}")
    return number


def _child_number(question: ET.Element, tag: str, default: float, path: str) -> float:
    child = question.find(tag)
    if child is None or not (child.text or "").strip():
        return default
    return _number(child, child.text.strip(), f"<{tag}>", path)


def _child_bool(question: ET.Element, tag: str, default: bool) -> bool:
    value = _child_text(question, tag).lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


def _read_answer(element: ET.Element, path: str) -> BankAnswer:
    raw = element.get("fraction", "0")
    feedback = element.find("feedback")
    tolerance = element.find("tolerance")
    return BankAnswer(
        text=_text_of(element),
        fraction=_number(element, raw, "fraction=", path),
        feedback=_text_of(feedback),
        text_format=_format_of(element),
        feedback_format=_format_of(feedback),
        tolerance=(_number(tolerance, tolerance.text.strip(), "<tolerance>", path)
                   if tolerance is not None and (tolerance.text or "").strip() else None),
    )


def _read_question(element: ET.Element, qtype: str, category: list[str], path: str) -> BankQuestion:
    name = element.find("name")
    questiontext = element.find("questiontext")
    general = element.find("generalfeedback")
    tags = [_text_of(tag).strip() for tag in element.findall("tags/tag")]
    units = []
    for unit in element.findall("units/unit"):
        multiplier = unit.find("multiplier")
        units.append(BankUnit(
            unit=_child_text(unit, "unit_name"),
            multiplier=_number(multiplier, multiplier.text.strip(), "<multiplier>", path)
            if multiplier is not None and (multiplier.text or "").strip() else 1.0,
        ))
    subquestions = []
    for sub in element.findall("subquestion"):
        subquestions.append(BankSubquestion(
            text=_text_of(sub), answer=_text_of(sub.find("answer")), text_format=_format_of(sub)))
    min_words = _child_text(element, "minwordlimit")
    question = BankQuestion(
        qtype=qtype,
        name=_text_of(name).strip(),
        text=_text_of(questiontext),
        text_format=_format_of(questiontext),
        category=list(category),
        tags=[tag for tag in tags if tag],
        idnumber=_child_text(element, "idnumber"),
        default_grade=_child_number(element, "defaultgrade", 1.0, path),
        penalty=_child_number(element, "penalty", 0.3333333, path),
        general_feedback=_text_of(general),
        general_feedback_format=_format_of(general),
        answers=[_read_answer(answer, path) for answer in element.findall("answer")],
        subquestions=subquestions,
        single=_child_bool(element, "single", True),
        shuffle_answers=_child_bool(element, "shuffleanswers", True),
        answer_numbering=_child_text(element, "answernumbering", "abc") or "abc",
        case_sensitive=_child_bool(element, "usecase", False),
        units=units,
        unit_penalty=_child_number(element, "unitpenalty", 0.1, path),
        correct_feedback=_text_of(element.find("correctfeedback")),
        partially_correct_feedback=_text_of(element.find("partiallycorrectfeedback")),
        incorrect_feedback=_text_of(element.find("incorrectfeedback")),
        hints=[_text_of(hint) for hint in element.findall("hint")],
        response_format=_child_text(element, "responseformat", "editor") or "editor",
        min_words=int(_number(element, min_words, "<minwordlimit>", path)) if min_words else None,
        line=_line(element),
    )
    kept = element.find(_EXTRAS)
    if kept is not None and (kept.text or "").strip():
        try:
            apply_extras(question, kept.text)
        except ValueError as exc:
            raise BankFormatError(path, _line(kept), f"{exc} in <{_EXTRAS}>") from None
    return question


def read_moodle_xml(data: bytes, path: str) -> list[BankQuestion]:
    """Read a Moodle XML file into bank records, in file order.

    Parameters
    ----------
    data
        The file's bytes (the XML declaration names the encoding; UTF-8 by default).
    path
        The file's name, used in error messages.

    Returns
    -------
    list[BankQuestion]
        Every question but the ``category`` markers, each with the category in
        force where it stands; questions of types coursekit does not support
        are kept (``supported`` is false) so they can be named.

    Raises
    ------
    BankFormatError
        The file is not well-formed XML, declares entities, is not a ``<quiz>``,
        or a question lacks its ``type`` or a number is not a number; or
        (:class:`~coursekit.bank.limits.BankLimitError`) elements nest too deep or
        are too many, a text with its images is too long, or there are more than
        :data:`~coursekit.bank.limits.MAX_QUESTIONS` questions: reading stops there.
    """
    root = _parse(data, path)
    if root.tag != "quiz":
        raise BankFormatError(path, _line(root), f"expected <quiz> as the root element, found <{root.tag}>")
    category: list[str] = []
    questions: list[BankQuestion] = []
    for element in root:
        if element.tag != "question":
            raise BankFormatError(path, _line(element), f"expected <question> inside <quiz>, found <{element.tag}>")
        qtype = (element.get("type") or "").strip()
        if not qtype:
            raise BankFormatError(path, _line(element),
                                  'expected a type attribute on <question>, e.g. type="multichoice"')
        if qtype == "category":
            text = _text_of(element.find("category"))
            if not text.strip():
                raise BankFormatError(path, _line(element), "expected <category><text>$course$/...</text></category>")
            category = split_category(text)
            continue
        try:
            questions.append(_read_question(element, qtype, category, path))
        except _TooLarge as exc:
            raise BankLimitError(path, exc.line, exc.problem) from None
        check_question_count(len(questions), path)
    return questions


# ----------------------------------------------------------------------------- writing


def _cdata(text: str) -> str:
    """Text as Moodle writes it: in CDATA when it holds markup, else escaped."""
    if any(char in text for char in "<>&"):
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return escape(text)


def _decimal(value: float) -> str:
    """A grade or penalty as Moodle writes it (``1.0000000``), exact when seven places are not."""
    written = f"{value:.7f}"
    return written if float(written) == value else repr(float(value))


def _short(value: float) -> str:
    """A fraction, tolerance or multiplier as Moodle writes it (``100``, ``33.33333``, ``0.5``)."""
    if float(value).is_integer():
        return str(int(value))
    written = f"{value:.7f}".rstrip("0").rstrip(".")
    return written if float(written) == value else repr(float(value))


def _text_block(tag: str, text: str, text_format: str | None, indent: str) -> list[str]:
    fmt = f" format={quoteattr(text_format)}" if text_format is not None else ""
    return [f"{indent}<{tag}{fmt}>", f"{indent}  <text>{_cdata(text)}</text>", f"{indent}</{tag}>"]


def _write_answer(answer: BankAnswer) -> list[str]:
    lines = [f'    <answer fraction="{_short(answer.fraction)}" format={quoteattr(answer.text_format)}>',
             f"      <text>{_cdata(answer.text)}</text>"]
    lines += _text_block("feedback", answer.feedback, answer.feedback_format, "      ")
    if answer.tolerance is not None:
        lines.append(f"      <tolerance>{_short(answer.tolerance)}</tolerance>")
    lines.append("    </answer>")
    return lines


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _combined_feedback(q: BankQuestion) -> list[str]:
    lines: list[str] = []
    lines += _text_block("correctfeedback", q.correct_feedback, "html", "    ")
    lines += _text_block("partiallycorrectfeedback", q.partially_correct_feedback, "html", "    ")
    lines += _text_block("incorrectfeedback", q.incorrect_feedback, "html", "    ")
    return lines


def _type_fields(q: BankQuestion) -> list[str]:
    """The elements particular to each question type, in the order Moodle writes them."""
    lines: list[str] = []
    if q.qtype == "multichoice":
        lines.append(f"    <single>{_bool(q.single)}</single>")
        lines.append(f"    <shuffleanswers>{_bool(q.shuffle_answers)}</shuffleanswers>")
        lines.append(f"    <answernumbering>{escape(q.answer_numbering)}</answernumbering>")
        lines += _combined_feedback(q)
    elif q.qtype == "matching":
        lines.append(f"    <shuffleanswers>{_bool(q.shuffle_answers)}</shuffleanswers>")
        lines += _combined_feedback(q)
        for sub in q.subquestions:
            lines.append(f"    <subquestion format={quoteattr(sub.text_format)}>")
            lines.append(f"      <text>{_cdata(sub.text)}</text>")
            lines.append(f"      <answer>\n        <text>{_cdata(sub.answer)}</text>\n      </answer>")
            lines.append("    </subquestion>")
    elif q.qtype == "shortanswer":
        lines.append(f"    <usecase>{int(q.case_sensitive)}</usecase>")
    elif q.qtype == "essay":
        lines.append(f"    <responseformat>{escape(q.response_format)}</responseformat>")
        lines.append("    <responserequired>1</responserequired>")
        lines.append("    <responsefieldlines>10</responsefieldlines>")
        if q.min_words is not None:
            lines.append(f"    <minwordlimit>{q.min_words}</minwordlimit>")
        lines.append("    <attachments>0</attachments>")
        lines.append("    <attachmentsrequired>0</attachmentsrequired>")
    else:
        if q.single is not True:
            lines.append(f"    <single>{_bool(q.single)}</single>")
        if q.case_sensitive:
            lines.append("    <usecase>1</usecase>")
        if q.correct_feedback or q.partially_correct_feedback or q.incorrect_feedback:
            lines += _combined_feedback(q)
    return lines


def _write_question(q: BankQuestion, category: list[str]) -> list[str]:
    """A question's elements, with a ``<coursekit>`` element for the fields the others do not give back."""
    lines = _question_elements(q)
    written = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>", *lines, "</quiz>"]).encode("utf-8")
    back = read_moodle_xml(written, "<written>")[0]
    back.category = category
    found = extras(q, back)
    if found:
        lines.insert(-1, f"    <{_EXTRAS}>{escape(dump_extras(found))}</{_EXTRAS}>")
    return lines


def _question_elements(q: BankQuestion) -> list[str]:
    lines = [f"  <question type={quoteattr(q.qtype)}>",
             f"    <name>\n      <text>{_cdata(q.name)}</text>\n    </name>"]
    lines += _text_block("questiontext", q.text, q.text_format, "    ")
    lines += _text_block("generalfeedback", q.general_feedback, q.general_feedback_format, "    ")
    lines.append(f"    <defaultgrade>{_decimal(q.default_grade)}</defaultgrade>")
    lines.append(f"    <penalty>{_decimal(q.penalty)}</penalty>")
    lines.append("    <hidden>0</hidden>")
    lines.append(f"    <idnumber>{escape(q.idnumber)}</idnumber>")
    lines += _type_fields(q)
    lines += [line for answer in q.answers for line in _write_answer(answer)]
    if q.qtype == "numerical" or q.units:
        if q.units:
            lines.append("    <units>")
            for unit in q.units:
                lines.append(f"      <unit>\n        <multiplier>{_short(unit.multiplier)}</multiplier>"
                             f"\n        <unit_name>{escape(unit.unit)}</unit_name>\n      </unit>")
            lines.append("    </units>")
        lines.append(f"    <unitgradingtype>{1 if q.units else 0}</unitgradingtype>")
        lines.append(f"    <unitpenalty>{_decimal(q.unit_penalty)}</unitpenalty>")
        lines.append(f"    <showunits>{0 if q.units else 3}</showunits>")
        lines.append("    <unitsleft>0</unitsleft>")
    for hint in q.hints:
        lines += _text_block("hint", hint, "html", "    ")
    if q.tags:
        lines.append("    <tags>")
        lines += [f"      <tag><text>{_cdata(tag)}</text>\n      </tag>" for tag in q.tags]
        lines.append("    </tags>")
    lines.append("  </question>")
    return lines


def _write_category(category: list[str]) -> list[str]:
    return ["<!-- question: 0  -->", '  <question type="category">',
            f"    <category>\n      <text>{_cdata(join_category(category))}</text>\n    </category>",
            '    <info format="html">\n      <text></text>\n    </info>',
            "  </question>", ""]


def write_moodle_xml(questions: list[BankQuestion]) -> bytes:
    """Write bank records as a Moodle XML file, as Moodle's export does (UTF-8).

    A ``category`` marker precedes each run of questions of one category;
    whatever Moodle XML cannot say of a record goes in a ``<coursekit>``
    element (JSON) that Moodle's importer skips, so :func:`read_moodle_xml`
    gives back records equal to ``questions``.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current: list[str] = []
    for number, q in enumerate(questions, start=1):
        if q.category and q.category != current:
            lines += _write_category(q.category)
            current = split_category(join_category(q.category))
        lines.append(f"<!-- question: {number}  -->")
        lines += _write_question(q, current)
        lines.append("")
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")
