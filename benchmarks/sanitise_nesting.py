"""Sanitising hostile imported HTML stays linear: nested ``<div>`` and wide flat markup.

nh3's parser does work that grows with the square of the nesting depth
(200,000 nested ``<div>`` took 120 s), so :func:`coursekit.bank.sanitise.sanitise_text`
refuses a text nested deeper than ``MAX_NESTING`` after one linear scan. Prints,
measured in this run: the time to refuse N and 2N nested ``<div>`` and their
ratio (about 1 when the refusal does not depend on N), and the time to
sanitise N and 2N flat paragraphs and their ratio (about 2: linear).

    python benchmarks/sanitise_nesting.py [--size 200000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from coursekit.bank.sanitise import UnsafeTextError, sanitise_text


def _median_seconds(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _refuse(text: str) -> None:
    try:
        sanitise_text(text, "html")
    except UnsafeTextError:
        return
    raise AssertionError("deep nesting was not refused")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    n = args.size
    deep = {k: "<div>" * k + "x" + "</div>" * k for k in (n, 2 * n)}
    flat = {k: "<p>a <b>b</b></p>" * (k // 10) for k in (n, 2 * n)}
    refuse = {k: _median_seconds(lambda k=k: _refuse(deep[k])) for k in deep}
    clean = {k: _median_seconds(lambda k=k: sanitise_text(flat[k], "html"), runs=3) for k in flat}
    print(f"refuse {n:,} nested <div>: {refuse[n] * 1000:.2f} ms; {2 * n:,}: {refuse[2 * n] * 1000:.2f} ms; "
          f"ratio {refuse[2 * n] / refuse[n]:.2f}")
    print(f"sanitise {n // 10:,} flat paragraphs: {clean[n] * 1000:.0f} ms; {n // 5:,}: {clean[2 * n] * 1000:.0f} ms; "
          f"ratio {clean[2 * n] / clean[n]:.2f} (linear: about 2)")
    linear = clean[2 * n] / clean[n] < 3 and refuse[2 * n] / refuse[n] < 3
    print("linear: " + ("PASS" if linear else "FAIL"))
    return 0 if linear else 1


if __name__ == "__main__":
    sys.exit(main())
