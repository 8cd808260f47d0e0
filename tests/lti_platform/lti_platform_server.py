"""A real LTI 1.3 platform on loopback, the peer of the LTI tests (runs in .lti-platform-venv, not coursekit's).

Built on ``lti1p3platform`` (its registration, access-token service, Assignment and Grade Services and Names
and Role Provisioning Service classes, with their JWT signing and checking) behind FastAPI; this script adds
only what the library leaves abstract: an in-memory store of line items, scores and members, and the HTTP
routes in the shapes of the IMS specifications (line item containers as JSON arrays with ``Link: rel=next``
paging, scores keyed by line item and user, membership containers).

Usage: ``python lti_platform_server.py CONFIG.json PORT``. CONFIG holds ``issuer``, ``client_id``,
``deployment_id``, ``platform_private_key`` and ``platform_public_key`` (PEM), ``tool_jwks`` (the tool's
public key set), ``context`` (``id``, ``label``, ``title``), ``members`` (NRPS member objects) and
optionally ``latency_ms`` (every answer waits that long, as across a network). The deep-linking return is
served at ``/deep_link_return``.

Test-only routes (the test reads the platform's state and makes it fail on purpose):
``GET /_test/state`` (line items, scores, deep-linked items, counts of requests), ``POST /_test/fail``
(``{"prefix": "/ags", "statuses": [500, 500]}``: the next requests under that path answer those statuses).
"""

from __future__ import annotations

import asyncio
import html
import json
import sys
import threading
import time
import typing as t
from datetime import datetime
from urllib.parse import urlencode

import jwt
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from lti1p3platform.exceptions import LineItemNotFoundException, LtiServiceException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as LtiRequest
from lti1p3platform.request import TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService, TPage

LOCK = threading.Lock()
STORE: dict[str, t.Any] = {"lineitems": {}, "scores": {}, "score_posts": 0, "token_requests": 0,
                           "deep_linked": [], "requests": []}
FAILURES: list[tuple[str, int]] = []


class Platform(LTI1P3PlatformConfAbstract):
    """The platform's registration of the one tool it knows (from the config file)."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.config = kwargs["config"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        config = self.config
        registration = (Registration().set_iss(config["issuer"]).set_client_id(config["client_id"])
                        .set_deployment_id(config["deployment_id"])
                        .set_platform_public_key(config["platform_public_key"])
                        .set_platform_private_key(config["platform_private_key"])
                        .set_launch_url(config.get("tool_launch_url", "http://127.0.0.1/launch"))
                        .set_deeplink_launch_url(config.get("tool_launch_url", "http://127.0.0.1/launch"))
                        .set_oidc_login_url(config.get("tool_login_url", "http://127.0.0.1/login")))
        registration.set_tool_key_set(config["tool_jwks"])
        return registration


class StarletteRequest(LtiRequest):
    """The library's request record, from what the route already read of the HTTP request."""

    def build_metadata(self, request: t.Any) -> TRequest:
        return request


