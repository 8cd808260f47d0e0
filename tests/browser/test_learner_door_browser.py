"""A first-time learner's journey in a real learner-mode JupyterLab, at 1280 and 400 px wide.

The start instruction before anything is pressed; the whole quiz by keyboard
alone (arrow keys in a radio group, a matching select, a short answer) with the
focus checked after Next and Submit; the result panel with marks and passed /
not yet passed, and the list of attempts; a tap at 400 px; the Comment fields
(typing every letter, digit, punctuation and Enter leaves the notebook's
structure alone, and the text survives reload and restart); axe-core over the
quiz and the Comment fields in every state.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, SECTION, QuizPage, add_learner_copy, shutdown_sessions, wait_until
from playwright.sync_api import expect

from coursekit.authoring.notebook import COMMENT_PLACEHOLDER
from coursekit.cell_ids import comment_cell_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / ".browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = [1280, 400]
TEXT = ("Our school works with a local college. " + string.ascii_lowercase + " " + string.ascii_uppercase
        + " 0123456789 .,;:!?'\"()-/&%#@*+=<>[]{}_~|\\$^`\nSecond line after Enter.")


def active(page) -> dict[str, Any]:
    """What has the keyboard focus: tag, type, classes, data-key, text and the enclosing question's class."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName, type: e.type || '', classes: [...e.classList], key: e.getAttribute('data-key'),
                text: (e.closest('label') || e).textContent.trim(),
                question: (e.closest('.coursekit-question') || {className: ''}).className};
    }""")


def axe_violations(page, selector: str) -> list[dict[str, Any]]:
    """axe-core's violations (any impact) inside every element matching ``selector``."""
    assert AXE.exists(), f"{AXE} is missing: run `npm install --prefix .browser axe-core@4` (make test does)"
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (sel) => {
        const nodes = [...document.querySelectorAll(sel)];
        const out = [];
        for (const node of nodes) {
            const r = await axe.run(node, {resultTypes: ['violations']});
            for (const v of r.violations) out.push({id: v.id, impact: v.impact, help: v.help,
                                                     nodes: v.nodes.map(n => n.html.slice(0, 160))});
        }
        return out;
    }""", selector)
    return found


def axe_incomplete(page, selector: str) -> list[dict[str, Any]]:
    """axe-core's "incomplete" results (what it could not decide) inside every element matching ``selector``."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (sel) => {
        const out = [];
        for (const node of document.querySelectorAll(sel)) {
            const r = await axe.run(node, {resultTypes: ['incomplete']});
            for (const v of r.incomplete) out.push({id: v.id, help: v.help,
                nodes: v.nodes.map(n => ({html: n.html.slice(0, 160),
                                          why: (n.any[0] || n.all[0] || n.none[0] || {}).message}))});
        }
        return out;
    }""", selector)


def kernel_idle(quiz: QuizPage) -> bool:
    """Whether the notebook's kernel is connected and idle (asked of the server: narrow layouts hide the indicator)."""
    for session in quiz.server.api("GET", "/api/sessions") or []:
        if session["path"].endswith(quiz.notebook.name) and session["path"].startswith(quiz.folder.parent.name):
            return session["kernel"]["execution_state"] == "idle" and quiz.page.locator(
                ".jp-StatusBar-TextItem, .jp-Notebook").count() > 0
    return False


