"""What a learner's kernel uses to talk to the quiz service (standard library only, short timeouts).

The service is used when the kernel has ``COURSEKIT_QUIZ_URL`` (set by the hub
configuration for every server) and ``JUPYTERHUB_API_TOKEN`` (set by
JupyterHub). Failures come in two kinds:

* :class:`ServiceUnavailable`: the service could not be reached, was too slow,
  or failed (5xx): the caller keeps what it has and tries again later;
* :class:`ServiceRefused`: the service answered and refused (a rule, a bad
  answer): the message is for the learner, trying again changes nothing.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

URL_ENV = "COURSEKIT_QUIZ_URL"
TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
TIMEOUT_SECONDS = 5.0


class ServiceUnavailable(RuntimeError):
    """The quiz service could not be reached or did not answer in time."""


class ServiceRefused(RuntimeError):
    """The quiz service refused the request; ``reason`` is its code, the message is for the learner."""

    def __init__(self, reason: str, message: str, status: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class QuizServiceClient:
    """The quiz service at ``base_url`` (ending in ``/``), with a JupyterHub token."""

    base_url: str
    token: str
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> QuizServiceClient | None:
        """The client the environment configures, or None (no service: the quiz works on its file alone)."""
        environ = os.environ if environ is None else environ
        url, token = environ.get(URL_ENV, "").strip(), environ.get(TOKEN_ENV, "").strip()
        if not url or not token:
            return None
        return cls(url if url.endswith("/") else url + "/", token)

    def _call(self, method: str, path: str, data: Any = None) -> Any:
        body = None if data is None else json.dumps(data).encode("utf-8")
        request = urllib.request.Request(urllib.parse.urljoin(self.base_url, path), data=body, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read() or b"{}")
            except (ValueError, OSError):
                detail = {}
            message = str(detail.get("message") or error.reason or "refused")[:300]
            if error.code >= 500 or (error.code in (404, 429) and "section" not in message):
                raise ServiceUnavailable(f"the quiz server answered {error.code}: {message}") from None
            raise ServiceRefused(str(detail.get("error") or error.code), message, error.code) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise ServiceUnavailable(f"the quiz server is not reachable ({str(reason)[:120]})") from None

    def state(self, section: str) -> dict[str, Any]:
        """My attempts in ``section``, the open one, my rules and the server's time."""
        return self._call("GET", f"api/sections/{urllib.parse.quote(section)}")

    def start(self, section: str) -> dict[str, Any]:
        """Start (or resume) my attempt."""
        return self._call("POST", f"api/sections/{urllib.parse.quote(section)}/start", {})

    def save(self, section: str, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Save answers to my open attempt."""
        return self._call("PUT", f"api/sections/{urllib.parse.quote(section)}/answers", {"answers": dict(answers)})

    def submit(self, section: str, attempt_id: str, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Submit the attempt ``attempt_id`` (sent again, it is counted once)."""
        return self._call("POST", f"api/sections/{urllib.parse.quote(section)}/submit",
                          {"attempt_id": attempt_id, "answers": dict(answers)})

    def attempts(self, section: str | None = None, learner: str | None = None) -> list[dict[str, Any]]:
        """Attempts I may see (trainers: everyone's)."""
        query = urllib.parse.urlencode({k: v for k, v in (("section", section), ("learner", learner)) if v})
        return self._call("GET", "api/attempts" + (f"?{query}" if query else ""))["attempts"]
