"""A training centre on one machine, for real: JupyterHub, system accounts, nbgrader exchange, PostgreSQL.

A trainer account releases the course to the exchange; three learner accounts
get their servers from the hub, fetch the section, answer the quiz and submit,
all through the hub's REST API (nbgrader's assignment handlers and the
contents API of their own servers); the trainer collects, autogrades into a
PostgreSQL gradebook and reports. Learners try to read what is not theirs and
fail. Then the same day in Chromium, through the hub's login page: a fourth
learner fetches, answers and submits from JupyterLab's Assignments menu; the
trainer opens the formgrader from the hub's Services menu and from the lab's
Nbgrader menu, and collects and autogrades in the lab's own terminal with the
documented commands, no flags. Run by ``make test-hub`` (root: it creates and
removes system users).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from postgres_support import postgres_bin, running_postgres
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.quiz.spec import spec_hash

pytestmark = [pytest.mark.slow, pytest.mark.hub]

TRAINER = "ck-trainer"
LEARNERS = ("ck-learner1", "ck-learner2", "ck-learner3")
BROWSER_LEARNER = "ck-learner4"  # walks the learner's day in Chromium
ACCOUNTS = (TRAINER, *LEARNERS, BROWSER_LEARNER)
PROFILE_SCRIPT = Path("/etc/profile.d/coursekit-hub-test.sh")
SECTION = "cooperation_networking"
PROXY = REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent


RUNUSER = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin") or "runuser"


def _run_as(user: str, *command: str, env: dict | None = None, check: bool = True):
    return subprocess.run([RUNUSER, "-u", user, "--", *command], capture_output=True, text=True,
                          env=env, check=check, timeout=600)


def _http(method: str, url: str, token: str, data: dict | None = None, form: dict | None = None):
    body, headers = None, {"Authorization": f"token {token}"}
    if data is not None:
        body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def traversable():
    """Let the test accounts reach the interpreter and the repository (o+x on their folders), then restore.

    A real installation puts Python and coursekit where every account can run them; here they may live
    under /root (pyenv), which other accounts cannot enter.
    """
    changed = []
    targets = {Path(os.path.realpath(sys.executable)), Path(sys.executable), REPO}
    for target in targets:
        for folder in [*reversed(target.parents), target]:
            if folder.is_dir() and not folder.stat().st_mode & 0o001:
                changed.append((folder, folder.stat().st_mode))
                folder.chmod(folder.stat().st_mode | 0o001)
    try:
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(mode & 0o7777)


@pytest.fixture(scope="module")
def centre(traversable):
    if os.geteuid() != 0:
        pytest.fail("make test-hub creates system accounts: run it as root (CI does)")
    assert postgres_bin(), "apt-get install -y postgresql"
    assert PROXY.exists(), "configurable-http-proxy is missing: make test-hub installs it with npm"
    base = Path("/srv/coursekit-hub-test")
    shutil.rmtree(base, ignore_errors=True)
    (base / "home").mkdir(parents=True)
    base.chmod(0o755)
    (base / "home").chmod(0o755)
    for user in ACCOUNTS:
        subprocess.run(["userdel", "-r", user], capture_output=True)
        subprocess.run(["useradd", "-m", "-d", str(base / "home" / user), "-s", "/bin/bash", user], check=True)
        (base / "home" / user).chmod(0o700)
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    trainer_home = base / "home" / TRAINER
    project = trainer_home / "course-project"
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, project / name)
    (project / "grader").mkdir()
    shutil.copy(REPO / "grader" / "nbgrader_config.py", project / "grader")  # what the formgrader reads
    subprocess.run(["chown", "-R", f"{TRAINER}:{TRAINER}", str(project)], check=True)

    with running_postgres(password=secrets.token_hex(8)) as server:
        trainer_password = secrets.token_hex(8)
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"CREATE ROLE \"{TRAINER}\" LOGIN PASSWORD '{trainer_password}'"))
            conn.execute(text(f'CREATE DATABASE gradebook OWNER "{TRAINER}"'))
        engine.dispose()
        port = server.rsplit(":", 1)[1]
        db_url = f"postgresql+psycopg2://{TRAINER}:{trainer_password}@127.0.0.1:{port}/gradebook"
        trainer_env = {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(trainer_home),
                       "COURSEKIT_EXCHANGE": str(exchange), "COURSEKIT_DB_URL": db_url}

        hub_port, admin_token, state = _free_port(), secrets.token_hex(16), base / "hub"
        password = secrets.token_hex(8)
        state.mkdir()
        hub_env = {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", "COURSEKIT_HUB_URL": f"http://127.0.0.1:{hub_port}",
                   "COURSEKIT_HUB_STATE": str(state), "COURSEKIT_LEARNERS": ",".join((*LEARNERS, BROWSER_LEARNER)),
                   "COURSEKIT_TRAINERS": TRAINER, "COURSEKIT_PASSWORD": password,
                   "COURSEKIT_PROFILE_SCRIPT": str(PROFILE_SCRIPT),
                   "COURSEKIT_EXCHANGE": str(exchange), "COURSEKIT_PROXY": str(PROXY),
                   "COURSEKIT_FORMGRADER_PORT": str(_free_port()), "COURSEKIT_HUB_ADMIN_TOKEN": admin_token,
                   "COURSEKIT_GRADER_DIR": str(project / "grader"), "COURSEKIT_DB_URL": db_url,
                   "COURSEKIT_HUB_API_PORT": str(_free_port())}
        log = (base / "hub.log").open("w")
        hub = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(REPO / "deploy" / "jupyterhub_config.py"),
                                f"--JupyterHub.hub_bind_url=http://127.0.0.1:{hub_env['COURSEKIT_HUB_API_PORT']}",
                                "--ConfigurableHTTPProxy.api_url=http://127.0.0.1:" + str(_free_port())],
                               cwd=state, env=hub_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{hub_port}"
        try:
            _wait(lambda: _http("GET", f"{url}/hub/api/", admin_token)[0] == 200, 90, "the hub did not start")
            yield {"url": url, "token": admin_token, "project": project, "exchange": exchange, "db_url": db_url,
                   "trainer_env": trainer_env, "base": base, "server": server, "password": password,
                   "state": state, "log": base / "hub.log"}
        finally:
            for learner in (*LEARNERS, BROWSER_LEARNER):
                _http("DELETE", f"{url}/hub/api/users/{learner}/server", admin_token)
            os.killpg(hub.pid, 15)
            hub.wait(timeout=30)
            log.close()
            artifacts = REPO / "artifacts" / "hub"
            artifacts.mkdir(parents=True, exist_ok=True)
            shutil.copy(base / "hub.log", artifacts / "hub.log")
            if shutil.which("pkill"):
                subprocess.run(["pkill", "-u", ",".join(ACCOUNTS)], capture_output=True)
            time.sleep(1)
            for user in ACCOUNTS:
                subprocess.run(["userdel", "-r", user], capture_output=True)
            shutil.rmtree(base, ignore_errors=True)
            PROFILE_SCRIPT.unlink(missing_ok=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(message)


def _coursekit(centre, *args: str):
    done = _run_as(TRAINER, str(BIN / "coursekit"), "--root", str(centre["project"]), *args,
                   env=centre["trainer_env"], check=False)
    assert done.returncode == 0, f"coursekit {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _start_server(centre, learner: str) -> str:
    url, admin = centre["url"], centre["token"]
    status, body = _http("POST", f"{url}/hub/api/users/{learner}/server", admin)
    assert status in (201, 202), body
    _wait(lambda: _http("GET", f"{url}/hub/api/users/{learner}", admin)[1]["servers"].get("", {}).get("ready"),
          120, f"the server of {learner} did not start")
    status, body = _http("POST", f"{url}/hub/api/users/{learner}/tokens", admin, data={"note": "test"})
    assert status == 201, body
    return body["token"]


def _answers(section, right: bool | None) -> dict:
    answers = {}
    for i, q in enumerate(section.quiz.questions):
        if right is None and i % 2:
            continue
        if right is False:
            answers[q.id] = next(o.id for o in q.options if o.id != q.answer) if q.type == "single_choice" else None
            continue
        answers[q.id] = q.answer[0] if q.type == "short_answer" else q.answer
    return {k: v for k, v in answers.items() if v is not None}


@pytest.fixture(scope="module")
def released(centre):
    """The trainer has released every section to the exchange (once per hub)."""
    return _coursekit(centre, "release", "--exchange", "--db-url", centre["db_url"])


def test_training_centre_round_trip(centre, released):
    url = centre["url"]
    assert "released cooperation_networking to the exchange" in released.stdout, released.stderr
    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    plans = dict(zip(LEARNERS, (True, False, None), strict=True))
    tokens = {}
    for learner, plan in plans.items():
        token = tokens[learner] = _start_server(centre, learner)
        base = f"{url}/user/{learner}"
        status, body = _http("POST", f"{base}/assignments/fetch", token,
                             form={"course_id": course.id, "assignment_id": SECTION})
        assert status == 200 and body.get("success"), body
        folder = f"{course.id}/{SECTION}"  # nbgrader fetches into <course>/<section> (path_includes_course)
        status, spec_file = _http("GET", f"{base}/api/contents/{folder}/quiz.json?content=1&format=text", token)
        assert status == 200, spec_file
        public = json.loads(spec_file["content"])
        document = {
            "schema": "coursekit.responses/1", "learner": learner, "section": SECTION,
            "spec_hash": spec_hash(public),
            "attempts": [{"number": 1, "started_at": "2026-11-24T09:00:00", "submitted_at": "2026-11-24T09:10:00",
                          "answers": _answers(section, plan)}],
            "in_progress": {"answers": {}},
        }
        assert _http("PUT", f"{base}/api/contents/{folder}/responses", token, data={"type": "directory"})[0] in (
            200, 201)
        status, body = _http("PUT", f"{base}/api/contents/{folder}/responses/{SECTION}.json", token,
                             data={"type": "file", "format": "text", "content": json.dumps(document)})
        assert status in (200, 201), body
        status, body = _http("POST", f"{base}/assignments/submit", token,
                             form={"course_id": course.id, "assignment_id": SECTION})
        assert status == 200 and body.get("success"), body

    # learners cannot reach each other's servers through the hub
    status, _ = _http("GET", f"{url}/user/{LEARNERS[1]}/api/contents/{course.id}", tokens[LEARNERS[0]])
    assert status in (403, 404)

    collected = _coursekit(centre, "collect", "--db-url", centre["db_url"])
    assert f"{SECTION}: 3 submissions" in collected.stdout, collected.stdout + collected.stderr
    graded = _coursekit(centre, "autograde", "--db-url", centre["db_url"], "--jobs", "2", "--quiet")
    assert "graded: 3" in graded.stdout, graded.stdout + graded.stderr
    _coursekit(centre, "report", "--db-url", centre["db_url"])
    import pandas as pd

    grades = pd.read_csv(centre["project"] / "grader" / "reports" / "grades.csv").set_index(["learner", "section"])
    full = section.quiz.max_points
    assert grades.loc[(LEARNERS[0], SECTION), "quiz_score"] == full
    assert grades.loc[(LEARNERS[1], SECTION), "quiz_score"] == 0
    half = sum(q.points for i, q in enumerate(section.quiz.questions) if i % 2 == 0)
    assert grades.loc[(LEARNERS[2], SECTION), "quiz_score"] == half
    assert (grades.xs("networks_consortia", level="section")["status"] == "not submitted").all()

    # what learners must not read: the trainer's sources and gradebook, other learners' submissions
    intruder = LEARNERS[0]
    source = centre["project"] / "source" / SECTION / f"{SECTION}.ipynb"
    assert _run_as(intruder, "cat", str(source), check=False).returncode != 0
    inbound = centre["exchange"] / course.id / "inbound"
    listing = _run_as(intruder, "ls", str(inbound), check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    # nbgrader's exchange design: a submission sits under a name with 72 random bits in a folder
    # nobody but the trainer can list, so another learner cannot find it
    search = _run_as(intruder, "find", str(centre["exchange"]), check=False)
    assert LEARNERS[1] not in search.stdout and "Permission denied" in search.stderr
    probe = ("import sqlalchemy, sys; sqlalchemy.create_engine(sys.argv[1]).connect()")
    no_password = centre["db_url"].replace(centre["db_url"].split("@")[0].split("//")[1], TRAINER)
    denied = _run_as(intruder, str(BIN / "python"), "-c", probe, no_password, check=False)
    assert denied.returncode != 0 and "password" in denied.stderr.lower()


def test_formgrader_is_for_trainers_only(centre):
    """The formgrader runs as a hub service; the trainers group may open it, learners may not."""
    url, admin = centre["url"], centre["token"]
    tokens = {}
    for user in (TRAINER, LEARNERS[0]):
        status, body = _http("POST", f"{url}/hub/api/users/{user}/tokens", admin, data={"note": "formgrader"})
        assert status == 201, body
        tokens[user] = body["token"]
    _wait(lambda: _http("GET", f"{url}/services/formgrader/api/status", tokens[TRAINER])[0] == 200, 90,
          "the formgrader service did not answer the trainer")
    status, _ = _http("GET", f"{url}/services/formgrader/formgrader", tokens[TRAINER])
    assert status == 200
    _coursekit(centre, "release", "--db-url", centre["db_url"])  # the sections are in the PostgreSQL gradebook
    status, assignments = _http("GET", f"{url}/services/formgrader/formgrader/api/assignments", tokens[TRAINER])
    assert status == 200, assignments
    assert {a["name"] for a in assignments} == {"cooperation_networking", "networks_consortia"}
    for path in ("api/status", "formgrader", "formgrader/api/assignments"):
        status, _ = _http("GET", f"{url}/services/formgrader/{path}", tokens[LEARNERS[0]])
        assert status == 403, path


def test_fifty_learners_submit_at_once(centre):
    """Load: 50 learners submit to the exchange in parallel; all are collected and graded."""
    from concurrent.futures import ThreadPoolExecutor

    from grading_support import answers, attempt, write_submission

    from coursekit.paths import ProjectPaths

    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    home = ProjectPaths(centre["base"] / "load")
    names = [f"load{n:02d}" for n in range(50)]
    folders = [write_submission(home, course, section, name, [attempt(1, answers(section, None))],
                                release_root=centre["project"] / "release") for name in names]
    script = ("import sys; from pathlib import Path; from coursekit.authoring.course import load_course;"
              "from coursekit.grading.exchange import submit_as; from coursekit.paths import ProjectPaths;"
              "root = Path(sys.argv[1]); course = load_course(root / 'course');"
              "submit_as(course, ProjectPaths(root), sys.argv[2], Path(sys.argv[3]), sys.argv[4])")
    env = {**os.environ, "COURSEKIT_EXCHANGE": str(centre["exchange"])}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda pair: subprocess.run(
            [sys.executable, "-c", script, str(centre["project"]), pair[0], str(pair[1].parent), SECTION],
            capture_output=True, text=True, env=env), zip(names, folders, strict=True)))
    sent = sum(r.returncode == 0 for r in results)
    collected = _coursekit(centre, "collect", "--db-url", centre["db_url"])
    received = sum(1 for p in (centre["project"] / "grader" / "submitted").glob(f"load*/{SECTION}"))
    graded_run = _coursekit(centre, "autograde", "--db-url", centre["db_url"], "--jobs", "2", "--quiet")
    graded = int(graded_run.stdout.split("graded:")[1].split()[0])
    seconds = time.perf_counter() - started
    print(f"load test: sent {sent}, received {received}, graded {graded} in {seconds:.1f} s")
    assert sent == received == graded == 50, (collected.stdout, graded_run.stdout, [r.stderr for r in results])


# --- the same day in Chromium, through the hub's login page ----------------------------------------


COMMENT = "We run a joint teacher exchange with the regional vocational school."


def _correct_answers(section) -> dict:
    return {q.id: (q.answer[0] if q.type == "short_answer" else q.answer) for q in section.quiz.questions}


@pytest.fixture(scope="module")
def chromium():
    from hub_browser import chromium as launch

    with launch() as browser:
        yield browser


def _answer_quiz(quiz, section) -> None:
    answers, questions = _correct_answers(section), quiz.spec()["questions"]
    for number, question in enumerate(questions, 1):
        quiz.answer_with_mouse(question, answers[question["id"]])
        if number < len(questions):
            quiz.go_next(questions[number]["id"])
    quiz.button("coursekit-submit").click()
    quiz.wait_for_status("Attempt 1 submitted")


def _write_comment(session, panel) -> None:
    """Click the first reflection's Comment field and type the answer (it saves as it is typed)."""
    field = panel.locator(".coursekit-comment textarea").first
    field.scroll_into_view_if_needed()
    field.click()
    session.page.keyboard.type(COMMENT)
    assert field.input_value() == COMMENT