class Grades(AssignmentsGradesService):
    """Line items and scores of the one context, in memory."""

    def find_lineitems(self, page: t.Any = 1, limit: t.Any = None, line_item_id: str | None = None,
                       resource_link_id: str | None = None, resource_id: str | None = None,
                       tag: str | None = None, **_: t.Any) -> TPage:
        items = [i for i in STORE["lineitems"].values()
                 if (resource_id is None or i.get("resourceId") == resource_id)
                 and (tag is None or i.get("tag") == tag)
                 and (resource_link_id is None or i.get("resourceLinkId") == resource_link_id)]
        page, size = int(page), int(limit) if limit else len(items) or 1
        chunk = items[(page - 1) * size: page * size]
        return {"content": chunk, "has_next": page * size < len(items), "next": None}

    def find_lineitem(self, line_item_id: str) -> t.Any:
        url = f"{self.ags.lineitems_url}/{line_item_id}"
        if url not in STORE["lineitems"]:
            raise LineItemNotFoundException(line_item_id)
        return STORE["lineitems"][url]

    def create_lineitem(self, creation_data: t.Any) -> t.Any:
        if not isinstance(creation_data, dict) or "label" not in creation_data \
                or not isinstance(creation_data.get("scoreMaximum"), int | float) or creation_data["scoreMaximum"] <= 0:
            raise LtiServiceException("a line item needs a label and a scoreMaximum above 0", 400)
        url = f"{self.ags.lineitems_url}/{len(STORE['lineitems']) + 1}"
        item = {**creation_data, "id": url}
        STORE["lineitems"][url] = item
        return item

    def update_lineitem(self, update_data: t.Any) -> t.Any:
        url = f"{self.ags.lineitems_url}/{update_data['id']}"
        if url not in STORE["lineitems"]:
            raise LineItemNotFoundException(url)
        STORE["lineitems"][url] = {**STORE["lineitems"][url], **update_data, "id": url}
        return STORE["lineitems"][url]

    def delete_lineitem(self, line_item_id: str) -> None:
        url = f"{self.ags.lineitems_url}/{line_item_id}"
        if STORE["lineitems"].pop(url, None) is None:
            raise LineItemNotFoundException(url)
        STORE["scores"].pop(url, None)

    def update_score(self, line_item_id: str, score: t.Any) -> UpdateScoreStatus:
        url = self.find_lineitem(line_item_id)["id"]
        if not isinstance(score, dict):
            raise LtiServiceException("a score is a JSON object", 400)
        missing = [k for k in ("userId", "activityProgress", "gradingProgress", "timestamp") if k not in score]
        if missing:
            raise LtiServiceException(f"score without {', '.join(missing)}", 400)
        if "scoreGiven" in score and "scoreMaximum" not in score:
            raise LtiServiceException("scoreGiven without scoreMaximum", 400)
        stamp = datetime.fromisoformat(score["timestamp"])
        kept = STORE["scores"].setdefault(url, {})
        previous = kept.get(str(score["userId"]))
        if previous is not None and datetime.fromisoformat(previous["timestamp"]) >= stamp:
            return UpdateScoreStatus.OLD_TIMESTAMP
        kept[str(score["userId"])] = score
        STORE["score_posts"] += 1
        return UpdateScoreStatus.SUCCESS if previous else UpdateScoreStatus.CREATED

    def get_results(self, line_item_id: str, page: int = 1, limit: int | None = None,
                    user_id: str | None = None) -> TPage:
        url = self.find_lineitem(line_item_id)["id"]
        results = [{"id": f"{url}/results/{user}", "scoreOf": url, "userId": user,
                    "resultScore": s.get("scoreGiven"), "resultMaximum": s.get("scoreMaximum"),
                    "comment": s.get("comment")}
                   for user, s in STORE["scores"].get(url, {}).items() if user_id in (None, user)]
        return {"content": results, "has_next": False, "next": None}


class Members(NamesRoleProvisioningService):
    """The course's membership from the config file."""

    def get_member_data_page(self, page: t.Any = 1, limit: t.Any = None, role: str | None = None,
                             since: str | None = None, **_: t.Any) -> TPage:
        members = [m for m in CONFIG["members"] if role is None or role in m["roles"]]
        page, size = int(page), int(limit) if limit else len(members) or 1
        return {"content": members[(page - 1) * size: page * size], "has_next": page * size < len(members),
                "next": None}

    def get_context_by_id(self) -> Context:
        return Context(**CONFIG["context"])


CONFIG: dict[str, t.Any] = {}
app = FastAPI()


def platform() -> Platform:
    """The platform with its registration loaded."""
    conf = Platform(config=CONFIG)
    conf.get_registration()
    return conf


@app.middleware("http")
async def failures(request: Request, call_next: t.Callable) -> Response:
    """Answer a queued failure status instead, for requests under its path prefix; wait ``latency_ms`` first."""
    if CONFIG.get("latency_ms") and not request.url.path.startswith("/_test"):
        await asyncio.sleep(CONFIG["latency_ms"] / 1000)  # a platform across a network, not on loopback
    with LOCK:
        STORE["requests"].append(f"{request.method} {request.url.path}")
        for index, (prefix, status) in enumerate(FAILURES):
            if request.url.path.startswith(prefix):
                del FAILURES[index]
                return JSONResponse({"error": f"failure {status} on purpose"}, status_code=status)
    return await call_next(request)