def saved_comment(path: Path, grade_id: str) -> str | None:
    """The text saved for one Comment (None while the file or the comment is missing)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["comments"].get(grade_id, {}).get("text")
    except (FileNotFoundError, ValueError):
        return None


def assert_accessible(page, selector: str, state: str) -> None:
    violations = axe_violations(page, selector)
    assert not violations, f"axe-core ({state}): {json.dumps(violations, indent=1)}"


def assert_fully_accessible(page, selector: str, state: str) -> None:
    """axe-core: no violation and nothing it leaves undecided ("incomplete") inside ``selector``."""
    assert_accessible(page, selector, state)
    undecided = axe_incomplete(page, selector)
    assert not undecided, f"axe-core incomplete ({state}): {json.dumps(undecided, indent=1)}"


def narrow(page, width: int) -> None:
    """Set the window width; below 800 px the file browser closes.

    Below 760 px learner mode closes it itself (coursekit/labextension); up to 800 px the learner does.
    """
    page.set_viewport_size({"width": width, "height": 900})
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if width < 760:
        current.first.wait_for(state="detached")
    elif width < 800 and current.count():
        current.first.click()
        current.first.wait_for(state="detached")


def open_copy(lab_server, page, name: str, width: int, settings: dict[str, Any] | None = None) -> QuizPage:
    folder = add_learner_copy(lab_server, f"{name}_{width}", settings)
    quiz = QuizPage(page, lab_server, folder).open()  # wide enough for the kernel indicator in the toolbar
    narrow(page, width)
    return quiz


def scroll_to(locator) -> None:
    """Scroll the notebook until ``locator`` is on screen (JupyterLab measures the cells above as it renders them)."""
    def on_screen() -> bool:
        locator.evaluate("e => e.scrollIntoView({block: 'center'})")
        locator.page.wait_for_timeout(150)
        box = locator.bounding_box()
        return bool(box) and 0 <= box["y"] <= locator.page.viewport_size["height"] - box["height"]

    wait_until(on_screen, timeout=10, what="scrolled into view")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def learner(lab_server, page):
    yield lambda name, width, settings=None: open_copy(lab_server, page, name, width, settings)
    shutdown_sessions(lab_server)


@pytest.mark.parametrize("width", WIDTHS)
def test_run_all_keeps_the_learners_place_with_the_trainers_part_folded(learner, width):
    quiz = learner("run_all_place", width)
    page = quiz.page
    heading = quiz.panel.locator(".jp-MarkdownCell", has_text="Reflection 1").filter(
        has=page.locator("h3", has_text="Reflection 1"))
    scroll_to(heading)
    heading.click()  # the learner is at Reflection 1
    top = heading.bounding_box()["y"]
    quiz.menu("Run", "Run All Cells")
    field = quiz.panel.locator(".coursekit-comment").first
    field.wait_for()
    page.wait_for_timeout(500)  # JupyterLab has scrolled, if it would
    active = quiz.panel.locator(".jp-Cell.jp-mod-active").first
    expect(active).to_contain_text("Reflection 1")  # still the cell the learner was at
    expect(heading).to_be_in_viewport()
    assert abs(heading.bounding_box()["y"] - top) < 80, (top, heading.bounding_box())
    # JupyterLab unfolds a heading around the active cell: the trainer's part stays folded
    trainer = quiz.panel.locator(".jp-MarkdownCell", has_text="For your trainer").locator(".jp-collapseHeadingButton")
    expect(trainer).to_have_class(re.compile("jp-mod-collapsed"))
    assert quiz.panel.get_by_text("# Scored from your saved quiz").count() == 0 or \
        not quiz.panel.get_by_text("# Scored from your saved quiz").first.is_visible()
    shot(page, f"run_all_place_{width}")
    assert_accessible(page, ".coursekit-comment", f"Comment field after Run All at {width} px")


@pytest.mark.parametrize("width", WIDTHS)
def test_start_instruction_visible_on_opening_and_nothing_leaks_code(learner, width):
    quiz = learner("start", width)
    start = quiz.panel.get_by_text("To start the quiz, choose Run › Run All Cells")
    scroll_to(start)
    expect(start).to_be_in_viewport()
    assert quiz.panel.get_by_text("To write your answer, choose Run › Run All Cells").count() == 4
    shot(quiz.page, f"start_{width}")
    # No code is visible anywhere: the widget cells show only their title line; grading cells are collapsed.
    assert quiz.panel.get_by_text("show_quiz(").count() == 0
    assert quiz.panel.get_by_text(COMMENT_PLACEHOLDER).first.is_hidden()
    assert quiz.panel.get_by_text("YOUR ANSWER HERE").count() == 0  # nothing looks like a field to fill
    assert quiz.panel.get_by_text("Reflection 1", exact=True).count() == 1
    assert quiz.panel.locator(".jp-MarkdownOutput h2", has_text="Scoring").count() == 0
    # Nothing is unsaved after opening, and closing the untouched notebook asks nothing.
    assert quiz.page.locator(".jp-mod-dirty").count() == 0
    quiz.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
    quiz.panel.wait_for(state="detached")
    assert quiz.page.locator(".jp-Dialog").count() == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_whole_quiz_by_keyboard_then_result_and_attempts(learner, width):
    quiz = learner("keyboard", width).run_all()
    page = quiz.page
    questions = quiz.given()
    first = questions[0]
    assert_accessible(page, ".coursekit-quiz", "question")

    # One Tab stop for the radio group: Tab from the map's last button lands on a radio; arrows choose.
    quiz.button(f"coursekit-map-{len(questions)}").focus()
    page.keyboard.press("Tab")
    focused = active(page)
    assert focused["type"] == "radio" and f"coursekit-question-{first['id']}" in focused["question"], focused
    page.keyboard.press("ArrowDown")
    page.keyboard.press("b")  # a command-mode key: must not insert a cell
    second_text = active(page)["text"]
    chosen = next(o["id"] for o in first["options"] if o["text"] == second_text)
    quiz.wait_for_responses(lambda d: d["in_progress"]["answers"].get(first["id"]) == chosen, what="radio by arrow")
    checked = quiz.question(first["id"]).get_by_role("radio").evaluate_all("rs => rs.filter(r => r.checked).length")
    assert checked == 1
    page.keyboard.press("Tab")  # leaves the group in one press
    assert "coursekit-back" in active(page)["classes"] or "coursekit-next" in active(page)["classes"]
    cells = page.locator(".jp-Notebook .jp-Cell").count()

    for number, question in enumerate(questions, 1):
        if number > 1:
            assert active(page)["key"] == f"legend:{question['id']}", active(page)  # focus on the new question
            page.keyboard.press("Tab")
            kind = question["type"]
            if kind in ("single_choice", "true_false"):
                page.keyboard.press("ArrowDown")
            elif kind == "multiple_choice":
                page.keyboard.press("Space")
            elif kind == "matching":
                for index, _item in enumerate(question["items"]):
                    if index:
                        page.keyboard.press("Tab")
                    assert active(page)["tag"] == "SELECT"
                    page.keyboard.press("ArrowDown")  # the first choice (native select: arrows change it)
            elif kind == "short_answer":
                page.keyboard.type("open days")
                page.keyboard.press("Enter")
            quiz.wait_for_responses(lambda d, q=question: q["id"] in d["in_progress"]["answers"],
                                    what=f"{question['id']} answered by keyboard")
        if number < len(questions):
            page.keyboard.press("Tab")
            while "coursekit-next" not in active(page)["classes"]:
                page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            quiz.question(questions[number]["id"]).wait_for(state="visible")
            page.wait_for_function("k => document.activeElement.getAttribute('data-key') === k",
                                   arg=f"legend:{questions[number]['id']}")
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells  # no key reached JupyterLab

    while "coursekit-submit" not in active(page)["classes"]:
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    quiz.wait_for_responses(lambda d: len(d["attempts"]) == 1, what="attempt 1 submitted")
    page.wait_for_function("() => document.activeElement.getAttribute('data-key') === 'result'")
    result = quiz.quiz.locator(".coursekit-result").inner_text()
    assert "Attempt 1: submitted" in result and "Answered" in result and "11 of 11" in result
    assert "Marks" in result and ("Passed" in result or "Not yet passed" in result)
    assert "attempt 1 submitted" in quiz.status().lower()
    assert_accessible(page, ".coursekit-quiz", "result")
    shot(page, f"result_{width}")
    # Nothing in the result reaches past the quiz's right edge (the output would scroll sideways at 400 px).
    past_edge = quiz.quiz.evaluate("""q => { const edge = q.getBoundingClientRect().right + 1;
        return [...q.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > edge)
            .map(e => e.tagName + ' ' + e.textContent.slice(0, 40)); }""")
    assert past_edge == [], past_edge

    page.keyboard.press("Tab")  # to "Start attempt 2"
    assert "coursekit-again" in active(page)["classes"]
    page.keyboard.press("Enter")
    # attempt 2 opens on its own first question (a pool may draw another one)
    page.wait_for_function("k => document.activeElement.getAttribute('data-key') === k",
                           arg=f"legend:{quiz.given(2)[0]['id']}")
    while "coursekit-submit" not in active(page)["classes"]:
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # nothing answered: asks first, focus on the question
    page.wait_for_function("() => document.activeElement.getAttribute('data-key') === 'confirm'")
    assert_accessible(page, ".coursekit-quiz", "confirm")
    shot(page, f"confirm_{width}")
    page.keyboard.press("Tab")
    assert "coursekit-confirm" in active(page)["classes"]
    page.keyboard.press("Enter")
    quiz.wait_for_responses(lambda d: len(d["attempts"]) == 2, what="attempt 2 submitted")
    page.wait_for_function("() => document.activeElement.getAttribute('data-key') === 'result'")
    history = quiz.quiz.locator(".coursekit-history tbody tr")
    assert history.count() == 2
    assert history.nth(0).inner_text().startswith("Attempt 1")
    assert "counts" in history.nth(0).inner_text()  # highest marks: attempt 1 (attempt 2 answered nothing)
    assert "Not yet passed" in quiz.quiz.locator(".coursekit-result").inner_text()


def test_tap_at_400_px_selects_exactly_the_option_tapped(lab_server, browser):
    context = browser.new_context(viewport={"width": 400, "height": 860}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        folder = add_learner_copy(lab_server, "tap_400")
        page.set_viewport_size({"width": 1280, "height": 860})  # the kernel indicator shows in a wide toolbar
        quiz = QuizPage(page, lab_server, folder).open()
        narrow(page, 400)
        quiz.run_all()
        first = quiz.given()[0]
        for option in first["options"]:
            label = quiz.question(first["id"]).locator("label", has_text=option["text"])
            label.scroll_into_view_if_needed()
            label.tap()
            quiz.wait_for_responses(lambda d, o=option: d["in_progress"]["answers"].get(first["id"]) == o["id"],
                                    what=f"tap on {option['id']}")
            assert quiz.question(first["id"]).get_by_role("radio", name=option["text"], exact=True).is_checked()
        shot(page, "tap_400")
    finally:
        context.close()
        shutdown_sessions(lab_server)


def written_json(path: Path) -> Any:
    """The notebook file as JSON once no save is half-way through it.

    Jupyter server writes a saved notebook in place (its backup copy aside): a read while learner mode's save
    after Run All, or an autosave, is writing can see an empty or cut file.
    """
    found: list[Any] = []

    def parsed() -> bool:
        try:
            found[:] = [json.loads(path.read_text(encoding="utf-8"))]
        except ValueError:
            return False
        return True

    wait_until(parsed, what=f"{path.name} written")
    return found[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_comment_fields_take_every_key_and_survive_reload_and_restart(learner, width):
    quiz = learner("comments", width).run_all()
    page = quiz.page
    release = written_json(quiz.notebook)
    fields = quiz.panel.locator(".coursekit-comment textarea")
    assert fields.count() == 4
    assert_accessible(page, ".coursekit-comment", "comment empty")
    comments = quiz.folder / "responses" / f"{SECTION}.comments.json"
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in release["cells"]
           if c["metadata"].get("nbgrader", {}).get("solution")]
    for index, field in enumerate(fields.all()):
        field.scroll_into_view_if_needed()
        field.click()  # one click, then typing
        page.keyboard.type(f"{index} {TEXT}")
        want = f"{index} {TEXT}"
        wait_until(lambda gid=ids[index], w=want: saved_comment(comments, gid) == w, what=f"comment {index} saved")
        assert field.input_value() == want
    assert_accessible(page, ".coursekit-comment", "comment typed")
    shot(page, f"comments_{width}")
    # The notebook's structure is untouched: save it and compare with the release.
    quiz.panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})
    quiz.menu("File", "Save Notebook")
    page.locator(".jp-mod-dirty").first.wait_for(state="detached")
    saved = written_json(quiz.notebook)
    assert [c["cell_type"] for c in saved["cells"]] == [c["cell_type"] for c in release["cells"]]
    assert [c["metadata"].get("nbgrader") for c in saved["cells"]] == [c["metadata"].get("nbgrader")
                                                                        for c in release["cells"]]
    assert [comment_cell_id(i.removeprefix("comment-")) for i in ids] == ids

    page.reload()
    quiz.panel.locator(".jp-Notebook").wait_for()
    wait_until(lambda: kernel_idle(quiz), timeout=60, what="kernel idle after reload")
    quiz.run_all()
    fields = quiz.panel.locator(".coursekit-comment textarea")
    fields.first.wait_for()
    assert [f.input_value() for f in fields.all()] == [f"{i} {TEXT}" for i in range(4)]
    quiz.restart_and_run_all()
    fields = quiz.panel.locator(".coursekit-comment textarea")
    fields.first.wait_for()
    assert [f.input_value() for f in fields.all()] == [f"{i} {TEXT}" for i in range(4)]


@pytest.mark.parametrize("width", [400, 768, 1024, 1280])
def test_every_question_is_readable_and_big_enough_at_each_width(learner, width):
    quiz = learner("layout", width).run_all()
    page = quiz.page
    questions = quiz.given()
    labels = quiz.quiz.locator(".coursekit-map").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert labels == [f"Question {n}, not answered{', current' if n == 1 else ''}"
                      for n in range(1, len(questions) + 1)]
    for number, question in enumerate(questions, 1):
        if number > 1:
            quiz.quiz.locator(f"button.coursekit-map-{number}").click()
            quiz.question(question["id"]).wait_for(state="visible")
        box = quiz.question(question["id"]).bounding_box()
        sizes = quiz.question(question["id"]).evaluate("""q => [...q.querySelectorAll('label, select, input')]
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.tagName, r.left, r.right, r.width, r.height]; })""")
        for tag, left, right, w, h in sizes:
            assert left >= box["x"] - 1 and right <= box["x"] + box["width"] + 1, (question["id"], tag, left, right)
            assert h >= 20 and w >= 20, (question["id"], tag, w, h)
            if tag == "SELECT":
                assert w >= min(190, box["width"] - 40), (question["id"], w)  # wide enough to read a choice
        for tag, _left, _right, w, h in sizes:
            if tag == "LABEL":
                assert h >= 24 and w >= 24, (question["id"], w, h)  # the tap target of an option
    buttons = quiz.quiz.locator("button").evaluate_all(
        "bs => bs.map(b => { const r = b.getBoundingClientRect(); return [r.width, r.height]; })")
    assert all(w >= 24 and h >= 24 for w, h in buttons), buttons
    shot(page, f"layout_{width}")
    # axe-core over the whole JupyterLab page: nothing it reports lies in what coursekit added.
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    ours = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.flatMap(v => v.nodes.filter(n => n.target.join(' ').includes('coursekit')
            || n.html.includes('coursekit')).map(n => [v.id, n.html.slice(0, 120)]));
    }""")
    assert ours == []


def test_ctrl_s_in_a_comment_or_the_quiz_never_opens_the_browsers_save_page_dialog(learner):
    quiz = learner("ctrl_s", 1280).run_all()
    page = quiz.page
    # What the browser does with the key after every handler ran: a default not prevented is "Save page as".
    page.evaluate("""() => { window.ckSaves = [];
        document.addEventListener('keydown', e => { if (e.ctrlKey && e.key === 's') {
            const focused = document.activeElement.tagName;  // where the key went, read as it is pressed
            setTimeout(() => window.ckSaves.push([focused, e.defaultPrevented]), 0); } }, true); }""")
    field = quiz.panel.locator(".coursekit-comment textarea").first
    field.scroll_into_view_if_needed()
    field.click()
    page.keyboard.type("We share workshops.")
    page.keyboard.press("Control+s")
    page.wait_for_function("() => window.ckSaves.length === 1")
    quiz.question(quiz.given()[0]["id"]).get_by_role("radio").first.focus()
    page.keyboard.press("Control+s")
    page.wait_for_function("() => window.ckSaves.length === 2")
    assert page.evaluate("window.ckSaves") == [["TEXTAREA", True], ["INPUT", True]]
    assert field.input_value() == "We share workshops."  # the key typed nothing
