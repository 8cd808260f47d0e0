"""Imported HTML: safe markup kept, anything active or remote removed and reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion
from coursekit.bank.sanitise import (
    MAX_NESTING,
    UnsafeTextError,
    check_nesting,
    html_to_text,
    is_safe_url,
    sanitise_html,
    sanitise_question,
    sanitise_text,
)


@pytest.mark.parametrize(("dirty", "clean"), [
    ("<p onclick=\"steal()\">Hi <b>there</b><script>alert(1)</script></p>", "<p>Hi <b>there</b></p>"),
    ("<style>p{color:red}</style><iframe src=\"https://evil.example\"></iframe>ok", "ok"),
    ("<object data=\"x.swf\"></object><embed src=\"x.swf\">ok", "ok"),
    ("<a href=\"javascript:alert(1)\">x</a>", "<a rel=\"noopener noreferrer\">x</a>"),
    ("<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<a rel=\"noopener noreferrer\">x</a>"),
    ("<img src=x onerror=alert(1)>", ""),
    ("<svg onload=alert(1)><circle/></svg>text", "text"),
])
def test_active_content_is_removed(dirty: str, clean: str) -> None:
    assert sanitise_html(dirty).text == clean


def test_ordinary_markup_is_kept_renderable() -> None:
    html = ("<p>A <em>list</em>:</p><ul><li>one</li><li>two &amp; three</li></ul>"
            "<table><tbody><tr><td>1</td></tr></tbody></table><a href=\"https://moodle.org\">link</a>")
    result = sanitise_html(html)
    assert result.text == html.replace('">link', '" rel="noopener noreferrer">link')
    assert result.notes == []


def test_remote_and_moodle_file_images_become_alt_text_and_are_reported() -> None:
    result = sanitise_html('<p><img src="https://cdn.example/chart.png" alt="a chart"> and '
                           '<img src="@@PLUGINFILE@@/org.png" alt="org &amp; chart"></p>')
    assert result.text == "<p>a chart and org &amp; chart</p>"
    assert result.notes == [
        "image 'https://cdn.example/chart.png' is not fetched: shown as its alt text 'a chart'",
        "image 'org.png' from the Moodle file area is not included: shown as its alt text 'org & chart'",
    ]


def test_embedded_images_stay() -> None:
    assert sanitise_html('<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">').text == (
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">')


def test_html_to_text_reads_like_the_page() -> None:
    assert html_to_text("<p>First &amp; <b>bold</b></p><ul><li>one</li><li>two</li></ul><p>a<br>b</p>") == (
        "First & bold\n\n- one\n- two\n\na\nb")


def test_sanitise_question_cleans_what_learners_see_and_leaves_keys_alone() -> None:
    q = BankQuestion(
        qtype="multichoice", name="Q", text="<p>Q<script>x()</script></p>",
        general_feedback="<img src=\"http://x/y.png\" alt=\"y\">", hints=["<b onmouseover=\"x\">h</b>"],
        answers=[BankAnswer("<i onclick=\"x\">a</i>", 100.0, "<script>x</script>ok")],
    )
    cleaned, notes = sanitise_question(q)
    assert cleaned.text == "<p>Q</p>" and cleaned.general_feedback == "y" and cleaned.hints == ["<b>h</b>"]
    assert cleaned.answers[0].text == "<i>a</i>" and cleaned.answers[0].feedback == "ok"
    assert "question 'Q': removed <script>" in notes
    assert q.text == "<p>Q<script>x()</script></p>"
    short = BankQuestion(qtype="shortanswer", name="S", text="x", answers=[BankAnswer("a<b & c", 100.0)])
    assert sanitise_question(short)[0].answers[0].text == "a<b & c"
    matching = BankQuestion(qtype="matching", name="M", text="x",
                            subquestions=[BankSubquestion("<p onclick=\"x\">A</p>", "x < y", id="i1", answer_id="c9")])
    assert sanitise_question(matching)[0].subquestions == [BankSubquestion("<p>A</p>", "x < y", "html", "i1", "c9")]


def test_auto_format_and_markdown_without_tags_stay_as_written_without_script_links() -> None:
    q = BankQuestion(qtype="multichoice", name="Q", text="Is 3 < 5 & 2 > 1? See [this](javascript:alert(1)).",
                     text_format="markdown",
                     answers=[BankAnswer("a < b", 100.0, "<script>x</script>ok", "moodle_auto_format",
                                         "moodle_auto_format")])
    cleaned, notes = sanitise_question(q)
    assert cleaned.text == "Is 3 < 5 & 2 > 1? See [this]()."
    assert cleaned.answers[0].text == "a < b" and cleaned.answers[0].feedback == "ok"
    assert sorted(notes) == ["question 'Q', feedback: removed <script>",
                             "question 'Q': removed links that are not http, https or mailto (javascript:...)"]


HOSTILE_IMG = """<img src=x onerror="fetch('/api/contents/grader/pwned.txt',{method:'PUT'})">"""


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "javascript&colon;alert(1)", "java&#115;cript:alert(1)", "java&#x73;cript:alert(1)",
    "&#106;avascript:alert(1)", "&#0000106avascript:alert(1)", "java&amp;#115;cript:alert(1)",
    "java\u200bscript:alert(1)", "javascript\\:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>x</script>",
    "file:///etc/passwd",
])
def test_obfuscated_schemes_are_unsafe(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize("url", ["https://moodle.org/x?a=1&amp;b=2", "http://x", "mailto:a@b.org", "#top",
                                 "page.html", "/docs/a:b"])
def test_web_links_and_relative_links_are_safe(url: str) -> None:
    assert is_safe_url(url)


@pytest.mark.parametrize("fmt", ["html", "markdown", "moodle_auto_format", "plain_text"])
@pytest.mark.parametrize("link", [
    "[x](javascript&colon;alert(1))", "[x](java&#115;cript:alert(1))", "[x]( JaVa\tScript:alert(1) )",
    "[x](<javascript:alert(1)>)", "[x](javascript:alert(1) \"title\")", "<javascript:alert(1)>",
    "<java&#115;cript:alert(1)>", "[x][1]\n\n[1]: javascript:alert(1)", "[x][r]\n\n  [r]: <java&#115;cript:x>",
    "![i](javascript:alert(1))", "See [the guide](javascript&amp;colon;alert(document.domain))",
])
def test_markdown_links_with_obfuscated_schemes_are_removed_in_every_format(fmt: str, link: str) -> None:
    result = sanitise_text(f"See {link} now.", fmt)
    assert not any(not is_safe_url(url) for url in _targets(result.text)), result.text
    assert "alert" not in result.text.split("See", 1)[1].split("now")[0] or "](" not in result.text
    assert result.notes


def _targets(text: str) -> list[str]:
    import re

    return (re.findall(r"\]\(\s*<?([^)>\s]*)", text) + re.findall(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?$", text, re.M)
            + re.findall(r"<([a-z]+:[^>]*)>", text, re.I))


def test_plain_text_is_escaped_so_markdown_shows_it_as_written() -> None:
    result = sanitise_text(f"Describe {HOSTILE_IMG} & say why 3 < 5.", "plain_text")
    assert result.text.startswith("Describe &lt;img src=x onerror=")
    assert "<img" not in result.text and "3 < 5" in result.text and "&amp; say" in result.text
    assert result.notes == ["tags in plain text escaped (shown as written)"]
    assert sanitise_text("Is 3 < 5? **Yes**.", "plain_text") == sanitise_text("Is 3 < 5? **Yes**.", "plain_text")
    assert sanitise_text("Is 3 < 5? **Yes**.", "plain_text").text == "Is 3 < 5? **Yes**."


@pytest.mark.parametrize("fmt", ["markdown", "moodle_auto_format", "html"])
def test_raw_html_in_every_markup_format_goes_through_the_allow_list(fmt: str) -> None:
    result = sanitise_text(f"**Bold** {HOSTILE_IMG}<svg onload=alert(1)></svg><a href='java&#115;cript:x'>a</a>"
                           "<b onclick=x>b</b>", fmt)
    assert "onerror" not in result.text and "onload" not in result.text and "onclick" not in result.text
    assert "<img" not in result.text and "<svg" not in result.text and "script" not in result.text.lower()
    assert "<b>b</b>" in result.text and "**Bold**" in result.text


def test_an_essay_in_plain_text_becomes_a_reflection_that_shows_the_tag_as_text() -> None:
    essay = BankQuestion(qtype="essay", name="E", text=f"Reflect {HOSTILE_IMG}", text_format="plain_text",
                         general_feedback="[more](javascript:alert(1))", general_feedback_format="markdown")
    cleaned, notes = sanitise_question(essay)
    assert cleaned.text == "Reflect &lt;img src=x onerror=\"fetch('/api/contents/grader/pwned.txt',{method:'PUT'})\">"
    assert cleaned.general_feedback == "[more]()"
    assert notes == ["question 'E': tags in plain text escaped (shown as written)",
                     "question 'E', general feedback: removed links that are not http, https or mailto "
                     "(javascript:...)"]


def test_deep_nesting_is_refused_by_name_before_the_parser() -> None:
    check_nesting("<div>" * MAX_NESTING + "x" + "</div>" * MAX_NESTING)
    check_nesting("<p>a" * 10_000 + "<br>" * 10_000 + "<li>x" * 10_000)  # siblings and void elements: flat
    deep = "<div>" * 200_000 + "x" + "</div>" * 200_000
    with pytest.raises(UnsafeTextError, match=f"nested more than {MAX_NESTING} elements deep"):
        sanitise_text(deep, "html")
    with pytest.raises(UnsafeTextError):
        sanitise_text("text " + "<b><i>" * (MAX_NESTING // 2 + 1), "markdown")


@pytest.mark.parametrize(("suffix", "text"), [
    ("gift", "::Essay plain::[plain]Reflect <img src\\=x onerror\\=\"window.__pwned\\=1\"> here{}\n\n"
             "::Essay md::[markdown]See [x](java&#115;cript:alert(1)) and <svg onload\\=alert(1)></svg>{}\n"),
    ("xml", (Path(__file__).parents[2] / "fixtures" / "bank" / "hostile.xml").read_text(encoding="utf-8")),
])
def test_every_import_path_makes_every_text_safe(tmp_path: Path, suffix: str, text: str) -> None:
    from coursekit.authoring.interchange import bank_to_section, format_for, read_bank

    path = tmp_path / f"bank.{suffix}"
    path.write_text(text, encoding="utf-8")
    converted = bank_to_section(read_bank(path, format_for(path)), "hostile")
    shown = repr([converted.questions, converted.comments])
    assert "<img" not in shown and "<svg" not in shown and "<script" not in shown and "<iframe" not in shown
    texts = [q["text"] for q in [*converted.questions, *converted.comments]]
    texts += [c.get("general_feedback", "") for c in converted.comments]
    assert len(converted.comments) == 2 and all(is_safe_url(url) for t in texts for url in _targets(t)), texts
    assert all(is_safe_url(url) for url in re.findall(r"href=\\?[\"']([^\"'\\]*)", shown))
    assert "onerror" not in shown or "&lt;img" in shown  # only as text
    assert converted.notes
