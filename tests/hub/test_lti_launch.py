"""Launching coursekit from the LMS into the real hub: LTI 1.3 through the platform's OIDC flow, for real.

A real LTI 1.3 platform (``lti1p3platform``, tests/lti_platform/) on loopback knows a learner and a trainer;
the hub (deploy/jupyterhub_config.py) runs with the COURSEKIT_LTI_* settings, so its login is the LTI launch.
In Chromium, a click on the course's link (the platform's login initiation) goes through the hub's OIDC
login, the platform's authorize endpoint and its auto-posted id_token: the learner lands in JupyterLab in
learner mode with the launched section fetched from the exchange and open; the trainer lands in trainer mode.
A learner and the trainer come with no system account: the hub makes theirs at the first launch (the trainer's
in the trainers' system group). Then the refusals, each a page with one sentence and no traceback: a replayed
launch, an expired one, one for another audience, one from an unknown deployment, an LMS login that cannot be
a learner id, one that is an account of the machine itself. Root only
(system accounts); ``python -m pytest -m hub tests/hub/test_lti_launch.py``.
"""

from __future__ import annotations

import grp
import html
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jwt
import pytest
from hub_start import free_port as _free_port
from hub_start import hub_api as _api
from hub_start import remove_accounts, running_hub
from lti_support import CONTEXT, INSTRUCTOR, LEARNER, running_platform
from process_support import traversable
from project_support import REPO

from coursekit.authoring.course import load_course

pytestmark = [pytest.mark.slow, pytest.mark.hub]