def test_learner_fetches_answers_and_submits_in_the_browser(centre, released, chromium):
    from hub_browser import HubSession, QuizPage, wait_for

    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    session = HubSession(chromium, centre["url"], BROWSER_LEARNER)
    try:
        session.log_in(centre["password"])
        bar = session.menu_bar()
        assert "Assignments" in bar and "Nbgrader" not in bar, bar
        assert session.menu_labels("Assignments") == ["Assignment List"]
        session.open_menu("Assignments")
        session.shot("learner-01-assignments-menu")
        session.page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
        panel = session.page.locator(".nbgrader-mainarea-widget")
        released_row = panel.locator("#released_assignments_list .list_item", has_text=SECTION)
        released_row.locator("button", has_text="Fetch").wait_for()
        session.shot("learner-02-assignment-list")
        released_row.locator("button", has_text="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list .list_item", has_text=SECTION).first
        fetched.locator("button", has_text="Submit").wait_for()
        fetched.locator(".assignment-notebooks-link").click()
        validate = fetched.locator("button", has_text="Validate")
        validate.wait_for()
        session.shot("learner-03-fetched")
        fetched.get_by_role("link", name=SECTION, exact=True).click()

        folder = Path(pwd.getpwnam(BROWSER_LEARNER).pw_dir) / course.id / SECTION
        quiz = QuizPage(session.page, None, folder)
        quiz.panel.locator(".jp-Notebook").wait_for()
        session.dismiss_toasts()
        quiz.wait_for_kernel_idle()
        quiz.run_all()
        _answer_quiz(quiz, section)
        session.shot("learner-04-quiz-submitted")
        _write_comment(session, quiz.panel)
        comments = folder / "responses" / f"{SECTION}.comments.json"
        wait_for(lambda: comments.is_file() and COMMENT in comments.read_text(encoding="utf-8"), 30,
                 "the comment saved beside the notebook")
        session.shot("learner-05-comment")

        session.page.locator(".lm-TabBar-tab", has_text="Assignments").click()
        validate.click()
        dialog = session.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        assert "Error validating" not in panel.inner_text()
        assert "Validation Results" in dialog.inner_text()
        # Validate counts the Comment fields as grading does: the one typed in is answered, three are not
        assert dialog.inner_text().count("You did not provide a response.") == 3, dialog.inner_text()
        session.shot("learner-06-validate")
        dialog.locator(".jp-Dialog-button").last.click()

        fetched.locator("button", has_text="Submit").click()
        submitted = panel.locator("#submitted_assignments_list .list_item", has_text=SECTION).first
        submitted.wait_for()
        session.shot("learner-07-submitted")

        # a setting is kept, in the learner's own home (the theme lasts a reload)
        session.open_menu("Settings")
        session.page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Theme$")).hover()
        session.page.locator(".lm-Menu-itemLabel", has_text=re.compile("^JupyterLab Dark$")).click()
        theme = Path(pwd.getpwnam(BROWSER_LEARNER).pw_dir) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / (
            "apputils-extension") / "themes.jupyterlab-settings"
        wait_for(lambda: theme.is_file() and "JupyterLab Dark" in theme.read_text(encoding="utf-8"), 30,
                 "the theme saved in the learner's settings")
        session.page.reload()
        session.page.locator("body[data-jp-theme-name='JupyterLab Dark']").wait_for(state="attached")
        assert not session.errors, session.errors
    finally:
        session.close()
    inbound = centre["exchange"] / course.id / "inbound"
    mine = [p for p in inbound.iterdir() if p.name.startswith(f"{BROWSER_LEARNER}+{SECTION}+")]
    assert len(mine) == 1, sorted(p.name for p in inbound.iterdir())
    assert (mine[0] / "responses" / f"{SECTION}.json").is_file()
    assert not list(mine[0].rglob(".ipynb_checkpoints")), "a submission carries .ipynb_checkpoints"


