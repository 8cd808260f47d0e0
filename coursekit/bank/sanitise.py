"""Make imported question text safe to show as notebook Markdown, and readable as plain text.

Imported files are untrusted, and every text of a question ends up in a
Markdown cell that JupyterLab, nbgrader's formgrader and the feedback pages
render as HTML. :func:`sanitise_html` keeps ordinary markup (paragraphs,
emphasis, lists, tables, links, code) and removes scripts, styles, frames,
objects, event handlers and links to any scheme but ``http``, ``https`` and
``mailto`` (with :mod:`nh3`, a binding of the ammonia sanitiser). Nothing is
fetched at build: an image is kept only when it is embedded
(``data:image/...``); a remote or relative image becomes its alt text, and an
image from the Moodle file area (``@@PLUGINFILE@@``, absent once exported)
becomes its alt text and is reported.

Every format goes through the same rules (:func:`sanitise_text`): HTML through
the allow-list; Markdown and Moodle auto-format through the allow-list when
they hold tags, and their Markdown links (inline, reference, autolinks) with
the same schemes, after entities, backslash escapes, white space and case are
undone (``java&#115;cript:``, ``javascript&colon;``, `` JaVa<tab>Script:``);
plain text with every tag escaped (``<img …>`` shows as written) and the same
link rule. HTML nested deeper than :data:`MAX_NESTING` is refused before it
reaches the parser (whose work grows with the square of the depth).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import nh3

from coursekit.bank.record import BankQuestion

MAX_NESTING = 200
"""The deepest element nesting an imported text may have (real question text stays below 30)."""
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""The URL schemes a link may have; a link without a scheme (relative, ``#anchor``) is kept too."""


class UnsafeTextError(ValueError):
    """An imported text that cannot be made safe cheaply (nested too deep); the message says why."""

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

    Raises
    ------
    UnsafeTextError
        When elements are nested deeper than :data:`MAX_NESTING`.

    Returns
    -------
    Sanitised
        The safe HTML and one note per image not kept and per element removed
        for safety (script, style, iframe, object, embed, event handlers).
    """
    check_nesting(text)
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
    if any(not is_safe_url("".join(url)) for url in _HTML_URL.findall(text)):
        notes.append("removed links that are not http, https or mailto (javascript:...)")
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
_HTML_URL = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
_NOT_NESTING = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                          "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th"})
"""Void elements, and elements a sibling closes (``<p>a<p>b``): they add no depth to the parser's stack."""
_INLINE_LINK = re.compile(r"(\]\(\s*)(<[^<>\n]*>|(?:[^()]|\([^()]*\))*)")
_REFERENCE_LINK = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.M)
_AUTOLINK = re.compile(r"<([A-Za-z][^<>\s:]*:[^<>\s]*)>")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def check_nesting(text: str) -> None:
    """Raise :class:`UnsafeTextError` when ``text``'s tags nest deeper than :data:`MAX_NESTING` (linear time).

    Counts start tags minus end tags, leaving out void elements and those a sibling closes, so the count
    is at least the depth an HTML parser reaches.
    """
    depth = deepest = 0
    for match in _TAG.finditer(text):
        closing, tag, self_closing = match.groups()
        if tag.lower() in _NOT_NESTING or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            raise UnsafeTextError(f"HTML nested more than {MAX_NESTING} elements deep (refused: no question "
                                  "text needs it, and a sanitiser's work grows with the square of the depth)")


