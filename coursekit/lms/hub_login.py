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

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jupyterhub.utils import url_path_join
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.handlers import LTI13CallbackHandler
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
        """The user's own server at the launch's landing (spawning it first when it is not running)."""
        landing = getattr(self, "_coursekit_landing", "lab")
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

    def _keep_services(self, path: Path, claims: dict[str, Any]) -> None:
        """The launch's AGS and NRPS URLs into ``path``; a failure is logged, the launch goes on."""
        try:
            if record_launch_services(path, claims, owner_of=path.parent):
                self.log.info("LTI service URLs of the launch kept in %s", path)
        except (LmsError, OSError) as error:
            self.log.warning("LTI service URLs of the launch not kept in %s: %s", path, error)
