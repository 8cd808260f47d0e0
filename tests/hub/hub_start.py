"""Starting and stopping the training-centre hub (deploy/jupyterhub_config.py) for the hub suite.

One place for what every hub test file does around its hub: start ``jupyterhub`` with the deployment's
config and the test's environment, wait for its REST API, and at the end stop every user's server, stop
the hub and keep its log in ``artifacts/hub/``; then remove the system accounts the test made.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from project_support import REPO

BIN = Path(sys.executable).parent
CONFIG = REPO / "deploy" / "jupyterhub_config.py"
ARTIFACTS = REPO / "artifacts" / "hub"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(condition: Callable[[], Any], timeout: float, message: str) -> None:
    """Poll ``condition`` every half second until it is true; fail with ``message`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(message)


def hub_api(method: str, url: str, token: str) -> tuple[int, Any]:
    """One call of the hub's REST API with ``token``: the status and the JSON answer (the text on an error)."""
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextlib.contextmanager
def running_hub(url: str, env: dict[str, str], state: Path, admin_token: str, log_path: Path, artifact: str,
                hub_api_port: int | None = None) -> Iterator[subprocess.Popen]:
    """The hub at ``url`` with ``env`` (its COURSEKIT_* settings, ``COURSEKIT_HUB_ADMIN_TOKEN`` = ``admin_token``).

    It runs in ``state`` and logs to ``log_path``; the context yields once its REST API answers. On exit every
    user's server is stopped, then the hub, and the log is copied to ``artifacts/hub/<artifact>``.
    """
    log = log_path.open("w")
    hub = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(CONFIG),
                            f"--JupyterHub.hub_bind_url=http://127.0.0.1:{hub_api_port or free_port()}",
                            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}"],
                           cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait(lambda: hub_api("GET", f"{url}/hub/api/", admin_token)[0] == 200, 90, "the hub did not start")
        yield hub
    finally:
        status, users = hub_api("GET", f"{url}/hub/api/users", admin_token)
        for user in users if status == 200 else []:
            hub_api("DELETE", f"{url}/hub/api/users/{user['name']}/server", admin_token)
        os.killpg(hub.pid, 15)
        hub.wait(timeout=30)
        log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / artifact)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def remove_accounts(accounts: Iterable[str]) -> None:
    """End every process of the test's system accounts, then delete the accounts with their homes."""
    accounts = [user for user in accounts if _exists(user)]  # pkill refuses the whole list for one unknown name
    if accounts and shutil.which("pkill"):
        subprocess.run(["pkill", "-u", ",".join(accounts)], capture_output=True)
    time.sleep(1)
    for user in accounts:
        subprocess.run(["userdel", "-r", user], capture_output=True)
