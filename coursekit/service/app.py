"""The quiz service's HTTP API (tornado), run by JupyterHub as a service.

Every request carries a JupyterHub token (``Authorization: token …``): the
learner's kernel sends its server's ``JUPYTERHUB_API_TOKEN``. The hub says
whose token it is (:class:`HubIdentity`); a learner reaches only their own
attempts, members of the ``trainers`` group may list everyone's.

==========================================  =========================================================
``GET  api/sections/<s>``                   my attempts, the open one, the rules I work under, server time
                                            (with pools and no time limit: ``next_draw``, the next attempt's)
``POST api/sections/<s>/start``             start (or resume) my attempt
``PUT  api/sections/<s>/answers``           save answers of my open attempt: ``{"answers": {...}}``
``POST api/sections/<s>/submit``            submit: ``{"attempt_id": "<client id>", "answers": {...}}``
``GET  api/attempts?section=&learner=``     trainers: every attempt; learners: their own
==========================================  =========================================================

Refusals are JSON ``{"error": "<code>", "message": "<for the learner>"}``
with status 409 (a rule), 400 (bad input), 401/403 (who), 404 (no such
section); never a traceback. The key and its digests are never sent while
the learner may still make an attempt: what is shown of an attempt follows
the quiz's review options (:func:`coursekit.quiz.review.reviewed_attempt`),
and the right answers only once the quiz is closed or no attempt is left.
A body that is not JSON, nests too deep or holds text that is not valid
Unicode (half of a character: a lone surrogate) is refused with 400.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tornado import web

from coursekit.gradebook.learner_ids import describe_id, learner_id_problem
from coursekit.json_store import UntrustedJSONError, loads
from coursekit.quiz.draw import drawn_spec
from coursekit.quiz.review import reviewed_attempt
from coursekit.quiz.timing import AttemptRefused, attempts_over, review_column
from coursekit.service.book import AttemptBook, RecordedAttempt, iso
from coursekit.service.trusted import TrustedQuiz, TrustedQuizzes, UnknownSectionError

TRAINERS_GROUP = "trainers"
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Identity:
    """Who sent a request."""

    name: str
    trainer: bool = False


Identify = Callable[[str], Awaitable[Identity | None]]
"""Turns a token into an identity (None: not a valid token, or not allowed to use the service)."""


class HubIdentity:
    """Asks JupyterHub whose a token is, and whether that user is in the trainers group.

    Uses the environment the hub gives its services (``JUPYTERHUB_API_TOKEN``,
    ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_SERVICE_NAME``); the token must hold
    ``access:services!service=<name>``. Group members are read with the
    service's own token (scope ``read:groups!group=trainers``), kept 30 s.
    """

    def __init__(self, trainers_group: str = TRAINERS_GROUP) -> None:
        from jupyterhub.services.auth import HubAuth

        self.auth = HubAuth()
        self.group = trainers_group
        self._trainers: tuple[float, set[str]] = (0.0, set())

    async def _trainer_names(self) -> set[str]:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        fetched, names = self._trainers
        if time.monotonic() - fetched < 30:
            return names
        try:
            response = await AsyncHTTPClient().fetch(
                f"{self.auth.api_url.rstrip('/')}/groups/{self.group}",
                headers={"Authorization": f"token {self.auth.api_token}"}, request_timeout=10)
            names = set(json.loads(response.body).get("users", []))
        except (HTTPClientError, OSError, ValueError):
            names = set()
        self._trainers = (time.monotonic(), names)
        return names

    async def __call__(self, token: str) -> Identity | None:
        """The identity of ``token``, or None."""
        model = await self.auth.user_for_token(token, sync=False)
        if not model or model.get("kind", "user") != "user":
            return None
        if not self.auth.check_scopes(self.auth.access_scopes, model):
            return None
        return Identity(model["name"], model["name"] in await self._trainer_names())


class BadRequest(web.HTTPError):
    """HTTP 400 with a message for the learner in the JSON body (the status line keeps its plain reason)."""

    def __init__(self, message: str) -> None:
        super().__init__(400)
        self.message = message[:300]


class _Handler(web.RequestHandler):
    identity: Identity

    @property
    def book(self) -> AttemptBook:
        return self.settings["book"]

    @property
    def quizzes(self) -> TrustedQuizzes:
        return self.settings["quizzes"]

    async def prepare(self) -> None:
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            raise web.HTTPError(401, reason="a JupyterHub token is required")
        identity = await self.settings["identify"](token.strip())
        if identity is None:
            raise web.HTTPError(403, reason="this token may not use the quiz service")
        problem = None if identity.trainer else learner_id_problem(identity.name)
        if problem:
            raise web.HTTPError(403, reason=f"the login {describe_id(identity.name)} {problem}; ask your trainer")
        self.identity = identity

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error as one JSON line for the learner (no traceback, ever)."""
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, BadRequest):
            reason = exc.message
        elif isinstance(exc, web.HTTPError) and exc.reason:
            reason = exc.reason
        elif status_code >= 500:
            reason = "the quiz server had a problem; your answers are kept on your side"
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": "http", "message": reason}))

    def send(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data))

    def refuse(self, exc: AttemptRefused) -> None:
        status = 400 if exc.reason == "answer" else 409
        self.send({"error": exc.reason, "message": str(exc)}, status)

    def body(self) -> dict[str, Any]:
        try:
            data = loads(self.request.body or b"{}", "the request", MAX_BODY_BYTES)
        except UntrustedJSONError as exc:
            raise BadRequest(str(exc)) from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, reason="the request must be a JSON object")
        return data

    def quiz(self, section: str) -> TrustedQuiz:
        try:
            return self.quizzes.get(section)
        except UnknownSectionError:
            raise web.HTTPError(404, reason=f"no quiz for section {section[:60]!r}") from None

    async def blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, func, *args)

    def attempt_view(self, quiz: TrustedQuiz, attempt: RecordedAttempt, now: datetime,
                     submitted: int = 0) -> dict[str, Any]:
        """One attempt as its learner may see it; ``submitted``: how many attempts that learner has submitted."""
        rules = self.book.rules(quiz.spec, attempt.learner, attempt.section)
        draw = self.book.draw(quiz.spec, attempt.learner, attempt.section, attempt.number)
        given = drawn_spec(quiz.spec, draw)  # nothing of a question not drawn reaches the learner
        view: dict[str, Any] = {
            "learner": attempt.learner, "section": attempt.section, "number": attempt.number,
            "attempt_id": attempt.client_id, "state": attempt.state, "started_at": iso(attempt.started_at),
            "submitted_at": None if attempt.submitted_at is None else iso(attempt.submitted_at),
            "auto_submitted": attempt.auto_submitted, "review": None}
        if attempt.submitted:
            column = review_column(rules, now, attempt.submitted_at)
            view["review"] = reviewed_attempt(given, attempt.answers, column,
                                              attempts_over(rules, now, submitted))
            if quiz.spec.settings.review.shows(column, "attempt"):
                view["answers"] = attempt.answers
        else:
            ends = self.book.deadline_of(quiz.spec, attempt)
            view.update(answers=attempt.answers, deadline=None if ends is None else iso(ends))
        if quiz.spec.has_pools:
            view["draw"] = draw
        return view

    def section_state(self, quiz: TrustedQuiz, learner: str) -> dict[str, Any]:
        self.book.finish_overdue(quiz.spec, learner, quiz.section)
        now = self.book.clock()
        rules = self.book.rules(quiz.spec, learner, quiz.section)
        mine = self.book.attempts(learner, quiz.section)
        done = sum(1 for a in mine if a.submitted)
        state = {
            "section": quiz.section, "learner": learner, "server_time": iso(now),
            "attempts_allowed": rules.attempts, "attempts_used": len(mine),
            "attempts_left": None if rules.attempts is None else max(0, rules.attempts - len(mine)),
            "open": None if rules.open is None else iso(rules.open),
            "close": None if rules.close is None else iso(rules.close),
            "time_limit_minutes": None if rules.time_limit is None else rules.time_limit.total_seconds() / 60,
            "attempts": [self.attempt_view(quiz, a, now, done) for a in mine],
        }
        if quiz.spec.has_pools and rules.time_limit is None and all(a.submitted for a in mine) \
                and (rules.attempts is None or len(mine) < rules.attempts) \
                and (rules.open is None or rules.open <= now) and (rules.close is None or now < rules.close):
            # the questions the next attempt brings, shown as the widget offers it (a timed attempt's
            # questions come with its start, when its clock runs)
            state["next_draw"] = self.book.draw(quiz.spec, learner, quiz.section, len(mine) + 1)
        return state