def test_trainer_grades_in_the_browser_with_the_documented_commands(centre, released, chromium):
    from hub_browser import HubSession

    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    session = HubSession(chromium, centre["url"], TRAINER)
    page = session.page
    try:
        session.log_in(centre["password"])
        session.shot("trainer-01-lab")

        # the hub's Services menu opens the formgrader itself, with the sections as released
        page.goto(f"{centre['url']}/hub/home")
        page.get_by_role("button", name="Services").click()
        page.get_by_role("link", name="formgrader").wait_for()
        session.shot("trainer-02-services-menu")
        page.get_by_role("link", name="formgrader").click()
        page.wait_for_url(re.compile(r"/services/formgrader/formgrader"))
        row = page.locator("tr", has_text=SECTION).first
        row.locator(".status", has_text="released").wait_for()
        assert "does not exist" not in page.inner_text("body")
        session.shot("trainer-03-formgrader-service")

        # the lab's Nbgrader menu shows the formgrader in a frame of the lab, the same sections released
        page.goto(f"{centre['url']}/user/{TRAINER}/lab")
        session.dismiss_toasts()
        session.menu("Nbgrader", "Formgrader")
        frame = page.frame_locator("#formgrader iframe")
        frame.locator("tr", has_text=SECTION).first.locator(".status", has_text="released").wait_for()
        session.shot("trainer-04-formgrader-in-lab")

        # the lab's own terminal, a login shell: the documented commands, no flags
        terminal = session.terminal()
        session.run_in_terminal(terminal, "cd ~/course-project && coursekit collect", "submissions in",
                               timeout=120)
        text = session.run_in_terminal(terminal, "coursekit autograde", "graded:", timeout=600)
        assert "command not found" not in text and "Traceback" not in text, text
        session.shot("trainer-05-terminal")
        assert (centre["project"] / "grader" / "submitted" / BROWSER_LEARNER / SECTION).is_dir()
        assert not (centre["project"] / "grader" / "gradebook.db").exists(), "graded into SQLite"
        graded = centre["project"] / "grader" / "autograded" / BROWSER_LEARNER / SECTION / f"{SECTION}.ipynb"
        assert COMMENT in graded.read_text(encoding="utf-8")  # the Comment field's text reached the graded cell

        # the grade, in the formgrader
        page.goto(f"{centre['url']}/services/formgrader/formgrader")
        page.get_by_role("link", name="Manage Students").click()
        learner_row = page.locator("tr", has_text=BROWSER_LEARNER)
        learner_row.wait_for()
        score = wait_for_score(learner_row)
        session.shot("trainer-06-grades")
        assert float(score.split("/")[0]) == section.quiz.max_points, score
        assert not session.errors, session.errors
    finally:
        session.close()


