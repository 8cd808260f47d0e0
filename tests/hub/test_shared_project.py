"""Two trainers, one project, one group, for real: system accounts, the exchange, ``coursekit`` run as each.

The project sits outside the homes in a folder of the trainers' group
(``install -d -m 2775 -g <group>``), as docs/deploy.md describes. The first
trainer releases, collects and autogrades; a learner submits again; the second
trainer collects (replacing the first trainer's copy) and autogrades
everything again with ``--force``: no permission error anywhere. A folder left
without group write, and an exchange inbound the group cannot read, are
refused with one line naming the folder, its owner and group and the fix.
Nbgrader's formgrader, in a server started where the hub starts a trainer's,
finds the shared project (and, started in the home, cannot).
Run by ``make test-hub`` (root: it creates and removes system accounts).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from grading_support import answers, attempt, write_submission
from process_support import serving, traversable
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.deployment import trainer_server_root
from coursekit.paths import SNAPSHOTS, ProjectPaths

pytestmark = [pytest.mark.slow, pytest.mark.hub]

GROUP = "ck-share-trainers"
TRAINERS = ("ck-share-t1", "ck-share-t2")
LEARNERS = ("ck-share-l1", "ck-share-l2")
SECTION = "cooperation_networking"
BIN = Path(sys.executable).parent
RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"
SUBMIT = """
import sys
from pathlib import Path
from coursekit.authoring.course import load_course
from coursekit.deployment import trainer_server_root
from coursekit.autograde.exchange import submit_as
from coursekit.paths import ProjectPaths
paths = ProjectPaths(Path(sys.argv[1]))
submit_as(load_course(paths.course), paths, sys.argv[2], Path(sys.argv[3]), sys.argv[4])
"""


def _remove_accounts() -> None:
    for user in (*TRAINERS, *LEARNERS):
        subprocess.run(["userdel", "-r", user], capture_output=True)
    subprocess.run(["groupdel", GROUP], capture_output=True)


@pytest.fixture(scope="module")
def centre():
    """Accounts, a sticky exchange and the shared project; removed afterwards."""
    if os.geteuid() != 0:
        pytest.fail("make test-hub creates system accounts: run it as root (CI does)")
    base = Path("/srv/coursekit-shared-test")
    shutil.rmtree(base, ignore_errors=True)
    _remove_accounts()
    (base / "home").mkdir(parents=True)
    base.chmod(0o755)
    (base / "home").chmod(0o755)
    subprocess.run(["groupadd", GROUP], check=True)
    for user in (*TRAINERS, *LEARNERS):
        groups = ["-G", GROUP] if user in TRAINERS else []
        subprocess.run(["useradd", "-m", "-d", str(base / "home" / user), "-s", "/bin/bash", *groups, user],
                       check=True)
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    # docs/deploy.md: the project in a folder of the trainers' group, copied in by the first trainer
    project = base / "projects" / "vet-quality"
    subprocess.run(["install", "-d", "-m", "2775", "-o", TRAINERS[0], "-g", GROUP, str(project)], check=True)
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, project / name)
    subprocess.run(["install", "-d", "-m", "2775", "-o", TRAINERS[0], "-g", GROUP, str(project / "grader")],
                   check=True)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", project / "grader")
    subprocess.run(["chown", "-R", f"{TRAINERS[0]}:{GROUP}", str(project)], check=True)
    try:
        with traversable([Path(os.path.realpath(sys.executable)), Path(sys.executable), REPO]):
            yield {"base": base, "project": project, "exchange": exchange}
    finally:
        for user in (*TRAINERS, *LEARNERS):
            subprocess.run(["pkill", "-u", user], capture_output=True)
        _remove_accounts()
        shutil.rmtree(base, ignore_errors=True)


def _env(centre, user: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(centre["base"] / "home" / user),
            "USER": user, "LOGNAME": user, "COURSEKIT_EXCHANGE": str(centre["exchange"])}


def _coursekit(centre, user: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RUNUSER, "-u", user, "--", str(BIN / "coursekit"), "--root", str(centre["project"]),
                           *args], capture_output=True, text=True, env=_env(centre, user), timeout=900)


def _submit(centre, learner: str, right: set[str] | None) -> None:
    """The learner hands in the section through the exchange, as the learner's own account."""
    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    work = ProjectPaths(centre["base"] / "home" / learner / "work")
    shutil.rmtree(work.root, ignore_errors=True)
    folder = write_submission(work, course, section, learner, [attempt(1, answers(section, right))],
                              release_root=centre["project"] / "release")
    subprocess.run(["chown", "-R", f"{learner}:{learner}", str(work.root)], check=True)
    done = subprocess.run([RUNUSER, "-u", learner, "--", str(BIN / "python"), "-c", SUBMIT, str(centre["project"]),
                           learner, str(folder.parent), SECTION], capture_output=True, text=True,
                          env=_env(centre, learner), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _ok(done: subprocess.CompletedProcess) -> str:
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out and "Permission denied" not in out, out
    return out


def _not_the_groups(grader: Path, gid: int) -> list[str]:
    """Entries under grader/ not in the group, or (folders) not group-writable and setgid, or (files) not g+rw."""
    wrong = []
    for path in [grader, *grader.rglob("*")]:
        info = path.lstat()
        need = stat.S_IRWXG | stat.S_ISGID if path.is_dir() else stat.S_IRGRP | stat.S_IWGRP
        if info.st_gid != gid or info.st_mode & need != need:
            wrong.append(f"{path} {oct(info.st_mode)} gid {info.st_gid}")
    return wrong


def test_two_trainers_collect_and_autograde_one_shared_project(centre):
    project, grader = centre["project"], centre["project"] / "grader"
    first, second = TRAINERS
    assert "released cooperation_networking to the exchange" in _ok(_coursekit(centre, first, "release",
                                                                                "--exchange"))
    for learner, right in zip(LEARNERS, (None, set()), strict=True):
        _submit(centre, learner, right)
    assert f"{SECTION}: 2 submissions" in _ok(_coursekit(centre, first, "collect"))
    graded = _ok(_coursekit(centre, first, "autograde", "--jobs", "2", "--quiet"))
    assert "graded: 2" in graded and "not graded: 0" in graded, graded

    gid = grader.stat().st_gid
    assert not _not_the_groups(grader, gid), _not_the_groups(grader, gid)[:5]
    assert not (grader / SNAPSHOTS).exists(), "the snapshot folders were left behind"
    course_folder = centre["exchange"] / "vet-quality"
    for folder in (course_folder, course_folder / "outbound", course_folder / "inbound"):
        assert folder.stat().st_gid == gid and folder.stat().st_mode & stat.S_IRWXG == stat.S_IRWXG, folder
    assert not (course_folder / "inbound").stat().st_mode & stat.S_IROTH  # learners still cannot list it

    # the second trainer takes over: a newer submission replaces the first trainer's copy
    _submit(centre, LEARNERS[1], None)
    collected = _ok(_coursekit(centre, second, "collect"))
    assert f"{SECTION}: 2 submissions" in collected
    regraded = _ok(_coursekit(centre, second, "autograde", "--force", "--jobs", "2", "--quiet"))
    assert "graded: 2" in regraded and "not graded: 0" in regraded, regraded
    notebook = grader / "autograded" / LEARNERS[1] / SECTION / f"{SECTION}.ipynb"
    assert notebook.stat().st_uid == _uid(second)  # graded again by the second trainer
    assert not _not_the_groups(grader, gid), _not_the_groups(grader, gid)[:5]
    report = _ok(_coursekit(centre, first, "report"))
    assert "wrote" in report
    scores = json.loads(_grades_json(project))
    section = load_course(project / "course").section(SECTION)
    assert scores[LEARNERS[1]] == section.quiz.max_points  # the second submission, graded by the second trainer


def _uid(user: str) -> int:
    return pwd.getpwnam(user).pw_uid


def _grades_json(project: Path) -> str:
    import pandas as pd

    grades = pd.read_csv(project / "grader" / "reports" / "grades.csv")
    rows = grades[grades["section"] == SECTION]
    return json.dumps(dict(zip(rows["learner"], rows["quiz_score"], strict=True)))


def _graded_once(centre) -> None:
    """The first trainer has released, collected and autograded (when the first test did not run)."""
    if not (centre["project"] / "grader" / "autograded").is_dir():
        assert _coursekit(centre, TRAINERS[0], "release", "--exchange").returncode == 0
        _submit(centre, LEARNERS[0], None)
        assert _coursekit(centre, TRAINERS[0], "collect").returncode == 0
        assert _coursekit(centre, TRAINERS[0], "autograde", "--quiet").returncode == 0


def test_a_folder_the_group_cannot_write_is_refused_in_one_line(centre):
    grader = centre["project"] / "grader"
    _graded_once(centre)
    # an earlier set-up (umask 022) left a folder without group write
    stale = grader / "autograded" / LEARNERS[0]
    stale.chmod(0o755)
    try:
        done = _coursekit(centre, TRAINERS[1], "autograde", "--force", "--quiet")
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"error: {stale} (owner {TRAINERS[0]}, group {GROUP}) is not writable by "
                                   f"{TRAINERS[1]}"), lines[0]
        assert f"chgrp -R {GROUP} {grader} && chmod -R g+rwX {grader}" in lines[0], lines[0]
        assert not done.stdout.strip(), done.stdout  # refused before anything ran
    finally:
        stale.chmod(0o2775)

    # outside grader/: course/ as copied in without the chmod docs/deploy.md gives (no group write)
    course = centre["project"] / "course"
    assert not course.stat().st_mode & stat.S_IWGRP
    done = _coursekit(centre, TRAINERS[1], "export", "--format", "gift", "--output", str(course / "bank.txt"))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"error: {course} (owner {TRAINERS[0]}, group {GROUP}) is not usable by "
                               f"{TRAINERS[1]}"), lines[0]
    assert f"chgrp -R {GROUP} {centre['project']} && chmod -R g+rwX {centre['project']}" in lines[0], lines[0]

    inbound = centre["exchange"] / "vet-quality" / "inbound"
    inbound.chmod(0o2733)  # nbgrader's mode for one trainer: the group may not list submissions
    try:
        done = _coursekit(centre, TRAINERS[1], "collect")
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"error: {inbound} (owner {TRAINERS[0]}, group {GROUP}) is not readable by "
                                   f"{TRAINERS[1]}"), lines[0]
        course_folder = centre["exchange"] / "vet-quality"
        fix = f"`chgrp {GROUP} {course_folder} {course_folder}/outbound {inbound} && chmod g+rwxs"
        assert fix in lines[0], lines[0]
    finally:
        inbound.chmod(0o2773)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _formgrader_assignments(centre, user: str, root: Path, config: Path, log: Path) -> tuple[int, str]:
    """Start a Jupyter server as ``user`` at ``root`` (nbgrader's extensions on); formgrader's assignments API."""
    import urllib.error
    import urllib.request

    port, token = _free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "jupyter-server"), f"--ServerApp.root_dir={root}", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"]
    env = {**_env(centre, user), "JUPYTER_CONFIG_DIR": str(config)}
    account = pwd.getpwnam(user)

    def get(path: str) -> tuple[int, str]:
        request = urllib.request.Request(f"{url}{path}", headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with serving(command, Path(account.pw_dir), env, log, lambda: get("/api/status"), f"the server of {user}",
                 user=account.pw_uid, group=account.pw_gid, extra_groups=[GROUP]):
        return get("/formgrader/api/assignments")


def test_formgrader_finds_the_shared_project_from_a_trainers_server_root(centre, tmp_path):
    user, grader = TRAINERS[1], centre["project"] / "grader"
    _graded_once(centre)
    home = Path(pwd.getpwnam(user).pw_dir)
    config = home / "jupyter-trainers"  # what the hub's trainers' config folder holds for nbgrader
    config.mkdir(exist_ok=True)
    (config / "nbgrader_config.py").write_text(
        f"load_subconfig('nbgrader_config.py', path={str(grader)!r})  # noqa: F821\n"
        f"c.Exchange.root = {str(centre['exchange'])!r}  # noqa: F821\n", encoding="utf-8")
    subprocess.run(["chown", "-R", f"{user}:{user}", str(config)], check=True)
    root, preferred = trainer_server_root(home, grader)
    assert root == centre["base"] and preferred == f"home/{user}"

    status, body = _formgrader_assignments(centre, user, root, config, tmp_path / "root.log")
    assert status == 200, body
    assert SECTION in [row["name"] for row in json.loads(body)], body
    # started in the home, as JupyterHub does by default, the formgrader cannot reach the project: its error page
    status, body = _formgrader_assignments(centre, user, home, config, tmp_path / "home.log")
    assert 'id="error-500"' in body and SECTION not in body, (status, body[-500:])
