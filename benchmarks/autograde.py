"""Autograde speed: stock serial ``nbgrader autograde`` against ``coursekit autograde --jobs 2``, one run.

Both grade the same simulated submissions (20 learners × 2 sections = 40 by
default, no absences, no tampering) in separate workspaces with their own
gradebooks, through their command lines (start-up included). The benchmark
checks that every cell got the same score in both gradebooks, then prints the
median times and the speed-up (target >= 20x on 2 cores).

The limit row scores the same submissions with coursekit's pure scoring
functions alone (``coursekit.quiz``: the responses file parsed, the attempts
counted and scored against the key), in this process, no nbgrader, no file
written: how far grading is from what scoring costs.

The 1,000-submission row grades a larger simulated cohort (``--large``) once
with ``coursekit autograde --jobs N`` and prints its time and the peak memory
(largest resident set of the command and its worker processes).

The cluster row grades the same cohort with ``coursekit autograde --cluster`` on
two local Dask schedulers, one with a single-thread worker and one with two
(each worker in its own empty folder); one warm-up batch per cluster starts the
workers' grading processes, then ``--force`` batches are timed, alternating
between the two clusters batch by batch (target: 2 workers >= 1.8x 1 worker).
Those batches run in one client process (the Python API, as ``coursekit
autograde --cluster`` calls it), so what is timed is the cluster's work, not the
3-5 s an interpreter takes to import coursekit, nbgrader and Dask, which is the
same for any number of workers.
The client, the scheduler and the workers share this machine's cores, so on a
small machine the row is indicative only: the row's last line gives the CPU
each role spent per batch and, from it, the most 2 workers can gain here (a
batch takes at least the CPU it used spread evenly over the cores).

    python benchmarks/autograde.py [--learners 20] [--repeats 3] [--no-cluster] [--large 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from coursekit.gradebook.engine import make_engine

TARGET = 20.0
"""Speed-up of ``coursekit autograde --jobs 2`` over stock serial ``nbgrader autograde`` aimed at."""
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent

SCORES = """
SELECT sa.student_id, a.name, bc.name, g.auto_score FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell bc ON g.cell_id = bc.id
"""
STOCK_CONFIG = """c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = {source!r}
c.CourseDirectory.release_directory = {release!r}
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}
"""


CLUSTER_CLIENT = """
import json, sys, time
from pathlib import Path
import psutil
from coursekit.authoring.course import load_course
from coursekit.autograde.runner import grade_workspace
from coursekit.paths import ProjectPaths

def cpu(pid):
    # CPU seconds of a process and its grading processes (live ones, and those it waited for)
    process = psutil.Process(pid)
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total

root, workspace, repeats, clusters = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
paths = ProjectPaths(Path(root), Path(workspace))
course = load_course(paths.course)
rounds = [[] for _ in clusters]
for run in range(repeats + 1):  # the first round warms up: each worker starts its grading process once
    for cluster, kept in zip(clusters, rounds):  # alternating: a slower moment of the machine hits both alike
        roles = [[cluster["scheduler"]], cluster["workers"]]
        before_cpu, before = [sum(map(cpu, pids)) for pids in roles], time.process_time()
        started = time.perf_counter()
        grade_workspace(course, paths, paths.gradebook_url, force=True, quiet=True, cluster=cluster["address"])
        seconds = time.perf_counter() - started
        scheduler, workers = (sum(map(cpu, pids)) - was for pids, was in zip(roles, before_cpu))
        if run:
            kept.append({"seconds": seconds, "client": time.process_time() - before, "scheduler": scheduler,
                         "workers": workers})
