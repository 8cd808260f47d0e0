"""A simulated cohort through autograde, report, feedback and dashboards, checked from the outside."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from html import unescape

import nbformat
import pytest
import yaml
from grading_support import grade_all, make_project
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.cohort.dashboard import DASHBOARDS, build_dashboards
from coursekit.grading.feedback import generate_feedback
from coursekit.grading.report import write_report
from coursekit.grading.roster import register_learners
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

MISKEYED = ("networks_consortia", "peer-support")  # single choice; planted key: its first distractor


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """120 simulated learners; one question's key is wrong in the course the trainer grades with."""
    paths = make_project(tmp_path_factory.mktemp("cohort"))
    course = load_course(paths.course)
    plan = simulate(course, paths.release, paths.grader / "submitted", 120, seed=3)
    register_learners(paths.gradebook_url, plan.learners)
    quiz_path = paths.course / MISKEYED[0] / "quiz.yml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    question = next(q for q in quiz["questions"] if q["id"] == MISKEYED[1])
    distractor = next(o["id"] for o in question["options"] if o["id"] != question["answer"])
    question["answer"] = distractor  # a wrong key: weaker learners pick the distractor more often
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["--root", str(paths.root), "build"]) == 0
    result = grade_all(paths, jobs=2)
    report = write_report(paths.gradebook_url, load_course(paths.course), paths.reports)
    return paths, plan, result, report


def test_statuses_follow_the_pass_rate(cohort):
    _, plan, result, report = cohort
    grades = report.grades
    assert not result.failed
    assert len(grades) == len(plan.learners) * 2
    assert (grades["status"] == "not submitted").sum() == len(plan.not_submitted)
    submitted = grades[grades["status"] != "not submitted"]
    passed = submitted["quiz_percent"] >= submitted["pass_rate"]
    assert (submitted.loc[~passed, "status"] == "failed").all()
    complete = submitted["comments_answered"] == submitted["comments_total"]
    # nothing is reviewed yet: a learner who passed with every comment answered waits for the review
    assert (submitted.loc[passed & complete, "status"] == "passed, review pending").all()
    assert (submitted.loc[passed & ~complete, "status"] == "incomplete").all()
    # comments answered: exactly the non-blank answer cells of each submitted notebook, counted by hand
    paths = cohort[0]
    rows = submitted.set_index(["learner", "section"])
    counted = {key: _written_comments(paths.grader / "submitted" / key[0] / key[1] / f"{key[1]}.ipynb")
               for key in rows.index}
    assert rows["comments_answered"].to_dict() == {key: written for key, (written, _) in counted.items()}
    assert rows["comments_total"].to_dict() == {key: cells for key, (_, cells) in counted.items()}
    # the simulated blank comments are among them, and they show: some sections are incomplete for them alone
    blank = {key for key in plan.blank_comments if key in rows.index}
    short = {key for key in blank if rows.loc[key, "comments_answered"] < rows.loc[key, "comments_total"]}
    assert len(blank) >= 10 and len(short) >= 10
    assert all(rows.loc[key, "comments_answered"] == rows.loc[key, "comments_total"]
               for key in rows.index if key not in plan.blank_comments)
    assert {rows.loc[key, "status"] for key in short} <= {"incomplete", "failed"}
    assert "incomplete" in {rows.loc[key, "status"] for key in short}
    assert set(submitted["review"]) <= {"pending review", "no comments"}


