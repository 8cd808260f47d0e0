"""A synthetic cohort's gradebook for the benchmarks: the course copied, every learner's grades written directly."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_gradebook(root: Path, learners: int, responses: bool = False) -> str:
    """Copy course/, source/ and release/ into ``root`` and write ``learners`` learners' grades; the gradebook URL.

    With ``responses``, each submission's responses file too, in ``root/grader/autograded/`` (the item analysis
    counts the options picked from them).
    """
    from coursekit.authoring.course import load_course
    from coursekit.gradebook.roster import ensure_sections
    from coursekit.simulate_gradebook import write_gradebook_cohort

    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, root / name)
    (root / "grader").mkdir()
    db_url = f"sqlite:///{root / 'grader' / 'gradebook.db'}"
    course = load_course(root / "course")
    ensure_sections(db_url, course, root / "source", root / "grader")
    started = time.perf_counter()
    rows = write_gradebook_cohort(course, db_url, learners, seed=learners,
                                  responses_dir=root / "grader" / "autograded" if responses else None)
    print(f"  {learners:,} learners: {rows:,} grade rows written in {time.perf_counter() - started:.1f} s")
    return db_url
