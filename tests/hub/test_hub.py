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
documented commands, no flags. The project sits outside the homes in a folder
of the trainers' group (docs/deploy.md, step 5): a second trainer account
collects a newer submission over the first trainer's copy, autogrades it again
and opens the formgrader from the Nbgrader menu of their own lab; after the
comments are reviewed, the second trainer's ``autograde --force``, report and
feedback tell each learner the same score, status and review state as
grades.csv and the Moodle and Canvas imports. Run by ``make test-hub`` (root:
it creates and removes system users).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hub_start import free_port as _free_port
from hub_start import remove_accounts, running_hub
from hub_start import wait as _wait
from postgres_support import postgres_bin, running_postgres
from process_support import traversable
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.quiz.draw import draw_for_attempt, drawn_spec
from coursekit.quiz.spec import spec_hash

pytestmark = [pytest.mark.slow, pytest.mark.hub]

TRAINER = "ck-trainer"
TRAINER2 = "ck-trainer2"  # a second account of the trainers' group, on the same project
TRAINERS_GROUP = "ck-trainers"
LEARNERS = ("ck-learner1", "ck-learner2", "ck-learner3")
BROWSER_LEARNER = "ck-learner4"  # walks the learner's day in Chromium
ACCOUNTS = (TRAINER, TRAINER2, *LEARNERS, BROWSER_LEARNER)
PROFILE_SCRIPT = Path("/etc/profile.d/coursekit-hub-test.sh")
SECTION = "cooperation_networking"
PROXY = REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
SUBMIT_SCRIPT = ("import sys; from pathlib import Path; from coursekit.authoring.course import load_course;"
                 "from coursekit.autograde.exchange import submit_as; from coursekit.paths import ProjectPaths;"
                 "root = Path(sys.argv[1]); course = load_course(root / 'course');"
                 "submit_as(course, ProjectPaths(root), sys.argv[2], Path(sys.argv[3]), sys.argv[4])")


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
def reachable():
    """Let the test accounts reach the interpreter and the repository (o+x on their folders), then restore."""
    with traversable([Path(os.path.realpath(sys.executable)), Path(sys.executable), REPO]):
        yield


@pytest.fixture(scope="module")
def centre(reachable):
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
    subprocess.run(["groupdel", TRAINERS_GROUP], capture_output=True)
    subprocess.run(["groupadd", TRAINERS_GROUP], check=True)
    for user in ACCOUNTS:
        groups = ["-G", TRAINERS_GROUP] if user in (TRAINER, TRAINER2) else []
        subprocess.run(["useradd", "-m", "-d", str(base / "home" / user), "-s", "/bin/bash", *groups, user],
                       check=True)
        (base / "home" / user).chmod(0o700)
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    trainer_home = base / "home" / TRAINER
    # docs/deploy.md, step 5: the project in a folder of the trainers' group, outside the homes
    project = base / "projects" / "vet-quality"
    subprocess.run(["install", "-d", "-m", "2770", "-o", TRAINER, "-g", TRAINERS_GROUP, str(project)], check=True)
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, project / name)
    subprocess.run(["install", "-d", "-m", "2770", "-o", TRAINER, "-g", TRAINERS_GROUP, str(project / "grader")],
                   check=True)
    shutil.copy(REPO / "grader" / "nbgrader_config.py", project / "grader")  # what the formgrader reads
    subprocess.run(["chown", "-R", f"{TRAINER}:{TRAINERS_GROUP}", str(project)], check=True)
    subprocess.run(["chmod", "-R", "g+rwX", str(project)], check=True)
    subprocess.run(["find", str(project), "-type", "d", "-exec", "chmod", "g+s", "{}", "+"], check=True)

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
                   "COURSEKIT_TRAINERS": f"{TRAINER},{TRAINER2}", "COURSEKIT_PASSWORD": password,
                   "COURSEKIT_PROFILE_SCRIPT": str(PROFILE_SCRIPT),
                   "COURSEKIT_EXCHANGE": str(exchange), "COURSEKIT_PROXY": str(PROXY),
                   "COURSEKIT_FORMGRADER_PORT": str(_free_port()), "COURSEKIT_HUB_ADMIN_TOKEN": admin_token,
                   "COURSEKIT_GRADER_DIR": str(project / "grader"), "COURSEKIT_DB_URL": db_url,
                   "COURSEKIT_HUB_API_PORT": str(_free_port()), "COURSEKIT_QUIZ_PORT": str(_free_port())}
        url = f"http://127.0.0.1:{hub_port}"
        try:
            with running_hub(url, hub_env, state, admin_token, base / "hub.log", "hub.log",
                             hub_api_port=int(hub_env["COURSEKIT_HUB_API_PORT"])):
                _SERVICE_KEY.clear()  # this gradebook's quiz service draws with a key of its own
                _SERVICE_KEY["db_url"] = db_url
                yield {"url": url, "token": admin_token, "project": project, "exchange": exchange, "db_url": db_url,
                       "trainer_env": trainer_env, "base": base, "server": server, "password": password,
                       "state": state, "log": base / "hub.log"}
        finally:
            remove_accounts(ACCOUNTS)
            subprocess.run(["groupdel", TRAINERS_GROUP], capture_output=True)
            shutil.rmtree(base, ignore_errors=True)
            PROFILE_SCRIPT.unlink(missing_ok=True)


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


