"""``coursekit lms sync`` against an LMS across a network: scores sent several at a time, not one by one.

The real LTI platform of the tests (tests/lti_platform/, in .lti-platform-venv) answers every request after
``--latency-ms`` (default 30 ms, a nearby LMS); a synthetic grade record of ``--learners`` learners in
every section of the course is synced with ``workers: 1`` (the baseline, one request at a time) and with
``workers: 4`` (the default), in the same run, each into a fresh platform. Prints both times and the
speed-up; the target is at least 2.5x. Exit code 1 when it is missed.

    python benchmarks/lms_sync.py [--learners 60] [--latency-ms 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import pandas as pd  # noqa: E402
from lti_support import running_platform  # noqa: E402

from coursekit.authoring.course import load_course  # noqa: E402
from coursekit.lms.client import PlatformClient  # noqa: E402
from coursekit.lms.config import load_tool_config  # noqa: E402
from coursekit.lms.sync import sync_grades  # noqa: E402

TARGET = 2.5
"""Least speed-up of four workers over one."""


def synthetic_grades(course, learners: int) -> pd.DataFrame:
    """Rows as grades.csv has them: every learner graded in every section, comments half reviewed."""
    rows = []
    for number in range(learners):
        for section in course.sections:
            most = float(section.quiz.max_points)
            reviewed = number % 2 == 0
            rows.append({
                "learner": f"learner{number:04d}", "section": section.id, "status": "passed" if reviewed
                else "passed, review pending", "quiz_score": most * (number % 10) / 10, "quiz_max": most,
                "comments_score": 1.0 if reviewed else float("nan"),
                "review": "reviewed" if reviewed else "pending review", "comments_answered": len(section.comments),
                "comments_reviewed": len(section.comments) if reviewed else 0,
                "comments_total": len(section.comments), "late": "", "late_penalty": 0.0, "problems": "",
                "lms_user_id": f"lms-{number}"})
    return pd.DataFrame(rows)


def timed_sync(workers: int, grades: pd.DataFrame, course, latency_ms: int) -> tuple[float, int]:
    """Seconds one sync into a fresh platform takes with ``workers``, and the scores it posted."""
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-lms-") as scratch:
        grader = Path(scratch) / "grader"
        grader.mkdir()
        with running_platform(grader, Path(scratch), members=[], latency_ms=latency_ms) as platform:
            config = dataclasses.replace(load_tool_config(platform.tool_config), workers=workers)
            start = time.perf_counter()
            result = sync_grades(config, grades, course, PlatformClient(config, ["lineitem", "score"]))
            elapsed = time.perf_counter() - start
            assert platform.state()["score_posts"] == result.scores
    return elapsed, result.scores


def main() -> int:
    """Time the baseline and the default, print the ratio; 1 when it misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=30)
    args = parser.parse_args()
    course = load_course(REPO / "course")
    grades = synthetic_grades(course, args.learners)
    one, posted = timed_sync(1, grades, course, args.latency_ms)
    four, _ = timed_sync(4, grades, course, args.latency_ms)
    ratio = one / four
    print(f"lms sync, {posted} scores, {args.latency_ms} ms per answer: workers 1 {one:.2f} s, "
          f"workers 4 {four:.2f} s, speed-up {ratio:.2f}x (target >= {TARGET}x)")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
