"""``coursekit dashboard`` on 5,000 learners: this tree against a baseline commit (default: main), one run.

Writes one synthetic nbgrader gradebook of 5,000 learners (bulk inserts, no
kernel) with every submission's responses file (so the item analysis has
options to count), then times ``build_dashboards`` (papermill runs every
analyst notebook, nbconvert exports the HTML) in a fresh Python process per
run, alternating:

* baseline: ``coursekit/`` and ``notebooks/`` of ``--baseline`` (default ``main``), unpacked with
  ``git archive`` into a scratch folder and put first on ``PYTHONPATH`` (the notebook kernels inherit it);
* this tree: its own ``coursekit/`` and ``notebooks/``.

Both read the same gradebook. Then each side's pages are opened from disk in Chromium (/usr/bin/chromium,
every non-file request aborted), ``--repeats`` times per page, alternating sides, and measured: DOM elements,
the time from a click on the "Learner" sort button of the page's largest sortable table to the next frame
(twice: ascending, descending), the time from typing into its filter field to the next frame, and the tab's
JavaScript heap after sorting and filtering (CDP ``Performance.getMetrics``: ``JSHeapUsedSize``). Prints the
medians per side, the size of every page plus the shared assets, and the ratios this tree / baseline.

    python benchmarks/dashboard.py [--learners 5000] [--repeats 3] [--baseline main]
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
    return {rows: rows(table), sorts, filter: performance.now() - started};
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


def browse(reports: dict[str, Path], repeats: int, typed: str) -> dict[str, dict[str, list]]:
    """Per side and page: lists of DOM elements, sort times (ms), filter times (ms) and JS heap (bytes)."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, dict[str, dict[str, list]]] = {
        side: {page: {"nodes": [], "sort": [], "filter": [], "heap": []} for page in PAGES} for side in reports}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        for _ in range(repeats):
            for page_name in PAGES:
                for side, folder in reports.items():  # alternating, so a busy moment hits both sides alike
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.route(lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort())
                    page = context.new_page()
                    page.goto((folder / page_name).as_uri())
                    page.wait_for_load_state("load")
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    table = page.evaluate(BROWSE, typed)
                    figures = seen[side][page_name]
                    figures["nodes"].append(page.evaluate("() => document.getElementsByTagName('*').length"))
                    if table:
                        figures["sort"].extend(table["sorts"])
                        figures["filter"].append(table["filter"])
                    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                    figures["heap"].append(metrics["JSHeapUsedSize"])
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
    parser.add_argument("--repeats", type=int, default=3, help="runs per side (medians are reported)")
    parser.add_argument("--baseline", default="main", help="commit whose dashboards are the baseline")
    args = parser.parse_args()
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
        for _ in range(args.repeats):
            for name, code in sides.items():  # alternating, so a busy moment hits both sides alike
                runs[name].append(measure(roots[name], db_url, code))
        reports = {name: root / "grader" / "reports" for name, root in roots.items()}
        print("browsing")
        learner = f"learner{1:0{max(4, len(str(args.learners)))}d}"[:-2]  # matches a hundred learners or so
        seen = browse(reports, args.repeats, learner)
        assets = {name: folder_size(folder / "assets") for name, folder in reports.items()}
    print()
    build = {name: median([r["seconds"] for r in results]) for name, results in runs.items()}
    for name, results in runs.items():
        times = ", ".join(f"{r['seconds']:.1f}" for r in results)
        print(f"build {name:9s}: median {build[name]:6.1f} s (runs: {times})")
    print(f"build this tree / baseline: {ratio(build['this tree'], build['baseline'])}")
    print()
    header = f"{'page':24s} {'side':9s} {'size MB':>8s} {'DOM':>8s} {'sort ms':>8s} {'filter ms':>9s} {'heap MB':>8s}"
    print(header)
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for page_name in PAGES:
        for name in sides:
            found = seen[name][page_name]
            figures.setdefault(page_name, {})[name] = row = {
                "size": runs[name][-1]["pages"].get(page_name, 0) / 1e6, "nodes": median(found["nodes"]),
                "sort": median(found["sort"]), "filter": median(found["filter"]), "heap": median(found["heap"]) / 1e6}
            print(f"{page_name:24s} {name:9s} {row['size']:8.2f} {row['nodes']:8.0f} {row['sort']:8.0f} "
                  f"{row['filter']:9.0f} {row['heap']:8.1f}")
        old, new = figures[page_name]["baseline"], figures[page_name]["this tree"]
        print(f"{'':24s} {'ratio':9s} " + " ".join(f"{ratio(new[k], old[k]):>{w}s}" for k, w in (
            ("size", 8), ("nodes", 8), ("sort", 8), ("filter", 9), ("heap", 8))))
    for name in sides:
        print(f"shared assets ({name}): {assets[name] / 1e6:.2f} MB")
    mine = [figures[p]["this tree"] for p in PAGES]
    ok = all(f["nodes"] < 20000 for f in mine) and all(math.isnan(f["sort"]) or f["sort"] < 300 for f in mine)
    print()
    print(f"this tree at {args.learners:,} learners: every page under 20,000 DOM elements and sorting under "
          f"300 ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
