"""Size limits of an imported bank: each refusal is one line naming the file, what is too large and the limit."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from coursekit.authoring.interchange import BankImportError, import_bank, read_bank
from coursekit.bank.limits import (
    MAX_BANK_BYTES,
    MAX_BANK_OPTIONS,
    MAX_OPTIONS,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    BankLimitError,
)
from coursekit.bank.moodle_xml import read_moodle_xml
from coursekit.bank.record import BankFormatError
from coursekit.cli import main
from coursekit.paths import ProjectPaths


def gift_question(number: int, options: int = 2) -> str:
    answers = " ".join(("=" if k == 0 else "~") + f"option {k}" for k in range(options))
    return f"::Q{number}::Question {number}? {{{answers}}}"


def refusal(path: Path, fmt: str) -> str:
    with pytest.raises(BankLimitError) as caught:
        read_bank(path, fmt)
    message = str(caught.value)
    assert "\n" not in message and isinstance(caught.value, BankFormatError)
    return message


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as file:
        file.truncate(MAX_BANK_BYTES + 1)  # sparse: nothing to parse, only the size is known
    assert refusal(big, "moodle-xml") == (f"{big}: the file is 20.0 MB (20,971,521 bytes); coursekit imports "
                                          "question banks of up to 20.0 MB (20,971,520 bytes): export one category "
                                          "at a time from Moodle")


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    bank = tmp_path / "padded.gift"
    text = gift_question(1) + "\n\n"
    bank.write_text(text + "/" * (MAX_BANK_BYTES - len(text)), encoding="utf-8")
    assert [q.name for q in read_bank(bank, "gift")] == ["Q1"]


def test_too_many_questions(tmp_path: Path) -> None:
    bank = tmp_path / "many.gift"
    bank.write_text("\n\n".join(gift_question(i) for i in range(MAX_QUESTIONS + 1)), encoding="utf-8")
    message = (f"{bank}: more than 2,000 questions; coursekit imports at most 2,000 from one file "
               "(export one category at a time from Moodle)")
    assert refusal(bank, "gift") == message
    tiny = '<question type="truefalse"><answer fraction="100"><text>true</text></answer></question>\n'
    xml = bank.with_suffix(".xml")
    xml.write_text(f"<quiz>\n{tiny * (MAX_QUESTIONS + 1)}</quiz>\n", encoding="utf-8")
    assert refusal(xml, "moodle-xml") == message.replace(str(bank), str(xml))
    bank.write_text("\n\n".join(gift_question(i) for i in range(MAX_QUESTIONS)), encoding="utf-8")
    assert len(read_bank(bank, "gift")) == MAX_QUESTIONS


def test_too_many_options_in_one_question_names_it(tmp_path: Path) -> None:
    bank = tmp_path / "wide.gift"
    bank.write_text(gift_question(1) + "\n\n" + gift_question(2, MAX_OPTIONS + 1), encoding="utf-8")
    assert refusal(bank, "gift") == (f"{bank}, line 3: question 'Q2' has 101 answers; coursekit takes at most 100 "
                                     "per question")
    bank.write_text(gift_question(1, MAX_OPTIONS), encoding="utf-8")
    assert len(read_bank(bank, "gift")[0].answers) == MAX_OPTIONS


def test_too_many_options_in_all(tmp_path: Path) -> None:
    bank = tmp_path / "wide.gift"
    count = MAX_BANK_OPTIONS // MAX_OPTIONS + 1
    bank.write_text("\n\n".join(gift_question(i, MAX_OPTIONS) for i in range(count)), encoding="utf-8")
    assert refusal(bank, "gift") == (f"{bank}: 20,100 answers and matching pairs in all; coursekit imports at most "
                                     "20,000 from one file (export one category at a time from Moodle)")


def test_too_much_text_in_one_question_names_it(tmp_path: Path) -> None:
    bank = tmp_path / "long.gift"
    bank.write_text(gift_question(1) + "\n\n::Long::" + "x" * MAX_QUESTION_CHARS + "{T}", encoding="utf-8")
    assert refusal(bank, "gift") == (f"{bank}, line 3: question 'Long' holds 2,000,013 characters of text; "
                                     "coursekit takes at most 2,000,000 per question")


def test_xml_nested_too_deep_is_refused() -> None:
    depth = MAX_XML_DEPTH - 1  # inside <quiz>
    fine = b"<quiz>" + b"<a>" * depth + b"</a>" * depth + b"</quiz>"
    with pytest.raises(BankFormatError, match="expected <question> inside <quiz>, found <a>"):
        read_moodle_xml(fine, "fine.xml")
    deep = b"<quiz>\n" + b"<a>" * (depth + 1) + b"</a>" * (depth + 1) + b"</quiz>"
    with pytest.raises(BankLimitError) as caught:
        read_moodle_xml(deep, "deep.xml")
    assert str(caught.value) == "deep.xml, line 2: elements nested more than 32 deep (Moodle XML nests 5)"


def test_xml_with_too_many_elements_is_refused_as_it_is_parsed() -> None:
    elements = b"<a/>" * MAX_XML_ELEMENTS  # with <quiz>, one too many
    with pytest.raises(BankLimitError) as caught:
        read_moodle_xml(b"<quiz>\n" + elements + b"</quiz>", "many.xml")
    assert str(caught.value) == ("many.xml, line 2: more than 250,000 elements; coursekit imports at most 250,000 "
                                 "from one file (export one category at a time from Moodle)")


def test_an_image_embedded_again_and_again_cannot_grow_a_question_without_bound() -> None:
    image = base64.b64encode(b"\x89PNG" + bytes(30_000)).decode()
    references = '<img src="@@PLUGINFILE@@/a.png">' * 100
    data = (f'<quiz>\n<question type="truefalse">\n<name><text>Pictures</text></name>\n'
            f'<questiontext format="html"><text><![CDATA[{references}]]></text>\n'
            f'<file name="a.png" path="/" encoding="base64">{image}</file></questiontext>\n'
            '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>\n'
            '</question>\n</quiz>\n').encode()
    with pytest.raises(BankLimitError) as caught:
        read_moodle_xml(data, "pictures.xml")
    assert str(caught.value) == ("pictures.xml, line 4: a text with its images embedded holds more than 2,000,000 "
                                 "characters; coursekit takes at most that many per question")
    once = data.replace(references.encode(), b'<img src="@@PLUGINFILE@@/a.png">')
    assert read_moodle_xml(once, "picture.xml")[0].text.startswith('<img src="data:image/png;base64,iVBOR')


def test_cli_prints_one_line_and_writes_nothing(project: ProjectPaths, capsys) -> None:
    bank = project.root / "wide.gift"
    bank.write_text(gift_question(1, MAX_OPTIONS + 1), encoding="utf-8")
    course_yml = (project.course / "course.yml").read_text(encoding="utf-8")
    before = sorted(project.course.rglob("*"))
    assert main(["--root", str(project.root), "import", str(bank), "--section", "wide"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (f"error: {bank}, line 1: question 'Q1' has 101 answers; coursekit takes at most 100 "
                            "per question\n")
    assert captured.out == ""
    assert sorted(project.course.rglob("*")) == before
    assert (project.course / "course.yml").read_text(encoding="utf-8") == course_yml


def test_option_fractions_too_varied_to_check_are_refused_naming_file_and_question(project: ProjectPaths) -> None:
    distinct = " ".join(f"~%-{(k + 1) / 100:g}%wrong {k}" for k in range(MAX_OPTIONS - 2))
    bank = project.root / "fractions.gift"
    bank.write_text(f"::Fine::Which two? {{~%50%a ~%50%b ~%-50%c ~%-50%d}}\n\n"
                    f"::Varied::Which two? {{~%50%right 1 ~%50%right 2 {distinct}}}\n", encoding="utf-8")
    before = sorted(project.course.rglob("*"))
    with pytest.raises(BankImportError) as caught:
        import_bank(project.course, bank, "fractions")
    assert str(caught.value) == (
        f"{bank}: question 'varied': the option fractions of the multiple choice questions give too many different "
        "sums to check the option order; give fewer options a fraction of their own")
    assert sorted(project.course.rglob("*")) == before
    moodle_like = " ".join(f"~%-{[10, 20, 25, 50][k % 4]}%wrong {k}" for k in range(MAX_OPTIONS - 2))
    bank.write_text(f"::Moodle::Which two? {{~%50%right 1 ~%50%right 2 {moodle_like}}}\n", encoding="utf-8")
    assert import_bank(project.course, bank, "fractions").questions == ["moodle"]


def test_a_long_wrong_token_is_quoted_short() -> None:
    data = f'<quiz><question type="truefalse"><defaultgrade>{"x" * 100_000}</defaultgrade></question></quiz>'
    with pytest.raises(BankFormatError) as caught:
        read_moodle_xml(data.encode(), "grade.xml")
    assert str(caught.value) == f"grade.xml, line 1: expected a number for <defaultgrade>, found {'x' * 40!r}..."


def test_references_are_embedded_in_one_pass_whatever_their_quotes() -> None:
    files = "".join(f'<file name="f{i}.png" path="/" encoding="base64">QUJD</file>' for i in range(300))
    text = ("<p>" + "x" * 10_000 + "</p><img src=\"@@PLUGINFILE@@/f7.png\"><img src='@@PLUGINFILE@@/f299.png'>"
            '<img src="@@PLUGINFILE@@/missing.png"><a href="@@PLUGINFILE@@/f1.png>')
    data = (f'<quiz><question type="truefalse"><name><text>Files</text></name><questiontext format="html">'
            f'<text><![CDATA[{text}]]></text>{files}</questiontext></question></quiz>').encode()
    [q] = read_moodle_xml(data, "files.xml")
    assert q.text.endswith("</p><img src=\"data:image/png;base64,QUJD\"><img src='data:image/png;base64,QUJD'>"
                           '<img src="@@PLUGINFILE@@/missing.png"><a href="@@PLUGINFILE@@/f1.png>')