BASE = Path("/srv/coursekit-lti-launch-test")
LEARNER_LOGIN, TRAINER_LOGIN = "ck-lti-ada", "ck-lti-tina"
NEW_LEARNER_LOGIN = "ck-lti-neo"  # comes from the LMS with no account on the hub's machine
ODD_LOGIN_MEMBER = "lms-666"  # an LMS login that cannot be a learner id
SYSTEM_LOGIN_MEMBER = "lms-667"  # an LMS login that is one of the machine's own accounts
MEMBERS = [
    {"user_id": "lms-201", "name": "Ada Lovelace", "email": f"{LEARNER_LOGIN}@example.org", "roles": [LEARNER]},
    {"user_id": "lms-202", "name": "Neo New", "email": f"{NEW_LEARNER_LOGIN}@example.org", "roles": [LEARNER]},
    {"user_id": "lms-901", "name": "Tina Trainer", "email": f"{TRAINER_LOGIN}@example.org", "roles": [INSTRUCTOR]},
    {"user_id": ODD_LOGIN_MEMBER, "name": "Odd Login", "email": "Ck-Odd<b>@example.org", "roles": [LEARNER]},
    {"user_id": SYSTEM_LOGIN_MEMBER, "name": "Daemon", "email": "daemon@example.org", "roles": [LEARNER]},
]
EXISTING = (LEARNER_LOGIN,)  # made before the hub starts, as an administrator does
MADE_AT_LAUNCH = (NEW_LEARNER_LOGIN, TRAINER_LOGIN)  # made by the hub at their first launch
ACCOUNTS = (*EXISTING, *MADE_AT_LAUNCH)
TRAINERS_SYSTEM_GROUP = "ck-lti-trainers"
SECTION = "cooperation_networking"
PROXY = REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def lti_hub():
    if os.geteuid() != 0:
        pytest.fail("the hub tests create system accounts: run them as root (CI does)")
    assert PROXY.exists(), "configurable-http-proxy is missing: make test-hub installs it with npm"
    shutil.rmtree(BASE, ignore_errors=True)
    (BASE / "home").mkdir(parents=True)
    for folder in (BASE, BASE / "home"):
        folder.chmod(0o755)
    remove_accounts(ACCOUNTS)
    subprocess.run(["groupdel", TRAINERS_SYSTEM_GROUP], capture_output=True)
    subprocess.run(["groupadd", TRAINERS_SYSTEM_GROUP], check=True)
    for user in EXISTING:
        subprocess.run(["useradd", "-m", "-d", str(BASE / "home" / user), "-s", "/bin/bash", user], check=True)
        (BASE / "home" / user).chmod(0o700)
    exchange, project, lti = BASE / "exchange", BASE / "project", BASE / "lti"
    exchange.mkdir()
    exchange.chmod(0o1777)
    lti.mkdir()
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, project / name)
    (project / "grader").mkdir()
    shutil.copy(REPO / "grader" / "nbgrader_config.py", project / "grader")
    course = load_course(project / "course")
    # The trainer has released the course to the exchange (nbgrader release_assignment, coursekit's way).
    from coursekit.autograde.exchange import release_to_exchange
    from coursekit.paths import ProjectPaths

    saved = os.environ.get("COURSEKIT_EXCHANGE")
    os.environ["COURSEKIT_EXCHANGE"] = str(exchange)
    try:
        release_to_exchange(course, ProjectPaths(project), f"sqlite:///{project / 'grader' / 'gradebook.db'}")
    finally:
        os.environ.pop("COURSEKIT_EXCHANGE") if saved is None else os.environ.update(COURSEKIT_EXCHANGE=saved)

    hub_port, admin_token = _free_port(), secrets.token_hex(16)
    hub_url = f"http://127.0.0.1:{hub_port}"
    try:
        with traversable([Path(os.path.realpath(sys.executable)), Path(sys.executable), REPO]), \
                running_platform(lti, lti, members=MEMBERS, tool_login_url=f"{hub_url}/hub/lti13/oauth_login",
                                 tool_launch_url=f"{hub_url}/hub/lti13/oauth_callback") as platform:
            # the tool's registration and key where the hub signs the activity chooser's answer
            registration = json.loads((lti / "lti_tool.json").read_text(encoding="utf-8"))
            registration["launch_url"] = f"{hub_url}/hub/lti13/oauth_callback"
            (project / "grader" / "lti_tool.json").write_text(json.dumps(registration), encoding="utf-8")
            shutil.copy(lti / "lti_tool_key.pem", project / "grader" / "lti_tool_key.pem")
            state = BASE / "hub"
            state.mkdir()
            env = {**os.environ, "PATH": f"{BIN}:/usr/bin:/bin", "COURSEKIT_HUB_URL": hub_url,
                   "COURSEKIT_HUB_STATE": str(state), "COURSEKIT_LEARNERS": "", "COURSEKIT_TRAINERS": "",
                   "COURSEKIT_PROFILE_SCRIPT": "", "COURSEKIT_EXCHANGE": str(exchange),
                   "COURSEKIT_COURSE_ID": course.id, "COURSEKIT_PROXY": str(PROXY),
                   "COURSEKIT_FORMGRADER_PORT": "0", "COURSEKIT_HUB_ADMIN_TOKEN": admin_token,
                   "COURSEKIT_LTI_ISSUER": platform.issuer, "COURSEKIT_LTI_CLIENT_ID": platform.client_id,
                   "COURSEKIT_LTI_DEPLOYMENT_IDS": platform.deployment_id,
                   "COURSEKIT_LTI_JWKS_URL": f"{platform.url}/.well-known/jwks.json",
                   "COURSEKIT_LTI_AUTHORIZE_URL": f"{platform.url}/authorize",
                   "COURSEKIT_LTI_LOGIN_FROM": "email_local", "JUPYTERHUB_CRYPT_KEY": secrets.token_hex(32),
                   "COURSEKIT_LTI_ACCOUNT_HOMES": str(BASE / "home"),
                   "COURSEKIT_GRADER_DIR": str(project / "grader"),
                   "COURSEKIT_LTI_TRAINERS_GROUP": TRAINERS_SYSTEM_GROUP}
            with running_hub(hub_url, env, state, admin_token, BASE / "hub.log", "lti-hub.log"):
                platform_file = json.loads((lti / "lti_platform.json").read_text(encoding="utf-8"))
                private_key = platform_file["platform_private_key"]
                yield {"url": hub_url, "token": admin_token, "platform": platform, "course": course,
                       "private_key": private_key, "log": BASE / "hub.log", "grader": project / "grader"}
    finally:
        remove_accounts(ACCOUNTS)
        subprocess.run(["groupdel", TRAINERS_SYSTEM_GROUP], capture_output=True)
        shutil.rmtree(BASE, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    from hub_browser import chromium as launch

    with launch() as browser:
        yield browser


def _launch_link(lti_hub, member: str, section: str = "", link: str = "link-1") -> str:
    """The course link's address in the platform: its OIDC login initiation towards the hub."""
    query = urllib.parse.urlencode({"user": member, "section": section})
    return f"{lti_hub['platform'].url}/launch/{link}?{query}"


def _user(lti_hub, name: str) -> dict:
    status, body = _api("GET", f"{lti_hub['url']}/hub/api/users/{name}?include_stopped_servers", lti_hub["token"])
    assert status == 200, body
    return body


def test_learner_launches_into_the_section_fetched_and_open_in_learner_mode(lti_hub, chromium):
    from hub_browser import HubSession

    session = HubSession(chromium, lti_hub["url"], LEARNER_LOGIN)
    course_id = lti_hub["course"].id
    notebook = f"{course_id}/{SECTION}/{SECTION}.ipynb"
    try:
        session.page.goto(_launch_link(lti_hub, "lms-201", SECTION))
        session.page.wait_for_url(re.compile(rf"/user/{LEARNER_LOGIN}/lab/tree/{re.escape(notebook)}"),
                                  timeout=180_000)
        session.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).wait_for(timeout=120_000)
        tab = session.page.locator(".lm-TabBar-tabLabel", has_text=f"{SECTION}.ipynb")
        tab.first.wait_for(timeout=60_000)
        session.dismiss_toasts()
        session.shot("lti-learner-01-section-open")
        bar = session.menu_bar()
        assert "Assignments" in bar and "Nbgrader" not in bar, bar
        fetched = BASE / "home" / LEARNER_LOGIN / notebook
        assert fetched.is_file() and fetched.stat().st_uid == os.stat(BASE / "home" / LEARNER_LOGIN).st_uid
        user = _user(lti_hub, LEARNER_LOGIN)
        assert user["groups"] == ["learners"] and not user["admin"]
        assert user["auth_state"]["lms_user_id"] == "lms-201"
        assert user["auth_state"]["mode"] == "learner" and user["auth_state"]["section"] == SECTION
        # the course's service URLs of the launch, kept where coursekit lms sync and roster find them
        platform = lti_hub["platform"]
        services = json.loads((lti_hub["grader"] / "lti_services.json").read_text(encoding="utf-8"))["contexts"]
        assert services == [{"issuer": platform.issuer, "deployment_id": platform.deployment_id,
                             "context_id": CONTEXT["id"], "context_title": CONTEXT["title"],
                             "lineitems_url": f"{platform.url}/ags/{CONTEXT['id']}/lineitems",
                             "memberships_url": f"{platform.url}/nrps/{CONTEXT['id']}/memberships"}]

        # The same link again: the copy is opened as it is (the learner's work is never fetched over).
        fetched.write_text(fetched.read_text(encoding="utf-8").replace("}", "} ", 1), encoding="utf-8")
        before = fetched.read_bytes()
        session.page.goto(_launch_link(lti_hub, "lms-201", SECTION, link="link-2"))
        session.page.wait_for_url(re.compile(rf"/user/{LEARNER_LOGIN}/lab/tree/{re.escape(notebook)}"),
                                  timeout=120_000)
        assert fetched.read_bytes() == before
        assert not session.errors, session.errors
    finally:
        session.close()


