"""``coursekit demo``: a simulated cohort through the whole flow, in its own workspace.

The demo never touches the trainer's real workspace: it starts afresh in
``grader/demo/`` (git-ignored) each time, then simulates, autogrades, reports,
writes feedback and dashboards, and prints where to look.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from coursekit.paths import ProjectPaths


def _step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def run_demo(paths: ProjectPaths, learners: int = 60, seed: int = 7, jobs: int | None = None,
             dashboards: bool = True) -> int:
    """Run the demo; return 0 when every step worked (tampered submissions are expected problems)."""
    from coursekit.authoring.course import load_course
    from coursekit.autograde.runner import format_summary, grade_workspace
    from coursekit.gradebook.roster import register_learners
    from coursekit.results.feedback import generate_feedback
    from coursekit.results.report import write_report
    from coursekit.simulate import simulate

    demo = ProjectPaths(paths.root, paths.root / "grader" / "demo")
    if demo.grader.exists():
        shutil.rmtree(demo.grader)
    demo.grader.mkdir(parents=True)
    db_url = demo.gradebook_url
    course = load_course(paths.course)

    _step(f"simulate {learners} learners (seed {seed})")
    plan = simulate(course, paths.release, demo.grader / "submitted", learners, seed)
    register_learners(db_url, plan.learners)
    print(f"{len(plan.not_submitted)} sections not submitted, {len(plan.blank_comments)} with blank "
          f"comments, {len(plan.tampered)} tampered: {sorted(set(plan.tampered.values()))}")

    _step("autograde (parallel, in-process, tamper-proof)")
    result = grade_workspace(course, demo, db_url, jobs=jobs)
    print(format_summary(result))
    # a tampered file may be refused (e.g. attempts copied under other numbers keep the copied draw): expected
    unexpected = [o for o in result.failed if (o.learner, o.section) not in plan.tampered]
    for outcome in result.failed:
        if outcome not in unexpected:
            print(f"not graded, as expected for a tampered file: {outcome.learner} / {outcome.section}")
    if unexpected:
        return 1

    _step("report")
    report = write_report(db_url, course, demo.reports, demo.grader / "submitted")
    print(report.grades.groupby(["section", "status"]).size().unstack(fill_value=0).to_string())

    _step("feedback")
    feedback = generate_feedback(course, demo, db_url)
    print(f"{len(feedback)} feedback files")

    dashboard_files: list[Path] = []
    if dashboards:
        from coursekit.cohort.dashboard import build_dashboards

        _step("dashboards")
        dashboard_files = build_dashboards(demo, db_url)

    print("\n== where to look")
    print(f"learner notebooks:   {paths.release}/<section>/  (make lab opens them as a learner)")
    print(f"submissions:         {demo.grader / 'submitted'}")
    print(f"gradebook:           {db_url}")
    print(f"grades and exports:  {demo.reports / 'grades.csv'}, moodle_grades.csv, canvas_grades.csv")
    print(f"item statistics:     {demo.reports / 'item_analysis.csv'}, quiz_stats.csv")
    if demo.reports / "variant_analysis.csv" in report.files:
        print(f"per question drawn:  {demo.reports / 'variant_analysis.csv'}  (the questions of each pool)")
    print(f"feedback:            {demo.grader / 'feedback'}")
    for path in dashboard_files:
        print(f"dashboard:           {path}")
    return 0