def is_safe_url(url: str) -> bool:
    """Whether a link target is relative or has a scheme of :data:`SAFE_SCHEMES`, as a browser reads it.

    Markdown backslash escapes and HTML character references are undone (repeatedly), white space and
    control characters removed and the case folded first, so ``java&#115;cript:``, ``javascript&colon;``
    and ``JaVa<tab>Script:`` are all ``javascript:``.

    Examples
    --------
    >>> is_safe_url("https://moodle.org"), is_safe_url("#top"), is_safe_url("java&#115;cript:alert(1)")
    (True, True, False)
    """
    previous = None
    while url != previous:
        previous, url = url, html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", url))
    plain = "".join(c for c in url if c > " " and c.isprintable()).lower()
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def _safe_markdown_links(text: str) -> tuple[str, bool]:
    """``text`` with every Markdown link whose target is unsafe emptied; whether any was."""
    removed = False

    def target(match: re.Match[str]) -> str:
        nonlocal removed
        url = match.group(2)
        if is_safe_url(url.removeprefix("<").removesuffix(">")):
            return match.group(0)
        removed = True
        return match.group(1) + ("<>" if url.startswith("<") else "")

    def autolink(match: re.Match[str]) -> str:
        nonlocal removed
        if is_safe_url(match.group(1)):
            return match.group(0)
        removed = True
        return html.escape(match.group(1), quote=False)

    text = _INLINE_LINK.sub(target, text)
    text = _REFERENCE_LINK.sub(target, text)
    return _AUTOLINK.sub(autolink, text), removed


def escape_tags(text: str) -> str:
    """Plain text that Markdown shows as written: every ``<`` that would open a tag or comment escaped.

    ``3 < 5`` stays as it is; ``<img src=x onerror=…>`` becomes ``&lt;img src=x onerror=…>``.
    """
    return re.sub(r"<(?=[A-Za-z!/?])", "&lt;", text.replace("&", "&amp;"))


def sanitise_text(text: str, text_format: str) -> Sanitised:
    """An imported text of any Moodle format made safe to render as notebook Markdown, with what changed.

    ``html``: :func:`sanitise_html`, then every Markdown link target in the result checked with
    :func:`is_safe_url` (a notebook renders the text as Markdown, so a Markdown link in HTML is live).
    ``markdown`` and ``moodle_auto_format``: raw HTML in them through :func:`sanitise_html` (text without tags
    stays as written, ``3 < 5`` included), then every Markdown link target checked with :func:`is_safe_url`.
    ``plain_text`` (and any other format): tags escaped by :func:`escape_tags`, Markdown links checked the same
    way.

    Raises
    ------
    UnsafeTextError
        When elements are nested deeper than :data:`MAX_NESTING`.
    """
    if not text:
        return Sanitised(text)
    notes: list[str] = []
    checked, removed = _safe_markdown_links(text)  # before the HTML parser takes <javascript:...> for a tag
    if text_format != "html":  # (in HTML such a "tag" is dropped by the sanitiser: said all the same)
        text = checked
    if text_format == "html":  # rendered in a Markdown cell: Markdown links in it are live too (checked below)
        result = sanitise_html(text)
        text, notes = result.text, list(result.notes)
    elif text_format in _HTML_FORMATS:
        if _MARKUP.search(text):
            result = sanitise_html(text)
            text, notes = result.text, list(result.notes)
    else:
        escaped = escape_tags(text)
        if _MARKUP.search(text):
            notes.append("tags in plain text escaped (shown as written)")
        text = escaped
    text, removed_after = _safe_markdown_links(text)
    if (removed or removed_after) and not any(note.startswith("removed links") for note in notes):
        notes.append("removed links that are not http, https or mailto (javascript:...)")
    return Sanitised(text, notes)


def _clean(text: str, text_format: str, where: str, notes: list[str]) -> str:
    result = sanitise_text(text, text_format)
    notes.extend(f"{where}: {note}" for note in result.notes)
    return result.text


def sanitise_question(question: BankQuestion) -> tuple[BankQuestion, list[str]]:
    """A copy of a bank question with every text a learner may see sanitised, and what changed.

    Question text, general and combined feedback, hints, choice texts, answer
    feedback and matching items are sanitised by :func:`sanitise_text` in their
    format; accepted short answers, numbers and matching answers (compared as
    typed, shown as plain text) are left as they are.

    Raises
    ------
    UnsafeTextError
        When a text's elements are nested deeper than :data:`MAX_NESTING`.
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
