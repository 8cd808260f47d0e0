"""``coursekit dashboard`` on a short answer keyed as ``{text, fraction, feedback}`` (an imported Moodle answer)."""

from __future__ import annotations

from html import unescape

import pytest
import yaml
from grading_support import grade_all, make_project
from pool_support import authored_questions

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow
SECTION = "networks_consortia"


def test_item_analysis_lists_the_accepted_answers_with_their_fractions(tmp_path):
    paths = make_project(tmp_path)
    quiz_path = paths.course / SECTION / "quiz.yml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    question = next(q for q in authored_questions(quiz) if q["type"] == "short_answer")
    question["answer"] = [{"text": "Memorandum of Understanding", "fraction": 100, "feedback": "Right."},
                          {"text": "MoU", "fraction": 50, "feedback": "The abbreviation itself, spelt out?"}]
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), encoding="utf-8")
    root = ["--root", str(paths.root)]
    assert main([*root, "build"]) == 0 and main([*root, "release"]) == 0
    simulate(load_course(paths.course), paths.release, paths.grader / "submitted", 6, seed=1)
    grade_all(paths)
    assert main([*root, "dashboard", "--section", SECTION]) == 0
    html = unescape((paths.reports / "item_analysis.html").read_text(encoding="utf-8"))
    assert "Accepted: Memorandum of Understanding, MoU (50 %). Most frequent wrong answers" in html