class SectionHandler(_Handler):
    """``GET api/sections/<s>``: the learner's own state in a section."""

    async def get(self, section: str) -> None:
        """Send my attempts, the open one and my rules."""
        quiz = self.quiz(section)
        self.send(await self.blocking(self.section_state, quiz, self.identity.name))


class StartHandler(_Handler):
    """``POST api/sections/<s>/start``."""

    async def post(self, section: str) -> None:
        """Start my attempt (or return the open one)."""
        quiz = self.quiz(section)
        try:
            attempt = await self.blocking(self.book.start, quiz.spec, self.identity.name, section)
        except AttemptRefused as exc:
            return self.refuse(exc)
        self.send({"attempt": self.attempt_view(quiz, attempt, self.book.clock())})


class AnswersHandler(_Handler):
    """``PUT api/sections/<s>/answers``."""

    async def put(self, section: str) -> None:
        """Save answers to my open attempt."""
        quiz = self.quiz(section)
        answers = self.body().get("answers")
        try:
            attempt = await self.blocking(self.book.save, quiz.spec, self.identity.name, section, answers)
        except AttemptRefused as exc:
            return self.refuse(exc)
        self.send({"attempt": self.attempt_view(quiz, attempt, self.book.clock())})


class SubmitHandler(_Handler):
    """``POST api/sections/<s>/submit``: idempotent by the client's attempt id."""

    async def post(self, section: str) -> None:
        """Submit my attempt."""
        quiz = self.quiz(section)
        data = self.body()
        try:
            outcome = await self.blocking(self.book.submit, quiz.spec, self.identity.name, section,
                                          data.get("attempt_id"), data.get("answers", {}))
        except AttemptRefused as exc:
            return self.refuse(exc)
        state = await self.blocking(self.section_state, quiz, self.identity.name)
        done = sum(1 for a in state["attempts"] if a["state"] == "submitted")
        self.send({"attempt": self.attempt_view(quiz, outcome.attempt, self.book.clock(), done),
                   "repeated": outcome.repeated, "time_ran_out": outcome.time_ran_out, "state": state})