def _written_comments(notebook):
    """(answer cells with text, answer cells) of a submitted notebook."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.metadata.get("nbgrader", {}).get("solution")]
    return sum(1 for c in cells if c.source.strip()), len(cells)


def test_lms_exports_have_the_import_layouts(cohort):
    paths, plan, _, _ = cohort
    with open(paths.reports / "moodle_grades.csv", encoding="utf-8") as handle:
        moodle = list(csv.DictReader(handle))
    assert len(moodle) == len(plan.learners)
    assert next(iter(moodle[0])) == "Username"
    assert any(name.startswith("Quiz: ") and name.endswith(" (Feedback)") for name in moodle[0])
    assert any(name.startswith("Comments: ") for name in moodle[0])
    with open(paths.reports / "canvas_grades.csv", encoding="utf-8") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "15"


def test_miskeyed_question_is_flagged_by_negative_discrimination(cohort):
    paths, _, _, _ = cohort
    with open(paths.reports / "item_analysis.csv", encoding="utf-8") as handle:
        items = {(r["section"], r["item"]): r for r in csv.DictReader(handle)}
    assert len(items) == 22
    planted = items[MISKEYED]
    assert float(planted["discrimination_index"]) < 0
    assert "negative discrimination" in planted["flags"]
    others = [key for key, row in items.items() if "negative discrimination" in row["flags"]]
    assert others == [MISKEYED]
    with open(paths.reports / "quiz_stats.csv", encoding="utf-8") as handle:
        stats = {r["section"]: r for r in csv.DictReader(handle)}
    assert 0 < float(stats["cooperation_networking"]["cronbach_alpha"]) < 1


def test_feedback_shows_verdicts_and_passages_never_the_key(cohort):
    paths, _, _, _ = cohort
    course = load_course(paths.course)
    files = generate_feedback(course, paths, paths.gradebook_url)
    assert files
    section = course.section("cooperation_networking")
    sample = next(f for f in files if f.parent.name == section.id).read_text(encoding="utf-8")
    assert "question_points" not in sample and "HIDDEN TESTS" not in sample
    assert "{&#x27;answer&#x27;" not in sample and "'answer'" not in sample
    assert re.search(r"Question 1</h3>.*?(Right|Partly right|Not right)</span>", sample, re.DOTALL)
    assert "Read again: “Most VET institutions pay special attention" in sample
    assert "Correct answer" not in sample


def test_dashboards_render_with_figures(cohort):
    paths, _, _, _ = cohort
    written = build_dashboards(paths, paths.gradebook_url)
    assert sorted(p.name for p in written) == sorted(DASHBOARDS.values())
    for name in DASHBOARDS:
        executed = nbformat.read(paths.reports / "notebooks" / f"{name}.ipynb", as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, errors
        images = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
                  if "image/png" in o.get("data", {})]
        assert len(images) >= 2 if name != "learner_progress" else len(images) >= 1
    html = (paths.reports / "cohort_dashboard.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html and "Status per section" in html
    assert "load_cells(" not in html  # code cells are not exported
    assert json.dumps("passed")[1:-1] in html


def test_follow_up_names_exactly_the_learners_to_follow_up(cohort, tmp_path):
    """follow_up.csv beside the dashboard holds every learner × section whose grades.csv status needs follow-up."""
    paths, _, _, _ = cohort
    if not (paths.reports / "follow_up.csv").exists():
        build_dashboards(paths, paths.gradebook_url)
    course = load_course(paths.course)
    titles = {s.id: s.quiz.title for s in course.sections}
    write_report(paths.gradebook_url, course, tmp_path, paths.grader / "submitted")
    with open(tmp_path / "grades.csv", encoding="utf-8") as handle:
        grades = list(csv.DictReader(handle))
    wanted = {"failed", "not submitted", "incomplete", "not graded", "passed, review pending"}
    expected = {(titles[r["section"]], r["learner"], r["status"]) for r in grades if r["status"] in wanted}
    with open(paths.reports / "follow_up.csv", encoding="utf-8") as handle:
        follow_up = list(csv.DictReader(handle))
    assert next(iter(follow_up[0])) == "Section" and "Last activity" in follow_up[0]
    listed = [(r["Section"], r["Learner"], r["Status"]) for r in follow_up]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected
    assert {status for _, _, status in listed} >= {"failed", "not submitted", "passed, review pending"}
    by_key = {(titles[r["section"]], r["learner"]): r for r in grades}
    for row in follow_up:
        source = by_key[row["Section"], row["Learner"]]
        assert row["Attempts"] == source["attempts"] and row["Last activity"] == source["submitted_at"]
        assert row["Quiz score (%)"] == (f"{float(source['quiz_percent']):.1f}" if source["quiz_percent"] else "")
    html = (paths.reports / "cohort_dashboard.html").read_text(encoding="utf-8")
    assert "Who needs follow-up" in html
    tables = re.findall(r'<table[^>]*class="[^"]*follow-up.*?</table>', html, re.DOTALL)
    assert len(tables) == len(titles)
    for table in tables:
        headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table, re.DOTALL)
        assert headers[:3] == ["Learner", "Name", "Status"] and all(h.strip() for h in headers)


RENDER = """
import json, sys
from playwright.sync_api import sync_playwright
shots, pages = sys.argv[1], sys.argv[2:]
result = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    for url in pages:
        page.goto(url)
        result[url] = {
            "images": page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth])"),
            "tables": page.evaluate("() => [...document.querySelectorAll('table')].map(t => t.offsetWidth)"),
        }
        page.screenshot(path=f"{shots}/{url.rsplit('/', 1)[1].replace('.html', '.png')}", full_page=True)
    browser.close()
