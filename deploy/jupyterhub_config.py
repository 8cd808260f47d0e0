"""JupyterHub for a coursekit course on one machine: learners and trainers, nbgrader exchange, PostgreSQL.

Everything site-specific comes from the environment, so one file serves a
local trial, the integration test (``make test-hub``) and a real machine:

COURSEKIT_HUB_URL        where the hub listens (default http://127.0.0.1:8000)
COURSEKIT_HUB_STATE      folder for the hub's own database, cookie secret, configs
COURSEKIT_LEARNERS       comma-separated learner accounts (system users)
COURSEKIT_TRAINERS       comma-separated trainer accounts (system users)
COURSEKIT_PASSWORD       shared password for the DummyAuthenticator (local trial only; use PAM or OAuth)
COURSEKIT_COURSE_ID      nbgrader course id (course/course.yml)
COURSEKIT_EXCHANGE       the nbgrader exchange folder (shared; inbound is write-only for learners)
COURSEKIT_DB_URL         the trainers' gradebook (PostgreSQL URL); learners never get it
COURSEKIT_PROXY          path of configurable-http-proxy (npm package)
COURSEKIT_FORMGRADER_PORT port of the formgrader service (default 9999; 0 switches it off)

Learners get JupyterLab in learner mode (nbgrader's instructor tools off);
trainers get the formgrader as a hub service that only the trainers group may open.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("COURSEKIT_HUB_STATE", "/srv/coursekit-hub"))
LEARNERS = [u for u in os.environ.get("COURSEKIT_LEARNERS", "").split(",") if u]
TRAINERS = [u for u in os.environ.get("COURSEKIT_TRAINERS", "").split(",") if u]
COURSE_ID = os.environ.get("COURSEKIT_COURSE_ID", "vet-quality")
EXCHANGE = os.environ.get("COURSEKIT_EXCHANGE", "/srv/nbgrader/exchange")
FORMGRADER_PORT = int(os.environ.get("COURSEKIT_FORMGRADER_PORT", "9999"))

c.JupyterHub.bind_url = os.environ.get("COURSEKIT_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [os.environ.get("COURSEKIT_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("COURSEKIT_PASSWORD", "")
c.Authenticator.allowed_users = set(LEARNERS + TRAINERS)
c.JupyterHub.load_groups = {"learners": {"users": LEARNERS}, "trainers": {"users": TRAINERS}}

c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120


def _jupyter_config(group: str) -> Path:
    """A Jupyter config folder per group: the nbgrader client config, and learner mode for learners."""
    folder = STATE / f"jupyter-{group}"
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {EXCHANGE!r}\n"
        "c.Exchange.path_includes_course = True\n"
        # Trainers' formgrader shows learner text as text (see coursekit.grading.escape).
        + ("c.HTMLExporter.preprocessors = ['coursekit.grading.escape.EscapeLearnerAnswers']\n"
           "c.HTMLExporter.sanitize_html = True\n" if group == "trainers" else ""), encoding="utf-8")
    if group == "learners":
        from coursekit.learner import learner_config_dir

        learner_config_dir(folder.parent / f"{folder.name}-mode")
        for name in ("labconfig/page_config.json", "jupyter_server_config.json"):
            source = folder.parent / f"{folder.name}-mode" / ".jupyter" / name
            (folder / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    # jupyter_core records a one-time config migration in the config folder; the folder is read-only for
    # the users, so mark it done here.
    (folder / "migrated").touch()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


CONFIG_DIRS = {"learners": _jupyter_config("learners"), "trainers": _jupyter_config("trainers")}


def _pre_spawn(spawner) -> None:
    group = "trainers" if spawner.user.name in TRAINERS else "learners"
    spawner.environment["JUPYTER_CONFIG_DIR"] = str(CONFIG_DIRS[group])
    spawner.environment["PATH"] = f"{BIN}{os.pathsep}/usr/bin:/bin"
    if group == "learners":
        spawner.environment["COURSEKIT_LEARNER"] = spawner.user.name
        spawner.environment.pop("COURSEKIT_DB_URL", None)
    else:
        spawner.environment["COURSEKIT_DB_URL"] = os.environ.get("COURSEKIT_DB_URL", "")


c.Spawner.pre_spawn_hook = _pre_spawn

services, roles = [], []
# The formgrader as a hub service, run as the first trainer, reachable by the trainers group only.
if FORMGRADER_PORT and TRAINERS:
    services.append({
        "name": "formgrader",
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [str(BIN / "jupyterhub-singleuser"), f"--port={FORMGRADER_PORT}", "--ServerApp.ip=127.0.0.1"],
        "user": TRAINERS[0],
        "cwd": os.environ.get("COURSEKIT_GRADER_DIR", str(STATE)),
        "environment": {"JUPYTER_CONFIG_DIR": str(CONFIG_DIRS["trainers"]),
                        "COURSEKIT_DB_URL": os.environ.get("COURSEKIT_DB_URL", ""),
                        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin"},
        "oauth_no_confirm": True,
    })
    roles.append({"name": "formgrader-users", "groups": ["trainers"],
                  "scopes": ["access:services!service=formgrader"]})
# An API token for automation (tests, provisioning scripts), only when one is given.
if os.environ.get("COURSEKIT_HUB_ADMIN_TOKEN"):
    services.append({"name": "coursekit-admin", "api_token": os.environ["COURSEKIT_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "coursekit-admin", "services": ["coursekit-admin"],
                  "scopes": ["admin:users", "admin:servers", "tokens", "read:users", "read:groups"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
