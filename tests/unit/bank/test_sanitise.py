"""Imported HTML: safe markup kept, anything active or remote removed and reported."""

from __future__ import annotations

import pytest

from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion
from coursekit.bank.sanitise import html_to_text, sanitise_html, sanitise_question


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
    assert sorted(notes) == ["question 'Q', feedback: removed <script>", "question 'Q': removed javascript: links"]