print(json.dumps(result))
"""


def test_dashboards_render_in_chromium(cohort):
    """Open the exported HTML in headless Chromium: every figure decodes, tables are laid out; screenshots kept.

    Chromium runs in a process of its own: the browser tests' Playwright may still be running in this one.
    """
    paths, _, _, _ = cohort
    if not (paths.reports / "cohort_dashboard.html").exists():
        build_dashboards(paths, paths.gradebook_url)
    shots = REPO / "artifacts" / "dashboards"
    shots.mkdir(parents=True, exist_ok=True)
    urls = [(paths.reports / html).as_uri() for html in DASHBOARDS.values()]
    done = subprocess.run([sys.executable, "-c", RENDER, str(shots), *urls], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    for url, found in json.loads(done.stdout).items():
        assert found["images"] and all(ok and width > 100 for ok, width in found["images"]), (url, found)
        assert found["tables"] and all(width > 100 for width in found["tables"]), (url, found)
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(h.replace(".html", ".png")
                                                                for h in DASHBOARDS.values())


def test_item_analysis_shows_every_question_with_its_options(cohort):
    """Every question of every section, numbered in the learners' order with its text; options with their text."""
    paths, _, _, _ = cohort
    if not (paths.reports / "item_analysis.html").exists():
        build_dashboards(paths, paths.gradebook_url)
    course = load_course(paths.course)
    html = (paths.reports / "item_analysis.html").read_text(encoding="utf-8")
    headings = re.findall(r'<section class="question"><h4>(.*?)</h4>', html, re.DOTALL)
    expected = [f"Question {n} (" for s in course.sections for n in range(1, len(s.quiz.questions) + 1)]
    shown = unescape(re.sub(r"<[^>]+>", " ", html))  # the text a reader sees
    assert len(headings) == sum(len(s.quiz.questions) for s in course.sections) == 22
    assert [h[:len(e)] for h, e in zip(headings, expected, strict=True)] == expected
    questions = [q for s in course.sections for q in s.quiz.questions]
    for heading, question in zip(headings, questions, strict=True):
        assert unescape(heading).endswith(question.text), (heading, question.text)
        texts = [o.text for o in getattr(question, "options", [])]
        texts += [o.text for o in getattr(question, "items", [])] + [o.text for o in getattr(question, "choices", [])]
        for text in texts:
            assert text in shown, text
    assert {q.type for q in questions} == {"single_choice", "multiple_choice", "true_false", "matching",
                                           "short_answer"}
    assert "Most frequent wrong answers" in html
    assert "share_top" not in html and "discrimination_index" not in html


OFFLINE = """
import json, sys
from playwright.sync_api import sync_playwright
pages = sys.argv[1:]
result = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    left = []
    context.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else left.append(r.url))
    context.route(lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort())
    page = context.new_page()
    for url in pages:
        left.clear()
        page.goto(url)
        page.wait_for_load_state("load")
        result[url] = {
            "left": list(left),
            "title": page.title(),
            "images": page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth, i.alt])"),
            "empty_headers": page.evaluate(
                "() => [...document.querySelectorAll('th')].filter(th => !th.textContent.trim()).length"),
            "headers": page.evaluate("() => document.querySelectorAll('th').length"),
        }
    browser.close()
print(json.dumps(result))
"""
TITLES = {"cohort_dashboard.html": "Cohort overview", "item_analysis.html": "Item analysis",
          "learner_progress.html": "Learner progress"}


def test_dashboards_work_offline_with_titles_and_findings(cohort):
    """Opened from disk with the network cut: no request leaves the page, pages are titled, charts state findings."""
    paths, _, _, _ = cohort
    if not (paths.reports / "cohort_dashboard.html").exists():
        build_dashboards(paths, paths.gradebook_url)
    for html in DASHBOARDS.values():
        text = (paths.reports / html).read_text(encoding="utf-8")
        assert "require.js" not in text and "mathjax" not in text.lower(), html
        assert re.findall(r"<script[^>]*\ssrc=", text) == [], html
    urls = {(paths.reports / html).as_uri(): html for html in DASHBOARDS.values()}
    done = subprocess.run([sys.executable, "-c", OFFLINE, *urls], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for url, found in json.loads(done.stdout).items():
        html = urls[url]
        assert found["left"] == [], (html, found["left"])
        assert found["title"] == TITLES[html]
        assert found["images"], html
        for complete, width, alt in found["images"]:
            assert complete and width > 100, html
            assert alt.strip() and "No description" not in alt, (html, alt)
        assert found["headers"] and found["empty_headers"] == 0, (html, found["empty_headers"])
    cohort_page = (paths.reports / "cohort_dashboard.html").read_text(encoding="utf-8")
    assert re.search(r'alt="[^"]*: \d+ passed, review pending[^"]*\d+ failed', cohort_page)  # the status chart
    assert "Finding:" in cohort_page


def test_dashboard_makes_any_learners_progress_report(cohort, capsys):
    """``coursekit dashboard --learner L`` shows L's progress; an unknown learner is refused in one line."""
    paths, plan, _, _ = cohort
    who = sorted(plan.learners)[-1]
    page = paths.reports / "learner_progress.html"
    root = ["--root", str(paths.root)]
    before = page.read_text(encoding="utf-8") if page.exists() else ""
    assert main([*root, "dashboard", "--db-url", paths.gradebook_url, "--learner", "nobody-such"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no learner 'nobody-such' in the gradebook" in error
    assert (page.read_text(encoding="utf-8") if page.exists() else "") == before  # nothing overwritten
    assert main([*root, "dashboard", "--db-url", paths.gradebook_url, "--learner", who]) == 0
    html = page.read_text(encoding="utf-8")
    assert f"Learner: {who}</h2>" in html and re.search(rf'alt="{re.escape(who)}: ', html)
    assert sorted(plan.learners)[0] != who and f"Learner: {sorted(plan.learners)[0]}<" not in html
    assert main([*root, "dashboard", "--db-url", paths.gradebook_url, "--section", "no_such_section"]) == 1
    assert "no section 'no_such_section' in the course" in capsys.readouterr().err
