"""A real LTI 1.3 platform (``lti1p3platform`` behind FastAPI, tests/lti_platform/) on loopback, for tests.

The platform runs in its own virtual environment, ``.lti-platform-venv`` (its pins are not coursekit's):
``make test`` creates it from tests/lti_platform/requirements.txt, and :func:`platform_python` does the
same when a test runs alone. The tool's registration (``grader/lti_tool.json``) and key are written into
the project; the platform knows the tool's public key set, the course's context and its members.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from process_support import serving
from project_support import REPO
from trainer_support import free_port

from coursekit.lms.keys import load_private_key, new_private_key_pem, public_jwks

PLATFORM_DIR = REPO / "tests" / "lti_platform"
PLATFORM_VENV = REPO / ".lti-platform-venv"
CONTEXT = {"id": "course-42", "label": "QM-1", "title": "Quality management for trainers"}
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TOOL_LOGIN_URL = "https://hub.example.org/hub/lti13/oauth_login"
TOOL_LAUNCH_URL = "https://hub.example.org/hub/lti13/oauth_callback"
MEMBERS = [
    {"user_id": "lms-101", "name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
     "email": "ada@example.org", "lis_person_sourcedid": "S-101", "roles": [LEARNER], "status": "Active"},
    {"user_id": "lms-102", "name": "Ben Okafor", "given_name": "Ben", "family_name": "Okafor",
     "email": "ben@example.org", "lis_person_sourcedid": "S-102", "roles": [LEARNER]},
    {"user_id": "lms-900", "name": "Tina Trainer", "email": "tina@example.org", "roles": [INSTRUCTOR]},
]


def platform_python() -> Path:
    """The platform venv's python, (re)created from requirements.txt first when missing or stale (file-locked)."""
    python = PLATFORM_VENV / "bin" / "python"
    marker = PLATFORM_VENV / ".installed"
    PLATFORM_VENV.parent.mkdir(parents=True, exist_ok=True)
    wanted = (PLATFORM_DIR / "requirements.txt").read_text(encoding="utf-8")
    with open(REPO / ".lti-platform-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists() or marker.read_text(encoding="utf-8") != wanted:
            subprocess.run([sys.executable, "-m", "venv", str(PLATFORM_VENV)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r",
                            str(PLATFORM_DIR / "requirements.txt")], check=True)
            marker.write_text(wanted, encoding="utf-8")  # as the Makefile's target leaves it
    return python


@dataclass
class RunningPlatform:
    """A platform on loopback: its URL, the tool's registration file, and the test's window on its state."""

    url: str
    tool_config: Path
    issuer: str
    client_id: str
    deployment_id: str
    platform_public_pem: str

    def state(self) -> dict[str, Any]:
        """Line items, scores and counters the platform holds."""
        with urllib.request.urlopen(f"{self.url}/_test/state", timeout=10) as response:
            return json.load(response)

    def add_raw_lineitem(self, item: dict[str, Any]) -> None:
        """Put a line item into the platform as it is, its ``id`` too (a platform naming an odd URL)."""
        request = urllib.request.Request(f"{self.url}/_test/lineitem", method="POST", data=json.dumps(item).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).close()

    def fail_next(self, prefix: str, *statuses: int) -> None:
        """Make the next requests under ``prefix`` answer ``statuses``, one each."""
        request = urllib.request.Request(f"{self.url}/_test/fail", method="POST",
                                         data=json.dumps({"prefix": prefix, "statuses": statuses}).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).close()


def _pem_pair() -> tuple[str, str]:
    """The platform's own key pair (private PKCS 8, public SubjectPublicKeyInfo), PEM text."""
    private = serialization.load_pem_private_key(new_private_key_pem(), password=None)
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pem.decode(), public.decode()


def write_tool_config(grader: Path, url: str, **overrides: Any) -> Path:
    """``grader/lti_tool.json`` for the platform at ``url`` (with ``overrides``); the key file beside it."""
    key = grader / "lti_tool_key.pem"
    if not key.exists():
        key.write_bytes(new_private_key_pem())
        key.chmod(0o600)
    config = {"issuer": url, "client_id": "coursekit-tool", "deployment_id": "deployment-1",
              "token_url": f"{url}/token", "key_set_url": f"{url}/.well-known/jwks.json",
              "lineitems_url": f"{url}/ags/{CONTEXT['id']}/lineitems",
              "memberships_url": f"{url}/nrps/{CONTEXT['id']}/memberships",
              "private_key_file": key.name, "login_from": "email_local", "retries": 3, "backoff_seconds": 0.05,
              **overrides}
    path = grader / "lti_tool.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


@contextlib.contextmanager
def running_platform(grader: Path, log_dir: Path, members: list[dict[str, Any]] | None = None,
                     latency_ms: int = 0, tool_login_url: str = TOOL_LOGIN_URL,
                     tool_launch_url: str = TOOL_LAUNCH_URL) -> Iterator[RunningPlatform]:
    """The platform serving on a free loopback port, the tool registered with it in ``grader/``.

    ``latency_ms``: every answer of the platform waits that long (a platform across a network).
    ``tool_login_url`` and ``tool_launch_url``: the hub's OIDC login initiation and launch (callback) URLs.
    """
    python = platform_python()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tool_config = write_tool_config(grader, url)
    private_pem, public_pem = _pem_pair()
    tool_key = load_private_key(grader / "lti_tool_key.pem")
    config = {"issuer": url, "client_id": "coursekit-tool", "deployment_id": "deployment-1",
              "tool_login_url": tool_login_url, "tool_launch_url": tool_launch_url,
              "tool_redirect_uris": [tool_launch_url],
              "platform_private_key": private_pem, "platform_public_key": public_pem,
              "tool_jwks": public_jwks(tool_key), "context": CONTEXT,
              "members": MEMBERS if members is None else members, "latency_ms": latency_ms}
    config_path = log_dir / "lti_platform.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")

    def probe() -> None:
        urllib.request.urlopen(f"{url}/.well-known/jwks.json", timeout=2).close()

    with serving([str(python), str(PLATFORM_DIR / "lti_platform_server.py"), str(config_path), str(port)],
                 cwd=log_dir, env={"PATH": "/usr/bin:/bin"}, log=log_dir / "lti_platform.log", probe=probe,
                 what="the LTI platform"):
        yield RunningPlatform(url, tool_config, url, "coursekit-tool", "deployment-1", public_pem)
