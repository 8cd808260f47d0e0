"""Grading's bounded resources on hostile submissions, measured in one run (each case in a fresh process).

* **Snapshot bytes**: a submission of the real notebook, its responses file and ten 99 MB sparse files
  (0 bytes on disk). Prints the bytes the learner's folder claims, the bytes the grading snapshot
  copies (what a local run writes and a cluster run sends) and the ratio.
* **Cell cap**: a notebook of 1,000,000 cells (refused by its size before any parse) and one just
  under the size limit with far more cells than :data:`~coursekit.autograde.snapshot.MAX_CELLS`
  (refused by the cell count on the plain JSON); for the latter, nbformat reading that same notebook
  (as grading did before) too: peak memory (max RSS) and time of each, and the ratios.
* **Real notebooks**: the size and cell count of the released notebooks, beside the limits.

    python benchmarks/submission_limits.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CELL = {"cell_type": "raw", "metadata": {}, "source": ""}


def _notebook(cells: int) -> str:
    return json.dumps({"cells": [CELL] * cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _case(kind: str, path: str) -> None:
    """Run one case in this (fresh) process and print its seconds and peak memory as JSON."""
    from coursekit.autograde.snapshot import NotGradableError, check_cells, take_snapshot

    started = time.perf_counter()
    outcome = ""
    try:
        if kind == "snapshot":
            snapshot = take_snapshot(Path(path), Path(path + "-copy"), "networks_consortia")
            outcome = f"{snapshot.files} files copied"
        elif kind == "refuse":
            take_snapshot(Path(path).parent, Path(path).parent / "copy", "networks_consortia")
            check_cells(Path(path))
        elif kind == "nbformat":
            import nbformat

            nbformat.read(path, as_version=4)
            outcome = "parsed"
    except NotGradableError as exc:
        outcome = f"not graded: {exc}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": time.perf_counter() - started, "peak": peak, "outcome": outcome}))


def _run(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", kind, str(path)], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    """Measure and print every case."""
    from coursekit.autograde.snapshot import MAX_CELLS, MAX_NOTEBOOK_BYTES

    release = REPO / "release" / "networks_consortia" / "networks_consortia.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "submission"
        (folder / "responses").mkdir(parents=True)
        (folder / "networks_consortia.ipynb").write_bytes(release.read_bytes())
        (folder / "responses" / "networks_consortia.json").write_text("{}", encoding="utf-8")
        for n in range(10):
            with open(folder / f"video{n}.mp4", "wb") as handle:
                handle.truncate(99 * 1024 * 1024)
        claimed = _tree_bytes(folder)
        snap = _run("snapshot", folder)
        copied = _tree_bytes(Path(str(folder) + "-copy"))
        print(f"snapshot: the folder holds {claimed:,} bytes, the snapshot copies {copied:,} "
              f"({claimed / copied:,.0f}x less; {snap['outcome']}, {snap['seconds']:.2f} s)")

        for cells, label in ((1_000_000, "1,000,000 cells"), (None, "just under the size limit")):
            case = root / f"case-{cells}"
            case.mkdir()
            notebook = case / "networks_consortia.ipynb"
            if cells is None:
                cells = (MAX_NOTEBOOK_BYTES - 200) // (len(json.dumps(CELL)) + 2)
            notebook.write_text(_notebook(cells), encoding="utf-8")
            refused = _run("refuse", notebook)
            line = (f"cell cap, {label} ({cells:,} cells, {notebook.stat().st_size / 1e6:,.1f} MB): refused in "
                    f"{refused['seconds']:.2f} s at {refused['peak'] / 1e6:,.0f} MB peak ({refused['outcome']})")
            if label != "1,000,000 cells":  # nbformat needs minutes on a million cells: measured on the smaller
                parsed = _run("nbformat", notebook)
                line += (f"; nbformat alone takes {parsed['seconds']:.2f} s at {parsed['peak'] / 1e6:,.0f} MB "
                         f"peak ({parsed['seconds'] / refused['seconds']:,.1f}x the time, "
                         f"{parsed['peak'] / refused['peak']:,.1f}x the memory)")
            print(line)
    for path in sorted((REPO / "release").glob("*/*.ipynb")):
        cells = len(json.loads(path.read_text(encoding="utf-8"))["cells"])
        print(f"real notebook {path.name}: {path.stat().st_size:,} bytes, {cells} cells "
              f"(limits: {MAX_NOTEBOOK_BYTES:,} bytes = {MAX_NOTEBOOK_BYTES / path.stat().st_size:,.0f}x, "
              f"{MAX_CELLS:,} cells = {MAX_CELLS / cells:,.0f}x)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        _case(sys.argv[2], sys.argv[3])
    else:
        main()