def _assert_made_at_launch(login: str, trainer: bool) -> None:
    """The system account the launch made: own home (0700) under the test's homes, bash, the trainers' group."""
    account = pwd.getpwnam(login)
    home = BASE / "home" / login
    assert account.pw_dir == str(home) and account.pw_shell == "/bin/bash" and account.pw_uid >= 1000
    assert home.stat().st_uid == account.pw_uid and stat.S_IMODE(home.stat().st_mode) == 0o700
    assert grp.getgrgid(account.pw_gid).gr_name == login
    assert (login in grp.getgrnam(TRAINERS_SYSTEM_GROUP).gr_mem) is trainer


def test_a_learner_new_to_the_hub_gets_an_account_at_the_first_launch_and_lands_in_the_section(lti_hub, chromium):
    from hub_browser import HubSession

    with pytest.raises(KeyError):
        pwd.getpwnam(NEW_LEARNER_LOGIN)
    session = HubSession(chromium, lti_hub["url"], NEW_LEARNER_LOGIN)
    notebook = f"{lti_hub['course'].id}/{SECTION}/{SECTION}.ipynb"
    try:
        session.page.goto(_launch_link(lti_hub, "lms-202", SECTION))
        session.page.wait_for_url(re.compile(rf"/user/{NEW_LEARNER_LOGIN}/lab/tree/{re.escape(notebook)}"),
                                  timeout=180_000)
        session.page.locator(".lm-TabBar-tabLabel", has_text=f"{SECTION}.ipynb").first.wait_for(timeout=120_000)
        session.dismiss_toasts()
        session.shot("lti-new-learner-01-section-open")
        bar = session.menu_bar()
        assert "Assignments" in bar and "Nbgrader" not in bar, bar
        _assert_made_at_launch(NEW_LEARNER_LOGIN, trainer=False)
        fetched = BASE / "home" / NEW_LEARNER_LOGIN / notebook
        assert fetched.is_file() and fetched.stat().st_uid == pwd.getpwnam(NEW_LEARNER_LOGIN).pw_uid
        user = _user(lti_hub, NEW_LEARNER_LOGIN)
        assert user["groups"] == ["learners"] and user["auth_state"]["lms_user_id"] == "lms-202"
        assert not session.errors, session.errors
    finally:
        session.close()


