"""GIFT: a file in the shapes Moodle reads and writes, field by field; errors name file and line."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from bank_corpus import corpus

from coursekit.bank.gift import _marks, _strip_tags, read_gift, write_gift
from coursekit.bank.record import BankFormatError, BankSubquestion

FIXTURE = Path(__file__).parents[2] / "fixtures" / "bank" / "moodle_export.gift"
CATEGORY = ["$course$", "top", "Default for Networks", "Consortia"]


@pytest.fixture(scope="module")
def questions():
    return {q.name: q for q in read_gift(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))}


def test_every_question_in_order_with_its_line_and_category(questions) -> None:
    names = list(questions)
    assert names == ["Written agreement", "Funding is shared", "Consortium leader", "Partner duties", "Acronym",
                     "Partners", "Partners range", "Partners weighted", "Match roles", "Reflect",
                     "Control characters", "Networks need trust. This item is a description."]
    assert questions["Written agreement"].line == 7
    assert questions["Consortium leader"].line == 12
    assert all(q.category == CATEGORY for q in questions.values())


def test_true_with_both_feedbacks_id_and_tags_from_comments(questions) -> None:
    q = questions["Written agreement"]
    assert q.qtype == "truefalse" and q.penalty == 1.0
    assert q.text == "A consortium needs a written agreement." and q.text_format == "moodle_auto_format"
    assert q.idnumber == "agree-1" and q.tags == ["consortia", "rules"]
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("true", 100.0, "Right: it settles duties."), ("false", 0.0, "Think again.")]


def test_false_with_html_marker_and_general_feedback(questions) -> None:
    q = questions["Funding is shared"]
    assert q.qtype == "truefalse"
    assert q.text == "<p>Funding is <b>always</b> shared equally.</p>" and q.text_format == "html"
    assert q.general_feedback == "<p>Shares follow the work.</p>" and q.general_feedback_format == "html"
    assert [(a.text, a.fraction) for a in q.answers] == [("true", 0.0), ("false", 100.0)]


def test_multichoice_with_feedback_and_format_markers(questions) -> None:
    q = questions["Consortium leader"]
    assert q.qtype == "multichoice" and q.single is True
    assert q.text == "Who leads a consortium?"
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("The lead partner", 100.0, "right; good!"), ("The funder", 0.0, "<i>no</i>, the funder pays"),
        ("Nobody", 0.0, "wrong")]
    assert q.answers[1].feedback_format == "html" and q.answers[1].text_format == "moodle_auto_format"
    assert q.answers[2].text_format == "plain_text"


def test_percent_weights_without_a_right_answer_allow_several(questions) -> None:
    q = questions["Partner duties"]
    assert q.qtype == "multichoice" and q.single is False
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("Report on time", 50.0, "yes"), ("Keep records", 50.0, ""),
        ("Sign for the others", -100.0, "only the lead partner signs")]


def test_shortanswer_weights_and_wildcard(questions) -> None:
    q = questions["Acronym"]
    assert q.qtype == "shortanswer"
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("Memorandum of Understanding", 100.0, "Good!"), ("Memorandum*", 50.0, "Nearly.")]


def test_numerical_range_interval_and_weights(questions) -> None:
    assert [(a.text, a.fraction, a.tolerance) for a in questions["Partners"].answers] == [("3", 100.0, 1.0)]
    assert [(a.text, a.tolerance) for a in questions["Partners range"].answers] == [("3", 2.0)]
    weighted = questions["Partners weighted"]
    assert weighted.qtype == "numerical"
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in weighted.answers] == [
        ("3", 100.0, 0.0, "Exactly."), ("3", 50.0, 1.0, "Close."), ("*", 0.0, 0.0, "Far off.")]


def test_matching_with_distractor(questions) -> None:
    q = questions["Match roles"]
    assert q.qtype == "matching"
    assert q.subquestions == [BankSubquestion("Lead partner", "Coordinates", "moodle_auto_format"),
                              BankSubquestion("Partner", "Delivers", "moodle_auto_format"),
                              BankSubquestion("", "Audits", "moodle_auto_format")]


def test_essay_markdown_escapes_and_description(questions) -> None:
    essay = questions["Reflect"]
    assert essay.qtype == "essay" and essay.text == "Describe a **consortium** you worked in."
    assert essay.text_format == "markdown" and essay.answers == []
    escaped = questions["Control characters"]
    assert escaped.text == "Which sign is not special in GIFT: ~, =, #, {, }, : or \\?"
    assert [(a.text, a.fraction, a.feedback) for a in escaped.answers] == [
        ("~", 0.0, "~ is special."), ("\\", 100.0, "Correct: \\ only escapes.")]
    description = questions["Networks need trust. This item is a description."]
    assert description.qtype == "description" and not description.supported and description.default_grade == 0.0


def test_round_trip_of_the_fixture(questions) -> None:
    records = list(questions.values())
    assert read_gift(write_gift(records), "written.gift") == records


def test_round_trip_of_every_supported_type() -> None:
    records = corpus()
    written = write_gift(records)
    assert read_gift(written, "written.gift") == records
    assert "$CATEGORY: $course$/top/Corpus/A//B section" in written
    assert "// [id:mc-1] [tag:alpha] [tag:two words]" in written
    assert "::Single\\: \\{braces\\} \\# \\= \\~ \\: and \\\\ backslash::" in written


def test_plain_moodle_questions_need_no_coursekit_comment() -> None:
    plain = [q for q in read_gift(FIXTURE.read_text(encoding="utf-8"), "f.gift") if q.name != "Written agreement"]
    assert "// coursekit:" not in write_gift(plain)


def test_unsupported_types_cannot_be_written_silently() -> None:
    cloze = corpus()[0]
    cloze.qtype = "multianswer"
    with pytest.raises(ValueError, match="'multianswer' has no GIFT form"):
        write_gift([cloze])


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("// c\n\n::Q1::Text {\n=a\n=b\n\n::Q2:: ok {T}\n", 3, "unclosed brace: expected '}'"),
    ("::Q1::Text {=a}\n::Q2::Text {=b}\n", 1, "expected one {...} answer block per question"),
    ("::Q1::Text\n}\n", 2, "expected '{' to open the answers"),
    ("\n\n::Q1::Pick {~only one}\n", 3, "expected at least two choices"),
    ("::Q1::Match {=a -> b}\n", 1, "expected at least two pairs"),
    ("::Q1::Match {=a -> b =c}\n", 1, "expected 'question -> answer' in matching pair 2"),
    ("::Q1 no end\nText {T}\n", 1, "expected '::' to close the question name"),
    ("::Q1::How many? {#three:1}\n", 1, "expected a number for the answer, found 'three'"),
    ("::Q1::How many? {#1..x}\n", 1, "expected a number for the range's upper end"),
    ("::Q1::How many? {#}\n", 1, "expected a number after '{#'"),
    ("::Q1::Say {=%50%#fb}\n", 1, "expected an accepted answer after '='"),
    ("// coursekit: {penalty: 1}\n::Q1::Say {T}\n", 2, "'// coursekit:' comment: expected a JSON object"),
    ('// coursekit: {"colour": 1}\n::Q1::Say {T}\n', 2, "expected fields of a question, found 'colour'"),
])
def test_malformed_gift_names_file_line_and_expectation(text: str, line: int, expected: str) -> None:
    with pytest.raises(BankFormatError) as caught:
        read_gift(text, "bank/broken.gift")
    assert caught.value.path == "bank/broken.gift" and caught.value.line == line
    assert expected in caught.value.problem
    assert str(caught.value).startswith(f"bank/broken.gift, line {line}: ")


# What the id and tag marks meant when they were read by these regular expressions (quadratic in a line of
# unclosed marks): the one-pass reader must find exactly the same values.
REFERENCE_MARKS = {"id": re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f])+)]"),
                   "tag": re.compile(r"\[tag:((?:\\]|[^\]<>\x00-\x1f])+)]")}


def test_marks_are_read_as_the_regular_expressions_read_them() -> None:
    rng = random.Random(7)
    pieces = ["[tag:", "[id:", "]", "\\", "\\]", "<", ">", "a", " ", "\x01", ":", "["]
    for _ in range(20000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        for kind, pattern in REFERENCE_MARKS.items():
            assert _marks(line, kind) == pattern.findall(line), (kind, line)


def test_unclosed_marks_and_tags_in_a_long_line_are_no_marks() -> None:
    text = "// [tag:" * 40_000 + "[id:" * 40_000 + "\n::q::" + "<" * 40_000 + "What?{=a ~b}\n"
    [q] = read_gift(text, "long.gift")
    assert q.tags == [] and q.idnumber == ""
    assert q.name == "q"


def test_default_name_strips_markup_as_before() -> None:
    rng = random.Random(3)
    for _ in range(5000):
        text = "".join(rng.choice(["<", ">", "a", " ", "<b>"]) for _ in range(rng.randint(0, 12)))
        assert _strip_tags(text) == re.sub(r"<[^>]*>", " ", text), text


@pytest.mark.parametrize("answers", ["{#1e999999..2}", "{#1e1000000:1}", "{#=1e-400}", "{#" + "9" * 400 + "}"])
def test_numbers_beyond_what_moodle_stores_are_refused_in_one_short_line(answers: str) -> None:
    with pytest.raises(BankFormatError) as caught:
        read_gift(f"::Huge::How many? {answers}\n", "huge.gift")
    message = str(caught.value)
    assert message.startswith("huge.gift, line 1: expected a number between 1e-308 and 1e308 in size for the ")
    assert len(message) < 200


def test_the_largest_numbers_moodle_stores_are_read() -> None:
    [q] = read_gift("::Large::How many? {#1e308..1e307}\n", "large.gift")
    assert q.answers[0].text == "55" + "0" * 306


@pytest.mark.parametrize(("extras", "expected"), [
    ("[" * 100_000, "expected a JSON object (nested too deep)"),
    ('{"name": []}', "expected name as a text, found '[]'"),
    ('{"default_grade": "x"}', "expected default_grade as a number, found '\"x\"'"),
    ('{"tags": "abc"}', "expected tags as a list of texts, found '\"abc\"'"),
    ('{"min_words": 2.5}', "expected min_words as a whole number, found '2.5'"),
    ('{"answers": [{"text": 5}, {}]}', "expected answers text as a text, found '5'"),
    ('{"answers": [{"x" : 1}]}', "expected answers with the fields of a BankAnswer, found 'x'"),
])
def test_a_coursekit_comment_of_the_wrong_shape_is_one_line(extras: str, expected: str) -> None:
    with pytest.raises(BankFormatError) as caught:
        read_gift(f"// coursekit: {extras}\n::Q::Which? {{=a ~b}}\n", "extras.gift")
    assert str(caught.value) == f"extras.gift, line 2: '// coursekit:' comment: {expected}"
