"""``coursekit dashboard`` on 5,000 (or 50,000) learners: this tree against a baseline commit, in one run.

Writes one synthetic nbgrader gradebook of 5,000 learners (bulk inserts, no
kernel) with every submission's responses file (so the item analysis has
options to count), then times ``build_dashboards`` (papermill runs every
analyst notebook, nbconvert exports the HTML) in a fresh Python process per
run, alternating:

* baseline: ``coursekit/`` and ``notebooks/`` of ``--baseline`` (default :data:`BEFORE`: main before the pages
  were made for thousands of learners, a copy of plotly.js in every page and every row in the DOM), unpacked
  with ``git archive`` into a scratch folder and put first on ``PYTHONPATH`` (the notebook kernels inherit it);
* this tree: its own ``coursekit/`` and ``notebooks/``.

Both read the same gradebook. Then each side's pages are opened from disk in Chromium (/usr/bin/chromium,
every non-file request aborted), ``--repeats`` times per page, alternating sides, each in a tab of its own, and
used as an analyst would: the "Learner" sort button of the page's largest sortable table clicked twice
(ascending, descending), its filter field typed into, cleared, and ten pages turned; on the learner page, ten
other learners shown (the address names each in turn). Measured: DOM elements; the time from each click on the
sort button, from typing into the filter field and from naming another learner to the next frame; and after
that use the tab's memory: the resident memory of the tab's renderer process (``/proc/<pid>/status``
``VmRSS``; the process found among this script's own descendants, ``--type=renderer``, started for that tab)
and its JavaScript heap (CDP ``Performance.getMetrics``: ``JSHeapUsedSize``). Prints every page's size, the
shared assets and data files, the medians per side (with the number of measurements) and the ratios this
tree / baseline.

    python benchmarks/dashboard.py [--learners 5000] [--repeats 3] [--build-repeats N] [--baseline COMMIT]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from synthetic_gradebook import make_gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PAGES = ["cohort_dashboard.html", "learners.html", "learner_progress.html", "item_analysis.html"]
BEFORE = "daea374^1"
"""main before its analyst pages were made for thousands of learners (the merge of branch 'analyst')."""
LIMITS = {"nodes": 20000, "sort": 300, "filter": 300, "tab": 400}
"""What every page of this tree must stay under: DOM elements, sort and filter ms, tab memory MB (5,000 learners)."""

MEASURE = r"""
import json, sys, time
from pathlib import Path
root, db_url = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
import coursekit
from coursekit.cohort.dashboard import build_dashboards
from coursekit.paths import ProjectPaths
written = build_dashboards(ProjectPaths(root), db_url)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "package": coursekit.__file__,
                  "pages": {p.name: p.stat().st_size for p in written}}))
"""

# The page's largest sortable table: click its "Learner" sort button (or the first), then filter it.
BROWSE = """async (typed) => {
    const frame = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
    const tables = [...document.querySelectorAll('table.sortable')];
    if (!tables.length) return null;
    const rows = t => {
        const n = t.nextElementSibling;
        return n && n.matches('script.table-rows') ? JSON.parse(n.textContent).rows.length : t.tBodies[0].rows.length;
    };
    const table = tables.reduce((a, b) => rows(b) > rows(a) ? b : a);
    const buttons = [...table.tHead.querySelectorAll('th button')];
    const button = buttons.find(b => b.textContent.trim().startsWith('Learner')) || buttons[0];
    const sorts = [];
    for (let i = 0; i < 2; i += 1) {
        const started = performance.now();
        button.click();
        await frame();
        sorts.push(performance.now() - started);
    }
    let field = table.previousElementSibling && table.previousElementSibling.querySelector('input');
    if (!field) field = document.querySelector('.table-filter input');
    const started = performance.now();
    field.value = typed;
    field.dispatchEvent(new Event('input', {bubbles: true}));
    await frame();
    const filter = performance.now() - started;
    field.value = '';
    field.dispatchEvent(new Event('input', {bubbles: true}));
    await frame();
    const pages = table.nextElementSibling && table.nextElementSibling.matches('script.table-rows')
        ? table.nextElementSibling.nextElementSibling : table.nextElementSibling;
    const next = pages && pages.matches('.table-pages') ? [...pages.querySelectorAll('button')].pop() : null;
    let turned = 0;
    while (next && !next.disabled && turned < 10) { next.click(); await frame(); turned += 1; }
    return {rows: rows(table), sorts, filter, turned};
}"""

# The learner page: name each learner after "#" in turn; the time until the heading names that learner.
LEARNERS = """async (who) => {
    const heading = document.getElementById('learner-heading');
    if (!heading) return null;
    const times = [];
    for (const id of who) {
        const started = performance.now();
        window.location.hash = encodeURIComponent(id);
        while (heading.textContent !== 'Learner: ' + id && performance.now() - started < 10000) {
            await new Promise(done => setTimeout(done, 1));
        }
        if (heading.textContent !== 'Learner: ' + id) throw new Error('learner ' + id + ' not shown');
        await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
        times.push(performance.now() - started);
    }
    return times;
}"""


def unpack_baseline(commit: str, target: Path) -> Path:
    """``coursekit/`` and ``notebooks/`` as of ``commit`` (git archive: the repository is left as it is)."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "coursekit", "notebooks"], cwd=REPO,
                             capture_output=True, check=True).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def project(root: Path, data: Path, code: Path) -> Path:
    """A workspace on the shared gradebook and responses with the notebooks of ``code``; reports of its own."""
    root.mkdir()
    (root / "course").symlink_to(data / "course")
    (root / "notebooks").symlink_to(code / "notebooks")
    (root / "grader").mkdir()
    (root / "grader" / "autograded").symlink_to(data / "grader" / "autograded")
    return root


