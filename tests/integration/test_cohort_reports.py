"""A simulated cohort through autograde, report, feedback and dashboards, checked from the outside."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from html import escape, unescape

import nbformat
import pytest
import yaml
from grading_support import grade_all, make_project
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.cohort.accepted import load_rejected
from coursekit.cohort.dashboard import DASHBOARDS, build_dashboards
from coursekit.cohort.gradebook import item_scores, load_cells
from coursekit.cohort.responses import load_given
from coursekit.gradebook.roster import register_learners
from coursekit.gradebook.roster_file import RosterEntry, import_roster
from coursekit.results.feedback import generate_feedback
from coursekit.results.report import write_report
from coursekit.simulate import simulate

pytestmark = pytest.mark.slow

MISKEYED = ("networks_consortia", "peer-support")  # single choice slot (a pool); planted keys: first distractors


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """120 simulated learners; one question's key is wrong in the course the trainer grades with."""
    paths = make_project(tmp_path_factory.mktemp("cohort"))
    course = load_course(paths.course)
    plan = simulate(course, paths.release, paths.grader / "submitted", 120, seed=3)
    register_learners(paths.gradebook_url, plan.learners)
    half = len(plan.learners) // 2  # two roster groups: the cohort dashboard compares them
    import_roster(paths.gradebook_url, [RosterEntry(login, group="morning" if i < half else "evening")
                                        for i, login in enumerate(sorted(plan.learners))])
    quiz_path = paths.course / MISKEYED[0] / "quiz.yml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    slot = next(e for e in quiz["questions"] if e.get("slot", e["pool"][0]["id"] if "pool" in e else e["id"])
                == MISKEYED[1])
    for question in slot.get("pool", [slot]):  # every question of the slot, whichever a learner was given
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
    # copies of an attempt under other numbers keep the copied draw: with pools they are refused, nothing else is
    forged = {key for key, kind in plan.tampered.items() if kind == "forged_attempts"}
    assert {(o.learner, o.section) for o in result.failed} == forged
    assert all(any("not the ones this learner was given" in p for p in o.problems) for o in result.failed)
    assert len(grades) == len(plan.learners) * 2
    assert (grades["status"] == "not submitted").sum() == len(plan.not_submitted)
    refused = grades.set_index(["learner", "section"]).loc[sorted(forged), "status"] if forged else []
    assert set(refused) <= {"not graded"}
    submitted = grades[~grades["status"].isin(["not submitted", "not graded"])]
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
    # beyond Moodle: the quiz is more consistent without the wrong key; weights add up per section
    assert float(planted["alpha_if_deleted"]) > float(stats[MISKEYED[0]]["cronbach_alpha"])
    for section in stats:
        rows = [r for r in items.values() if r["section"] == section]
        assert sum(float(r["intended_weight"]) for r in rows) == pytest.approx(100)
        assert sum(float(r["effective_weight"]) for r in rows if r["effective_weight"]) == pytest.approx(100)


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


def _charted_questions(paths) -> int:
    """The questions with an options chart: every one but the typed answers, each question of a pool included."""
    course = load_course(paths.course)
    return sum(q.type != "short_answer" for s in course.sections for q in s.quiz.questions)


