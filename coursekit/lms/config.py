"""The LTI tool's registration with one platform: ``grader/lti_tool.json`` (see docs/lti.md).

Fields (strings unless said):

* ``issuer``, ``client_id``, ``deployment_id``: what the platform shows when the tool is registered;
* ``token_url``: the platform's OAuth 2 access token URL; ``token_audience`` (optional): the ``aud`` of the
  signed assertion when the platform wants another value than the token URL (Canvas);
* ``key_set_url`` (optional): the platform's public key set (launches, a later part);
* ``lineitems_url`` (optional): the course's line items container (Assignment and Grade Services);
* ``memberships_url`` (optional): the course's membership container (Names and Role Provisioning Services);
  without them, both come from the launches the hub recorded (:mod:`coursekit.lms.services`);
* ``service_hosts`` (optional list of URLs): hosts of the platform besides those of ``issuer``, ``token_url``
  and ``key_set_url`` that the launches may name as service URLs (Canvas: the school's own host);
* ``private_key_file``: the tool's RSA private key (PEM), relative to the file's folder;
* ``launch_url`` (optional): the tool's launch URL as the platform has it (the content items of deep linking);
* ``login_from`` (optional): which member field is the hub login, ``email`` (default), ``email_local`` (the part
  before ``@``), ``user_id`` or ``lis_person_sourcedid``;
* ``retries`` (optional int, default 4) and ``backoff_seconds`` (optional number, default 1.0): how often and
  how patiently a request that met a 5xx answer or a broken connection is repeated (the wait doubles);
* ``workers`` (optional int, default 4): how many scores are sent at a time;
* ``sync_after_autograde`` (optional, default false): ``coursekit autograde`` runs ``coursekit lms sync`` after
  grading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

CONFIG_NAME = "lti_tool.json"
LOGIN_FIELDS = ("email", "email_local", "user_id", "lis_person_sourcedid")
REQUIRED = ("issuer", "client_id", "deployment_id", "token_url", "private_key_file")
OPTIONAL = ("lineitems_url", "memberships_url", "service_hosts", "token_audience", "key_set_url", "launch_url",
            "login_from", "retries", "backoff_seconds", "workers", "sync_after_autograde")


class LmsError(Exception):
    """A problem with the LMS or its configuration, said in one line (no traceback)."""


@dataclass(frozen=True)
class ToolConfig:
    """The tool's registration with one platform (``grader/lti_tool.json``)."""

    issuer: str
    client_id: str
    deployment_id: str
    token_url: str
    private_key_file: Path
    lineitems_url: str = ""
    memberships_url: str = ""
    service_hosts: tuple[str, ...] = ()
    token_audience: str = ""
    key_set_url: str = ""
    launch_url: str = ""
    login_from: str = "email"
    retries: int = 4
    backoff_seconds: float = 1.0
    workers: int = 4
    sync_after_autograde: bool = False

    @property
    def audience(self) -> str:
        """The ``aud`` of the client assertion: ``token_audience``, else the token URL."""
        return self.token_audience or self.token_url


def _check_url(origin: str, name: str, value: object) -> str:
    if not isinstance(value, str) or urlparse(value).scheme not in ("http", "https") or not urlparse(value).netloc:
        raise LmsError(f"{origin}: {name} must be an http(s) URL, not {value!r}")
    return value


def parse_tool_config(data: object, origin: str, folder: Path) -> ToolConfig:
    """A :class:`ToolConfig` from the decoded JSON of ``origin`` (pure but for the key file's path).

    Raises
    ------
    LmsError
        Naming ``origin`` and the field: missing, unknown, of the wrong type or not an http(s) URL.
    """
    if not isinstance(data, dict):
        raise LmsError(f"{origin}: expected a JSON object with {', '.join(REQUIRED)}")
    missing = [k for k in REQUIRED if not data.get(k)]
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if missing:
        raise LmsError(f"{origin}: missing {', '.join(missing)}")
    if unknown:
        raise LmsError(f"{origin}: unknown field(s) {', '.join(unknown)} (fields: {', '.join(REQUIRED + OPTIONAL)})")
    for name in ("issuer", "client_id", "deployment_id", "private_key_file", "token_audience", "login_from"):
        if name in data and not isinstance(data[name], str):
            raise LmsError(f"{origin}: {name} must be text, not {data[name]!r}")
    for name in ("token_url", "lineitems_url", "memberships_url", "key_set_url", "launch_url"):
        if name in REQUIRED or data.get(name):
            _check_url(origin, name, data[name])
    hosts = data.get("service_hosts", [])
    if not isinstance(hosts, list):
        raise LmsError(f"{origin}: service_hosts must be a list of URLs, not {hosts!r}")
    for host in hosts:
        _check_url(origin, "service_hosts", host)
    login_from = data.get("login_from", "email")
    if login_from not in LOGIN_FIELDS:
        raise LmsError(f"{origin}: login_from must be one of {', '.join(LOGIN_FIELDS)}, not {login_from!r}")
    retries, backoff = data.get("retries", 4), data.get("backoff_seconds", 1.0)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 10:
        raise LmsError(f"{origin}: retries must be a whole number from 0 to 10, not {retries!r}")
    if not isinstance(backoff, int | float) or isinstance(backoff, bool) or not 0 <= backoff <= 60:
        raise LmsError(f"{origin}: backoff_seconds must be a number from 0 to 60, not {backoff!r}")
    workers = data.get("workers", 4)
    if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 32:
        raise LmsError(f"{origin}: workers must be a whole number from 1 to 32, not {workers!r}")
    after = data.get("sync_after_autograde", False)
    if not isinstance(after, bool):
        raise LmsError(f"{origin}: sync_after_autograde must be true or false, not {after!r}")
    return ToolConfig(
        issuer=data["issuer"], client_id=data["client_id"], deployment_id=data["deployment_id"],
        token_url=data["token_url"], lineitems_url=data.get("lineitems_url", "").rstrip("/"),
        memberships_url=data.get("memberships_url", ""), service_hosts=tuple(hosts),
        private_key_file=folder / data["private_key_file"],
        token_audience=data.get("token_audience", ""), key_set_url=data.get("key_set_url", ""),
        launch_url=data.get("launch_url", ""),
        login_from=login_from, retries=retries, backoff_seconds=float(backoff), workers=workers,
        sync_after_autograde=after)


def load_tool_config(path: Path) -> ToolConfig:
    """The tool's registration from ``path`` (``grader/lti_tool.json``); see :func:`parse_tool_config`."""
    path = Path(path)
    if not path.is_file():
        raise LmsError(f"{path}: no such file (the tool's LTI registration; see docs/lti.md)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LmsError(f"{path}: not JSON ({exc})") from None
    return parse_tool_config(data, str(path), path.parent)
