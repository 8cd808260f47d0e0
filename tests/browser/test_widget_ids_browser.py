"""Each Comment field is its own, as a screen reader and a click find it, at 1280 and 400 px.

The accessibility tree Chromium builds (through the DevTools protocol) names each
field "Comment" and describes it by its own reflection; clicking the "Comment"
label under Reflection 3 puts the typing into Reflection 3's field and its saved
text; axe-core finds nothing in coursekit's markup, not even a result it leaves
for review ("incomplete"), such as an id two elements share.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, SECTION, shutdown_sessions, wait_until
from test_learner_door_browser import AXE, WIDTHS, open_copy, saved_comment, scroll_to

from coursekit.cell_ids import comment_cell_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def reflections(notebook: Path) -> list[tuple[str, str, str]]:
    """``(grade id, heading, question)`` of each Comment field, from the ``show_comment(...)`` calls of the notebook."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if "comment" in cell["metadata"].get("tags", []):
            call = ast.parse("".join(cell["source"])).body[-1].value
            _section, question_id, heading, question = (ast.literal_eval(arg) for arg in call.args)
            found.append((comment_cell_id(question_id), heading, question))
    return found


def accessible_fields(page: Any) -> list[dict[str, str]]:
    """Name and description of each Comment text area, as Chromium's accessibility tree holds them (in page order).

    Each field is read once scrolled to, as a reader moving through the notebook meets it: JupyterLab leaves
    cells far off screen unrendered (``content-visibility: auto``), out of the tree.
    """
    fields = []
    cdp = page.context.new_cdp_session(page)
    try:
        for index, field in enumerate(page.locator(".coursekit-comment textarea").all()):
            scroll_to(field)
            root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": ".coursekit-comment textarea"})
            (ax, *_) = cdp.send("Accessibility.getPartialAXTree",
                                {"nodeId": nodes["nodeIds"][index], "fetchRelatives": False})["nodes"]
            fields.append({"role": ax["role"]["value"], "name": ax.get("name", {}).get("value", ""),
                           "description": ax.get("description", {}).get("value", "")})
        return fields
    finally:
        cdp.detach()


def axe_findings_in_coursekit(page: Any) -> list[list[str]]:
    """axe-core's violations and results left for review ("incomplete") over the whole page, in coursekit's markup."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
        const ours = (n) => n.target.join(' ').includes('coursekit') || n.html.includes('coursekit');
        return [...r.violations.map(v => ['violation', v]), ...r.incomplete.map(v => ['incomplete', v])]
            .flatMap(([kind, v]) => v.nodes.filter(ours).map(n => [kind, v.id, n.html.slice(0, 160)]));
    }""")


@pytest.fixture
def learner(lab_server, page):
    """``learner(name, width)``: a learner copy of the section notebook, opened at that width."""
    yield lambda name, width: open_copy(lab_server, page, name, width)
    shutdown_sessions(lab_server)


@pytest.mark.parametrize("width", WIDTHS)
def test_each_comment_field_is_named_and_described_as_its_own_and_its_label_focuses_it(learner, width):
    quiz = learner("own_ids", width).run_all()
    page = quiz.page
    fields = quiz.panel.locator(".coursekit-comment textarea")
    wait_until(lambda: fields.count() == 4, timeout=60, what="four Comment fields")
    expected = reflections(quiz.notebook)
    assert [f"{heading}: {question}" for _gid, heading, question in expected][2].startswith("Reflection 3: ")
    assert accessible_fields(page) == [{"role": "textbox", "name": "Comment", "description": f"{heading}: {question}"}
                                       for _gid, heading, question in expected]
    ids = quiz.panel.locator(".coursekit-comment [id], .coursekit-quiz [id]").evaluate_all("es => es.map(e => e.id)")
    assert len(ids) > 8 and len(set(ids)) == len(ids), ids
    assert page.evaluate("ids => ids.filter(id => document.querySelectorAll(`[id='${id}']`).length > 1)", ids) == []

    # The "Comment" label under Reflection 3 takes the typing to Reflection 3's field, and it is saved there.
    label = quiz.panel.locator(".coursekit-comment").nth(2).get_by_text("Comment", exact=True)
    scroll_to(label)
    label.click()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')") == \
        fields.nth(2).get_attribute("aria-describedby")
    page.keyboard.type("Portfolios of finished projects.")
    comments = quiz.folder / "responses" / f"{SECTION}.comments.json"
    grade_ids = [gid for gid, _heading, _question in expected]
    wait_until(lambda: saved_comment(comments, grade_ids[2]) == "Portfolios of finished projects.",
               what="Reflection 3's comment saved")
    assert [saved_comment(comments, gid) for gid in grade_ids[:2] + grade_ids[3:]] == [None, None, None]
    assert fields.nth(2).input_value() == "Portfolios of finished projects." and fields.nth(0).input_value() == ""
    # By keyboard: Tab from Reflection 2's field reaches Reflection 3's, whose description is its own question.
    fields.nth(1).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("""() => { const e = document.activeElement;
        return document.getElementById(e.getAttribute('aria-describedby')).textContent; }""") == \
        f"{expected[2][1]}: {expected[2][2]}"

    assert axe_findings_in_coursekit(page) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"own_ids_{width}.png"))
    # The quiz's other states: the confirmation (unanswered questions), then the result.
    quiz.button("coursekit-submit").click()
    quiz.quiz.locator(".coursekit-confirm-panel").wait_for()
    assert axe_findings_in_coursekit(page) == []
    quiz.button("coursekit-confirm").click()
    quiz.quiz.locator(".coursekit-result").wait_for()
    assert axe_findings_in_coursekit(page) == []
    page.screenshot(path=str(ARTIFACTS / f"own_ids_result_{width}.png"))


def test_a_comment_field_shown_twice_keeps_each_view_its_own_ids(learner):
    quiz = learner("two_views", 1280).run_all()
    page = quiz.page
    cell = quiz.panel.locator(".jp-CodeCell", has_text="# The Comment field").first
    scroll_to(cell)
    cell.get_by_text("# The Comment field").click(button="right")  # JupyterLab's "Create New View for Cell Output"
    page.locator(".lm-Menu-itemLabel", has_text="Create New View for Cell Output").click()
    second = page.locator(".jp-LinkedOutputView .coursekit-comment textarea")
    second.wait_for()
    ids = page.locator(".coursekit-comment [id]").evaluate_all("es => es.map(e => e.id)")
    assert len(ids) == 2 * 5 and len(set(ids)) == len(ids), ids
    expected = reflections(quiz.notebook)
    descriptions = sorted(f"{heading}: {question}" for _gid, heading, question in expected + expected[:1])
    fields = accessible_fields(page)
    assert {f["name"] for f in fields} == {"Comment"}
    assert sorted(f["description"] for f in fields) == descriptions
    # The second view's label focuses the second view; what is typed there is Reflection 1's.
    page.locator(".jp-LinkedOutputView .coursekit-comment label").click()
    assert page.evaluate("() => !!document.activeElement.closest('.jp-LinkedOutputView')")
    page.keyboard.type("Joint teacher training.")
    comments = quiz.folder / "responses" / f"{SECTION}.comments.json"
    wait_until(lambda: saved_comment(comments, expected[0][0]) == "Joint teacher training.", what="saved")
    first = quiz.panel.locator(".coursekit-comment textarea").first
    wait_until(lambda: first.input_value() == "Joint teacher training.", what="the first view follows")
    assert axe_findings_in_coursekit(page) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "own_ids_two_views.png"))