def test_dashboards_render_with_figures(cohort):
    paths, _, _, _ = cohort
    written = build_dashboards(paths, paths.gradebook_url)
    assert sorted(p.name for p in written) == sorted(DASHBOARDS.values())
    charts = {}
    for name in DASHBOARDS:
        executed = nbformat.read(paths.reports / "notebooks" / f"{name}.ipynb", as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, errors
        charts[name] = sum("".join(o.get("data", {}).get("text/html", "")).count('class="coursekit-chart"')
                           for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    # status, scores, weekly pass rate and mean score, cohorts, passing over time, comments; the scatter and one
    # chart per choice, true/false and matching question; one learner's scores; none on the index of learners
    assert charts == {"cohort_overview": 7, "item_analysis": 1 + _charted_questions(paths), "learner_progress": 1,
                      "learner_index": 0}
    html = (paths.reports / "cohort_dashboard.html").read_text(encoding="utf-8")
    assert "Status per section" in html and html.count("Plotly.newPlot(") == 7
    assert "load_cells(" not in html  # code cells are not exported
    assert "Pass rate per cohort (roster group)" in html and "group morning" in html and "group evening" in html
    # plotly.js and the pages' scripts and styles: once, in the shared bundle beside the pages, never in a page
    assert "plotly.js v" in (paths.reports / "assets" / "plotly.min.js").read_text(encoding="utf-8")
    for page in DASHBOARDS.values():
        text = (paths.reports / page).read_text(encoding="utf-8")
        assert "plotly.js v" not in text and len(text) < 1_000_000, page
        assert ('src="assets/plotly.min.js"' in text) == (page != "learners.html"), page
        assert 'src="assets/tables.js"' in text and 'href="assets/notebook.css"' in text


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
    assert all(">passed, review pending<" not in table for table in tables)  # the trainer's to-do, listed apart
    reviews = re.findall(r'<table[^>]*class="[^"]*reviews-waiting.*?</table>', html, re.DOTALL)
    assert len(reviews) == len(titles) and any(">passed, review pending<" in table for table in reviews)
    for row in follow_up:
        assert row["Next step by"] == ("trainer" if row["Status"] == "passed, review pending" else "learner")
    for table in tables:
        headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table, re.DOTALL)
        assert headers[:3] == ["Learner", "Name", "Status"] and all(h.strip() for h in headers)


def test_item_analysis_shows_every_question_with_its_options(cohort):
    """Every question of every section, numbered in the learners' order with its text; options with their text."""
    paths, _, _, _ = cohort
    if not (paths.reports / "item_analysis.html").exists():
        build_dashboards(paths, paths.gradebook_url)
    course = load_course(paths.course)
    html = (paths.reports / "item_analysis.html").read_text(encoding="utf-8")
    headings = re.findall(r'<section class="question"><h4>(.*?)</h4>', html, re.DOTALL)
    # a pool's questions are shown one after another under their slot's number
    expected = [f"Question {n} (" for s in course.sections for n, slot in enumerate(s.quiz.quiz_slots, 1)
                for _ in slot.questions]
    shown = unescape(re.sub(r"<[^>]+>", " ", html))  # the text a reader sees
    assert len(headings) == sum(len(s.quiz.questions) for s in course.sections) > 22
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
    # the planted wrong key is explained in words below its question
    planted = next(q for q in course.section(MISKEYED[0]).quiz.questions if q.id == MISKEYED[1])
    block = next(b for b in re.findall(r'<section class="question">.*?</section>', html, re.DOTALL)
                 if unescape(re.sub(r"<[^>]+>", "", b)).count(planted.text))
    said = unescape(block)
    assert "Weaker learners did better on it than stronger ones: check the key or the wording." in said
    assert "Few strong learners chose the key “" in said and ": check the key or the wording." in said
    assert "Point-biserial" in html and "Alpha if deleted" in html and "Effective weight (%)" in html
    assert "share_top" not in html and "discrimination_index" not in html
    _check_rejected(cohort, html)
    _check_summary(paths, html, shown, planted)


def _check_rejected(cohort, html: str) -> None:
    """The responses files grading rejected (the forged attempts not graded, the garbage file scored 0) are left out
    of the counts, and the page says how many and whose."""
    paths, plan, result, _ = cohort
    course = load_course(paths.course)
    rejected = load_rejected(paths.grader / "autograded", {s.id: s.quiz for s in course.sections})
    garbage = {key for key, kind in plan.tampered.items() if kind == "garbage_responses"}
    expected = {(o.learner, o.section) for o in result.failed} | garbage
    assert set(zip(rejected["learner"], rejected["section"], strict=True)) == expected and len(expected) >= 2
    sentence = re.search(r"<p>(\d+) responses files are left out of these counts because grading rejected them "
                         r"\(their learners count as giving no answer; the quiz scores 0 or is not graded\): "
                         r"(.*?)\.</p>", html, re.DOTALL)
    assert sentence and int(sentence.group(1)) == len(expected), sentence
    titles = {s.id: s.quiz.title for s in course.sections}
    # every one named with its section, in order (the ids are plain "learnerNNNN"; escaped like any text)
    assert sentence.group(2) == ", ".join(f"{escape(learner)} ({escape(titles[section])})"
                                         for learner, section in sorted(expected))


def _check_summary(paths, html: str, shown: str, planted) -> None:
    """The summary at the top names the planted key to rewrite; the key's share of learners agrees with the
    facility (one attempt rule: the attempt the grade reflects) for every single-choice question."""
    assert shown.index("What to change next") < shown.index("Per section")
    assert "counts one attempt per learner, the one the grade reflects" in shown
    table = re.search(r'<table class="[^"]*summary[^"]*">.*?</table><script[^>]*class="table-rows"[^>]*>(.*?)'
                      r"</script>", html, re.DOTALL)
    rows = json.loads(table.group(1))["rows"]
    course = load_course(paths.course)
    assert len(rows) == sum(len(s.quiz.questions) for s in course.sections)  # each question of a pool too
    assert {row[0] for row in rows} <= {"rewrite", "drop", "keep"}
    row = next(r for r in rows if r[3] == planted.text)
    assert row[0] == "rewrite" and "weaker learners did better on it than stronger ones" in row[4], row
    assert re.search(r"\d+ questions to rewrite, \d+ to drop, \d+ to keep", shown)
    with open(paths.reports / "item_analysis.csv", encoding="utf-8") as handle:
        facility = {(r["section"], r["item"]): float(r["facility"]) for r in csv.DictReader(handle)}
    # a question of a pool: the facility of its slot's grades among the learners given it, the learners its
    # option shares are counted over too
    given = load_given(paths.grader / "autograded", {s.id: s.quiz for s in course.sections})
    slot_scores = item_scores(load_cells(paths.gradebook_url)).rename(columns={"item": "slot"})
    drawn = given.merge(slot_scores, on=["learner", "section", "slot"]).groupby(["section", "item"])
    facility.update((key, 100 * row["score"] / row["max_score"])
                    for key, row in drawn[["score", "max_score"]].sum().iterrows())
    pooled_ids = set(given["item"])
    blocks = re.findall(r'<section class="question">.*?</section>', html, re.DOTALL)
    questions = [(s.id, q) for s in course.sections for q in s.quiz.questions]
    compared = pooled = 0
    for block, (sid, question) in zip(blocks, questions, strict=True):
        if question.type != "single_choice":
            continue
        key = re.search(r"<td>key</td><td class=\"num\">(\d+)</td>", block)
        # the share is rounded to a whole percent, nothing else: the picks of a file grading rejected do not count
        assert abs(float(key.group(1)) - facility[sid, question.id]) <= 0.5 + 1e-9, (sid, question.id)
        compared += 1
        pooled += question.id in pooled_ids
    assert compared == sum(q.type == "single_choice" for _, q in questions) and pooled >= 4


TITLES = {"cohort_dashboard.html": "Cohort overview", "item_analysis.html": "Item analysis",
          "learner_progress.html": "Learner progress", "learners.html": "Learners"}
AXE = REPO / ".browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.browser
def test_dashboards_work_offline_in_chromium(cohort):
    """Every page from disk with the network cut: nothing leaves, charts draw and hover, tables sort and filter,
    axe-core finds nothing, no overflow or overlap at 1280 and 768 px; screenshots in artifacts/dashboards/.

    Chromium runs in a process of its own (tests/integration/dashboard_browser.py): the browser tests'
    Playwright may still be running in this one.
    """
    paths, _, _, _ = cohort
    if not (paths.reports / "learners.html").exists():
        build_dashboards(paths, paths.gradebook_url)
    assert AXE.exists(), f"{AXE} is missing: run `npm install --prefix .browser axe-core@4` (make test does)"
    for html in DASHBOARDS.values():
        text = (paths.reports / html).read_text(encoding="utf-8")
        # no script, style or font from elsewhere: only the shared bundle beside the pages, by relative path
        # (plotly.js itself mentions MathJax and CDNs: the browser below checks that nothing is fetched)
        used = re.findall(r"<(?:script|link)[^>]*\s(?:src|href)=\"([^\"]*)\"", text)
        assert used and all(u.startswith("assets/") and (paths.reports / u).is_file() for u in used), (html, used)
    shots = REPO / "artifacts" / "dashboards"
    for old in shots.glob("*.png"):
        old.unlink()
    urls = {(paths.reports / html).as_uri(): html for html in DASHBOARDS.values()}
    script = REPO / "tests" / "integration" / "dashboard_browser.py"
    done = subprocess.run([sys.executable, str(script), str(shots), str(AXE), *urls], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    for url, found in seen.items():
        html = urls[url]
        assert found["left"] == [] and found["errors"] == [], (html, found["left"], found["errors"])
        assert found["title"] == TITLES[html]
        assert found["axe"] == [], (html, json.dumps(found["axe"], indent=1))
        for width, layout in found["layout"].items():
            assert layout["overflow"] == 0 and layout["overlaps"] == [], (html, width, layout)
        for chart in found["charts"]:  # drawn: plotly's SVG layers with bars, points or lines in them
            assert chart["svg"] >= 2 and chart["marks"] >= 1 and chart["traces"] >= 1, (html, chart)
            assert chart["label"].strip() and chart["caption"].startswith("Finding: "), (html, chart)
            assert chart["label"] == chart["caption"].removeprefix("Finding: "), (html, chart)
        if found["charts"]:
            assert re.search(r"\d", found["hover"]), (html, found["hover"])  # the hover label shows a value
    cohort_page = seen[(paths.reports / "cohort_dashboard.html").as_uri()]
    assert len(cohort_page["charts"]) == 7
    assert re.match(r".*: \d+ passed, review pending.*\d+ failed", cohort_page["charts"][0]["label"])
    assert re.search(r"(passed, review pending|failed|incomplete|not submitted): \d+ learners", cohort_page["hover"])
    before, after, drawn_before, drawn_after = cohort_page["legend_toggle"]
    assert after == before - 1 and drawn_after == drawn_before - 1  # a legend click hides one series
    _check_series_toggles(seen, urls)
    table = cohort_page["tables"]  # the first follow-up table
    assert table["headers"][:3] == ["Learner", "Name", "Status"]
    ascending, descending = table["columns"]["Learner"]
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True) and len(ascending) > 10
    scores = [[float(v) for v in run if v] for run in table["columns"]["Quiz score (%)"]]
    assert scores[0] == sorted(scores[0]) and scores[1] == sorted(scores[0], reverse=True)  # numbers, not text
    assert all(run[-1] == "" for run in table["columns"]["Quiz score (%)"] if "" in run)  # blanks last both ways
    assert table["aria"] == ["ascending", "descending", "ascending", "descending"]
    assert table["keyboard_aria"] == "ascending"  # Enter on the focused header button sorts
    typed = table["filter"]
    assert typed["shown"] == [typed["typed"]] and typed["count"] == f"1 of {typed['rows']} rows"
    assert typed["cleared"] == typed["rows"]
    _check_links(paths, seen, urls)
    items = seen[(paths.reports / "item_analysis.html").as_uri()]
    assert len(items["charts"]) == 1 + _charted_questions(paths) and "facility" in items["hover"]
    learners = seen[(paths.reports / "learners.html").as_uri()]["tables"]
    assert len(learners["columns"]["Learner"][0]) == 120 and learners["page_rows"] == 50  # one page in the DOM
    assert table["page_rows"] <= 50
    for width, hidden in (("1280", ["Alpha if deleted", "Flags"]), ("768", ["Cronbach's alpha"])):
        scrolled = items["layout"][width]["scrolled_headers"]
        assert not set(hidden) & set(scrolled), (width, scrolled)
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(
        f"{h.removesuffix('.html')}-{w}.png" for h in DASHBOARDS.values() for w in (1280, 768))


def _check_links(paths, seen: dict, urls: dict) -> None:
    """The nav links the four pages from each; a learner's link lands on that learner's results."""
    pages = [("Cohort overview", "cohort_dashboard.html"), ("Learners", "learners.html"),
             ("Learner progress", "learner_progress.html"), ("Item analysis", "item_analysis.html")]
    for url, found in seen.items():
        assert found["nav"] == [[label, href, "page" if href == urls[url] else None] for label, href in pages]
    with open(paths.reports / "grades.csv", encoding="utf-8") as handle:
        grades = {(r["learner"], r["section"]): r for r in csv.DictReader(handle)}
    files = sorted(f"data/{f.name}" for f in (paths.reports / "data").glob("learners-*.js"))
    course = load_course(paths.course)
    cells = load_cells(paths.gradebook_url)
    scores = item_scores(cells).set_index(["learner", "section", "item"])["score"]
    followed = 0
    for url, found in seen.items():
        landed = found["learner_link"]
        if urls[url] not in ("learners.html", "cohort_dashboard.html"):
            continue
        who = landed["learner"]
        assert landed["url"].endswith(f"/learner_progress.html#{who}") and landed["back"], landed
        assert landed["heading"] == f"Learner: {who}" and landed["status"] == ""
        assert landed["chart"].startswith(f"{who}: ")
        assert [row[0] for row in landed["sections"]] == [s.quiz.title for s in course.sections]
        for row, section in zip(landed["sections"], course.sections, strict=True):
            expected = grades[who, section.id]
            assert row[5] == expected["status"], (who, row)
            assert row[3] == (f"{float(expected['quiz_percent']):.1f}" if expected["quiz_percent"] else "")
            assert (row[6] == "") == (expected["status"] == "passed")  # why it is not passed, when it is not
        wanted = [f"{scores[who, s.id, slot.id]:.2f}" if (who, s.id, slot.id) in scores.index else ""
                  for s in course.sections for slot in s.quiz.quiz_slots]  # one score per slot
        assert [row[3] for row in landed["questions"]] == wanted and any(wanted)
        unknown = landed["unknown"]
        assert unknown["status"] == "No learner “nobody such” in this report."
        assert unknown["heading"] == landed["heading"] and unknown["sections"] == landed["sections"]
        assert landed["back_to_learner"] == f"Learner: {who}"  # Back goes through the learners shown
        every = landed["every"]  # each learner of the table, named in the address in turn
        assert every["errors"] == [] and len(every["seen"]) > 10, (urls[url], every["errors"])
        for learner, shown in every["seen"].items():
            assert shown["heading"] == f"Learner: {learner}" and shown["status"] == "", (learner, shown)
            assert shown["sections"] == [grades[learner, s.id]["status"] for s in course.sections], (learner, shown)
            assert shown["scores"] == [f"{scores[learner, s.id, slot.id]:.2f}"
                                       if (learner, s.id, slot.id) in scores.index else ""
                                       for s in course.sections for slot in s.quiz.quiz_slots], learner
        if urls[url] == "learners.html":  # every learner: each data file read, once it was needed
            assert sorted(every["seen"]) == sorted({row[0] for row in grades})
            assert sorted(every["files"]) == files and len(files) == 2, (every["files"], files)
        followed += 1
    assert followed == 2  # from the learners page and from a follow-up table
    page = (paths.reports / "learner_progress.html").read_text(encoding="utf-8")
    learners = sorted({row[0] for row in grades})
    assert learners[0] in page and not any(who in page for who in learners[1:])  # the others are in data/


def _check_series_toggles(seen: dict, urls: dict) -> None:
    """Every chart with 2+ legend entries has one keyboard toggle per entry; Tab, Space and Enter work them."""
    multi = 0
    for url, found in seen.items():
        for chart in found["series_toggles"]["charts"]:
            assert chart["buttons"] == (chart["legend"] if len(chart["legend"]) >= 2 else []), (urls[url], chart)
            assert set(chart["pressed"]) <= {"true"}, (urls[url], chart)  # every series shows at first
            multi += len(chart["legend"]) >= 2
    assert multi >= 5
    toggles = seen[next(u for u, h in urls.items() if h == "cohort_dashboard.html")]["series_toggles"]
    start, space, enter = toggles["start"], toggles["space"], toggles["enter"]
    assert toggles["tabs"] < 999 and start["focused"]  # Tab reaches a toggle, a real button
    assert toggles["focus_outline"][0] != "none" and toggles["focus_outline"][1] != "0px"  # and shows focus
    name = start["focused"]
    assert name == start["names"][0] == space["focused"] == enter["focused"]  # the chart's first toggle
    assert set(start["visible"]) == set(start["pressed"])  # one trace per series, named as its button
    others = {key: value for key, value in start["pressed"].items() if key != name}
    assert start["visible"][name] is True and start["pressed"][name] == "true"
    assert space["visible"][name] in ("legendonly", False) and space["pressed"][name] == "false"  # Space hides
    assert space["drawn"] == start["drawn"] - 1
    assert {key: value for key, value in space["pressed"].items() if key != name} == others
    assert enter["visible"] == start["visible"] and enter["pressed"] == start["pressed"]  # Enter shows it again
    assert enter["drawn"] == start["drawn"]
    # a mouse click on the same series' legend entry: its button follows, and back
    clicked, again = toggles["legend_click"], toggles["legend_click_again"]
    assert clicked["visible"][name] == "legendonly" and clicked["pressed"][name] == "false"
    assert again["visible"] == start["visible"] and again["pressed"] == start["pressed"]


def test_dashboard_kernels_are_asked_to_shut_down_not_interrupted():
    """jupyter_client sends a finished kernel SIGINT before asking it to shut down; landing while the kernel
    still handles a message, it prints "KeyboardInterrupt caught in kernel." The dashboards' kernels are only
    asked (a real kernel each time; the signals sent to it are recorded)."""
    import asyncio
    import concurrent.futures
    import signal

    from jupyter_client import AsyncKernelManager

    from coursekit.cohort.dashboard import quiet_kernel_manager

    def signals_sent(base: type) -> list[int]:
        sent: list[int] = []

        class Recording(base):  # type: ignore[misc, valid-type]
            async def _async_signal_kernel(self, signum: int) -> None:
                sent.append(signum)
                await super()._async_signal_kernel(signum)

        async def run() -> None:
            manager = Recording(kernel_name="python3")
            await manager.start_kernel()
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive("1 + 1", timeout=60)
            assert reply["content"]["status"] == "ok"
            client.stop_channels()
            await manager.shutdown_kernel()
            assert not await manager.is_alive()

        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs in this thread
            pool.submit(asyncio.run, run()).result()
        return sent

    assert signal.SIGINT in signals_sent(AsyncKernelManager)  # what papermill's default does
    assert signal.SIGINT not in signals_sent(quiet_kernel_manager())
    assert quiet_kernel_manager()(kernel_name="python3").transport == "ipc"  # no TCP port, no warning about it


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
    assert f"Learner: {who}</h2>" in html and re.search(rf'aria-label="{re.escape(who)}: ', html)
    assert sorted(plan.learners)[0] != who and f"Learner: {sorted(plan.learners)[0]}<" not in html
    assert main([*root, "dashboard", "--db-url", paths.gradebook_url, "--section", "no_such_section"]) == 1
    assert "no section 'no_such_section' in the course" in capsys.readouterr().err
