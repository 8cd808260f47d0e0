"""JupyterHub for a coursekit course on one machine: learners and trainers, nbgrader exchange, PostgreSQL.

Everything site-specific comes from the environment, so one file serves a
local trial, the integration test (``make test-hub``) and a real machine:

COURSEKIT_HUB_URL        where the hub listens (default http://127.0.0.1:8000)
COURSEKIT_HUB_STATE      folder for the hub's configs; its private/ (0700) holds the hub's database and cookie secret
COURSEKIT_LEARNERS       comma-separated learner accounts (system users)
COURSEKIT_TRAINERS       comma-separated trainer accounts (system users)
COURSEKIT_PASSWORD       shared password for the DummyAuthenticator (local trial only; use PAM or OAuth)
COURSEKIT_COURSE_ID      nbgrader course id (default: course/course.yml next to COURSEKIT_GRADER_DIR)
COURSEKIT_GRADER_DIR     the trainers' nbgrader workspace (the project's grader/ folder)
COURSEKIT_EXCHANGE       the nbgrader exchange folder (shared; inbound is write-only for learners)
COURSEKIT_DB_URL         the trainers' gradebook (PostgreSQL URL); learners never get it
COURSEKIT_PROXY          path of configurable-http-proxy (npm package)
COURSEKIT_FORMGRADER_PORT port of the formgrader service (default 9999; 0 switches it off)
COURSEKIT_QUIZ_PORT      port of the quiz service (default 0: off). With a port, a trainer, the gradebook URL and
                         the grader folder, the hub runs ``coursekit service run`` as the first trainer; learners'
                         quizzes then send answers and attempts to it (COURSEKIT_QUIZ_URL) and it scores them
COURSEKIT_PROFILE_SCRIPT login-shell hook that puts coursekit on PATH (default /etc/profile.d/coursekit.sh;
                         empty: none)
COURSEKIT_LTI_ISSUER     the LMS's issuer: set, learners and trainers log in by launching from the LMS (LTI 1.3,
                         docs/lti.md) instead of the hub's login page; then also
COURSEKIT_LTI_CLIENT_ID  the client id the LMS gave the hub (comma-separated when several)
COURSEKIT_LTI_DEPLOYMENT_IDS the deployment ids the LMS gave (comma-separated); launches from others are refused
COURSEKIT_LTI_JWKS_URL   the LMS's public key set URL
COURSEKIT_LTI_AUTHORIZE_URL the LMS's OIDC authorization URL
COURSEKIT_LTI_LOGIN_FROM which launch claim is the hub login: email_local (default), email, user_id or
                         lis_person_sourcedid (as login_from in grader/lti_tool.json)
COURSEKIT_LTI_ACCOUNT_HOMES set (e.g. /home): a launched login without a system account gets one at its first
                         launch, home <folder>/<login> (coursekit.lms.accounts); unset: the accounts must exist
COURSEKIT_LTI_TRAINERS_GROUP the system group a trainer's new account joins (the project's group, docs/deploy.md)

Learners get JupyterLab in learner mode (nbgrader's instructor tools off, an
Assignments menu); trainers get the formgrader as a hub service that only the
trainers group may open, and in their own JupyterLab (Nbgrader menu).

This file is the one source of the deployment's settings: the exchange, the
gradebook URL, the course id and the grader folder reach the trainers' servers,
their terminals (login shells keep the environment; the profile hook restores
PATH) and the formgrader service as the same COURSEKIT_* variables, and the
nbgrader configs written here read them.
"""

import asyncio
import grp
import json
import os
import pwd
import sys
from pathlib import Path

import yaml

from coursekit.deployment import trainer_server_root
from coursekit.learner import QUIET_LAB, write_learner_config, write_nbgrader_client_config

c = get_config()  # noqa: F821 (provided by JupyterHub)

BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("COURSEKIT_HUB_STATE", "/srv/coursekit-hub"))
LEARNERS = [u for u in os.environ.get("COURSEKIT_LEARNERS", "").split(",") if u]
TRAINERS = [u for u in os.environ.get("COURSEKIT_TRAINERS", "").split(",") if u]
GRADER_DIR = os.environ.get("COURSEKIT_GRADER_DIR", "")
EXCHANGE = os.environ.get("COURSEKIT_EXCHANGE", "/srv/nbgrader/exchange")
DB_URL = os.environ.get("COURSEKIT_DB_URL", "")
FORMGRADER_PORT = int(os.environ.get("COURSEKIT_FORMGRADER_PORT", "9999"))
QUIZ_PORT = int(os.environ.get("COURSEKIT_QUIZ_PORT", "0"))
QUIZ_SERVICE = "coursekit-quiz"
QUIZ_ON = bool(QUIZ_PORT and TRAINERS and DB_URL and GRADER_DIR)
HUB_URL = os.environ.get("COURSEKIT_HUB_URL", "http://127.0.0.1:8000")
PROFILE_SCRIPT = os.environ.get("COURSEKIT_PROFILE_SCRIPT", "/etc/profile.d/coursekit.sh")
PATH = f"{BIN}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin"


def _course_id() -> str:
    """COURSEKIT_COURSE_ID, else the id in the project's course/course.yml, else the demo course's."""
    if os.environ.get("COURSEKIT_COURSE_ID"):
        return os.environ["COURSEKIT_COURSE_ID"]
    course_file = Path(GRADER_DIR).parent / "course" / "course.yml" if GRADER_DIR else None
    if course_file and course_file.is_file():
        return yaml.safe_load(course_file.read_text(encoding="utf-8"))["course_id"]
    return "vet-quality"


COURSE_ID = _course_id()
# What every process of the deployment reads; trainers also get the gradebook and the grader folder.
SHARED_ENV = {"COURSEKIT_EXCHANGE": EXCHANGE, "COURSEKIT_COURSE_ID": COURSE_ID, "COURSEKIT_BIN": str(BIN),
              "PATH": PATH}
if QUIZ_ON:  # every quiz widget finds the quiz service here (through the hub's proxy)
    SHARED_ENV["COURSEKIT_QUIZ_URL"] = f"{HUB_URL.rstrip('/')}/services/{QUIZ_SERVICE}/"
TRAINER_ENV = SHARED_ENV | ({"COURSEKIT_DB_URL": DB_URL} if DB_URL else {}) | (
    {"COURSEKIT_GRADER_DIR": GRADER_DIR} if GRADER_DIR else {})

# The hub's database (users, tokens, OAuth secrets) and cookie secret: readable by the hub's account only.
PRIVATE = STATE / "private"
PRIVATE.mkdir(parents=True, exist_ok=True)
PRIVATE.chmod(0o700)
HUB_DB = PRIVATE / "jupyterhub.sqlite"
HUB_DB.touch(mode=0o600)
HUB_DB.chmod(0o600)

