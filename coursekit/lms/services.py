"""The course's service URLs as the LMS names them in its launches: ``grader/lti_services.json``.

Every launch carries the Assignment and Grade Services endpoint (its ``lineitems`` URL) and the Names and
Role Provisioning Services endpoint (its ``context_memberships_url``) of the LMS course it comes from. The
hub keeps them (:func:`record_launch_services`, one entry per issuer, deployment and course context), so
``coursekit lms sync`` and ``coursekit lms roster`` need no URL copied by hand: :func:`resolve_services`
takes ``lineitems_url`` and ``memberships_url`` from ``lti_tool.json`` when it has them (they win), else
from the recorded launches of the tool's issuer and deployment.

The bearer token goes only to the platform's own hosts: the origins (scheme, host, port) of ``issuer``,
``token_url`` and ``key_set_url`` in ``lti_tool.json``, and those listed in its ``service_hosts``. A
recorded URL elsewhere is refused by name, and nothing is sent.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coursekit.lms.config import LmsError, ToolConfig

SERVICES_NAME = "lti_services.json"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
KEYS = ("issuer", "deployment_id", "context_id")


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower case (empty when it is no http(s) URL)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def launch_services(claims: dict[str, Any]) -> dict[str, str] | None:
    """The entry a checked launch's claims give: issuer, deployment, context and the two service URLs.

    None when the launch names no course context or neither service. A URL that is no http(s) URL is left
    out (an empty value).
    """
    context = claims.get(CLAIM + "context")
    context_id = str(context.get("id") or "") if isinstance(context, dict) else ""
    ags, nrps = claims.get(AGS_CLAIM), claims.get(NRPS_CLAIM)
    lineitems = str(ags.get("lineitems") or "") if isinstance(ags, dict) else ""
    memberships = str(nrps.get("context_memberships_url") or "") if isinstance(nrps, dict) else ""
    lineitems, memberships = (url if origin(url) else "" for url in (lineitems, memberships))
    if not context_id or not (lineitems or memberships):
        return None
    title = str(context.get("title") or "") if isinstance(context, dict) else ""
    return {"issuer": str(claims.get("iss") or ""), "deployment_id": str(claims.get(CLAIM + "deployment_id") or ""),
            "context_id": context_id, "context_title": title, "lineitems_url": lineitems,
            "memberships_url": memberships}


def read_services(path: Path) -> list[dict[str, str]]:
    """The recorded entries of ``path`` (none when the file does not exist).

    Raises
    ------
    LmsError
        ``path`` is not JSON or not a list of entries, naming the file.
    """
    path = Path(path)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LmsError(f"{path}: not JSON ({exc}); delete it, the next launch from the LMS writes it again") from None
    entries = data.get("contexts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LmsError(f"{path}: expected {{\"contexts\": [...]}}; delete it, the next launch writes it again")
    return [{k: str(v) for k, v in entry.items()} for entry in entries]


def record_launch_services(path: Path, claims: dict[str, Any], owner_of: Path | None = None) -> bool:
    """Keep the service URLs of a launch in ``path``; True when the file changed.

    One entry per issuer, deployment and context (a later launch with other URLs replaces it); the file is
    replaced whole (written beside it, then renamed), readable by its group, owned like ``owner_of`` (the
    grader folder) when given.
    """
    entry = launch_services(claims)
    if entry is None:
        return False
    path = Path(path)
    entries = read_services(path)
    key = tuple(entry[k] for k in KEYS)
    kept = [e for e in entries if tuple(e.get(k, "") for k in KEYS) != key]
    if len(kept) < len(entries) and entry in entries:
        return False
    text = json.dumps({"contexts": [*kept, entry]}, indent=1) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o640)
        if owner_of is not None:
            folder = Path(owner_of).stat()
            os.chown(temporary, folder.st_uid, folder.st_gid)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def platform_origins(config: ToolConfig) -> set[str]:
    """The origins the access token may go to: issuer, token and key set URLs, ``service_hosts``."""
    urls = [config.issuer, config.token_url, config.key_set_url, *config.service_hosts]
    return {o for o in map(origin, urls) if o}


def _pick(entries: list[dict[str, str]], config: ToolConfig, context: str | None, path: Path) -> dict[str, str]:
    mine = [e for e in entries if e.get("issuer") == config.issuer and e.get("deployment_id") == config.deployment_id]
    if context:
        chosen = [e for e in mine if e.get("context_id") == context]
        if not chosen:
            known = ", ".join(repr(e.get("context_id")) for e in mine) or "none yet"
            raise LmsError(f"{path}: no launch from the LMS course {context!r} recorded (recorded: {known})")
        return chosen[0]
    if not mine:
        raise LmsError(f"{path}: no launch from the LMS recorded yet for issuer {config.issuer!r} and deployment "
                       f"{config.deployment_id!r}; launch coursekit once from the LMS course, or set "
                       "lineitems_url and memberships_url in lti_tool.json")
    if len(mine) > 1:
        known = ", ".join(f"{e.get('context_id')!r} ({e.get('context_title', '')})" for e in mine)
        raise LmsError(f"{path}: launches from several LMS courses are recorded ({known}): say which with --context")
    return mine[0]


def resolve_services(config: ToolConfig, services_file: Path, context: str | None = None) -> ToolConfig:
    """``config`` with both service URLs: its own when set, else the recorded launch's (see the module).

    Raises
    ------
    LmsError
        No URL in ``lti_tool.json`` and none recorded, several courses recorded and no ``context``, a
        recorded URL on another host than the platform's (named, with the hosts allowed).
    """
    if config.lineitems_url and config.memberships_url:
        return config
    entry = _pick(read_services(services_file), config, context, Path(services_file))
    allowed = platform_origins(config)
    urls = {}
    for name in ("lineitems_url", "memberships_url"):
        url = getattr(config, name) or entry.get(name, "")
        if not url:
            raise LmsError(f"{services_file}: the LMS's launches name no {name}; enable the service for the tool "
                           "in the LMS, or set it in lti_tool.json")
        if not getattr(config, name) and origin(url) not in allowed:
            raise LmsError(f"{services_file}: the launch's {name} {url!r} is not on the platform's hosts "
                           f"({', '.join(sorted(allowed))}): refused, the access token is not sent there; "
                           "add its host to service_hosts in lti_tool.json if it is the LMS's")
        urls[name] = url.rstrip("/") if name == "lineitems_url" else url
    return replace(config, **urls)
