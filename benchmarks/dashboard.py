"""``coursekit dashboard`` on 5,000 learners: this tree against the dashboards as of a baseline commit, one run.

Writes one synthetic nbgrader gradebook of 5,000 learners (bulk inserts, no
kernel), then times ``build_dashboards`` (papermill runs every analyst notebook,
nbconvert exports the HTML) in a fresh Python process per run, alternating:

* baseline: ``coursekit/`` and ``notebooks/`` of ``--baseline`` (default 5da944b, the static dashboards),
  unpacked with ``git archive`` into a scratch folder and put first on ``PYTHONPATH`` (the notebook kernels
  inherit it);
* this tree: its own ``coursekit/`` and ``notebooks/`` (interactive charts, trends, the index of learners).

Both read the same gradebook. Prints the medians, each side's pages and their size, and the ratio this tree /
baseline (target <= 3x).

    python benchmarks/dashboard.py [--learners 5000] [--repeats 3] [--baseline 5da944b]
"""

from __future__ import annotations

import argparse
import io
import json
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


def unpack_baseline(commit: str, target: Path) -> Path:
    """``coursekit/`` and ``notebooks/`` as of ``commit`` (git archive: the repository is left as it is)."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "coursekit", "notebooks"], cwd=REPO,
                             capture_output=True, check=True).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def project(root: Path, data: Path, code: Path) -> Path:
    """A workspace on the shared gradebook with the notebooks of ``code``; reports go to its own grader/."""
    root.mkdir()
    (root / "course").symlink_to(data / "course")
    (root / "notebooks").symlink_to(code / "notebooks")
    (root / "grader").mkdir()
    return root


def measure(root: Path, db_url: str, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]).rstrip(":")}
    out = subprocess.run([sys.executable, "-c", MEASURE, str(root), db_url], capture_output=True, text=True,
                         check=True, cwd=code, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if not result["package"].startswith(str(code)):
        raise RuntimeError(f"measured {result['package']}, not the code in {code}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3, help="runs per side (medians are reported)")
    parser.add_argument("--baseline", default="5da944b", help="commit whose dashboards are the baseline")
    args = parser.parse_args()
    from coursekit.nbgrader_glue import ensure_venv_on_path

    ensure_venv_on_path()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-dashboard-") as scratch:
        scratch_path = Path(scratch)
        data = scratch_path / "data"
        data.mkdir()
        print("writing the gradebook")
        db_url = make_gradebook(data, args.learners)
        sides = {"baseline": unpack_baseline(args.baseline, scratch_path / "baseline_code"), "this tree": REPO}
        roots = {name: project(scratch_path / name.replace(" ", "_"), data, code) for name, code in sides.items()}
        print("measuring")
        runs: dict[str, list[dict]] = {name: [] for name in sides}
        for _ in range(args.repeats):
            for name, code in sides.items():  # alternating, so a busy moment hits both sides alike
                runs[name].append(measure(roots[name], db_url, code))
    medians = {}
    for name, results in runs.items():
        medians[name] = statistics.median(r["seconds"] for r in results)
        times = ", ".join(f"{r['seconds']:.1f}" for r in results)
        pages = ", ".join(f"{page} {size / 1e6:.1f} MB" for page, size in results[-1]["pages"].items())
        print(f"  {name:9s}: median {medians[name]:6.1f} s  (runs: {times})  pages: {pages}")
    ratio = medians["this tree"] / medians["baseline"]
    print()
    print(f"coursekit dashboard at {args.learners:,} learners, this tree / {args.baseline}: {ratio:.2f}x "
          f"(target <= 3x): {'PASS' if ratio <= 3 else 'FAIL'}")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
