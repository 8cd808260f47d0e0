"""Who an LTI 1.3 launch brings to the hub, in which mode, and where they land (pure).

The hub's LTI login (:mod:`coursekit.lms.hub_login`) hands the checked claims of the platform's id_token
(signature, issuer, audience, expiry, nonce and state are the login library's) to :func:`read_launch`:

* the deployment must be one the hub was registered under (``deployment_id`` claim);
* the hub login comes from the claim ``login_from`` names (as ``coursekit lms roster`` takes it: ``email``,
  ``email_local``, ``user_id`` (the ``sub`` claim) or ``lis_person_sourcedid``) and must be a valid learner id
  (:func:`coursekit.gradebook.learner_ids.learner_id_problem`): an LMS login that cannot be one is refused by
  name, never changed into another;
* the course roles decide the mode: Instructor or TeachingAssistant → trainer (the hub's ``trainers`` group),
  Learner → learner; any other role is refused;
* the custom parameter ``section`` (a section id of the course) says which section the link opens;
* an ``LtiDeepLinkingRequest`` (the LMS's activity chooser) is for trainers only: its return URL and data are
  kept for the hub's chooser page (:attr:`Launch.deep_linking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from coursekit.authoring.course import SECTION_ID
from coursekit.gradebook.learner_ids import describe_id, learner_id_problem
from coursekit.lms.config import LOGIN_FIELDS, LmsError

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_CLAIM = CLAIM + "roles"
DEPLOYMENT_CLAIM = CLAIM + "deployment_id"
CUSTOM_CLAIM = CLAIM + "custom"
MESSAGE_TYPE_CLAIM = CLAIM + "message_type"
DEEP_LINKING_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
LIS_CLAIM = CLAIM + "lis"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TRAINER_ROLES = frozenset({"Instructor", "TeachingAssistant"})
LEARNER_ROLES = frozenset({"Learner"})
TRAINERS_GROUP = "trainers"
LEARNERS_GROUP = "learners"


class LaunchError(LmsError):
    """A launch the hub refuses; the message says why in words for the person who clicked the link."""


@dataclass(frozen=True)
class Launch:
    """One accepted launch: the hub login, the LMS user id kept beside it, the mode and the section."""

    login: str
    lms_user_id: str
    trainer: bool
    section: str = ""
    deployment_id: str = ""
    deep_linking: dict[str, str] | None = None
    """For the LMS's activity chooser: ``return_url`` and ``data`` of the deep-linking request."""

    @property
    def group(self) -> str:
        """The hub group of the mode: ``trainers`` or ``learners``."""
        return TRAINERS_GROUP if self.trainer else LEARNERS_GROUP

    def landing(self) -> str:
        """Where in the user's own server the launch ends, relative to ``/user/<login>/``.

        A learner with a section: coursekit's open route, which fetches the section when it is not in the
        workspace yet and opens its notebook; otherwise (a trainer, or no section) JupyterLab.
        """
        if self.deep_linking is not None:
            return "deep-link"
        if self.section and not self.trainer:
            return f"coursekit/open/{quote(self.section)}"
        return "lab"

    def auth_state(self) -> dict[str, Any]:
        """What the hub keeps beside the login (its encrypted auth_state)."""
        state = {"lms_user_id": self.lms_user_id, "lti_deployment_id": self.deployment_id,
                 "mode": "trainer" if self.trainer else "learner", "section": self.section}
        if self.deep_linking is not None:
            state["deep_linking"] = dict(self.deep_linking)
        return state


def context_roles(claims: dict[str, Any]) -> set[str]:
    """The short names of the course (context) roles: ``…/membership#Instructor`` → ``Instructor``.

    Sub-roles (``…/membership/Instructor#TeachingAssistant``) give their own name; institution and system
    roles (another vocabulary) give none, so an institution-wide Instructor is not a trainer of every course.
    Bare names (``Learner``), which LTI 1.3 still allows for context roles, count as context roles.
    """
    names = set()
    roles = claims.get(ROLES_CLAIM) or []
    for role in roles if isinstance(roles, list) else []:
        role = str(role)
        if "/" not in role and "#" not in role:
            names.add(role)
        elif role.startswith(MEMBERSHIP + "#") or role.startswith(MEMBERSHIP + "/"):
            names.add(role.rsplit("#", 1)[-1])
    return names


def login_claim(claims: dict[str, Any], login_from: str) -> str:
    """The claim ``login_from`` names, as text (empty when the launch does not carry it)."""
    if login_from in ("email", "email_local"):
        value = str(claims.get("email") or "")
        return value.split("@", 1)[0] if login_from == "email_local" else value
    if login_from == "user_id":
        return str(claims.get("sub") or "")
    lis = claims.get(LIS_CLAIM) or {}
    return str(lis.get("person_sourcedid") or "") if isinstance(lis, dict) else ""


