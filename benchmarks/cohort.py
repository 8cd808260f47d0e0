"""Reading a cohort's grades: stock ``nbgrader export`` against ``coursekit report``, same gradebook, one run.

Writes synthetic cohorts of 5,000 and 10,000 learners straight into nbgrader
gradebooks (bulk inserts, no kernel), then times, each in a fresh Python
process (so imports and peak memory are the measurement's own):

* nbgrader's CSV export plugin (what ``nbgrader export`` runs), at 5,000;
* ``coursekit.results.report.write_report`` (grades, LMS exports, item
  statistics: one SQL query), at 5,000 and 10,000.

Prints medians, the export/report ratio (target >= 200x at 5,000), the
10k/5k ratio of the report (target <= 2.2, near-linear) and peak memory (VmHWM).

    python benchmarks/cohort.py [--repeats 3] [--export-repeats 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from synthetic_gradebook import make_gradebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MEASURE = r"""
import json, sys, time
from pathlib import Path
kind, root, db_url = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
if kind == "export":
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin
    with Gradebook(db_url) as gb:
        CsvExportPlugin(to=str(root / "nbgrader_export.csv")).export(gb)
else:
    from coursekit.authoring.course import load_course
    from coursekit.results.report import write_report
    write_report(db_url, load_course(root / "course"), root / "reports")
seconds = time.perf_counter() - started
# VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec on Linux).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "max_rss_mb": peak_kb / 1024}))
"""


def measure(kind: str, root: Path, db_url: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, kind, str(root), db_url], capture_output=True, text=True,
                         check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(kind: str, root: Path, db_url: str, repeats: int) -> tuple[float, float]:
    results = [measure(kind, root, db_url) for _ in range(repeats)]
    seconds = statistics.median(r["seconds"] for r in results)
    rss = max(r["max_rss_mb"] for r in results)
    runs = ", ".join(f"{r['seconds']:.2f}" for r in results)
    print(f"  {kind:6s} {root.name}: median {seconds:8.2f} s  (runs: {runs})  peak RSS {rss:.0f} MB")
    return seconds, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of coursekit report per size")
    parser.add_argument("--export-repeats", type=int, default=1, help="runs of nbgrader export (slow)")
    args = parser.parse_args()
    from coursekit.nbgrader_glue import ensure_venv_on_path

    ensure_venv_on_path()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-cohort-") as scratch:
        roots = {n: Path(scratch) / f"cohort{n}" for n in (5000, 10000)}
        print("writing gradebooks")
        urls = {n: make_gradebook(root, n) for n, root in roots.items()}
        print("measuring")
        report5, rss5 = run("report", roots[5000], urls[5000], args.repeats)
        report10, rss10 = run("report", roots[10000], urls[10000], args.repeats)
        export5, export_rss = run("export", roots[5000], urls[5000], args.export_repeats)
    speedup = export5 / report5
    scaling = report10 / report5
    print()
    print(f"nbgrader export / coursekit report at 5,000 learners: {speedup:.0f}x (target >= 200x): "
          f"{'PASS' if speedup >= 200 else 'FAIL'}")
    print(f"coursekit report 10k / 5k time: {scaling:.2f} (target <= 2.2): {'PASS' if scaling <= 2.2 else 'FAIL'}")
    print(f"peak memory: report {rss5:.0f} MB at 5k, {rss10:.0f} MB at 10k; nbgrader export {export_rss:.0f} MB at 5k")
    return 0 if speedup >= 200 and scaling <= 2.2 else 1


if __name__ == "__main__":
    sys.exit(main())