print(json.dumps(rounds))
"""


def scores(db_url: str) -> dict[tuple[str, str, str], float | None]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(SCORES)).all()
    engine.dispose()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def prepare(scratch: Path, learners: int) -> tuple[Path, Path, list[str], str]:
    from coursekit.authoring.course import load_course
    from coursekit.gradebook.roster import ensure_sections, register_learners
    from coursekit.simulate import simulate

    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, scratch / name)
    course = load_course(scratch / "course")
    workspaces = scratch / "stock", scratch / "coursekit"
    # No blank comments: coursekit scores a blank comment 0 at once, stock nbgrader leaves it for review.
    plan = simulate(course, scratch / "release", scratch / "submitted", learners, seed=5, tamper_rate=0.0,
                    absent_rate=0.0, blank_rate=0.0)
    for workspace in workspaces:
        shutil.copytree(scratch / "submitted", workspace / "submitted")
        db_url = f"sqlite:///{workspace / 'gradebook.db'}"
        ensure_sections(db_url, course, scratch / "source", workspace)
        register_learners(db_url, plan.learners)
    stock = workspaces[0]
    (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(
        course_id=course.id, root=str(stock), source=str(scratch / "source"), release=str(scratch / "release"),
        db_url=f"sqlite:///{stock / 'gradebook.db'}", exchange=str(stock / "exchange")), encoding="utf-8")
    return workspaces[0], workspaces[1], [s.id for s in course.sections], course.id


def timed(command: list[str], cwd: Path) -> float:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):  # coursekit exits 1 when a submission had a problem
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


LIMIT_REPEATS = 5


def limit_seconds(scratch: Path, submitted: Path, sections: list[str]) -> tuple[float, int]:
    """Median seconds to score every submission's responses file with the pure scoring functions, and how many."""
    from coursekit.grading.hidden import key_from_notebook
    from coursekit.quiz.attempts import Attempt, counted_attempts, grade_attempts
    from coursekit.quiz.contract import PUBLIC_SPEC_NAME, responses_path
    from coursekit.quiz.responses import graded_attempts, parse_responses
    from coursekit.quiz.spec import rebuild_spec

    specs = {section: rebuild_spec(
        json.loads((scratch / "source" / section / PUBLIC_SPEC_NAME).read_text(encoding="utf-8")),
        key_from_notebook(scratch / "source" / section / f"{section}.ipynb")) for section in sections}
    files = [(section, responses_path(folder, section)) for section in sections
             for folder in sorted(submitted.glob(f"*/{section}"))]
    times, scored = [], 0
    for _ in range(LIMIT_REPEATS):
        started, scored = time.perf_counter(), 0
        for section, path in files:
            spec = specs[section]
            responses = parse_responses(path.read_bytes(), path.name)
            attempts = [Attempt(number, answers, when) for number, answers, when in graded_attempts(responses)]
            scores = grade_attempts(spec, counted_attempts(spec.settings, attempts))
            scored += bool(scores) or not spec.questions
        times.append(time.perf_counter() - started)
    return statistics.median(times), scored


PEAK_RSS = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def large_row(scratch: Path, learners: int, jobs: int) -> tuple[int, float, float]:
    """Grade a cohort of ``learners`` once with ``--jobs``: (submissions, seconds, peak resident MiB of any process)."""
    from coursekit.authoring.course import load_course
    from coursekit.gradebook.roster import ensure_sections, register_learners
    from coursekit.simulate import simulate

    course = load_course(scratch / "course")
    workspace = scratch / "large"
    plan = simulate(course, scratch / "release", workspace / "submitted", learners, seed=7, tamper_rate=0.0,
                    absent_rate=0.0, blank_rate=0.0)
    db_url = f"sqlite:///{workspace / 'gradebook.db'}"
    ensure_sections(db_url, course, scratch / "source", workspace)
    register_learners(db_url, plan.learners)
    count = sum(1 for _ in (workspace / "submitted").glob("*/*/"))
    command = [str(BIN / "coursekit"), "--root", str(scratch), "--workspace", str(workspace), "autograde",
               "--jobs", str(jobs), "--quiet"]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], cwd=scratch, env=env, capture_output=True,
                            text=True)
    seconds = time.perf_counter() - started
    code, peak_kib = result.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return count, seconds, int(peak_kib) / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(workers: int, processes: list[subprocess.Popen], folders: list[Path]) -> dict[str, Any]:
    """A local scheduler with ``workers`` single-thread workers (each in its own empty folder).

    Its address and the process ids of the scheduler and of each worker.
    """
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
    processes.append(scheduler)
    time.sleep(0.5)
    pids = []
    for _ in range(workers):
        folders.append(Path(tempfile.mkdtemp(prefix="coursekit-bench-worker-")))
        processes.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
                                           "--host", "127.0.0.1", "--no-dashboard", "--local-directory",
                                           str(folders[-1])], cwd=folders[-1], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
        pids.append(processes[-1].pid)
    return {"address": address, "scheduler": scheduler.pid, "workers": pids}