c.JupyterHub.bind_url = HUB_URL
c.JupyterHub.db_url = f"sqlite:///{HUB_DB}"
c.JupyterHub.cookie_secret_file = str(PRIVATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [os.environ.get("COURSEKIT_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(PRIVATE / "proxy.pid")

LTI = {name: os.environ.get(f"COURSEKIT_LTI_{name}", "").strip()
       for name in ("ISSUER", "CLIENT_ID", "DEPLOYMENT_IDS", "JWKS_URL", "AUTHORIZE_URL", "LOGIN_FROM",
                    "ACCOUNT_HOMES", "TRAINERS_GROUP")}
if LTI["ISSUER"]:
    # Launches from the LMS are the login: the LMS says who is in the course and in which role, so the hub's
    # groups follow it (Instructor/TeachingAssistant: trainers, Learner: learners) and anyone it launches may log in.
    missing = [f"COURSEKIT_LTI_{name}" for name in ("CLIENT_ID", "DEPLOYMENT_IDS", "JWKS_URL", "AUTHORIZE_URL")
               if not LTI[name]]
    if not os.environ.get("JUPYTERHUB_CRYPT_KEY"):
        missing.append("JUPYTERHUB_CRYPT_KEY (openssl rand -hex 32: encrypts the LMS user id kept beside the login)")
    if LTI["TRAINERS_GROUP"] and not LTI["ACCOUNT_HOMES"]:
        missing.append("COURSEKIT_LTI_ACCOUNT_HOMES (COURSEKIT_LTI_TRAINERS_GROUP is for the accounts made at launch)")
    if missing:
        sys.exit(f"deploy/jupyterhub_config.py: COURSEKIT_LTI_ISSUER is set, so {', '.join(missing)} must be set too "
                 "(docs/lti.md, the hub's settings)")
    c.JupyterHub.authenticator_class = "coursekit.lms.hub_login.CoursekitLTIAuthenticator"
    c.CoursekitLTIAuthenticator.issuer = LTI["ISSUER"]
    c.CoursekitLTIAuthenticator.client_id = {v.strip() for v in LTI["CLIENT_ID"].split(",") if v.strip()}
    c.CoursekitLTIAuthenticator.deployment_ids = {v.strip() for v in LTI["DEPLOYMENT_IDS"].split(",") if v.strip()}
    c.CoursekitLTIAuthenticator.jwks_endpoint = LTI["JWKS_URL"]
    c.CoursekitLTIAuthenticator.authorize_url = LTI["AUTHORIZE_URL"]
    c.CoursekitLTIAuthenticator.login_from = LTI["LOGIN_FROM"] or "email_local"
    c.CoursekitLTIAuthenticator.create_accounts = bool(LTI["ACCOUNT_HOMES"])
    if GRADER_DIR:  # the course's AGS and NRPS URLs of each launch, for `coursekit lms sync` and `roster`
        c.CoursekitLTIAuthenticator.services_file = str(Path(GRADER_DIR) / "lti_services.json")
        c.CoursekitLTIAuthenticator.grader_dir = GRADER_DIR  # the activity chooser's sections and signing key
    if LTI["ACCOUNT_HOMES"] and not Path(LTI["ACCOUNT_HOMES"]).is_absolute():
        sys.exit("deploy/jupyterhub_config.py: COURSEKIT_LTI_ACCOUNT_HOMES must be an absolute folder, not "
                 f"{LTI['ACCOUNT_HOMES']!r}")
    if LTI["TRAINERS_GROUP"]:
        try:
            grp.getgrnam(LTI["TRAINERS_GROUP"])
        except KeyError:
            sys.exit(f"deploy/jupyterhub_config.py: COURSEKIT_LTI_TRAINERS_GROUP names the system group "
                     f"{LTI['TRAINERS_GROUP']!r}, which does not exist (groupadd it, docs/deploy.md)")
    c.Authenticator.allow_all = True
    c.Authenticator.manage_groups = True
    c.Authenticator.enable_auth_state = True  # the LMS user id beside the login (needs JUPYTERHUB_CRYPT_KEY)
    if HUB_URL.startswith("https://"):
        # The launch is a form posted from the LMS's site: the hub's state and nonce cookies must travel with it.
        c.JupyterHub.tornado_settings = {"cookie_options": {"samesite": "None", "secure": True}}
else:
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ.get("COURSEKIT_PASSWORD", "")
    c.Authenticator.allowed_users = set(LEARNERS + TRAINERS)
    c.JupyterHub.load_groups = {"learners": {"users": LEARNERS}, "trainers": {"users": TRAINERS}}

c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
if QUIZ_ON:  # the servers' own token (what their kernels hold) may reach the quiz service, nothing more
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                     f"access:services!service={QUIZ_SERVICE}"]
c.Spawner.start_timeout = 120

# The trainers' nbgrader (their Nbgrader menu and the formgrader service) reads the project's own config
# (gradebook from COURSEKIT_DB_URL, the project's source/ and release/), then the deployment's exchange.
TRAINER_NBGRADER = ("import os\n"
                    "if os.environ.get('COURSEKIT_GRADER_DIR'):\n"
                    "    load_subconfig('nbgrader_config.py', path=os.environ['COURSEKIT_GRADER_DIR'])  # noqa: F821\n"
                    f"c.Exchange.root = {EXCHANGE!r}\n"
                    # learner text is shown as text in formgrader (see coursekit.grading.escape)
                    "c.HTMLExporter.preprocessors = ['coursekit.grading.escape.EscapeLearnerAnswers']\n"
                    "c.HTMLExporter.sanitize_html = True\n")
# nbgrader's Nbgrader > Formgrader shows the formgrader in a frame of the trainer's own lab: allow framing
# by the same server only (JupyterHub's single-user default forbids every frame). Formgrader's pages escape
# learner names and ids and run only their own script (coursekit.grading.formgrader_guard).
TRAINER_SERVER = {"ServerApp": {"tornado_settings": {"headers": {
    "Content-Security-Policy": "frame-ancestors 'self'"}},
    "jpserver_extensions": {"coursekit.grading.formgrader_guard": True,
                            # the Autograde button grades with coursekit; "autograded" is what coursekit graded
                            "coursekit.formgrader_autograde": True,
                            # coursekit lms sync after each review, when grader/lti_tool.json says so
                            "coursekit.lms.review_sync": True}}}


def _jupyter_config(group: str) -> Path:
    """A Jupyter config folder per group (read-only for the users): nbgrader client config, lab settings."""
    folder = STATE / f"jupyter-{group}"
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    if group == "learners":
        write_learner_config(folder, COURSE_ID, EXCHANGE)
    else:
        write_nbgrader_client_config(folder, COURSE_ID, EXCHANGE, extra=TRAINER_NBGRADER)
        (folder / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": QUIET_LAB}, indent=1), encoding="utf-8")
        (folder / "jupyter_server_config.json").write_text(json.dumps(TRAINER_SERVER, indent=1), encoding="utf-8")
    # jupyter_core records a one-time config migration in the config folder; the folder is read-only for
    # the users, so mark it done here.
    (folder / "migrated").touch()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


CONFIG_DIRS = {"learners": _jupyter_config("learners"), "trainers": _jupyter_config("trainers")}


def _own_lab_dirs(user: str) -> dict[str, str]:
    """JupyterLab's settings and workspaces in the user's home (private), not in the shared config folder."""
    home = Path(pwd.getpwnam(user).pw_dir)
    return {"JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces")}


def _is_trainer(user) -> bool:
    """A trainer: named in COURSEKIT_TRAINERS, or in the hub's trainers group (an LTI launch as instructor)."""
    return user.name in TRAINERS or any(group.name == "trainers" for group in user.groups)


async def _pre_spawn(spawner) -> None:
    group = "trainers" if _is_trainer(spawner.user) else "learners"
    if LTI["ISSUER"] and LTI["ACCOUNT_HOMES"]:
        # A login the LMS launches for the first time gets its system account before its server starts.
        from coursekit.lms.accounts import ensure_account

        system_groups = [LTI["TRAINERS_GROUP"]] if group == "trainers" and LTI["TRAINERS_GROUP"] else []
        if await asyncio.to_thread(ensure_account, spawner.user.name, Path(LTI["ACCOUNT_HOMES"]), system_groups):
            spawner.log.info("made the system account %s for its first launch from the LMS", spawner.user.name)
    spawner.environment.pop("COURSEKIT_DB_URL", None)
    spawner.environment.update(TRAINER_ENV if group == "trainers" else SHARED_ENV)
    spawner.environment.update(_own_lab_dirs(spawner.user.name))
    spawner.environment["JUPYTER_CONFIG_DIR"] = str(CONFIG_DIRS[group])
    if group == "learners":
        spawner.environment["COURSEKIT_LEARNER"] = spawner.user.name
    else:
        # the formgrader in the trainer's lab needs the project under the server root; the file browser opens home
        root, preferred = trainer_server_root(Path(pwd.getpwnam(spawner.user.name).pw_dir), GRADER_DIR)
        spawner.notebook_dir = str(root)
        spawner.args = [f"--ContentsManager.preferred_dir={preferred}"] if preferred else []


c.Spawner.pre_spawn_hook = _pre_spawn


def _install_profile_hook() -> None:
    """Login shells (JupyterLab's terminals) reset PATH in /etc/profile: put COURSEKIT_BIN back in front."""
    if not PROFILE_SCRIPT or os.geteuid() != 0 or not Path(PROFILE_SCRIPT).parent.is_dir():
        return
    Path(PROFILE_SCRIPT).write_text(
        "# coursekit (deploy/jupyterhub_config.py): the course tools on PATH in the hub's login shells\n"
        'if [ -n "${COURSEKIT_BIN:-}" ] && [ -d "$COURSEKIT_BIN" ]; then\n'
        '  case ":$PATH:" in *":$COURSEKIT_BIN:"*) ;; *) PATH="$COURSEKIT_BIN:$PATH"; export PATH ;; esac\n'
        "fi\n", encoding="utf-8")
    Path(PROFILE_SCRIPT).chmod(0o644)


_install_profile_hook()

services, roles = [], []
# The formgrader as a hub service, run as the first trainer, reachable by the trainers group only; its
# address opens the formgrader itself, not a lab.
if FORMGRADER_PORT and TRAINERS:
    services.append({
        "name": "formgrader",
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [str(BIN / "jupyterhub-singleuser"), f"--port={FORMGRADER_PORT}", "--ServerApp.ip=127.0.0.1",
                    "--ServerApp.default_url=/formgrader"],
        "user": TRAINERS[0],
        "cwd": GRADER_DIR or str(STATE),
        "environment": {**TRAINER_ENV, **_own_lab_dirs(TRAINERS[0]),
                        "JUPYTER_CONFIG_DIR": str(CONFIG_DIRS["trainers"])},
        "oauth_no_confirm": True,
    })
    roles.append({"name": "formgrader-users", "groups": ["trainers"],
                  "scopes": ["access:services!service=formgrader"]})
# The quiz service: scores and records attempts in the gradebook database, with the key from the trainer's
# source/ (never from a learner's copy). It runs as the first trainer (who owns the project and the gradebook);
# learners and trainers may call it with their own tokens, and it may read who is in the trainers group.
if QUIZ_ON:
    project = Path(GRADER_DIR).parent
    services.append({
        "name": QUIZ_SERVICE,
        "url": f"http://127.0.0.1:{QUIZ_PORT}",
        "command": [str(BIN / "coursekit"), "--root", str(project), "service", "run"],
        "user": TRAINERS[0],
        "cwd": str(project),
        "environment": {**TRAINER_ENV, "HOME": str(Path(pwd.getpwnam(TRAINERS[0]).pw_dir))},
        "oauth_no_confirm": True,
    })
    roles.append({"name": "coursekit-quiz-users", "groups": ["learners", "trainers"],
                  "scopes": [f"access:services!service={QUIZ_SERVICE}"]})
    roles.append({"name": "coursekit-quiz-service", "services": [QUIZ_SERVICE],
                  "scopes": ["read:groups!group=trainers"]})
# An API token for automation (tests, provisioning scripts), only when one is given.
if os.environ.get("COURSEKIT_HUB_ADMIN_TOKEN"):
    services.append({"name": "coursekit-admin", "api_token": os.environ["COURSEKIT_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "coursekit-admin", "services": ["coursekit-admin"],
                  "scopes": ["admin:users", "admin:servers", "tokens", "read:users", "read:groups", "groups"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