def _first_attempt(section, learner: str, right: set[str] | None) -> list[dict]:
    """The learner's first attempt as the quiz widget records it: the questions drawn for it, with its draw.

    Slots in ``right`` (all when None) are answered right, the others wrong.
    """
    from grading_support import answers, drawn_attempts

    return drawn_attempts(section, learner, [{"number": 1, "started_at": "2026-11-24T09:00:00",
                                              "submitted_at": "2026-11-24T09:10:00",
                                              "answers": answers(section, right)}])


@pytest.fixture(scope="module")
def released(centre):
    """The trainer has released every section to the exchange (once per hub)."""
    return _coursekit(centre, "release", "--exchange", "--db-url", centre["db_url"])


def test_training_centre_round_trip(centre, released):
    url = centre["url"]
    assert "released cooperation_networking to the exchange" in released.stdout, released.stderr
    course = load_course(centre["project"] / "course")
    section = course.section(SECTION)
    every_other = {slot.id for slot in section.quiz.quiz_slots[::2]}
    plans = dict(zip(LEARNERS, (None, set(), every_other), strict=True))  # the slots answered right
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
            "attempts": _first_attempt(section, learner, plan),
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
    from grading_support import expected_score

    assert grades.loc[(LEARNERS[2], SECTION), "quiz_score"] == expected_score(section, every_other)
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
    script = SUBMIT_SCRIPT
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


@pytest.fixture(scope="module")
def chromium():
    from hub_browser import chromium as launch

    with launch() as browser:
        yield browser