def cluster_rounds(scratch: Path, workspace: Path, sizes: list[int], repeats: int) -> list[list[dict[str, float]]]:
    """Timed ``--force`` batches on one local cluster per size in ``sizes`` (workers), alternating batch by batch.

    Each batch: its seconds and the CPU seconds the client, the scheduler and the workers (with their
    grading processes) spent on it.
    """
    processes: list[subprocess.Popen] = []
    folders: list[Path] = []
    try:
        clusters = [start_cluster(workers, processes, folders) for workers in sizes]
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        result = subprocess.run([sys.executable, "-c", CLUSTER_CLIENT, str(scratch), str(workspace), str(repeats),
                                 json.dumps(clusters)], cwd=scratch, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"cluster client failed:\n{result.stdout}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def cluster_ceiling(ones: list[dict[str, float]], twos: list[dict[str, float]], cores: int) -> str:
    """What this machine allows the 2-worker cluster, from the CPU its batches used (medians).

    A batch cannot take less than the CPU it used spread evenly over the machine's cores; the client and the
    scheduler run on the same cores as the workers here, so their CPU counts against the workers'. As every
    2-worker batch takes at least that long, so does their median: the median 1-worker time over it bounds the
    row's ratio (the ratio of the medians).
    """
    def median(rounds: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    def used(batch: dict[str, float]) -> float:
        return batch["client"] + batch["scheduler"] + batch["workers"]

    shortest = statistics.median(used(two) / cores for two in twos)
    ceiling = median(ones, "seconds") / shortest
    return (f"cluster CPU per batch (medians): 1 worker: client {median(ones, 'client'):.2f} s, scheduler "
            f"{median(ones, 'scheduler'):.2f} s, worker {median(ones, 'workers'):.2f} s; 2 workers: client "
            f"{median(twos, 'client'):.2f} s, scheduler {median(twos, 'scheduler'):.2f} s, workers "
            f"{median(twos, 'workers'):.2f} s; on {cores} cores a 2-worker batch takes at least {shortest:.2f} s, "
            f"so 2 vs 1 worker is at most {ceiling:.2f}x here")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20, help="learners (each submits both sections)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-cluster", action="store_true", help="leave out the Dask cluster row")
    parser.add_argument("--large", type=int, default=1000,
                        help="submissions of the large row (learners x 2 sections; 0 leaves it out)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-autograde-") as scratch_dir:
        scratch = Path(scratch_dir)
        stock, ours, sections, _ = prepare(scratch, args.learners)
        count = sum(1 for _ in (stock / "submitted").glob("*/*/"))
        print(f"{count} submissions; {args.repeats} runs each, alternating")
        stock_times, our_times = [], []
        for run in range(1, args.repeats + 1):
            stock_times.append(sum(timed([str(BIN / "nbgrader"), "autograde", s, "--force"], stock)
                                   for s in sections))
            our_times.append(timed([str(BIN / "coursekit"), "--root", str(scratch), "--workspace", str(ours),
                                    "autograde", "--jobs", str(args.jobs), "--force", "--quiet"], scratch))
            print(f"  run {run}: stock nbgrader {stock_times[-1]:.1f} s, coursekit --jobs {args.jobs} "
                  f"{our_times[-1]:.1f} s")
        stock_scores = scores(f"sqlite:///{stock / 'gradebook.db'}")
        our_scores = scores(f"sqlite:///{ours / 'gradebook.db'}")
        limit, scored = limit_seconds(scratch, ours / "submitted", sections)
        large = large_row(scratch, max(1, args.large // len(sections)), args.jobs) if args.large else None
        one = two = None
        if not args.no_cluster:
            ones, twos = cluster_rounds(scratch, ours, [1, 2], args.repeats)
            one, two = (statistics.median(r["seconds"] for r in rounds) for rounds in (ones, twos))
            shown = [", ".join(f"{r['seconds']:.2f}" for r in rounds) for rounds in (ones, twos)]
            print(f"  cluster rounds: 1 worker {shown[0]} s; 2 workers {shown[1]} s")
            print(f"  {cluster_ceiling(ones, twos, len(os.sched_getaffinity(0)))}")
            cluster_equal = scores(f"sqlite:///{ours / 'gradebook.db'}") == stock_scores
    equal = stock_scores == our_scores and len(stock_scores) > 0
    print(f"scores equal in both gradebooks ({len(stock_scores)} grades): {equal}")
    for key in sorted(set(stock_scores) | set(our_scores)):
        if stock_scores.get(key) != our_scores.get(key):
            print(f"  differs: {key}: stock {stock_scores.get(key)}, coursekit {our_scores.get(key)}")
    stock_median, our_median = statistics.median(stock_times), statistics.median(our_times)
    ratio = stock_median / our_median
    print(f"median: stock {stock_median:.1f} s ({stock_median / count:.2f} s/submission), coursekit "
          f"{our_median:.1f} s ({our_median / count:.2f} s/submission)")
    print(f"speed-up: {ratio:.1f}x (target >= {TARGET:g}x): {'PASS' if ratio >= TARGET else 'FAIL'}")
    print(f"limit (pure scoring of the same {scored} submissions, one core, no nbgrader, no file written): "
          f"{limit * 1000:.1f} ms ({limit / max(scored, 1) * 1000:.2f} ms/submission, "
          f"{max(scored, 1) / limit:.0f} submissions/s); coursekit --jobs {args.jobs} is {our_median / limit:.0f}x "
          f"the limit, stock nbgrader {stock_median / limit:.0f}x")
    if large is not None:
        big, seconds, peak = large
        print(f"large: {big} submissions, coursekit --jobs {args.jobs} {seconds:.1f} s "
              f"({seconds / big * 1000:.0f} ms/submission, {big / seconds:.1f} submissions/s); "
              f"peak memory of one process (command or worker): {peak:.0f} MiB")
    if one is None or two is None:
        return 0 if equal and ratio >= TARGET else 1
    scaling = one / two
    print(f"cluster: 1 worker {one:.1f} s, 2 workers {two:.1f} s (scores equal to stock: {cluster_equal}); "
          f"2 vs 1 worker: {scaling:.2f}x (target >= 1.8x): {'PASS' if scaling >= 1.8 else 'FAIL'}; "
          f"stock nbgrader / 2 workers: {stock_median / two:.1f}x")
    return 0 if equal and ratio >= TARGET and cluster_equal and scaling >= 1.8 else 1


if __name__ == "__main__":
    sys.exit(main())
