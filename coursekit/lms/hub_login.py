"""The hub's LTI 1.3 login: ``jupyterhub-ltiauthenticator`` with coursekit's logins, modes and landing.

The library runs the OIDC flow (login initiation, the redirect to the platform's authorize URL, the state
cookie, the nonce) and checks the id_token (signature by the platform's key set, issuer, audience, expiry).
:class:`CoursekitLTIAuthenticator` adds what coursekit decides (:func:`coursekit.lms.launch.read_launch`):
the deployment, the hub login as a valid learner id, the ``trainers`` or ``learners`` group (the hub's
groups follow the LMS: ``manage_groups``), the LMS user id in the encrypted auth_state, the system account
(:func:`coursekit.lms.accounts.launch_refusal`: never one of the machine's own; a missing one only when the
hub makes accounts), the course's service URLs kept for ``coursekit lms sync`` and ``roster``
(:mod:`coursekit.lms.services`), and, after login, the landing: JupyterLab for a trainer, the launched section (fetched
when missing) for a learner.

Every refusal is JupyterHub's error page with one sentence; nothing of the launch is kept.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jupyterhub.handlers import BaseHandler
from jupyterhub.utils import url_path_join
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.handlers import LTI13CallbackHandler
from tornado import web
from tornado.web import HTTPError
from traitlets import Bool, Set, Unicode

from coursekit.lms.accounts import launch_refusal
from coursekit.lms.config import LmsError
from coursekit.lms.launch import LaunchError, plain_refusal, read_launch
from coursekit.lms.services import record_launch_services


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


class LaunchRefused(HTTPError):
    """coursekit's own refusal of a checked launch (403), its sentence shown as it is."""


class CoursekitCallbackHandler(LTI13CallbackHandler):
    """The launch (the platform's form post): the library's checks, plain refusals, coursekit's landing."""

    async def post(self) -> None:
        """Check and log in; refusals become one sentence on the hub's error page (no traceback)."""
        try:
            await super().post()
        except LaunchRefused:
            raise
        except HTTPError as error:
            message = (error.log_message or "") % error.args  # tornado keeps it %-escaped when without args
            raise HTTPError(error.status_code, plain_refusal(error.status_code, message)) from None

    def get_next_url(self, user: Any = None, default: Any = None) -> str:
        """The user's own server at the launch's landing (spawning it first when it is not running).

        A deep-linking launch (the LMS's activity chooser) lands on the hub's chooser page instead.
        """
        landing = getattr(self, "_coursekit_landing", "lab")
        if landing == "deep-link":
            return url_path_join(self.hub.base_url, DEEP_LINK_PATH)
        server = url_path_join(self.base_url, "user", quote(user.name, safe=""), landing)
        spawn = url_path_join(self.hub.base_url, "spawn", quote(user.name, safe=""))
        return f"{spawn}?{urlencode({'next': server})}"