class AttemptsHandler(_Handler):
    """``GET api/attempts``: trainers list every attempt, learners their own."""

    async def get(self) -> None:
        """List attempts (filters: ``section``, ``learner``)."""
        section = self.get_argument("section", None)
        learner = self.get_argument("learner", None)
        if not self.identity.trainer:
            if learner not in (None, self.identity.name):
                raise web.HTTPError(403, reason="you may list your own attempts only")
            learner = self.identity.name
        attempts = await self.blocking(self.book.attempts, learner, section)
        now = self.book.clock()
        done = collections.Counter((a.learner, a.section) for a in attempts if a.submitted)
        views = []
        for attempt in attempts:
            try:
                quiz = self.quizzes.get(attempt.section)
            except UnknownSectionError:
                continue
            views.append(self.attempt_view(quiz, attempt, now, done[attempt.learner, attempt.section]))
        self.send({"attempts": views})


class HealthHandler(web.RequestHandler):
    """``GET /``: the service answers (the hub checks every service's address each minute); no token, no data."""

    def get(self) -> None:
        """Say the service is up."""
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"service": "coursekit quiz", "status": "up"}))


def make_app(book: AttemptBook, quizzes: TrustedQuizzes, identify: Identify, prefix: str = "/") -> web.Application:
    """The service's tornado application, its routes under ``prefix`` (``JUPYTERHUB_SERVICE_PREFIX``)."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    section = r"([a-z0-9][a-z0-9_-]{0,127})"
    return web.Application([
        (rf"{prefix}?", HealthHandler),
        (rf"{prefix}api/sections/{section}", SectionHandler),
        (rf"{prefix}api/sections/{section}/start", StartHandler),
        (rf"{prefix}api/sections/{section}/answers", AnswersHandler),
        (rf"{prefix}api/sections/{section}/submit", SubmitHandler),
        (rf"{prefix}api/attempts", AttemptsHandler),
    ], book=book, quizzes=quizzes, identify=identify)


def service_port(environ: dict[str, str] | None = None, default: int = 10101) -> int:
    """The port to listen on: that of ``JUPYTERHUB_SERVICE_URL`` (set by the hub), else ``default``."""
    from urllib.parse import urlparse

    url = (environ if environ is not None else os.environ).get("JUPYTERHUB_SERVICE_URL", "")
    return urlparse(url).port or default if url else default
