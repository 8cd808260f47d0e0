"""What real Moodle exports carry, read and kept: Moodle 4 XML with every supported type, embedded files,
per-question shuffling and numbering, true/false defaults, GIFT in Windows-1252, and keys spread once only."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.interchange import (
    bank_to_section,
    course_to_bank,
    guessable,
    import_bank,
    read_bank,
    spread_keys,
)
from coursekit.bank.gift import read_gift, write_gift
from coursekit.bank.moodle_xml import read_moodle_xml, write_moodle_xml
from coursekit.bank.record import BankFormatError
from coursekit.paths import ProjectPaths
from coursekit.quiz.spec import parse_quiz
from coursekit.quiz.types import question_type

FIXTURE = REPO / "tests" / "fixtures" / "bank" / "moodle4_shapes.xml"
PNG = "iVBORw0KGgo="


def _xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def _multichoice(extra: str, answers: str = "", text: str = "<p>Pick</p>") -> bytes:
    answers = answers or ('<answer fraction="100" format="html"><text>yes</text></answer>'
                          '<answer fraction="0" format="html"><text>no</text></answer>'
                          '<answer fraction="0" format="html"><text>maybe</text></answer>')
    return _xml(f'''<question type="multichoice">
    <name><text>Pick one</text></name>
    <questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>
    <idnumber></idnumber><single>true</single>{extra}
    <showstandardinstruction>0</showstandardinstruction><shownumcorrect/>
    {answers}
  </question>''')


def _section(data: bytes, section: str = "s") -> list[dict]:
    converted = bank_to_section(read_moodle_xml(data, "bank.xml"), section)
    assert converted.skipped == []
    return converted.questions


def test_shuffle_off_and_numbering_are_kept_and_written_back() -> None:
    [data] = _section(_multichoice("<shuffleanswers>false</shuffleanswers><answernumbering>ABCD</answernumbering>"))
    assert data["shuffle"] is False and data["answer_numbering"] == "ABCD"
    question = parse_quiz({"title": "t", "questions": [data]}, origin="t", require_source=False).questions[0]
    bq = question_type(question).to_bank(question)
    assert bq.shuffle_answers is False and bq.answer_numbering == "ABCD"
    xml = write_moodle_xml([bq]).decode()
    assert "<shuffleanswers>false</shuffleanswers>" in xml and "<answernumbering>ABCD</answernumbering>" in xml
    assert "<coursekit>" not in xml


def test_a_shuffled_question_with_abc_numbering_adds_nothing() -> None:
    [data] = _section(_multichoice("<shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>"))
    assert "shuffle" not in data and "answer_numbering" not in data


def test_matching_keeps_shuffle_off() -> None:
    bank = _xml('''<question type="matching"><name><text>Pairs</text></name>
    <questiontext format="html"><text>Match</text></questiontext><shuffleanswers>false</shuffleanswers>
    <subquestion format="html"><text>one</text><answer><text>1</text></answer></subquestion>
    <subquestion format="html"><text>two</text><answer><text>2</text></answer></subquestion>
    </question>''')
    [data] = _section(bank)
    assert data["shuffle"] is False
    question = parse_quiz({"title": "t", "questions": [data]}, origin="t", require_source=False).questions[0]
    assert question_type(question).to_bank(question).shuffle_answers is False


def test_true_false_penalty_one_is_moodles_default_both_ways() -> None:
    bank = _xml('''<question type="truefalse"><name><text>Claim</text></name>
    <questiontext format="html"><text>The sky is green.</text></questiontext>
    <penalty>1.0000000</penalty>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer></question>''')
    [data] = _section(bank)
    assert "retry_penalty" not in data and data["answer"] is False
    question = parse_quiz({"title": "t", "questions": [data]}, origin="t", require_source=False).questions[0]
    assert question_type(question).to_bank(question).penalty == 1.0
    assert "// coursekit:" not in write_gift([question_type(question).to_bank(question)])


def test_general_feedback_is_written_in_the_question_format() -> None:
    course = load_course(REPO / "course")
    records = course_to_bank(course, ["networks_consortia"])
    assert {r.general_feedback_format for r in records} == {r.text_format for r in records} == {"plain_text"}
    assert '<generalfeedback format="html">' not in write_moodle_xml(records).decode()


def test_images_in_file_elements_are_embedded_and_other_files_are_not() -> None:
    bank = _multichoice(
        "", text='<p>Look <img src="@@PLUGINFILE@@/my%20dot.png" alt="dot"> '
                 '<img src="@@PLUGINFILE@@/draw.svg" alt="drawing"></p>]]></text>'
                 f'<file name="my dot.png" path="/" encoding="base64">{PNG}</file>'
                 f'<file name="draw.svg" path="/" encoding="base64">PHN2Zz4=</file><text><![CDATA[',
        answers=('<answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/sub/ok.gif" '
                 'alt="ok">]]></text><file name="ok.gif" path="/sub/" encoding="base64">R0lGOA==</file>'
                 '<feedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/f.jpg" alt="f">]]></text>'
                 '<file name="f.jpg" path="/" encoding="base64">/9j/</file></feedback></answer>'
                 '<answer fraction="0" format="html"><text>no</text></answer>'))
    [record] = read_moodle_xml(bank, "bank.xml")
    assert f'<img src="data:image/png;base64,{PNG}" alt="dot">' in record.text
    assert '"@@PLUGINFILE@@/draw.svg"' in record.text
    assert record.answers[0].text == '<img src="data:image/gif;base64,R0lGOA==" alt="ok">'
    assert record.answers[0].feedback == '<img src="data:image/jpeg;base64,/9j/" alt="f">'
    [data] = _section(bank)
    assert "data:image/png;base64," in data["text"] and "svg" not in data["text"] and "drawing" in data["text"]


def test_gift_in_windows_1252_is_read_with_a_note(tmp_path: Path) -> None:
    bank = tmp_path / "bank.gift"
    bank.write_bytes("::Caf\u00e9::Is \u201cespresso\u201d coffee? {T}\r\n".encode("cp1252"))
    notes: list[str] = []
    [record] = read_bank(bank, "gift", notes)
    assert record.name == "Caf\u00e9" and record.text == "Is \u201cespresso\u201d coffee?"
    assert notes == [f"{bank}: not UTF-8 (line 1): read as Windows-1252; save GIFT files as UTF-8"]
    bank.write_bytes(b"::A::Fine {T}\n\n::B::Bad \x81 byte {T}\n")
    with pytest.raises(BankFormatError, match=r"bank\.gift, line 3: expected UTF-8 text"):
        read_bank(bank, "gift")


def test_gift_with_a_byte_order_mark_and_crlf_reads_as_without(tmp_path: Path) -> None:
    text = "// question: 1  name: Q\r\n::Q::[html]<p>2 + 2?</p>{\r\n\t=4\r\n\t~5\r\n}\r\n"
    bank = tmp_path / "bank.gift"
    bank.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_bank(bank, "gift") == read_gift(text.replace("\r\n", "\n"), str(bank))


def test_spreading_keys_twice_changes_nothing() -> None:
    bank = read_gift("::S::Pick {=r ~w1 ~w2}\n\n::P::Match {=x -> 1 =y -> 2 =z -> 3 = -> 4}\n\n"
                     "::M::Two {~%50%a ~%50%b ~%-50%c ~%-50%d}\n", "x.gift")
    questions = bank_to_section(bank, "s").questions
    spread_keys(questions)
    once = copy.deepcopy(questions)
    spread_keys(questions)
    assert questions == once
    assert once[2]["answer"] == sorted(once[2]["answer"])


def test_moodle4_export_imports_releasable_and_round_trips(project: ProjectPaths) -> None:
    result = import_bank(project.course, FIXTURE, "moodle_four")
    assert [(s.name, s.qtype) for s in result.skipped] == [("Cloze ports", "multianswer"),
                                                          ("Intro text", "description")]
    assert result.guessable == []
    section = load_course(project.course).section("moodle_four")
    net = section.quiz.question("net-7")
    assert (net.shuffle, net.answer_numbering, net.points, net.name) == (False, "ABCD", 2.0, "Layers of the stack")
    assert net.tags[:2] == ["protocols", "week 2"] and net.hints == ["<p>Think of ports.</p>"]
    assert "data:image/png;base64," in net.text
    assert net.penalty == 0.666667 and [o.text for o in net.options if o.id in net.answer] == ["<p>TCP</p>",
                                                                                              "<p>UDP</p>"]
    cable = section.quiz.question("cable-length")
    assert [(u.unit, u.multiplier) for u in cable.units] == [("m", 1.0), ("cm", 100.0)]
    assert cable.unit_penalty == 0.2
    assert section.quiz.question("ip-is-connectionless").retry_penalty is None
    records = course_to_bank(load_course(project.course), ["moodle_four"])
    written_quiz = yaml.safe_load((project.course / "moodle_four" / "quiz.yml").read_text(encoding="utf-8"))
    for written in (read_moodle_xml(write_moodle_xml(records), "x.xml"), read_gift(write_gift(records), "x.gift")):
        assert written == records
        back = bank_to_section(written, "moodle_four")
        assert back.questions == written_quiz["questions"]
        assert [c["id"] for c in back.comments] == ["reflect-on-layering"]
        assert guessable(back.questions, "moodle_four") == []


def test_a_small_bank_spreading_leaves_guessable_is_searched_until_it_is_not(project: ProjectPaths) -> None:
    bank = project.root / "small.gift"
    bank.write_text("::S0::Pick {=r ~w1 ~w2}\n\n::S1::Pick {=r ~w1 ~w2}\n\n"
                    "::M2::Two {~%50%a ~%50%b ~%-50%c ~%-50%d}\n\n::S3::Pick {=r ~w1 ~w2}\n", encoding="utf-8")
    spread = bank_to_section(read_gift(bank.read_text(encoding="utf-8"), str(bank)), "small").questions
    spread_keys(spread)
    assert guessable(spread, "small")
    result = import_bank(project.course, bank, "small")
    assert result.reordered and result.guessable == []
    imported = yaml.safe_load((project.course / "small" / "quiz.yml").read_text(encoding="utf-8"))["questions"]
    exported = project.root / "small.xml"
    exported.write_bytes(write_moodle_xml(course_to_bank(load_course(project.course), ["small"])))
    assert not import_bank(project.course, exported, "small_again").reordered
    again = yaml.safe_load((project.course / "small_again" / "quiz.yml").read_text(encoding="utf-8"))["questions"]
    assert [{k: v for k, v in q.items() if k != "tags"} for q in again] == imported