def wait_for_score(row) -> str:
    """The "Overall Score" cell of a formgrader student row once it shows "<score> / <max>"."""
    from hub_browser import wait_for

    return wait_for(lambda: next((t.strip() for t in row.locator("td").all_inner_texts()
                                  if re.fullmatch(r"[\d.]+ / [\d.]+", t.strip())), None), 60, "a score")


def test_learners_cannot_read_the_hub_state_or_each_others_settings(centre):
    intruder = LEARNERS[0]
    hub_db = centre["state"] / "private" / "jupyterhub.sqlite"
    assert hub_db.stat().st_size > 0  # the hub's own database is there
    assert oct(hub_db.stat().st_mode & 0o777) == "0o600"
    for secret in (hub_db, centre["state"] / "private" / "jupyterhub_cookie_secret"):
        denied = _run_as(intruder, "cat", str(secret), check=False)
        assert denied.returncode != 0 and "Permission denied" in denied.stderr, secret
    other = Path(pwd.getpwnam(BROWSER_LEARNER).pw_dir) / ".jupyter" / "lab"
    settings = [p for p in other.rglob("*") if p.is_file()]
    assert any("user-settings" in str(p) for p in settings), settings  # the browser learner's own settings
    for path in settings[:3]:
        denied = _run_as(intruder, "cat", str(path), check=False)
        assert denied.returncode != 0 and "Permission denied" in denied.stderr, path


def test_hub_log_holds_no_server_error(centre):
    log = centre["log"].read_text(encoding="utf-8", errors="replace")
    problems = [line for line in log.splitlines()
                if re.search(r"\b500 (GET|POST|PUT|PATCH|DELETE)\b", line) or "Unwritable directory" in line]
    assert not problems, "\n".join(problems[:20])
