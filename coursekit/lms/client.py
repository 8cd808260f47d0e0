"""The tool's HTTP client for the platform's services: an access token by signed assertion, retries with back-off.

OAuth 2 client credentials with a JWT assertion (IMS Security Framework 1.0, section 4.1): the tool signs
``iss = sub = client_id``, ``aud`` = the token URL (or the configured audience), a fresh ``jti``, and gets a
bearer token for the scopes it asks. A 5xx answer or a broken connection is retried (``retries`` times, the
wait doubling from ``backoff_seconds``); a 4xx answer is an :class:`~coursekit.lms.config.LmsError` naming
the URL and the platform's reason. The bearer token goes only to the origins (scheme, host, port) of the
configured service URLs: a line item or next page elsewhere is refused, and redirects are not followed.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from coursekit.lms.config import LmsError, ToolConfig
from coursekit.lms.keys import load_private_key, public_jwk

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCOPES = {
    "lineitem": "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "score": "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "result": "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "members": "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
}
TIMEOUT = 30.0
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class Answer:
    """A platform's answer: status, decoded JSON body (or None) and the ``Link`` header."""

    status: int
    body: Any
    link: str = ""

    @property
    def next_url(self) -> str | None:
        """The ``rel="next"`` page of a paged container, or None."""
        found = _NEXT.search(self.link)
        return found.group(1) if found else None


class PlatformError(LmsError):
    """The platform refused a request (a 4xx answer, or a redirect): one line naming the URL and its reason."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: the bearer token is never carried to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return (parts.scheme.lower(), parts.netloc.lower())


def client_assertion(config: ToolConfig, now: float | None = None) -> str:
    """The signed JWT the tool proves itself with at the token URL (RS256, the key's ``kid`` in its header)."""
    key = load_private_key(config.private_key_file)
    issued = int(now if now is not None else time.time())
    claims = {"iss": config.client_id, "sub": config.client_id, "aud": config.audience, "iat": issued,
              "exp": issued + 300, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": public_jwk(key)["kid"]})


def _reason(body: bytes) -> str:
    """The platform's reason for a refusal, in one short line."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            text = str(data.get("error_description") or data.get("error") or data.get("message") or text)
    except ValueError:
        pass
    return " ".join(text.split())[:200]


class PlatformClient:
    """Requests to one platform with one access token (fetched on first use), retried on 5xx and lost connections."""

    def __init__(self, config: ToolConfig, scopes: list[str], sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.scopes = [SCOPES[s] for s in scopes]
        self.sleep = sleep
        self._token: str | None = None

    def _send(self, method: str, url: str, data: bytes | None, headers: dict[str, str]) -> Answer:
        """One request with retries; a 4xx raises :class:`LmsError` at once."""
        wait = self.config.backoff_seconds
        for attempt in range(self.config.retries + 1):
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with _OPENER.open(request, timeout=TIMEOUT) as response:
                    return self._answer(method, url, response.status, response.read(),
                                        response.headers.get("Link", ""))
            except urllib.error.HTTPError as exc:
                reason = _reason(exc.read())
                if exc.code < 500:
                    raise PlatformError(f"{method} {url}: the platform answered {exc.code} ({reason})",
                                        exc.code) from None
                problem = f"the platform answered {exc.code} ({reason})"
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:  # lost or cut short
                problem = f"no answer ({getattr(exc, 'reason', exc) or type(exc).__name__})"
            if attempt < self.config.retries:
                self.sleep(wait)
                wait *= 2
        raise LmsError(f"{method} {url}: {problem}, {self.config.retries + 1} tries")

    @staticmethod
    def _answer(method: str, url: str, status: int, raw: bytes, link: str) -> Answer:
        """A successful answer, its body decoded as JSON (an empty body is None)."""
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:  # UnicodeDecodeError included
            raise LmsError(f"{method} {url}: the platform's answer is not JSON") from None
        return Answer(status, body, link)

    def token(self) -> str:
        """The bearer token for this client's scopes (asked once)."""
        if self._token is None:
            form = urllib.parse.urlencode({
                "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(self.config), "scope": " ".join(self.scopes)}).encode()
            answer = self._send("POST", self.config.token_url, form,
                                {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
            token = answer.body.get("access_token") if isinstance(answer.body, dict) else None
            if not isinstance(token, str) or not token:
                raise LmsError(f"POST {self.config.token_url}: no access_token in the platform's answer")
            self._token = token
        return self._token

    def request(self, method: str, url: str, accept: str, payload: Any = None,
                content_type: str | None = None) -> Answer:
        """A service request with the bearer token; ``payload`` is sent as JSON of ``content_type``.

        The token is asked again once when the platform answers 401 (it expired during a long sync).
        """
        allowed = {_origin(self.config.lineitems_url), _origin(self.config.memberships_url)}
        if _origin(url) not in allowed:
            origins = ", ".join(f"{scheme}://{host}" for scheme, host in sorted(allowed))
            raise LmsError(f"{method} {url}: not on the platform's service addresses ({origins}); "
                           "the access token is not sent there")
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        headers = self._headers(accept, content_type, data)  # a refused token request is no expired token
        try:
            return self._send(method, url, data, headers)
        except PlatformError as exc:
            if exc.status != 401:
                raise
        self._token = None
        return self._send(method, url, data, self._headers(accept, content_type, data))

    def _headers(self, accept: str, content_type: str | None, data: bytes | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token()}", "Accept": accept}
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        return headers

    def pages(self, url: str, accept: str) -> list[Answer]:
        """Every page of a paged container, following ``Link: rel="next"`` (at most 1000 pages)."""
        answers = [self.request("GET", url, accept)]
        while (following := answers[-1].next_url) and len(answers) < 1000:
            answers.append(self.request("GET", following, accept))
        return answers