def _answer_quiz(quiz, section, learner: str) -> None:
    """Answer the questions the quiz service drew for the learner's first attempt right, page by page, and submit
    (each is looked for on the page shown, so another question there fails the test)."""
    from grading_support import drawn_answers

    answers = drawn_answers(section, learner, 1, secret=_service_key())
    by_id = {q["id"]: q for q in quiz.spec()["questions"]}
    questions = [by_id[q.id] for q in _drawn(section, learner, 1)]
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
        _answer_quiz(quiz, section, BROWSER_LEARNER)
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
        session.run_in_terminal(terminal, f"cd {centre['project']} && coursekit collect", "submissions in",
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


def test_second_trainer_collects_autogrades_and_opens_the_formgrader_in_the_lab(centre, released, chromium):
    """Another account of the trainers' group, on the same project: no permission error, the formgrader shows."""
    from hub_browser import HubSession

    project = centre["project"]
    course = load_course(project / "course")
    learner_folder = Path(pwd.getpwnam(BROWSER_LEARNER).pw_dir) / course.id
    submitted = project / "grader" / "submitted" / BROWSER_LEARNER / SECTION
    assert submitted.stat().st_uid == pwd.getpwnam(TRAINER).pw_uid  # the first trainer collected it
    resubmit = subprocess.run([sys.executable, "-c", SUBMIT_SCRIPT, str(project), BROWSER_LEARNER,
                               str(learner_folder), SECTION], capture_output=True, text=True,
                              env={**os.environ, "COURSEKIT_EXCHANGE": str(centre["exchange"])})
    assert resubmit.returncode == 0, resubmit.stderr  # a newer submission: collect replaces the first copy
    session = HubSession(chromium, centre["url"], TRAINER2)
    page = session.page
    try:
        session.log_in(centre["password"])
        session.dismiss_toasts()
        terminal = session.terminal()
        text = session.run_in_terminal(terminal, f"cd {project} && coursekit collect", "submissions in",
                                       timeout=120)
        assert "Traceback" not in text and "ermission" not in text, text
        assert submitted.stat().st_uid == pwd.getpwnam(TRAINER2).pw_uid, "the newer submission was not collected"
        text = session.run_in_terminal(terminal, f"coursekit autograde --force --learner {BROWSER_LEARNER}",
                                       "graded:", timeout=600)
        assert "Traceback" not in text and "ermission" not in text and "not graded: 0" in text, text
        session.shot("trainer2-01-terminal")

        # the lab's Nbgrader menu: the formgrader of the shared project, in a frame of the second trainer's lab
        session.menu("Nbgrader", "Formgrader")
        frame = page.frame_locator("#formgrader iframe")
        frame.locator("tr", has_text=SECTION).first.locator(".status", has_text="released").wait_for()
        frame.get_by_role("link", name="Manage Students").click()
        score = wait_for_score(frame.locator("tr", has_text=BROWSER_LEARNER))
        session.shot("trainer2-02-formgrader-in-lab")
        assert float(score.split("/")[0]) == course.section(SECTION).quiz.max_points, score
        assert "encountered an error" not in frame.locator("body").inner_text()
        assert not session.errors, session.errors
    finally:
        session.close()


def test_every_view_agrees_learner_by_learner_after_the_second_trainers_autograde(centre, released):
    """Reviews kept through trainer 2's ``autograde --force``; feedback, grades.csv, Moodle and Canvas agree."""
    from nbgrader.api import Gradebook
    from record_support import feedback_facts, feedback_pages, read_csv

    project, db_url = centre["project"], centre["db_url"]
    course = load_course(project / "course")
    section = course.section(SECTION)
    learners = (*LEARNERS, BROWSER_LEARNER)
    reviewed = set()
    with Gradebook(db_url) as gradebook:  # what formgrader's score box saves: a score, needs_manual_grade off
        for submission in gradebook.assignment_submissions(SECTION):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = grade.max_score / 2
                        grade.needs_manual_grade = False
                        reviewed.add(submission.student_id)
        gradebook.db.commit()
    # the browser learner wrote a comment (so did the load test's learners); blank comments score 0 at once
    assert BROWSER_LEARNER in reviewed and not reviewed & set(LEARNERS)

    env = {**centre["trainer_env"], "HOME": pwd.getpwnam(TRAINER2).pw_dir}

    def as_trainer2(*args: str):
        done = _run_as(TRAINER2, str(BIN / "coursekit"), "--root", str(project), *args, env=env, check=False)
        assert "Traceback" not in done.stderr and "ermission" not in done.stdout + done.stderr, done.stderr
        return done

    graded = as_trainer2("autograde", "--force", "--quiet")
    count = re.search(r"(?m)^graded: (\d+)", graded.stdout)
    assert count and int(count.group(1)) >= len(learners), graded.stdout + graded.stderr
    assert "not graded: 0" in graded.stdout, graded.stdout
    assert as_trainer2("report").returncode == 0
    made = as_trainer2("feedback")
    assert made.returncode == 0, made.stdout + made.stderr  # every review kept: nothing refused as unreviewed

    reports = project / "grader" / "reports"
    grades = {(r["learner"], r["section"]): r for r in read_csv(reports / "grades.csv")}
    moodle = {r["Username"]: r for r in read_csv(reports / "moodle_grades.csv")}
    canvas = {r["SIS Login ID"]: r for r in read_csv(reports / "canvas_grades.csv")
              if r["Student"] != "Points Possible"}
    pages = {key: feedback_facts(html) for key, html in feedback_pages(project / "grader").items()}
    quiz_item = course.grading.item_name(SECTION, "quiz", section.quiz.title)
    comments_item = course.grading.item_name(SECTION, "comments", section.quiz.title)
    canvas_quiz, canvas_comments = (course.grading.canvas_column(SECTION, item, section.quiz.title)
                                    for item in ("quiz", "comments"))
    # the browser learner's attempt went through the quiz service, so the section is graded from the service's
    # record from then on: the files the round trip's learners wrote themselves (never sent to it) count nothing
    counted = {**dict.fromkeys(LEARNERS, 0.0), BROWSER_LEARNER: section.quiz.max_points}
    assert {(learner, SECTION) for learner in learners} <= set(pages)
    assert not any(page["provisional"] for page in pages.values())
    for learner in learners:
        row, page = grades[(learner, SECTION)], pages[(learner, SECTION)]
        assert float(row["quiz_score"]) == page["score"] == counted[learner], (learner, row, graded.stdout)
        assert float(row["late_penalty"] or 0) == page["penalty"] == 0.0, learner
        assert page["status"] == row["status"] == moodle[learner][f"{quiz_item} (Feedback)"], learner
        assert row["review"] == ("reviewed" if learner in reviewed else "no comments"), learner
        assert not page["provisional"] and page["pending"] == 0, learner
        assert page["comments"] == float(row["comments_score"]), learner
        points = f"{counted[learner]:g}"
        assert moodle[learner][quiz_item] == points == canvas[learner][canvas_quiz], learner
        comments = f"{float(row['comments_score']):g}"
        assert moodle[learner][comments_item] == comments == canvas[learner][canvas_comments], learner
        assert "review pending" not in moodle[learner][f"{comments_item} (Feedback)"], learner
    assert grades[(BROWSER_LEARNER, SECTION)]["comments_reviewed"] == "1"


def wait_for_score(row) -> str:
    """The "Overall Score" cell of a formgrader student row once it shows "<score> / <max>".

    The row is polled while formgrader's page may still be navigating (a click on "Manage Students" replaces
    the frame's document): a poll that meets the old document going away is "not yet", not a failure.
    """
    from hub_browser import wait_for
    from playwright.sync_api import Error as PlaywrightError

    def score() -> str | None:
        try:
            cells = row.locator("td").all_inner_texts()
        except PlaywrightError as exc:
            if "Execution context was destroyed" in str(exc):
                return None
            raise
        return next((t.strip() for t in cells if re.fullmatch(r"[\d.]+ / [\d.]+", t.strip())), None)

    return wait_for(score, 60, "a score")


# --- the quiz service: attempts scored and recorded where the learner cannot edit them ---------------

QUIZ_SECTION = "networks_consortia"
QUIZ_SCRIPT = """
import json, sys
from pathlib import Path
from coursekit.widgets import quiz_view_for
folder, section, answers = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
view = quiz_view_for(section, folder)
opened = dict(view.root.view)
started = ""
if opened["phase"] == "start":  # a timed quiz: Start attempt starts its clock
    view.start()
    started = view.root.view["message"]
for question_id, value in answers.items():
    view.answer(question_id, value)
if sys.argv[4] == "submit":
    view.submit(confirmed=True)
print(json.dumps({"opened": opened["message"], "header": opened["header"], "started": started,
                  "message": view.root.view["message"],
                  "result": view.root.view["result"], "salt": view.session.public["salt"],
                  "digests": sum("answer_digest" in q for q in view.session.public["questions"])}))
"""


@pytest.fixture(scope="module")
def quiz_settings(centre):
    """Change the trusted quiz's settings in the trainer's source/ (the service reads them); restored after."""
    path = centre["project"] / "source" / QUIZ_SECTION / "quiz.json"
    original = path.read_text(encoding="utf-8")

    def apply(**settings):
        public = json.loads(original)
        public["settings"].update(settings)
        path.write_text(json.dumps(public), encoding="utf-8")

    yield apply
    path.write_text(original, encoding="utf-8")


def _running_server(centre, learner: str) -> None:
    """The learner's server, started when it is not running yet."""
    user = _http("GET", f"{centre['url']}/hub/api/users/{learner}", centre["token"])[1]
    if not user["servers"].get("", {}).get("ready"):
        _start_server(centre, learner)


def _server_env(learner: str) -> dict:
    """The environment of the learner's single-user server, which its kernels inherit."""
    uid = pwd.getpwnam(learner).pw_uid
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or proc.stat().st_uid != uid:
                continue
            if b"jupyterhub-singleuser" in (proc / "cmdline").read_bytes():
                items = (proc / "environ").read_bytes().decode().split("\0")
                return dict(item.split("=", 1) for item in items if "=" in item)
        except OSError:
            continue
    raise AssertionError(f"no server process of {learner}")


def _quiz_folder(learner: str) -> Path:
    folder = Path(pwd.getpwnam(learner).pw_dir) / "quiz-service" / QUIZ_SECTION
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "release" / QUIZ_SECTION / "quiz.json", folder / "quiz.json")
    subprocess.run(["chown", "-R", f"{learner}:{learner}", str(folder.parent)], check=True)
    return folder