def test_trainer_launches_into_trainer_mode(lti_hub, chromium):
    from hub_browser import HubSession

    session = HubSession(chromium, lti_hub["url"], TRAINER_LOGIN)
    with pytest.raises(KeyError):
        pwd.getpwnam(TRAINER_LOGIN)  # a trainer new to the hub's machine
    try:
        session.page.goto(_launch_link(lti_hub, "lms-901", SECTION))
        session.page.wait_for_url(re.compile(rf"/user/{TRAINER_LOGIN}/lab"), timeout=180_000)
        session.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).wait_for(timeout=120_000)
        session.dismiss_toasts()
        session.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).wait_for(timeout=60_000)
        session.shot("lti-trainer-01-lab")
        bar = session.menu_bar()
        assert "Nbgrader" in bar and "Assignments" not in bar, bar
        user = _user(lti_hub, TRAINER_LOGIN)
        assert user["groups"] == ["trainers"]
        assert user["auth_state"]["lms_user_id"] == "lms-901" and user["auth_state"]["mode"] == "trainer"
        _assert_made_at_launch(TRAINER_LOGIN, trainer=True)
        assert not session.errors, session.errors
    finally:
        session.close()


class _Browserless:
    """The launch walked with plain HTTP (own cookies), to replay or alter what the platform posts."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, url: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def launch_form(self, link: str) -> tuple[str, dict[str, str]]:
        """Follow the login initiation and the authorize request; the auto-posted form's action and fields."""
        status, _, page = self.open(link)
        assert status == 200, page
        action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
        fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
        assert set(fields) == {"id_token", "state"}, page
        return action, fields


def _resign(lti_hub, id_token: str, **changes) -> str:
    header = jwt.get_unverified_header(id_token)
    claims = jwt.decode(id_token, options={"verify_signature": False}) | changes
    return jwt.encode(claims, lti_hub["private_key"], algorithm="RS256", headers={"kid": header.get("kid")})


def _assert_refusal_page(status: int, page: str, code: int, words: str) -> None:
    assert status == code, (status, page[:2000])
    assert words in html.unescape(page), page[:3000]
    assert "Traceback" not in page and "File \"" not in page


def test_a_replayed_launch_is_refused_in_one_sentence(lti_hub):
    client = _Browserless()
    action, fields = client.launch_form(_launch_link(lti_hub, "lms-201", SECTION))
    status, url, _ = client.open(action, fields)
    assert status == 200 and LEARNER_LOGIN in url, url
    status, _, page = client.open(action, fields)  # the same signed launch once more
    _assert_refusal_page(status, page, 400, "already used")


@pytest.mark.parametrize(("changes", "code", "words"), [
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, 400, "This launch has expired"),
    ({"aud": "another-tool", "azp": "another-tool"}, 401, "issued for another tool"),
    ({"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-9"}, 403,
     "an LMS deployment the hub does not know ('deployment-9')"),
])
def test_expired_foreign_and_unknown_deployment_launches_are_refused(lti_hub, changes, code, words):
    client = _Browserless()
    action, fields = client.launch_form(_launch_link(lti_hub, "lms-201", SECTION))
    fields["id_token"] = _resign(lti_hub, fields["id_token"], **changes)
    status, _, page = client.open(action, fields)
    _assert_refusal_page(status, page, code, words)


