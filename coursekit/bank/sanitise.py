"""Make imported question HTML safe to show, and readable as plain text.

Imported files are untrusted. :func:`sanitise_html` keeps ordinary markup
(paragraphs, emphasis, lists, tables, links, code) and removes scripts, styles,
frames, objects, event handlers and ``javascript:`` URLs (with :mod:`nh3`, a
binding of the ammonia sanitiser). Nothing is fetched at build: an image is
kept only when it is embedded (``data:image/...``); a remote or relative image
becomes its alt text, and an image from the Moodle file area
(``@@PLUGINFILE@@``, absent once exported) becomes its alt text and is reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import nh3

from coursekit.bank.record import BankQuestion

_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
    "*": {"lang", "dir"},
}
_HTML_FORMATS = ("html", "moodle_auto_format", "markdown")
"""Formats whose text may hold markup; ``plain_text`` is shown escaped. Auto-format and Markdown texts are
sanitised as HTML only when they hold tags."""


@dataclass
class Sanitised:
    """A sanitised text and what was changed that a trainer should know."""

    text: str
    notes: list[str] = field(default_factory=list)


def _is_embedded(src: str) -> bool:
    return src.strip().lower().startswith("data:image/")


class _ImageRewriter(HTMLParser):
    """Copy HTML through, turning every image that is not embedded into its alt text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.notes: list[str] = []

    def _image(self, attrs: list[tuple[str, str | None]]) -> bool:
        values = {name: value or "" for name, value in attrs}
        src = values.get("src", "")
        if _is_embedded(src):
            return False
        alt = values.get("alt", "")
        if "@@PLUGINFILE@@" in src:
            self.notes.append(f"image {src.replace('@@PLUGINFILE@@/', '')!r} from the Moodle file area "
                              f"is not included: shown as its alt text {alt!r}")
        else:
            self.notes.append(f"image {src!r} is not fetched: shown as its alt text {alt!r}")
        self.out.append(html.escape(alt))
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and self._image(attrs):
            return
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src" and not _is_embedded(value):
        return None
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


def sanitise_html(text: str) -> Sanitised:
    """Sanitise one HTML text: safe markup kept, scripts and remote images gone, changes noted.

    Parameters
    ----------
    text
        HTML from an imported question (question text, answer, feedback).

    Returns
    -------
    Sanitised
        The safe HTML and one note per image not kept and per element removed
        for safety (script, style, iframe, object, embed, event handlers).
    """
    rewriter = _ImageRewriter()
    rewriter.feed(text)
    rewriter.close()
    kept = "".join(rewriter.out)
    notes = list(rewriter.notes)
    removed = sorted({tag.lower() for tag in re.findall(r"<\s*(script|style|iframe|object|embed|form)\b", text, re.I)})
    if removed:
        notes.append("removed " + ", ".join(f"<{tag}>" for tag in removed))
    if re.search(r"\son\w+\s*=", text, re.I):
        notes.append("removed event handler attributes (on...)")
    if re.search(r"javascript\s*:", text, re.I):
        notes.append("removed javascript: links")
    clean = nh3.clean(
        kept,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return Sanitised(clean, notes)


class _TextCollector(HTMLParser):
    """HTML to readable plain text: blocks on their own lines, list items dashed, images as alt text."""

    _BREAKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
                         "table", "ul", "ol", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._BREAKS and tag != "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(text: str) -> str:
    """Readable plain text of (sanitised) HTML: paragraphs on their own lines, entities decoded."""
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    lines = [" ".join(line.split()) for line in "".join(collector.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line if line != "-" else "" for line in lines)).strip()


_MARKUP = re.compile(r"<[A-Za-z!/?]")
_SCRIPT_LINK = re.compile(r"(\]\(\s*)(?:javascript|vbscript|data)\s*:(?:[^()]|\([^()]*\))*\)", re.I)


def _clean(text: str, text_format: str, where: str, notes: list[str]) -> str:
    if text_format not in _HTML_FORMATS or not text:
        return text
    if text_format != "html" and not _MARKUP.search(text):
        # Moodle auto-format and Markdown without tags: plain text as written (``3 < 5`` stays), no script links.
        cleaned = _SCRIPT_LINK.sub(r"\1)", text)
        if cleaned != text:
            notes.append(f"{where}: removed javascript: links")
        return cleaned
    result = sanitise_html(text)
    notes.extend(f"{where}: {note}" for note in result.notes)
    return result.text


def sanitise_question(question: BankQuestion) -> tuple[BankQuestion, list[str]]:
    """A copy of a bank question with every text a learner may see sanitised, and what changed.

    Question text, general and combined feedback, hints, choice texts, answer
    feedback and matching items are sanitised when their format may hold HTML;
    accepted short answers, numbers and matching answers (shown as plain text)
    are left as they are.
    """
    notes: list[str] = []
    name = f"question {question.name!r}"
    choice_texts = question.qtype == "multichoice"
    answers = [
        replace(answer,
                text=_clean(answer.text, answer.text_format, f"{name}, answer", notes) if choice_texts
                else answer.text,
                feedback=_clean(answer.feedback, answer.feedback_format, f"{name}, feedback", notes))
        for answer in question.answers
    ]
    subquestions = [replace(sub, text=_clean(sub.text, sub.text_format, f"{name}, item", notes))
                    for sub in question.subquestions]
    cleaned = replace(
        question,
        text=_clean(question.text, question.text_format, name, notes),
        general_feedback=_clean(question.general_feedback, question.general_feedback_format,
                                f"{name}, general feedback", notes),
        correct_feedback=_clean(question.correct_feedback, "html", f"{name}, feedback", notes),
        partially_correct_feedback=_clean(question.partially_correct_feedback, "html", f"{name}, feedback", notes),
        incorrect_feedback=_clean(question.incorrect_feedback, "html", f"{name}, feedback", notes),
        hints=[_clean(hint, "html", f"{name}, hint", notes) for hint in question.hints],
        answers=answers,
        subquestions=subquestions,
    )
    return cleaned, notes
