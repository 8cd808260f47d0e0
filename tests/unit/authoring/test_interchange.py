"""``coursekit import`` / ``export`` on a copy of the project: files written, questions listed, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pool_support import authored_questions

from coursekit.authoring.course import load_course
from coursekit.authoring.interchange import (
    BankImportError,
    bank_to_section,
    format_for,
    guessable,
    import_bank,
    spread_keys,
)
from coursekit.bank.gift import read_gift
from coursekit.bank.record import BankAnswer, BankFormatError, BankQuestion
from coursekit.cli import main
from coursekit.paths import ProjectPaths

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bank"


def test_format_comes_from_the_extension_or_the_option() -> None:
    assert format_for(Path("bank.XML")) == "moodle-xml"
    assert format_for(Path("bank.gift")) == "gift" and format_for(Path("bank.txt")) == "gift"
    assert format_for(Path("bank.dat"), "gift") == "gift"
    with pytest.raises(BankImportError, match=r"bank\.dat: cannot tell the format from the extension '\.dat'"):
        format_for(Path("bank.dat"))


def test_import_writes_a_section_that_loads_and_lists_what_it_left_out(project: ProjectPaths) -> None:
    result = import_bank(project.course, FIXTURES / "moodle_export.xml", "consortia_bank")
    folder = project.course / "consortia_bank"
    assert sorted(p.name for p in folder.iterdir()) == ["comments.yml", "imported.yml", "quiz.yml", "section.md"]
    assert result.questions == ["cons-lead", "partner-duties", "written-agreement", "acronym", "partners", "roles-1"]
    assert result.comments == ["reflect"]
    assert [(s.name, s.qtype, s.line) for s in result.skipped] == [
        ("Cloze on funding", "multianswer", 313), ("Drag the words", "ddwtos", 329)]
    assert result.unsourced == [*result.questions, "reflect"]
    assert any("<script>" in note for note in result.notes)
    course = load_course(project.course)
    section = course.section("consortia_bank")
    assert section.imported and [s.id for s in course.sections][-1] == "consortia_bank"
    assert "<script>" not in section.quiz.question("cons-lead").text
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="organisation chart">' in section.quiz.question(
        "cons-lead").text
    lead = section.quiz.question("cons-lead")
    assert lead.name == "Consortium leader" and lead.points == 2.0
    assert lead.tags == ["consortia", "roles", "category:$course$/top/Default for Networks/Consortia"]
    assert lead.general_feedback == "<p>The lead partner signs the grant agreement.</p>"
    assert section.quiz.question("partner-duties").retry_penalty == 0.5
    assert section.comments[0].min_words == 50 and section.comments[0].source is None
    imported = yaml.safe_load((folder / "imported.yml").read_text(encoding="utf-8"))
    assert imported["file"] == "moodle_export.xml" and len(imported["skipped"]) == 2
    assert guessable([q.model_dump(exclude_none=True) for q in section.quiz.questions], "consortia_bank") == []


def test_authored_sections_still_need_every_citation(project: ProjectPaths) -> None:
    quiz = project.course / "networks_consortia" / "quiz.yml"
    data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
    del authored_questions(data)[0]["source"]
    quiz.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match="no source: cite the passage"):
        load_course(project.course)
    comments = project.course / "cooperation_networking" / "comments.yml"
    data = yaml.safe_load(comments.read_text(encoding="utf-8"))
    del data["questions"][0]["source"]
    comments.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (quiz.parent / "imported.yml").write_text("file: x.xml\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"comments.yml: question '.*': no source: cite the passage it reflects on"):
        load_course(project.course)


def test_import_overwrites_nothing_and_cleans_up_after_a_failure(project: ProjectPaths) -> None:
    before = (project.course / "course.yml").read_text(encoding="utf-8")
    with pytest.raises(BankImportError, match=r"networks_consortia/quiz.yml: exists already"):
        import_bank(project.course, FIXTURES / "moodle_export.gift", "networks_consortia")
    broken = project.root / "broken.gift"
    broken.write_text("::Q1::Pick {=a ~b}\n\n::Q2::Unclosed {=a\n", encoding="utf-8")
    with pytest.raises(BankFormatError, match=r"broken.gift, line 3: unclosed brace"):
        import_bank(project.course, broken, "broken")
    essays = project.root / "essays.gift"
    essays.write_text("::E1::Write.{}\n\n::D::A description.\n", encoding="utf-8")
    with pytest.raises(BankImportError, match=r"no question coursekit can use as a quiz question \('D'"):
        import_bank(project.course, essays, "essays")
    assert not (project.course / "broken").exists() and not (project.course / "essays").exists()
    kept = project.course / "kept"
    kept.mkdir()
    (kept / "section.md").write_text("# Kept\n<!-- coursekit:quiz -->\n<!-- coursekit:quiz -->\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"appears more than once"):
        import_bank(project.course, FIXTURES / "moodle_export.gift", "kept")
    assert [p.name for p in kept.iterdir()] == ["section.md"]
    assert (project.course / "course.yml").read_text(encoding="utf-8") == before


def test_course_yml_keeps_its_comments_when_a_section_is_added(project: ProjectPaths) -> None:
    import_bank(project.course, FIXTURES / "moodle_export.gift", "gift_bank", title="Quiz: From GIFT")
    text = (project.course / "course.yml").read_text(encoding="utf-8")
    assert text.startswith("# The course:") and text.endswith("  - networks_consortia\n  - gift_bank\n")
    section = load_course(project.course).section("gift_bank")
    assert section.quiz.title == "Quiz: From GIFT"
    assert [q.id for q in section.quiz.questions][:2] == ["agree-1", "funding-is-shared"]
    assert [c.id for c in section.comments] == ["reflect"]


def test_a_supported_type_its_model_refuses_is_skipped_with_the_reason() -> None:
    no_key = BankQuestion(qtype="multichoice", name="No key", single=True, line=7,
                          answers=[BankAnswer("a", 50.0), BankAnswer("b", 0.0)], text="Pick")
    converted = bank_to_section([no_key], "s")
    assert [(s.name, s.qtype, s.line) for s in converted.skipped] == [("No key", "multichoice", 7)]
    assert "100" in converted.skipped[0].reason
    assert converted.questions == []


def test_repeated_ids_are_made_unique_keeping_the_moodle_id_number() -> None:
    bank = read_gift("// [id:same]\n::A::First {T}\n\n// [id:same]\n::B::Second {F}\n", "x.gift")
    converted = bank_to_section(bank, "s")
    assert [(q["id"], q.get("idnumber")) for q in converted.questions] == [("same", None), ("same-2", "same")]


def test_keys_all_first_are_spread_over_the_positions() -> None:
    bank = read_gift("\n\n".join(f"::Q{i}::Question {i} {{=right ~w1 ~w2 ~w3}}" for i in range(8)), "x.gift")
    questions = bank_to_section(bank, "s").questions
    assert guessable(questions, "s")
    spread_keys(questions)
    assert guessable(questions, "s") == []
    assert [q["answer"] for q in questions] == ["a", "b", "c", "d", "a", "b", "c", "d"]
    assert all(next(o["text"] for o in q["options"] if o["id"] == q["answer"]) == "right" for q in questions)


def test_true_false_keys_cannot_be_moved_and_the_import_says_so(project: ProjectPaths) -> None:
    bank = project.root / "all_true.gift"
    bank.write_text("\n\n".join(f"::T{i}::Statement {i} {{T}}" for i in range(4)), encoding="utf-8")
    result = import_bank(project.course, bank, "all_true")
    assert not result.reordered
    assert len(result.guessable) == 1 and "'true/false: always true' scores 4 of 4 points" in result.guessable[0]


def test_cli_import_then_export(project: ProjectPaths, capsys) -> None:
    root = ["--root", str(project.root)]
    assert main([*root, "import", str(FIXTURES / "moodle_export.xml"), "--section", "bank"]) == 0
    out = capsys.readouterr().out
    assert "skipped: 'Cloze on funding' (multianswer, line 313): type not supported by coursekit" in out
    assert "skipped: 'Drag the words' (ddwtos, line 329)" in out
    assert "no source: passage" in out and "cons-lead" in out
    assert main([*root, "build"]) == 0
    assert "note: bank: 7 imported question(s) cite no passage of section.md (source:)" in capsys.readouterr().out
    target = project.root / "bank.gift.txt"
    assert main([*root, "export", "--format", "gift", "--section", "bank", "--output", str(target)]) == 0
    assert f"wrote {target}: 7 questions (gift)" in capsys.readouterr().out
    assert "::Consortium leader::" in target.read_text(encoding="utf-8")
    assert main([*root, "import", str(project.root / "nothing.xml"), "--section", "x"]) == 1
    bad = project.root / "bad.xml"
    bad.write_bytes(b"<quiz>\n<question type='truefalse'>\n</quiz>\n")
    assert main([*root, "import", str(bad), "--section", "x"]) == 1
    assert f"error: {bad}, line 3: expected well-formed XML (mismatched tag)" in capsys.readouterr().err