async def lti_request(request: Request) -> StarletteRequest:
    """The library's request record: method, query, headers and JSON body."""
    body = await request.body()
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    query = {k: int(v) if k in ("page", "limit") and v.isdigit() else v for k, v in request.query_params.items()}
    return StarletteRequest({"method": request.method, "form_data": {}, "get_data": query,
                             "headers": request.headers, "content_type": request.headers.get("content-type"),
                             "path": request.url.path, "json": data})


def answer(service: t.Any, handler: t.Callable, query: dict | None = None, base: str = "", **kwargs: t.Any
           ) -> Response:
    """Run a library handler; a bad token (any failure to verify it) is a 401; a page gets its Link header."""
    with LOCK:
        try:
            result = service.handle_resp(handler, **kwargs)
        except Exception as exc:  # the library raises jwt's and its own errors for a token it cannot verify
            return JSONResponse({"error": f"invalid access token: {exc}"}, status_code=401)
    if result.code >= 400:
        return JSONResponse({"error": result.message}, status_code=result.code)
    if result.code == 204:
        return Response(status_code=204)
    body, headers = result.result, {}
    if isinstance(body, dict) and "content" in body:  # a page: the JSON array, and a Link header to the next
        if body.get("has_next"):
            following = dict(query or {})
            following["page"] = int(following.get("page", 1)) + 1
            headers["Link"] = f'<{base}?{urlencode(following)}>; rel="next"'
        body = body["content"]
    return JSONResponse(body, status_code=result.code, headers=headers, media_type=result.media_type)


def grades_service(request: StarletteRequest, context: str) -> Grades:
    base = f"{CONFIG['base_url']}/ags/{context}/lineitems"
    return Grades(request, platform(), base)


@app.get("/.well-known/jwks.json")
def jwks() -> dict:
    """The platform's public key set."""
    return platform().get_jwks()


@app.post("/token")
async def token(request: Request) -> Response:
    """OAuth 2 client credentials with a JWT assertion signed by the tool (IMS Security Framework)."""
    form = dict(await request.form())
    with LOCK:
        STORE["token_requests"] += 1
    try:
        return JSONResponse(platform().get_access_token(form))
    except Exception as exc:  # a missing claim, a wrong grant type, a signature that does not verify
        return JSONResponse({"error": "invalid_client", "error_description": str(exc) or type(exc).__name__},
                            status_code=401)


@app.get("/ags/{context}/lineitems")
async def get_lineitems(context: str, request: Request) -> Response:
    """The line item container (filtered by resource_id, resource_link_id, tag; paged by limit)."""
    lti = await lti_request(request)
    service = grades_service(lti, context)
    return answer(service, service.handle_get_lineitems, query=dict(request.query_params),
                  base=service.ags.lineitems_url) if context == CONFIG["context"]["id"] else \
        JSONResponse({"error": "no such context"}, status_code=404)


@app.post("/ags/{context}/lineitems")
async def post_lineitem(context: str, request: Request) -> Response:
    """Create a line item."""
    if context != CONFIG["context"]["id"]:
        return JSONResponse({"error": "no such context"}, status_code=404)
    lti = await lti_request(request)
    service = grades_service(lti, context)
    return answer(service, service.handle_create_lineitem)


@app.get("/ags/{context}/lineitems/{item}")
async def get_lineitem(context: str, item: str, request: Request) -> Response:
    """One line item."""
    service = grades_service(await lti_request(request), context)
    return answer(service, service.handle_get_lineitem, line_item_id=item)


@app.put("/ags/{context}/lineitems/{item}")
async def put_lineitem(context: str, item: str, request: Request) -> Response:
    """Replace a line item's fields."""
    service = grades_service(await lti_request(request), context)
    return answer(service, service.handle_update_lineitem, line_item_id=item)