def test_an_lms_login_that_cannot_be_a_learner_id_is_refused_by_name(lti_hub):
    client = _Browserless()
    action, fields = client.launch_form(_launch_link(lti_hub, ODD_LOGIN_MEMBER, SECTION))
    status, _, page = client.open(action, fields)
    _assert_refusal_page(status, page, 403, "The LMS login 'Ck-Odd<b>' cannot be a coursekit login")
    assert _api("GET", f"{lti_hub['url']}/hub/api/users/ck-odd%3Cb%3E", lti_hub["token"])[0] == 404


def test_a_trainer_adds_released_sections_with_the_activity_chooser(lti_hub, chromium):
    from hub_browser import HubSession

    platform, course = lti_hub["platform"], lti_hub["course"]
    released = [s.id for s in course.sections if (lti_hub["grader"].parent / "release" / s.id).is_dir()]
    assert len(released) >= 2
    session = HubSession(chromium, lti_hub["url"], TRAINER_LOGIN)
    try:
        query = urllib.parse.urlencode({"user": "lms-901", "section": "", "deep_link": 1})
        session.page.goto(f"{platform.url}/launch/chooser-1?{query}")  # the LMS's activity chooser: coursekit
        session.page.wait_for_url(re.compile(r"/hub/coursekit/deep-link$"), timeout=120_000)
        session.page.get_by_role("heading", name="Add coursekit sections to the course").wait_for()
        boxes = session.page.locator('input[name="section"]')
        assert [boxes.nth(i).get_attribute("value") for i in range(boxes.count())] == released
        chosen = released[:2]
        for section in chosen:
            session.page.locator(f'input[name="section"][value="{section}"]').check()
        session.page.get_by_label("Also a gradebook column for the comments").check()
        session.shot("lti-trainer-02-activity-chooser")
        session.page.get_by_role("button", name="Add to the course").click()
        session.page.wait_for_url(re.compile(r"/deep_link_return$"), timeout=60_000)  # posted back to the LMS
        linked = platform.state()["deep_linked"][-1]
        assert linked["data"] == "dl-chooser-1"
        expected = [(sid, tag) for sid in chosen for tag in ("coursekit-quiz", "coursekit-comments")
                    if tag == "coursekit-quiz" or course.section(sid).comments]
        assert [(i["custom"]["section"], i["lineItem"]["tag"]) for i in linked["items"]] == expected
        assert {i["url"] for i in linked["items"]} == {f"{lti_hub['url']}/hub/lti13/oauth_callback"}
        # the chooser's request is used up: the page again says to start from the LMS
        response = session.page.goto(f"{lti_hub['url']}/hub/coursekit/deep-link")
        assert response.status == 400
        assert "No activity chooser is open for you" in session.page.content()
    finally:
        session.close()


def test_a_learners_activity_chooser_launch_is_refused(lti_hub):
    client = _Browserless()
    query = urllib.parse.urlencode({"user": "lms-201", "section": "", "deep_link": 1})
    action, fields = client.launch_form(f"{lti_hub['platform'].url}/launch/chooser-2?{query}")
    status, _, page = client.open(action, fields)
    _assert_refusal_page(status, page, 403, "Only the course's instructors and teaching assistants add coursekit")


def test_an_lms_login_that_is_one_of_the_machines_own_accounts_is_refused_by_name(lti_hub):
    daemon = pwd.getpwnam("daemon")
    client = _Browserless()
    action, fields = client.launch_form(_launch_link(lti_hub, SYSTEM_LOGIN_MEMBER, SECTION))
    status, _, page = client.open(action, fields)
    _assert_refusal_page(status, page, 403,
                         f"The login 'daemon' is a system account of the hub's machine (uid {daemon.pw_uid})")
    assert _api("GET", f"{lti_hub['url']}/hub/api/users/daemon", lti_hub["token"])[0] == 404
    assert pwd.getpwnam("daemon") == daemon


def test_hub_log_holds_no_server_error(lti_hub):
    log = lti_hub["log"].read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and " 500 " not in log, log[-5000:]
