"""Deep linking (LTI Deep Linking 2.0): the sections a trainer picked, as resource links with their line items.

The tool answers the platform's ``LtiDeepLinkingRequest`` with an ``LtiDeepLinkingResponse`` JWT signed with
its key, posted by the trainer's browser to the platform's ``deep_link_return_url`` (form field ``JWT``).
Each section is one ``ltiResourceLink`` content item: its title, the tool's launch URL, the custom parameter
``section`` (what a launch opens) and a ``lineItem`` with the quiz's maximum points, its ``resourceId`` and
``tag`` the same as ``coursekit lms sync`` looks for, so the synced scores land on the linked line item.
"""

from __future__ import annotations

import html
import time
import uuid
from typing import Any

import jwt

from coursekit.authoring.course import Course
from coursekit.lms.config import LmsError, ToolConfig
from coursekit.lms.keys import load_private_key, public_jwk
from coursekit.lms.scores import lineitem_specs

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def content_items(course: Course, sections: list[str], launch_url: str, comments: bool = False) -> list[dict[str, Any]]:
    """One ``ltiResourceLink`` per section, in the order given (pure).

    With ``comments``, a section with comment questions gets a second link carrying the comments line item
    (a link holds one line item), titled ``<quiz title>: comments``.

    Raises
    ------
    LmsError
        For a section the course does not have, or none at all.
    """
    known = {s.id: s for s in course.sections}
    unknown = [s for s in sections if s not in known]
    if unknown or not sections:
        raise LmsError(f"unknown section(s) {', '.join(map(repr, unknown))} (sections: {', '.join(known)})"
                       if unknown else "no section picked")
    specs = {(s.section, s.kind): s for s in lineitem_specs(course, set(sections))}
    items = []
    for section in dict.fromkeys(sections):
        quiz = specs[(section, "quiz")]
        items.append({"type": "ltiResourceLink", "title": known[section].quiz.title, "url": launch_url,
                      "custom": {"section": section},
                      "lineItem": {**quiz.payload()}})
        if comments and (section, "comments") in specs:
            items.append({"type": "ltiResourceLink", "title": f"{known[section].quiz.title}: comments",
                          "url": launch_url, "custom": {"section": section},
                          "lineItem": {**specs[(section, "comments")].payload()}})
    return items


def deep_linking_response(config: ToolConfig, course: Course, sections: list[str], data: str | None = None,
                          now: float | None = None, comments: bool = False) -> str:
    """The signed ``LtiDeepLinkingResponse`` JWT for ``sections`` (``data``: the request's ``data``, echoed).

    ``comments``: each section's comments line item too (:func:`content_items`).
    """
    if not config.launch_url:
        raise LmsError("lti_tool.json: launch_url is needed for deep linking (the tool's launch URL)")
    key = load_private_key(config.private_key_file)
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": config.client_id, "aud": config.issuer, "iat": issued, "exp": issued + 600,
        "nonce": uuid.uuid4().hex,
        f"{CLAIM}deployment_id": config.deployment_id,
        f"{CLAIM}message_type": "LtiDeepLinkingResponse",
        f"{CLAIM}version": "1.3.0",
        f"{DL_CLAIM}content_items": content_items(course, sections, config.launch_url, comments),
    }
    if data is not None:
        claims[f"{DL_CLAIM}data"] = data
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": public_jwk(key)["kid"]})


def auto_post_form(return_url: str, token: str) -> str:
    """The HTML page that posts the response to the platform (what the trainer's browser submits)."""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Back to the course</title></head>"
            f"<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"{html.escape(return_url)}\">"
            f"<input type=\"hidden\" name=\"JWT\" value=\"{html.escape(token)}\">"
            "<button type=\"submit\">Add the sections to the course</button></form></body></html>")