def _kernel_quiz(learner: str, env: dict, answers: dict, action: str = "submit") -> dict:
    """Run the quiz widget's code as the learner, in the learner's server environment; what it showed."""
    done = _run_as(learner, sys.executable, "-c", QUIZ_SCRIPT, str(_quiz_folder_path(learner)), QUIZ_SECTION,
                   json.dumps(answers), action, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return json.loads(done.stdout.strip().splitlines()[-1])


def _quiz_folder_path(learner: str) -> Path:
    return Path(pwd.getpwnam(learner).pw_dir) / "quiz-service" / QUIZ_SECTION


def _quiz_answers(learner: str, number: int, right: set[str] | None) -> dict:
    """Answers to the questions the quiz service draws for ``learner``'s attempt ``number``: right in the slots
    ``right`` (all when None), wrong in the others."""
    from grading_support import drawn_answers

    return drawn_answers(load_course(REPO / "course").section(QUIZ_SECTION), learner, number, right,
                         secret=_service_key())


_SERVICE_KEY: dict = {}
"""The running hub's gradebook URL and, once read, its quiz service's draw key (set by ``centre``)."""


def _service_key() -> bytes:
    """The key the hub's quiz service draws pooled questions with, read from its gradebook as grading reads it."""
    if "key" not in _SERVICE_KEY:
        from coursekit.gradebook.engine import make_engine
        from coursekit.service.draw_key import read_draw_key

        engine = make_engine(_SERVICE_KEY["db_url"])
        try:
            _SERVICE_KEY["key"] = read_draw_key(engine)
        finally:
            engine.dispose()
    return _SERVICE_KEY["key"]


def _drawn(section, learner: str, number: int) -> list:
    """The questions of ``section`` the hub's quiz service draws for ``learner``'s attempt ``number``, in order."""
    quiz = section.quiz
    return drawn_spec(quiz, draw_for_attempt(quiz, learner, section.id, number, _service_key())).questions


def _trainer_client(centre):
    from coursekit.service.client import QuizServiceClient

    status, body = _http("POST", f"{centre['url']}/hub/api/users/{TRAINER}/tokens", centre["token"],
                         data={"note": "quiz service"})
    assert status == 201, body
    return QuizServiceClient(f"{centre['url']}/services/coursekit-quiz/", body["token"], timeout=30)


def _wait_for_service(centre) -> None:
    """Wait until the quiz service answers (the hub notices a stopped service within its 30 s poll)."""
    from coursekit.service.client import ServiceUnavailable

    client = _trainer_client(centre)

    def answers() -> bool:
        try:
            return client.attempts(section="no-such") == []
        except ServiceUnavailable:
            return False

    _wait(answers, 90, "the quiz service did not answer")


def test_quiz_service_counts_attempts_from_the_learners_kernel_not_the_file(centre, quiz_settings):
    learner = LEARNERS[1]
    quiz_settings(attempts=2)
    _running_server(centre, learner)
    _wait_for_service(centre)
    env = _server_env(learner)
    assert env["COURSEKIT_QUIZ_URL"].endswith("/services/coursekit-quiz/") and env["JUPYTERHUB_API_TOKEN"]
    assert "COURSEKIT_DB_URL" not in env
    _quiz_folder(learner)
    course = load_course(REPO / "course")
    section = course.section(QUIZ_SECTION)
    first_slot = section.quiz.quiz_slots[0]
    shown = _kernel_quiz(learner, env, _quiz_answers(learner, 1, {first_slot.id}))
    assert "attempts left: 2" in shown["header"], shown
    assert "Attempt 1 submitted and recorded by the quiz server" in shown["message"], shown
    assert shown["salt"] is None and shown["digests"] == 0  # the key's digests never reach the kernel
    responses = _quiz_folder_path(learner) / "responses" / f"{QUIZ_SECTION}.json"
    _run_as(learner, "rm", "-f", str(responses), str(responses.with_name(f".{QUIZ_SECTION}.service.json")))
    shown = _kernel_quiz(learner, env, _quiz_answers(learner, 2, set()))
    assert "attempts left: 1" in shown["header"], shown  # deleting the file started nothing again
    assert "Attempt 2 submitted and recorded" in shown["message"], shown
    _run_as(learner, "rm", "-f", str(responses), str(responses.with_name(f".{QUIZ_SECTION}.service.json")))
    shown = _kernel_quiz(learner, env, _quiz_answers(learner, 3, None))
    assert "no attempts left: 2 of 2 used" in shown["message"], shown  # the third is refused by the server
    listed = _coursekit(centre, "attempts", "--section", QUIZ_SECTION, "--learner", learner)
    assert "2 attempt(s)" in listed.stdout, listed.stdout
    # the trainer collects a file claiming full marks: the grade is the recorded one (attempt 1: one question)
    from grading_support import answers, attempt, write_submission

    from coursekit.paths import ProjectPaths

    paths = ProjectPaths(centre["project"])
    write_submission(paths, course, section, learner, [attempt(1, answers(section))] * 2)
    subprocess.run(["chown", "-R", f"{TRAINER}:{TRAINER}", str(paths.grader / "submitted")], check=True)
    graded = _run_as(TRAINER, str(BIN / "coursekit"), "--root", str(centre["project"]), "autograde", "--section",
                     QUIZ_SECTION, "--learner", learner, "--quiet", "--jobs", "1", env=centre["trainer_env"],
                     check=False)
    assert "recorded by the quiz server; graded from the quiz server's record" in graded.stdout, graded.stdout
    from sqlalchemy import create_engine, text

    engine = create_engine(centre["db_url"])
    with engine.connect() as conn:
        score = conn.execute(text(
            "SELECT SUM(g.auto_score) FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN student s ON sa.student_id = s.id "
            "JOIN assignment a ON sa.assignment_id = a.id JOIN base_cell bc ON g.cell_id = bc.id "
            "WHERE s.id = :l AND a.name = :s AND bc.name LIKE 'quiz%'"), {"l": learner, "s": QUIZ_SECTION}).scalar()
    engine.dispose()
    assert score == pytest.approx(section.quiz.slot_points(first_slot)), graded.stdout


def test_quiz_service_refuses_after_close_and_submits_when_time_runs_out(centre, quiz_settings):
    learner = LEARNERS[2]
    quiz_settings(time_limit=0.05)  # 3 seconds
    _running_server(centre, learner)
    _wait_for_service(centre)
    env = _server_env(learner)
    _quiz_folder(learner)
    first_id = _drawn(load_course(REPO / "course").section(QUIZ_SECTION), learner, 1)[0].id
    saved = _kernel_quiz(learner, env, {first_id: _quiz_answers(learner, 1, None)[first_id]}, action="answer")
    assert "Traceback" not in saved["message"]
    time.sleep(4)
    shown = _kernel_quiz(learner, env, _quiz_answers(learner, 2, None))
    assert shown["opened"].startswith("Time is up: your attempt was submitted at {time}"), shown
    trainer = _trainer_client(centre)
    [recorded] = trainer.attempts(section=QUIZ_SECTION, learner=learner)
    assert recorded["auto_submitted"] is True and set(recorded["answers"]) == {first_id}  # what was saved in time
    from datetime import datetime

    took = datetime.fromisoformat(recorded["submitted_at"]) - datetime.fromisoformat(recorded["started_at"])
    assert took.total_seconds() == pytest.approx(3.0, abs=0.01)  # the server's clock: started + limit
    quiz_settings(close="2020-01-01T00:00:00Z")
    shown = _kernel_quiz(learner, env, _quiz_answers(learner, 2, None))
    # the close date alone (no time limit now): nothing to start, the submit is refused and the learner told so
    assert "the quiz closed at 2020-01-01 00:00 UTC" in shown["started"] + shown["message"], shown
    assert len(trainer.attempts(section=QUIZ_SECTION, learner=learner)) == 1


def test_quiz_service_keeps_learners_apart_and_the_key_away(centre, quiz_settings):
    from coursekit.service.client import QuizServiceClient, ServiceRefused

    quiz_settings()
    intruder, other = LEARNERS[1], LEARNERS[2]
    _running_server(centre, intruder)
    _wait_for_service(centre)
    env = _server_env(intruder)
    mine = QuizServiceClient(env["COURSEKIT_QUIZ_URL"], env["JUPYTERHUB_API_TOKEN"], timeout=30)
    assert {a["learner"] for a in mine.attempts()} == {intruder}
    with pytest.raises(ServiceRefused) as refused:
        mine.attempts(learner=other)
    assert refused.value.status == 403
    assert all("answer_digest" not in json.dumps(a) for a in mine.attempts())
    source = centre["project"] / "source" / QUIZ_SECTION
    for secret in (source / f"{QUIZ_SECTION}.ipynb", source / "quiz.json"):
        denied = _run_as(intruder, "cat", str(secret), check=False)
        assert denied.returncode != 0 and "Permission denied" in denied.stderr
    port = centre["db_url"].rsplit(":", 1)[1].split("/")[0]
    probe = ("import sys, sqlalchemy\n"
             f"url = 'postgresql+psycopg2://{intruder}@127.0.0.1:{port}/gradebook'\n"
             "try:\n    sqlalchemy.create_engine(url).connect()\nexcept Exception as exc:\n"
             "    print('refused', type(exc).__name__)\nelse:\n    print('connected')\n")
    reached = _run_as(intruder, sys.executable, "-c", probe, env=env, check=False)
    assert reached.stdout.startswith("refused"), reached.stdout + reached.stderr
    everyone = {a["learner"] for a in _trainer_client(centre).attempts(section=QUIZ_SECTION)}
    assert {intruder, other} <= everyone


def _service_pids() -> list[int]:
    """The quiz service's process (started by the hub as the trainer), if it runs."""
    uid, found = pwd.getpwnam(TRAINER).pw_uid, []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and proc.stat().st_uid == uid and \
                    b"service\0run" in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@contextlib.contextmanager
def _quiz_service_down():
    """Keep the quiz service down (the hub restarts it: it is killed again) until the block ends."""
    stop = threading.Event()

    def keep_killing():
        while not stop.is_set():
            for pid in _service_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
            time.sleep(0.05)

    killer = threading.Thread(target=keep_killing)
    killer.start()
    try:
        yield
    finally:
        stop.set()
        killer.join()


def test_quiz_service_stopped_mid_quiz_loses_nothing_and_counts_nothing_twice(centre, quiz_settings):
    learner = LEARNERS[0]
    quiz_settings()
    _running_server(centre, learner)
    _wait_for_service(centre)
    env = _server_env(learner)
    _quiz_folder(learner)
    questions = _drawn(load_course(REPO / "course").section(QUIZ_SECTION), learner, 1)
    right = _quiz_answers(learner, 1, None)
    _kernel_quiz(learner, env, {questions[0].id: right[questions[0].id]}, action="answer")
    assert _service_pids()
    with _quiz_service_down():  # stopped mid-quiz; the hub starts it again afterwards
        offline = _kernel_quiz(learner, env, {questions[1].id: right[questions[1].id]})
    assert "cannot be reached" in offline["message"] and "Attempt 1 submitted and saved" in offline["message"]
    _wait_for_service(centre)
    back = _kernel_quiz(learner, env, {}, action="answer")  # the notebook is opened again
    assert "1 attempt(s) kept on this computer were sent" in back["opened"], back
    again = _kernel_quiz(learner, env, {}, action="answer")
    assert "were sent" not in again["opened"]
    [recorded] = _trainer_client(centre).attempts(section=QUIZ_SECTION, learner=learner)
    assert recorded["answers"] == {questions[0].id: right[questions[0].id], questions[1].id: right[questions[1].id]}


def test_fifty_learners_submit_to_the_quiz_service_at_once(centre, quiz_settings):
    from concurrent.futures import ThreadPoolExecutor

    from coursekit.service.client import QuizServiceClient

    quiz_settings(attempts=1)
    url, admin = centre["url"], centre["token"]
    names = [f"quiz{n:02d}" for n in range(50)]
    status, body = _http("POST", f"{url}/hub/api/users", admin, data={"usernames": names})
    assert status == 201, body
    status, body = _http("POST", f"{url}/hub/api/groups/learners/users", admin, data={"users": names})
    assert status == 200, body
    tokens = {}
    for name in names:
        status, body = _http("POST", f"{url}/hub/api/users/{name}/tokens", admin, data={"note": "load"})
        assert status == 201, body
        tokens[name] = body["token"]
    _wait_for_service(centre)
    answers = {name: _quiz_answers(name, 1, None) for name in names}  # each learner's own draw

    def submit(name):
        client = QuizServiceClient(f"{url}/services/coursekit-quiz/", tokens[name], timeout=60)
        return [client.submit(QUIZ_SECTION, f"{name}-only", answers[name])["repeated"] for _ in range(2)]

    with ThreadPoolExecutor(max_workers=50) as pool:
        repeats = list(pool.map(submit, names))
    assert repeats == [[False, True]] * 50
    recorded = [a for a in _trainer_client(centre).attempts(section=QUIZ_SECTION) if a["learner"] in names]
    assert sorted(a["learner"] for a in recorded) == names  # each exactly once


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
