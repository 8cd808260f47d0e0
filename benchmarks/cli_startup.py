"""Start-up time of ``coursekit --help`` against ``nbgrader --help`` (the CLI a trainer would otherwise use).

Every coursekit command imports its machinery lazily, so asking for help or a
small command does not pay for nbgrader's imports. Prints medians of N runs
of each, measured alternately in one run, and the ratio.

    python benchmarks/cli_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def once(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    ours, stock = [], []
    for _ in range(args.runs):
        ours.append(once([str(BIN / "coursekit"), "--help"]))
        stock.append(once([str(BIN / "nbgrader"), "--help"]))
    ours_median, stock_median = statistics.median(ours), statistics.median(stock)
    print(f"coursekit --help: median {ours_median * 1000:.0f} ms over {args.runs} runs")
    print(f"nbgrader --help:  median {stock_median * 1000:.0f} ms")
    print(f"ratio nbgrader / coursekit: {stock_median / ours_median:.1f}x; "
          f"coursekit under 0.5 s: {'PASS' if ours_median < 0.5 else 'FAIL'}")
    return 0 if ours_median < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