def read_launch(claims: dict[str, Any], login_from: str, deployment_ids: frozenset[str] | set[str]) -> Launch:
    """The :class:`Launch` of a checked id_token's claims.

    Raises
    ------
    LaunchError
        Unknown deployment, no usable login, a login that cannot be a learner id, a role that gives no mode,
        a ``section`` that is no section id.
    """
    if login_from not in LOGIN_FIELDS:
        raise LaunchError(f"the hub's LTI login_from is {login_from!r}: use one of {', '.join(LOGIN_FIELDS)}")
    deployment = str(claims.get(DEPLOYMENT_CLAIM) or "")
    if deployment not in deployment_ids:
        raise LaunchError(f"this link comes from an LMS deployment the hub does not know ({describe_id(deployment)}): "
                          "ask the course's administrator to register it")
    login = login_claim(claims, login_from)
    if not login:
        raise LaunchError(f"the LMS sent no {login_from} for this user, and the hub login is made from it: "
                          "ask the LMS administrator to share it with the tool")
    problem = learner_id_problem(login)
    if problem:
        raise LaunchError(f"the LMS login {describe_id(login)} cannot be a coursekit login: it {problem}. "
                          "Ask the course's administrator to give this user a plain login")
    roles = context_roles(claims)
    trainer = bool(roles & TRAINER_ROLES)
    if not trainer and not roles & LEARNER_ROLES:
        shown = ", ".join(sorted(roles)) or "none"
        raise LaunchError(f"your role in this course ({shown}) opens no coursekit mode: "
                          "learners, instructors and teaching assistants only")
    custom = claims.get(CUSTOM_CLAIM) or {}
    section = str(custom.get("section") or "") if isinstance(custom, dict) else ""
    if section and not SECTION_ID.match(section):
        raise LaunchError(f"the link's section {describe_id(section)} is no section id of coursekit "
                          "(lower-case letters, digits and '_'): ask the trainer to fix the link")
    return Launch(login=login, lms_user_id=str(claims.get("sub") or ""), trainer=trainer, section=section,
                  deployment_id=deployment, deep_linking=_deep_linking(claims, trainer))


def _deep_linking(claims: dict[str, Any], trainer: bool) -> dict[str, str] | None:
    """``return_url`` and ``data`` of a deep-linking request (None for any other launch)."""
    if claims.get(MESSAGE_TYPE_CLAIM) != DEEP_LINKING_REQUEST:
        return None
    if not trainer:
        raise LaunchError("only the course's instructors and teaching assistants add coursekit sections to it")
    settings = claims.get(DEEP_LINKING_SETTINGS_CLAIM)
    settings = settings if isinstance(settings, dict) else {}
    return_url = str(settings.get("deep_link_return_url") or "")
    if urlsplit(return_url).scheme not in ("http", "https") or not urlsplit(return_url).netloc:
        raise LaunchError(f"the LMS's activity chooser sent no usable return address ({describe_id(return_url)}): "
                          "tell the course's administrator")
    data = settings.get("data")
    return {"return_url": return_url, "data": "" if data is None else str(data)}


RELAUNCH = "Open the link in the LMS course again."

# What the login library's refusals (jupyterhub-ltiauthenticator's messages) mean for the person who clicked the link.
PLAIN = {
    "OAuth state missing from cookies": "This launch was not started from the LMS in this browser, or it was "
                                        "already used. " + RELAUNCH,
    "OAuth state mismatch": "This launch does not belong to the login started in this browser. " + RELAUNCH,
    "Missing nonce state cookie": "This launch was already used (a launch counts once). " + RELAUNCH,
    "OAuth nonce mismatch": "This launch was not issued for the login started in this browser. " + RELAUNCH,
}


def plain_refusal(status: int, message: str) -> str:
    """One sentence for a launch the login library refused, from its HTTP status and message."""
    for start, sentence in PLAIN.items():
        if message.startswith(start):
            return sentence
    lowered = message.lower()
    if "expired" in lowered or "too long ago" in lowered:
        return "This launch has expired (the LMS signs it for a few minutes only). " + RELAUNCH
    if status == 401 or "audience" in lowered:
        return ("This launch was issued for another tool (its audience is not this hub's client id): the LMS "
                "registration and the hub's settings do not match; tell the course's administrator.")
    if "signature" in lowered or "issuer" in lowered or "jwks" in lowered or "key" in lowered:
        return ("This launch could not be verified as coming from the course's LMS (" + message + "); "
                "tell the course's administrator.")
    return f"This launch was refused: {message}"