def measure(root: Path, db_url: str, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]).rstrip(":")}
    out = subprocess.run([sys.executable, "-c", MEASURE, str(root), db_url], capture_output=True, text=True,
                         check=True, cwd=code, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if not result["package"].startswith(str(code)):
        raise RuntimeError(f"measured {result['package']}, not the code in {code}")
    return result


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (0 when it does not exist)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def descendants() -> dict[int, str]:
    """This process's descendants (Playwright's driver, Chromium and its children): pid to command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    mine, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                found = True
    return {pid: commands[pid] for pid in mine if pid != os.getpid() and pid in commands}


def renderers() -> set[int]:
    """The pids of the Chromium renderer processes this script started."""
    return {pid for pid, command in descendants().items() if "--type=renderer" in command}


def resident(pid: int) -> int:
    """The resident memory of process ``pid`` in bytes (``VmRSS``; 0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def use(page, url: str, figures: dict[str, list], typed: str, others: list[str], before: set[int]) -> None:
    """Open ``url`` in ``page``, use it (sort, filter, page through, other learners) and add what was measured to
    ``figures``; ``before``: the renderer processes that ran before this page's context was made."""
    page.goto(url)
    page.wait_for_load_state("load")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    figures["nodes"].append(page.evaluate("() => document.getElementsByTagName('*').length"))
    table = page.evaluate(BROWSE, typed)
    if table:
        figures["sort"].extend(table["sorts"])
        figures["filter"].append(table["filter"])
    if url.endswith("/learner_progress.html"):
        figures["learner"].extend(page.evaluate(LEARNERS, others) or [])
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    figures["heap"].append(metrics["JSHeapUsedSize"])
    # the tab's renderer: started for this context (a spare one, if any, holds far less)
    figures["tab"].append(max((resident(pid) for pid in renderers() - before), default=0))


def browse(reports: dict[str, Path], repeats: int, typed: str, others: list[str]) -> dict[str, dict[str, list]]:
    """Per side and page: lists of DOM elements, sort, filter and learner times (ms), tab memory and JS heap
    (bytes), each page used in a tab of its own (see the module's docstring)."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, dict[str, dict[str, list]]] = {
        side: {page: {"nodes": [], "sort": [], "filter": [], "learner": [], "tab": [], "heap": [], "failed": []}
               for page in PAGES}
        for side in reports}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        for _ in range(repeats):
            for page_name in PAGES:
                for side, folder in reports.items():  # alternating, so a busy moment hits both sides alike
                    before = renderers()
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.route(lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort())
                    page = context.new_page()
                    page.set_default_timeout(600_000)  # the baseline's pages take minutes at 50,000 learners
                    figures = seen[side][page_name]
                    try:
                        use(page, (folder / page_name).as_uri(), figures, typed, others, before)
                    except Exception as error:  # a tab that crashed or timed out: said, and measured no further
                        figures["failed"].append(f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
                    context.close()
        browser.close()
    return seen


def median(values: list) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(new: float, old: float) -> str:
    return "-" if not old or math.isnan(old) or math.isnan(new) else f"{new / old:.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3, help="browser runs per side and page (medians reported)")
    parser.add_argument("--build-repeats", type=int, default=None,
                        help="builds per side (default: --repeats; 1 keeps 50,000 learners within minutes)")
    parser.add_argument("--baseline", default=BEFORE, help=f"commit whose dashboards are the baseline ({BEFORE})")
    args = parser.parse_args()
    build_repeats = args.repeats if args.build_repeats is None else args.build_repeats
    from coursekit.nbgrader_glue import ensure_venv_on_path

    ensure_venv_on_path()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-dashboard-") as scratch:
        scratch_path = Path(scratch)
        data = scratch_path / "data"
        data.mkdir()
        print("writing the gradebook and the responses files")
        db_url = make_gradebook(data, args.learners, responses=True)
        sides = {"baseline": unpack_baseline(args.baseline, scratch_path / "baseline_code"), "this tree": REPO}
        roots = {name: project(scratch_path / name.replace(" ", "_"), data, code) for name, code in sides.items()}
        print("building")
        runs: dict[str, list[dict]] = {name: [] for name in sides}
        for _ in range(build_repeats):
            for name, code in sides.items():  # alternating, so a busy moment hits both sides alike
                runs[name].append(measure(roots[name], db_url, code))
        reports = {name: root / "grader" / "reports" for name, root in roots.items()}
        print("browsing")
        width = max(4, len(str(args.learners)))
        learner = f"learner{1:0{width}d}"[:-2]  # matches a hundred learners or so
        step = max(1, args.learners // 10)
        others = [f"learner{n:0{width}d}" for n in range(step // 2 + 1, args.learners + 1, step)][:10]
        seen = browse(reports, args.repeats, learner, others)
        assets = {name: folder_size(folder / "assets") for name, folder in reports.items()}
        data_files = {name: [p.stat().st_size for p in (folder / "data").glob("*") if p.is_file()]
                if (folder / "data").is_dir() else [] for name, folder in reports.items()}
    print()
    build = {name: median([r["seconds"] for r in results]) for name, results in runs.items()}
    for name, results in runs.items():
        times = ", ".join(f"{r['seconds']:.1f}" for r in results)
        print(f"build {name:9s}: median {build[name]:6.1f} s (runs: {times})")
    print(f"build this tree / baseline: {ratio(build['this tree'], build['baseline'])}")
    print()
    columns = (("size", "size MB", 8, 2), ("nodes", "DOM", 8, 0), ("sort", "sort ms", 8, 0),
               ("filter", "filter ms", 9, 0), ("learner", "learner ms", 10, 0), ("tab", "tab MB", 7, 0),
               ("heap", "heap MB", 8, 1))
    print(f"{'page':24s} {'side':9s} " + " ".join(f"{title:>{w}s}" for _, title, w, _ in columns) + "  (n)")
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for page_name in PAGES:
        for name in sides:
            found = seen[name][page_name]
            figures.setdefault(page_name, {})[name] = row = {
                "size": runs[name][-1]["pages"].get(page_name, 0) / 1e6, "nodes": median(found["nodes"]),
                "sort": median(found["sort"]), "filter": median(found["filter"]),
                "learner": median(found["learner"]), "tab": median(found["tab"]) / 1e6,
                "heap": median(found["heap"]) / 1e6}
            counts = "/".join(str(len(found[k])) for k in ("nodes", "sort", "filter", "learner", "tab"))
            print(f"{page_name:24s} {name:9s} " + " ".join(
                f"{row[k]:{w}.{d}f}" for k, _, w, d in columns) + f"  ({counts})")
        old, new = figures[page_name]["baseline"], figures[page_name]["this tree"]
        print(f"{'':24s} {'ratio':9s} " + " ".join(f"{ratio(new[k], old[k]):>{w}s}" for k, _, w, _ in columns))
    print("(n: measurements behind each median: DOM/sort/filter/learner/tab; tab MB: the renderer's resident memory "
          "after use)")
    for page_name in PAGES:
        for name in sides:
            for failure in seen[name][page_name]["failed"]:
                print(f"{page_name} ({name}) could not be measured once: {failure}")
    for name in sides:
        files = data_files[name]
        print(f"shared assets ({name}): {assets[name] / 1e6:.2f} MB; learner data files: {len(files)}, "
              f"{sum(files) / 1e6:.2f} MB in all, largest {max(files, default=0) / 1e6:.3f} MB")
    mine = [figures[p]["this tree"] for p in PAGES]
    over = [f"{p} {k} {figures[p]['this tree'][k]:.0f} (limit {limit})" for p in PAGES for k, limit in LIMITS.items()
            if not math.isnan(figures[p]["this tree"][k]) and figures[p]["this tree"][k] >= limit]
    ok = not over and all(not math.isnan(f["tab"]) for f in mine)
    print()
    print(f"this tree at {args.learners:,} learners: every page under {LIMITS['nodes']:,} DOM elements, sort and "
          f"filter under {LIMITS['sort']} ms, tab memory under {LIMITS['tab']} MB: {'PASS' if ok else 'FAIL'}"
          + ("" if ok else f" ({'; '.join(over)})"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
