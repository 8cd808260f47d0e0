"""Learner answers in nbgrader's HTML views (formgrader, feedback) are shown as text, never run."""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbgrader.server_extensions.formgrader import handlers
from project_support import REPO
from traitlets.config import Config

from coursekit.grading.escape import EscapeLearnerAnswers, plain_text_block
from coursekit.nbgrader_glue import ANSWER_PLACEHOLDER, NBGRADER_STUB

SECTION = "cooperation_networking"
BOOTSTRAP_CSS = Path(handlers.static_path) / "node_modules" / "bootstrap" / "dist" / "css"
HOSTILE = ('<script>window.__pwned=1</script>\n\n<img src=x onerror="window.__pwned=2">\n\n'
           '[click](javascript:window.__pwned=3) $\\href{javascript:alert(1)}{x}$ </pre><b>bold</b>')
ANSWER_CELLS = sum(1 for c in nbformat.read(REPO / "release" / SECTION / f"{SECTION}.ipynb", as_version=4).cells
                   if c.metadata.get("nbgrader", {}).get("solution"))
MARKUP = ("<script>window.__pwned", "<img src=x", 'href="javascript', "<b>bold")


def _answered_notebook(text):
    nb = nbformat.read(REPO / "release" / SECTION / f"{SECTION}.ipynb", as_version=4)
    for cell in nb.cells:  # as graded: every grade cell has a score (the feedback template shows it)
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata.nbgrader["score"] = 0.0
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) >= 2 and all(c.cell_type == "markdown" for c in answers)
    for cell in answers:
        cell.source = text
    return nb


def _export(nb, template, escape):
    config = Config()
    config.HTMLExporter.template_name = template
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    config.HTMLExporter.extra_template_paths = [str(BOOTSTRAP_CSS)]  # what nbgrader's GenerateFeedback adds
    if escape:
        config.HTMLExporter.preprocessors = ["coursekit.grading.escape.EscapeLearnerAnswers"]
    graded = {"assignment": SECTION, "notebook": SECTION, "score": 0.0, "max_score": 1.0,
              "late_penalty": 0.0}
    resources = {"nbgrader": graded, "base_url": "", "notebook_id": SECTION,
                 "submission_id": "x", "index": 0, "total": 1, "student": "ada", "last_name": "",
                 "first_name": "", "notebook_path": "", "assignment_id": SECTION}
    body, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=resources)
    return body


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_nbgraders_templates_show_answers_as_text(template):
    body = _export(_answered_notebook(HOSTILE), template, escape=True)
    for markup in MARKUP:
        assert markup not in body
    shown = BeautifulSoup(body, "html.parser").select("pre.coursekit-learner-text")
    assert len(shown) == ANSWER_CELLS and all(block.get_text() == HOSTILE for block in shown)
    assert not BeautifulSoup(body, "html.parser").select("pre.coursekit-learner-text *")  # no element inside


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_without_escaping_the_templates_would_run_learner_markup(template):
    """What EscapeLearnerAnswers guards against: nbgrader's templates pass the Markdown's HTML through."""
    body = _export(_answered_notebook(HOSTILE), template, escape=False)
    assert "<script>window.__pwned=1</script>" in body and 'href="javascript:' in body


def test_plain_text_block_keeps_every_character():
    text = "line 1\n\n    indented\n# not a heading\n&amp; <tag> \"quoted\" 'single' `tick` $x$"
    block = plain_text_block(text)
    assert block.startswith("<pre ") and block.endswith("</pre>")
    inner = block[block.index(">") + 1:-len("</pre>")]
    assert html.unescape(inner) == text and "<" not in inner


def test_escaping_twice_in_one_export_escapes_once():
    nb = _answered_notebook("<b>x</b>")
    resources = {}
    nb, resources = EscapeLearnerAnswers()(nb, resources)
    nb, resources = EscapeLearnerAnswers()(nb, resources)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert answer.source == plain_text_block("<b>x</b>")


def test_course_text_is_left_as_authored():
    nb = _answered_notebook("fine")
    before = [c.source for c in nb.cells if not c.metadata.get("nbgrader", {}).get("solution")]
    nb, _ = EscapeLearnerAnswers()(nb, {})
    assert [c.source for c in nb.cells if not c.metadata.get("nbgrader", {}).get("solution")] == before


@pytest.mark.parametrize("placeholder", ["", "  \n", NBGRADER_STUB, ANSWER_PLACEHOLDER])
def test_a_blank_answer_reads_no_answer_to_the_trainer_not_the_learners_placeholder(placeholder):
    nb, _ = EscapeLearnerAnswers().preprocess(_answered_notebook(placeholder), {})
    answers = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and set(answers) == {'<p class="coursekit-no-answer"><em>No answer.</em></p>'}
    typed, _ = EscapeLearnerAnswers().preprocess(_answered_notebook("No answer needed <b>here</b>"), {})
    assert {c.source for c in typed.cells if c.metadata.get("nbgrader", {}).get("solution")} == {
        plain_text_block("No answer needed <b>here</b>")}
