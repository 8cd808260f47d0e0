"""Moodle XML: a file in the shape Moodle exports, read field by field; errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_corpus import corpus

from coursekit.bank.moodle_xml import read_moodle_xml, write_moodle_xml
from coursekit.bank.record import BankFormatError, BankSubquestion, BankUnit

FIXTURE = Path(__file__).parents[2] / "fixtures" / "bank" / "moodle_export.xml"


@pytest.fixture(scope="module")
def questions():
    return {q.name: q for q in read_moodle_xml(FIXTURE.read_bytes(), str(FIXTURE))}


def test_every_question_is_read_in_order_with_its_line(questions) -> None:
    assert list(questions) == ["Consortium leader", "Partner duties", "Written agreement", "Acronym", "Partners",
                               "Match roles", "Reflect", "Cloze on funding", "Drag the words"]
    assert questions["Consortium leader"].line == 15
    assert questions["Partner duties"].line == 68


def test_categories_apply_to_the_questions_after_them(questions) -> None:
    assert questions["Consortium leader"].category == ["$course$", "top", "Default for Networks", "Consortia"]
    assert questions["Written agreement"].category == ["$course$", "top", "Default for Networks", "Consortia",
                                                       "Rules"]
    assert questions["Partners"].category == ["$system$", "top", "Shared/Common"]


def test_multichoice_single_fields(questions) -> None:
    q = questions["Consortium leader"]
    assert q.qtype == "multichoice" and q.supported
    assert q.text.startswith("<p>Who <b>leads</b> a consortium?</p>")
    assert q.text_format == "html"
    assert q.general_feedback == "<p>The lead partner signs the grant agreement.</p>"
    assert q.default_grade == 2.0
    assert q.penalty == 0.3333333
    assert q.idnumber == "cons-lead"
    assert q.tags == ["consortia", "roles"]
    assert q.single is True and q.shuffle_answers is True and q.answer_numbering == "abc"
    assert q.correct_feedback == "Your answer is correct."
    assert q.partially_correct_feedback == "Your answer is partially correct."
    assert q.incorrect_feedback == "Your answer is incorrect."
    assert q.hints == ["<p>Think of who signs.</p>"]
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("<p>The lead partner</p>", 100.0, "<p>Yes.</p>"), ("<p>The funder</p>", 0.0, "")]
    assert q.answers[0].text_format == "html" and q.answers[0].feedback_format == "html"


def test_multichoice_with_several_answers_and_negative_fractions(questions) -> None:
    q = questions["Partner duties"]
    assert q.single is False and q.shuffle_answers is False and q.answer_numbering == "123"
    assert q.penalty == 0.5
    assert [a.fraction for a in q.answers] == [50.0, 50.0, -33.33333]
    assert q.answers[2].feedback == "Only the lead partner does."


def test_truefalse(questions) -> None:
    q = questions["Written agreement"]
    assert q.qtype == "truefalse" and q.penalty == 1.0
    assert [(a.text, a.fraction, a.text_format) for a in q.answers] == [
        ("true", 100.0, "moodle_auto_format"), ("false", 0.0, "moodle_auto_format")]
    assert q.answers[0].feedback == "Right: it settles duties."


def test_shortanswer_with_usecase_fractions_and_wildcard(questions) -> None:
    q = questions["Acronym"]
    assert q.qtype == "shortanswer" and q.case_sensitive is True
    assert q.text == "What does MoU stand for?" and q.text_format == "moodle_auto_format"
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("Memorandum of Understanding", 100.0, "Good!"), ("Memorandum*", 50.0, "Nearly.")]


def test_numerical_with_tolerance_and_units(questions) -> None:
    q = questions["Partners"]
    assert q.qtype == "numerical" and q.penalty == 0.1
    assert [(a.text, a.fraction, a.tolerance) for a in q.answers] == [("3", 100.0, 0.0), ("3", 50.0, 1.0)]
    assert q.units == [BankUnit("partners", 1.0), BankUnit("pairs", 0.5)]
    assert q.unit_penalty == 0.25


def test_matching_with_an_empty_subquestion_as_distractor(questions) -> None:
    q = questions["Match roles"]
    assert q.qtype == "matching" and q.idnumber == "roles-1" and q.default_grade == 3.0
    assert q.subquestions == [BankSubquestion("<p>Lead partner</p>", "Coordinates"),
                              BankSubquestion("<p>Partner</p>", "Delivers"), BankSubquestion("", "Audits")]
    assert q.shuffle_answers is True and q.correct_feedback == "Your answer is correct."


def test_essay(questions) -> None:
    q = questions["Reflect"]
    assert q.qtype == "essay" and q.response_format == "plain" and q.min_words == 50
    assert q.default_grade == 5.0 and q.penalty == 0.0


def test_unsupported_types_are_kept_by_name_and_type(questions) -> None:
    unsupported = [(q.name, q.qtype) for q in questions.values() if not q.supported]
    assert unsupported == [("Cloze on funding", "multianswer"), ("Drag the words", "ddwtos")]


def test_round_trip_of_the_fixture(questions) -> None:
    records = list(questions.values())
    assert read_moodle_xml(write_moodle_xml(records), "written.xml") == records


def test_round_trip_of_every_supported_type() -> None:
    records = corpus()
    assert {q.qtype for q in records} >= {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay"}
    written = write_moodle_xml(records)
    assert read_moodle_xml(written, "written.xml") == records
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert b"<![CDATA[<p>" in written


@pytest.mark.parametrize(("data", "line", "expected"), [
    (b'<?xml version="1.0"?>\n<quiz>\n  <question type="truefalse">\n    <name><text>x</text>\n  </question>\n</quiz>',
     5, "expected well-formed XML (mismatched tag)"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
     b"<quiz>&b;</quiz>", 3, "expected XML without entity declarations"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<quiz>&x;</quiz>',
     3, "expected XML without entity declarations"),
    (b"<quiz>\n  <question>\n  </question>\n</quiz>", 2, "expected a type attribute on <question>"),
    (b'<questions>\n  <question type="essay"/>\n</questions>', 1, "expected <quiz> as the root element"),
    (b'<quiz>\n\n  <question type="multichoice">\n    <answer fraction="lots"><text>a</text></answer>\n'
     b"  </question>\n</quiz>", 4, "expected a number for fraction=, found 'lots'"),
    (b'<quiz>\n  <question type="category">\n    <category><text></text></category>\n  </question>\n</quiz>',
     2, "expected <category><text>"),
])
def test_malformed_files_name_file_line_and_expectation(data: bytes, line: int, expected: str) -> None:
    with pytest.raises(BankFormatError) as caught:
        read_moodle_xml(data, "bank/broken.xml")
    assert caught.value.path == "bank/broken.xml"
    assert caught.value.line == line
    assert expected in caught.value.problem
    assert str(caught.value).startswith(f"bank/broken.xml, line {line}: ")


def test_what_moodle_xml_cannot_say_is_kept_in_one_element_moodle_skips() -> None:
    records = corpus()
    written = write_moodle_xml(records).decode("utf-8")
    assert written.count("<coursekit>") == 2
    assert '<coursekit>{"answers": [{"id": "yes"}, {"id": "no"}, {}]}</coursekit>' in written
    plain = read_moodle_xml(FIXTURE.read_bytes(), "f.xml")
    assert "<coursekit>" not in write_moodle_xml(plain).decode("utf-8")


def test_a_malformed_coursekit_element_is_named() -> None:
    data = b'<quiz>\n  <question type="essay">\n    <coursekit>{"penalty": </coursekit>\n  </question>\n</quiz>'
    with pytest.raises(BankFormatError, match=r"broken.xml, line 3: expected a JSON object .* in <coursekit>"):
        read_moodle_xml(data, "broken.xml")


def test_texts_are_trimmed_as_moodle_imports_them_and_padding_survives_a_round_trip() -> None:
    data = (b'<quiz>\n  <question type="shortanswer">\n    <name><text>\n  Padded\n</text></name>\n'
            b"    <questiontext><text>\n  Say it.\n  </text></questiontext>\n"
            b'    <answer fraction="100"><text>\nyes\n   </text><feedback><text>\n\n</text></feedback></answer>\n'
            b"  </question>\n</quiz>")
    [q] = read_moodle_xml(data, "padded.xml")
    assert (q.name, q.text, q.answers[0].text, q.answers[0].feedback) == ("Padded", "Say it.", "yes", "")
    q.text = "  kept as written  "
    assert read_moodle_xml(write_moodle_xml([q]), "w.xml") == [q]