@app.post("/ags/{context}/lineitems/{item}/scores")
async def post_score(context: str, item: str, request: Request) -> Response:
    """Publish a learner's score on a line item."""
    service = grades_service(await lti_request(request), context)
    return answer(service, service.handle_update_score, line_item_id=item)


@app.get("/ags/{context}/lineitems/{item}/results")
async def get_results(context: str, item: str, request: Request) -> Response:
    """The results of a line item."""
    service = grades_service(await lti_request(request), context)
    return answer(service, service.handle_get_results, line_item_id=item)


@app.get("/nrps/{context}/memberships")
async def memberships(context: str, request: Request) -> Response:
    """The context membership container (paged by limit)."""
    if context != CONFIG["context"]["id"]:
        return JSONResponse({"error": "no such context"}, status_code=404)
    url = f"{CONFIG['base_url']}/nrps/{context}/memberships"
    service = Members(await lti_request(request), platform(), url)
    with LOCK:
        try:
            result = service.handle_resp(service.handle_get_members)
        except Exception as exc:
            return JSONResponse({"error": f"invalid access token: {exc}"}, status_code=401)
    if result.code >= 400:
        return JSONResponse({"error": result.message}, status_code=result.code)
    body, headers = dict(result.result), {}
    if body.pop("next", None):
        query = dict(request.query_params)
        query["page"] = int(query.get("page", 1)) + 1
        headers["Link"] = f'<{url}?{urlencode(query)}>; rel="next"'
    return JSONResponse(body, headers=headers, media_type=result.media_type)


@app.post("/deep_link_return")
async def deep_link_return(request: Request) -> Response:
    """Where the tool posts its LtiDeepLinkingResponse (form field ``JWT``): checked, then kept."""
    form = dict(await request.form())
    try:
        items = platform().validate_deeplinking_resp(form)
    except Exception as exc:
        return HTMLResponse(f"refused: {exc}", status_code=400)
    data = jwt.decode(form["JWT"], options={"verify_signature": False}).get(  # checked just above
        "https://purl.imsglobal.org/spec/lti-dl/claim/data")
    with LOCK:
        STORE["deep_linked"].append({"at": time.time(), "items": items, "data": data})
    return HTMLResponse(f"{len(items)} item(s) added")


class Login(OIDCLoginAbstract):
    """Third-party initiated login: the platform sends the user's browser to the tool's OIDC login URL."""

    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = json.dumps(kwargs, sort_keys=True)

    def get_redirect(self, url: str) -> Response:
        return RedirectResponse(url, status_code=302)


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The launch the tool's authentication request asked for: an auto-posting form with the signed id_token."""

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> Response:
        fields = "".join(f'<input type="hidden" name="{name}" value="{html.escape(str(launch_data[name]))}">'
                         for name in ("id_token", "state"))
        return HTMLResponse(f'<!doctype html><html><body onload="document.forms[0].submit()">'
                            f'<form method="post" action="{html.escape(launch_data["launch_url"])}">{fields}'
                            f'</form></body></html>')


def member(user_id: str) -> dict[str, t.Any] | None:
    """The course member with this LMS user id, or None."""
    return next((m for m in CONFIG["members"] if m["user_id"] == user_id), None)


@app.get("/launch/{resource_link}")
def start_launch(resource_link: str, user: str, section: str = "", deep_link: int = 0) -> Response:
    """What a click on a tool link in the course does: OIDC login initiation towards the tool."""
    if member(user) is None:
        return HTMLResponse("not a member of the course", status_code=403)
    login = Login(None, platform())
    login.set_lti_message_hint(resource_link=resource_link, section=section, deep_link=deep_link)
    return login.initiate_login(user)


