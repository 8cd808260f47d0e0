"""``coursekit build``: deterministic source notebooks, and --check catches drift."""

from __future__ import annotations

import json

import nbformat

from coursekit.authoring.build import build, section_files
from coursekit.authoring.course import load_course
from coursekit.authoring.notebook import HIDDEN_BEGIN, build_notebook, quiz_call
from coursekit.cli import main
from coursekit.paths import ProjectPaths


def test_source_in_repo_is_current(repo: ProjectPaths) -> None:
    result = build(load_course(repo.course), repo.source, check=True)
    assert result.ok, [str(p) for p in result.changed + result.extra]


def test_build_is_deterministic(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    for section in course.sections:
        assert section_files(course, section) == section_files(course, section)


def test_notebook_structure(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    for section in course.sections:
        nb = build_notebook(section)
        meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        grade_cells = [m for m in meta if m.get("grade") and not m.get("solution")]
        comment_cells = [m for m in meta if m.get("grade") and m.get("solution")]
        slots = section.quiz.quiz_slots  # one grade cell per slot: a pool is one cell
        assert [m["grade_id"] for m in grade_cells] == [f"quiz-{s.id}" for s in slots]
        assert [m["points"] for m in grade_cells] == [section.quiz.slot_points(s) for s in slots]
        assert len(comment_cells) == len(section.comments)
        quiz_cells = [c for c in nb.cells if c.source == quiz_call(section.id)]
        assert len(quiz_cells) == 1
        assert quiz_cells[0].metadata["nbgrader"]["locked"] is True
        assert quiz_cells[0].metadata["jupyter"]["source_hidden"] is True
        graded = [c for c in nb.cells if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")]
        assert graded and all(HIDDEN_BEGIN in c.source for c in graded)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        assert len({c.id for c in nb.cells}) == len(nb.cells)
        assert "widgets" not in nb.metadata


def test_public_spec_has_no_key(repo: ProjectPaths) -> None:
    course = load_course(repo.course)
    for section in course.sections:
        public = json.loads(section_files(course, section)["quiz.json"])
        assert {q["id"] for q in public["questions"]} == {q.id for q in section.quiz.questions}
        for q in public["questions"]:
            assert not {"answer", "source", "penalty"} & set(q)


def test_check_names_a_hand_edited_file(project: ProjectPaths, capsys) -> None:
    notebook = project.source / "networks_consortia" / "networks_consortia.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0].source += "\n\nA sentence added by hand."
    nbformat.write(nb, notebook)
    assert main(["--root", str(project.root), "build", "--check"]) == 1
    out = capsys.readouterr()
    assert f"{notebook}: differs from what course/ makes" in out.out
    assert "coursekit build" in out.err
    # building repairs it, after which --check passes
    assert main(["--root", str(project.root), "build"]) == 0
    assert main(["--root", str(project.root), "build", "--check"]) == 0


def test_check_names_an_extra_file(project: ProjectPaths, capsys) -> None:
    stray = project.source / "cooperation_networking" / "answers.json"
    stray.write_text("{}", encoding="utf-8")
    assert main(["--root", str(project.root), "build", "--check"]) == 1
    assert f"{stray}: not made from course/" in capsys.readouterr().out


def test_bad_course_is_a_clear_cli_error(project: ProjectPaths, capsys) -> None:
    (project.course / "cooperation_networking" / "quiz.yml").write_text("title: x\nquestions: []\n")
    assert main(["--root", str(project.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "quiz.yml" in err and "questions" in err
    assert "Traceback" not in err


def test_learner_page_is_clean_and_says_how_to_start(repo: ProjectPaths) -> None:
    from coursekit.authoring.notebook import HEADING_COLLAPSED, START_COMMENT, START_QUIZ, add_start_outputs

    course = load_course(repo.course)
    for section in course.sections:
        nb = build_notebook(section)
        text = [c.source for c in nb.cells if c.cell_type == "markdown"]
        assert [t.splitlines()[0] for t in text if t.startswith("### Reflection")] == [
            f"### Reflection {n}" for n in range(1, len(section.comments) + 1)]
        assert not any(t.startswith("**Question") for t in text)  # "Question N" is the quiz's numbering only
        headings = [line for t in text for line in t.splitlines() if line.startswith("#")]
        assert len(headings) == len(set(headings)), headings  # no heading twice
        # Everything under the collapsed "For your trainer" heading is for grading; the last cell, outside it,
        # is where Run All ends (so JupyterLab does not unfold the trainer's part around the active cell).
        note = next(i for i, c in enumerate(nb.cells) if c.metadata.get(HEADING_COLLAPSED))
        assert all(c.metadata["nbgrader"]["grade"] for c in nb.cells[note + 1:-1])
        assert not any(c.source.startswith("#") for c in nb.cells[note + 1:-1] if c.cell_type == "markdown")
        end = nb.cells[-1]
        assert end.cell_type == "markdown" and end.source.startswith("## End of the section")
        assert not end.metadata["nbgrader"].get("grade") and end.metadata["editable"] is False
        quiz_heading = next(line.lstrip("#").strip() for line in headings if line.lstrip("#").strip().startswith(
            "Quiz"))
        assert f'under "{quiz_heading}"' in end.source  # the quiz named as the heading the learner sees
        assert "Hand it in by" not in end.source  # the shipped course sets no due date
        # Widget cells: source hidden, first line a title, not editable; they get the start instruction.
        widgets = [c for c in nb.cells
                   if c.cell_type == "code" and {"quiz", "comment"} & set(c.metadata.get("tags", []))]
        assert len(widgets) == len(section.comments) + 1
        assert all(c.metadata["editable"] is False and c.metadata["jupyter"]["source_hidden"] for c in widgets)
        assert all(c.source.startswith("# The ") for c in widgets)
        assert add_start_outputs(nb) and not add_start_outputs(nb)
        shown = [c.outputs[0]["data"]["text/markdown"] for c in widgets]
        assert shown.count(START_QUIZ) == 1 and shown.count(START_COMMENT) == len(section.comments)


def test_the_end_cell_says_when_the_section_is_due_and_what_lateness_costs(repo: ProjectPaths) -> None:
    from coursekit.authoring.grading_settings import GradingSettings

    course = load_course(repo.course)
    section = course.sections[0]
    grading = GradingSettings(due={section.id: "2026-12-01T17:00:00+01:00"}, late_penalty_per_day=10)
    end = build_notebook(section, grading).cells[-1].source
    assert "Hand it in by **1 December 2026, 16:00 UTC**" in end
    assert "loses 10 % of its points for each day or part of a day late" in end
    other = build_notebook(course.sections[1], grading).cells[-1].source
    assert "Hand it in by" not in other


def test_the_quiz_header_says_when_the_section_is_due(repo: ProjectPaths) -> None:
    from coursekit.authoring.grading_settings import GradingSettings

    course = load_course(repo.course)
    section = course.sections[0]
    grading = GradingSettings(due={section.id: "2026-12-01T17:00:00+01:00"})
    cells = build_notebook(section, grading).cells
    quiz = next(i for i, c in enumerate(cells) if "quiz" in c.metadata.get("tags", []))
    heading = max(i for i, c in enumerate(cells[:quiz]) if c.source.startswith("## "))
    due = [c.source for c in cells[heading:quiz] if "Hand it in by **1 December 2026, 16:00 UTC**" in c.source]
    assert len(due) == 1 and cells[heading].source.startswith("## Quiz")  # under the quiz's heading, before it
    assert not any("Hand it in by" in c.source for c in build_notebook(course.sections[1], grading).cells[:-1])
