"""Moodle's item statistics at scale: time at 5,000 and 10,000 learners, same run, and their ratio.

``item_stats`` and ``section_stats`` (``coursekit.cohort.metrics``) work on
whole columns; a regression to per-learner Python loops shows as a time far
above a second and a 10k/5k ratio well above 2. Synthetic right/wrong scores
for 11 items in two sections, 5 % left unanswered.

    python benchmarks/item_statistics.py [--repeats 5]

Prints the median time at each size and the 10k/5k ratio (target <= 2.2, near-linear).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coursekit.cohort.metrics import item_stats, section_stats

ITEMS = 11


def cohort(learners: int, seed: int = 3) -> pd.DataFrame:
    """Item scores of ``learners`` learners in two sections (tidy rows, as the report loads them)."""
    rng = np.random.default_rng(seed)
    frames = []
    for section in ("s1", "s2"):
        scores = rng.integers(0, 2, size=(learners, ITEMS)).astype(float)
        scores[rng.random(scores.shape) < 0.05] = np.nan
        frames.append(pd.DataFrame({
            "learner": np.repeat([f"l{i:05d}" for i in range(learners)], ITEMS), "section": section,
            "item": np.tile([f"q{j:02d}" for j in range(ITEMS)], learners), "score": scores.ravel(),
            "max_score": 1.0,
        }))
    return pd.concat(frames, ignore_index=True)


def seconds(data: pd.DataFrame) -> float:
    """Time of one item and section analysis of ``data``."""
    started = time.perf_counter()
    item_stats(data)
    section_stats(data)
    return time.perf_counter() - started


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    medians = {}
    for learners in (5_000, 10_000):
        data = cohort(learners)
        runs = [seconds(data) for _ in range(args.repeats)]
        medians[learners] = statistics.median(runs)
        print(f"{learners:>6} learners: median {medians[learners]:.3f} s  (runs: "
              f"{', '.join(f'{r:.3f}' for r in runs)})")
    ratio = medians[10_000] / medians[5_000]
    print(f"10k/5k: {ratio:.2f} (target <= 2.2: near-linear)")


if __name__ == "__main__":
    main()