class CoursekitLTIAuthenticator(LTI13Authenticator):
    """LTI 1.3 launches as the hub's login, with coursekit's login names, modes and landing."""

    callback_handler = CoursekitCallbackHandler

    deployment_ids = Set(Unicode(), config=True,
                         help="The LMS deployment ids this hub is registered under; launches from others are refused.")
    login_from = Unicode("email_local", config=True,
                         help="Which launch claim is the hub login: email, email_local, user_id (sub) or "
                              "lis_person_sourcedid (as coursekit lms roster's login_from).")
    create_accounts = Bool(False, config=True,
                           help="True: a login without a system account gets one when its server first starts "
                                "(the hub's pre-spawn hook); False: the account must exist.")
    grader_dir = Unicode("", config=True,
                         help="The project's grader folder: lti_tool.json (the key that signs the activity "
                              "chooser's answer) and, beside it, the course and its released sections.")
    services_file = Unicode("", config=True,
                            help="Where the service URLs of each launch are kept for coursekit lms sync and roster "
                                 "(grader/lti_services.json); empty: not kept.")

    async def authenticate(self, handler: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The hub user of a checked launch: name, group (managed by the LMS) and the LMS ids as auth_state."""
        try:
            launch = read_launch(data or {}, self.login_from, self.deployment_ids)
        except LaunchError as error:
            raise LaunchRefused(403, _sentence(str(error))) from None
        refusal = launch_refusal(launch.login, self.create_accounts)
        if refusal:
            raise LaunchRefused(403, _sentence(refusal))
        if self.services_file:
            self._keep_services(Path(self.services_file), data or {})
        handler._coursekit_landing = launch.landing()
        return {"name": launch.login, "groups": [launch.group], "auth_state": launch.auth_state()}

    def get_handlers(self, app: Any) -> list[Any]:
        """The library's login and launch handlers, and the activity chooser's page."""
        return [*super().get_handlers(app), (f"/{DEEP_LINK_PATH}", DeepLinkHandler)]

    def _keep_services(self, path: Path, claims: dict[str, Any]) -> None:
        """The launch's AGS and NRPS URLs into ``path``; a failure is logged, the launch goes on."""
        try:
            if record_launch_services(path, claims, owner_of=path.parent):
                self.log.info("LTI service URLs of the launch kept in %s", path)
        except (LmsError, OSError) as error:
            self.log.warning("LTI service URLs of the launch not kept in %s: %s", path, error)


DEEP_LINK_PATH = "coursekit/deep-link"


def chooser_page(sections: list[tuple[str, str]], xsrf: str, problem: str = "") -> str:
    """The activity chooser: one checkbox per released section, the comments option, the hub's XSRF token."""
    boxes = "".join(
        f'<li><label><input type="checkbox" name="section" value="{html.escape(sid)}"> {html.escape(title)} '
        f'<code>{html.escape(sid)}</code></label></li>' for sid, title in sections)
    alert = f'<p role="alert"><strong>{html.escape(problem)}</strong></p>' if problem else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Add coursekit sections</title>'
            '</head><body><main><h1>Add coursekit sections to the course</h1>' + alert +
            '<form method="post"><fieldset><legend>Released sections</legend><ul>' + boxes + '</ul></fieldset>'
            '<p><label><input type="checkbox" name="comments"> Also a gradebook column for the comments of each '
            'section (scored when you review them)</label></p>'
            f'<input type="hidden" name="_xsrf" value="{html.escape(xsrf)}">'
            '<button type="submit">Add to the course</button></form></main></body></html>')


class DeepLinkHandler(BaseHandler):
    """The hub's answer to the LMS's activity chooser: a trainer picks released sections, the LMS gets links."""

    def _request(self, state: dict[str, Any] | None) -> dict[str, str]:
        user = self.current_user
        if not any(group.name == "trainers" for group in user.groups):
            raise HTTPError(403, "Only the course's trainers add coursekit sections to the LMS course.")
        request = (state or {}).get("deep_linking")
        if not request:
            raise HTTPError(400, "No activity chooser is open for you: choose coursekit in the LMS's activity "
                                 "chooser again.")
        return request

    def _project(self) -> tuple[Any, list[tuple[str, str]], Path]:
        from coursekit.authoring.course import load_course

        grader = Path(self.authenticator.grader_dir or "")
        if not self.authenticator.grader_dir or not (grader.parent / "course").is_dir():
            raise HTTPError(500, "The hub does not know the course's project (COURSEKIT_GRADER_DIR): tell the "
                                 "course's administrator.")
        course = load_course(grader.parent / "course")
        released = [(s.id, s.quiz.title) for s in course.sections if (grader.parent / "release" / s.id).is_dir()]
        return course, released, grader

    @web.authenticated
    async def get(self) -> None:
        """The chooser page."""
        self._request(await self.current_user.get_auth_state())
        _, released, _ = self._project()
        self.finish(chooser_page(released, self.xsrf_token.decode()))

    @web.authenticated
    async def post(self) -> None:
        """The chosen sections, signed, posted back to the LMS by the trainer's browser (the request is used up)."""
        from coursekit.lms.config import CONFIG_NAME, load_tool_config
        from coursekit.lms.deep_linking import auto_post_form, deep_linking_response

        user = self.current_user
        state = await user.get_auth_state()
        request = self._request(state)
        course, released, grader = self._project()
        chosen = self.get_arguments("section")
        known = {sid for sid, _ in released}
        if not chosen or not set(chosen) <= known:
            self.set_status(400)
            self.finish(chooser_page(released, self.xsrf_token.decode(),
                                     "Pick at least one of the released sections."))
            return
        try:
            config = load_tool_config(grader / CONFIG_NAME)
            token = deep_linking_response(config, course, chosen, request.get("data") or None,
                                          comments=bool(self.get_argument("comments", "")))
        except LmsError as error:
            raise HTTPError(500, f"The answer to the LMS could not be signed: {error}. Tell the course's "
                                 "administrator.") from None
        await user.save_auth_state({**state, "deep_linking": None})
        self.log.info("deep linking: %s added %s to the LMS course", user.name, ", ".join(chosen))
        self.finish(auto_post_form(request["return_url"], token))