@app.api_route("/authorize", methods=["GET", "POST"])
async def authorize(request: Request) -> Response:
    """The OIDC authentication endpoint: checks the tool's request, answers with the signed launch."""
    params = dict(request.query_params) if request.method == "GET" else dict(await request.form())
    problems = [f"{k} must be {v!r}" for k, v in (("response_type", "id_token"), ("scope", "openid"),
                                                  ("response_mode", "form_post"), ("prompt", "none"))
                if params.get(k) != v]
    if params.get("redirect_uri") not in CONFIG.get("tool_redirect_uris", []):
        problems.append("redirect_uri is not registered")
    user = member(str(params.get("login_hint", "")))
    if user is None:
        problems.append("login_hint is no member")
    try:
        hint = json.loads(params.get("lti_message_hint", ""))
        assert isinstance(hint, dict) and {"resource_link", "section", "deep_link"} <= set(hint)
    except (ValueError, AssertionError):
        problems.append("lti_message_hint is not the platform's")
    lti = StarletteRequest({"method": request.method, "form_data": params, "get_data": params,
                            "headers": request.headers, "content_type": None, "path": request.url.path,
                            "json": None})
    launch = Launch(lti, platform())
    launch._registration = launch._platform_config.get_registration()  # as lti_launch() sets it, for the check
    try:
        launch.validate_preflight_response(params)  # nonce, state, redirect_uri, client_id
    except Exception:
        problems.append("nonce, state, redirect_uri and the registered client_id are required")
    if problems:
        return HTMLResponse("invalid authentication request: " + "; ".join(problems), status_code=400)
    launch.set_user_data(user["user_id"], user["roles"], user.get("name"), user.get("email"))
    launch.set_launch_context_claim(CONFIG["context"]["id"], context_title=CONFIG["context"]["title"],
                                    context_label=CONFIG["context"]["label"])
    launch.set_resource_link_claim(hint["resource_link"])
    launch.set_custom_parameters_claim({"section": hint["section"]} if hint["section"] else {})
    # who the platform is and how it shows the tool, as Moodle and Canvas say it in every launch
    # (jupyterhub-ltiauthenticator requires both in a deep-linking request)
    launch.set_extra_claims({"https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
        "guid": CONFIG["issuer"], "name": "coursekit test platform", "product_family_code": "lti1p3platform"}})
    launch.set_launch_presentation_claim(document_target="window", return_url=f"{CONFIG['base_url']}/course")
    base = f"{CONFIG['base_url']}/ags/{CONFIG['context']['id']}/lineitems"
    launch.set_ags(base).set_nrps(f"{CONFIG['base_url']}/nrps/{CONFIG['context']['id']}/memberships")
    if hint["deep_link"]:
        launch.set_dl(f"{CONFIG['base_url']}/deep_link_return", title="Add coursekit sections",
                      accept_types={"ltiResourceLink"})
        settings = launch._deep_linking_launch_data["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
        settings["data"] = f"dl-{hint['resource_link']}"  # the spec's data is a string (the library takes a dict)
    return launch.lti_launch()


@app.get("/_test/state")
def state() -> dict:
    """What the platform holds (test only)."""
    with LOCK:
        return {"lineitems": list(STORE["lineitems"].values()), "scores": STORE["scores"],
                "score_posts": STORE["score_posts"], "token_requests": STORE["token_requests"],
                "deep_linked": STORE["deep_linked"], "requests": list(STORE["requests"])}


@app.post("/_test/lineitem")
async def raw_lineitem(request: Request) -> dict:
    """Keep a line item exactly as given, its id included (test only: a platform that names odd URLs)."""
    item = await request.json()
    with LOCK:
        STORE["lineitems"][f"raw-{len(STORE['lineitems'])}"] = item
    return item


@app.post("/_test/fail")
async def fail(request: Request) -> dict:
    """Queue failure statuses for the next requests under a path prefix (test only)."""
    data = await request.json()
    with LOCK:
        FAILURES.extend((data["prefix"], int(s)) for s in data["statuses"])
    return {"queued": len(FAILURES)}


def main() -> None:
    """Load the config and serve on 127.0.0.1:PORT."""
    config_path, port = sys.argv[1], int(sys.argv[2])
    with open(config_path, encoding="utf-8") as handle:
        CONFIG.update(json.load(handle))
    CONFIG["base_url"] = f"http://127.0.0.1:{port}"
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
