"""The loopback LTI 1.3 platform's launches, as the hub's LTI login will meet them, and deep linking end to end.

The test plays the tool's side of the OIDC flow (the hub's login is a later part): the platform's link
sends the browser to the tool's login URL, the tool's authentication request comes back to ``/authorize``,
and the platform answers with a form posting a signed id_token. The token is checked with the platform's
published key set. Deep linking goes round: the platform's ``LtiDeepLinkingRequest`` gives the return URL
and data that ``coursekit lms deep-link`` signs its answer for. A platform naming a line item on another
host stops ``coursekit lms sync`` before anything is written. The service URLs a launch names, kept as the hub
keeps them, serve ``coursekit lms roster`` and ``sync`` without URLs in ``lti_tool.json``; one on another host
is refused by name.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from lti_support import CONTEXT, TOOL_LAUNCH_URL, TOOL_LOGIN_URL, RunningPlatform, running_platform, write_tool_config

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.gradebook.roster import ensure_gradebook
from coursekit.gradebook.roster_file import load_roster
from coursekit.lms.services import AGS_CLAIM, SERVICES_NAME, record_launch_services
from coursekit.paths import ProjectPaths

pytestmark = pytest.mark.slow

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the test reads the redirect instead of following it
        return None


OPENER = urllib.request.build_opener(_Stay)


@pytest.fixture
def running(project: ProjectPaths, tmp_path: Path) -> Iterator[RunningPlatform]:
    """The platform, the tool registered with it in the project's grader/."""
    logs = tmp_path / "platform"
    logs.mkdir()
    with running_platform(project.grader, logs) as platform:
        yield platform


def get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and text of a GET, redirects not followed."""
    try:
        with OPENER.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def login_initiation(running: RunningPlatform, user: str, **query: str) -> dict[str, str]:
    """The parameters the platform's link sends the browser to the tool's login URL with."""
    status, headers, _ = get(f"{running.url}/launch/rl-1?{urllib.parse.urlencode({'user': user, **query})}")
    assert status == 302
    location = headers["location"]
    assert location.startswith(TOOL_LOGIN_URL + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def auth_request(running: RunningPlatform, initiation: dict[str, str], **changes: str) -> tuple[int, str, dict]:
    """The tool's OIDC authentication request; status, page and the fields it sent."""
    fields = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
              "client_id": initiation["client_id"], "redirect_uri": initiation["target_link_uri"],
              "login_hint": initiation["login_hint"], "lti_message_hint": initiation["lti_message_hint"],
              "state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), **changes}
    status, _, page = get(f"{running.url}/authorize?{urllib.parse.urlencode(fields)}")
    return status, page, fields


def id_token_claims(running: RunningPlatform, page: str, fields: dict) -> dict:
    """The launch form's id_token, checked with the platform's published keys; its state checked too."""
    assert f'action="{html.escape(TOOL_LAUNCH_URL)}"' in page
    values = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', page))
    assert html.unescape(values["state"]) == fields["state"]
    token = html.unescape(values["id_token"])
    with urllib.request.urlopen(f"{running.url}/.well-known/jwks.json", timeout=10) as response:
        keys = jwt.PyJWKSet.from_dict(json.load(response))
    key = next(k for k in keys.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=running.client_id, issuer=running.issuer)
    assert claims["nonce"] == fields["nonce"]
    return claims


def test_a_learner_and_a_trainer_launch_with_signed_id_tokens(running: RunningPlatform) -> None:
    initiation = login_initiation(running, "lms-101", section="cooperation_networking")
    assert initiation["iss"] == running.issuer and initiation["login_hint"] == "lms-101"
    assert initiation["target_link_uri"] == TOOL_LAUNCH_URL
    assert (initiation["client_id"], initiation["lti_deployment_id"]) == (running.client_id, running.deployment_id)
    status, page, fields = auth_request(running, initiation)
    assert status == 200, page
    claims = id_token_claims(running, page, fields)
    assert claims["sub"] == "lms-101" and claims["email"] == "ada@example.org"
    assert claims[f"{CLAIM}message_type"] == "LtiResourceLinkRequest"
    assert claims[f"{CLAIM}deployment_id"] == running.deployment_id
    assert claims[f"{CLAIM}roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert claims[f"{CLAIM}custom"] == {"section": "cooperation_networking"}
    assert claims[f"{CLAIM}resource_link"]["id"] == "rl-1"
    assert claims[f"{CLAIM}context"]["id"] == CONTEXT["id"]
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == f"{running.url}/ags/{CONTEXT['id']}/lineitems"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in ags["scope"]
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps["context_memberships_url"] == f"{running.url}/nrps/{CONTEXT['id']}/memberships"

    trainer = login_initiation(running, "lms-900")
    status, page, fields = auth_request(running, trainer)
    assert id_token_claims(running, page, fields)[f"{CLAIM}roles"] == [
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]


@pytest.mark.parametrize(("changes", "said"), [
    ({"redirect_uri": "https://attacker.example.net/cb"}, "redirect_uri is not registered"),
    ({"client_id": "another-tool"}, "the registered client_id"),
    ({"nonce": ""}, "nonce, state"),
    ({"response_type": "code"}, "response_type must be 'id_token'"),
    ({"login_hint": "lms-999"}, "login_hint is no member"),
    ({"lti_message_hint": "[1]"}, "lti_message_hint is not the platform's"),
])
def test_a_bad_authentication_request_gets_no_id_token(running: RunningPlatform, changes: dict, said: str) -> None:
    status, page, _ = auth_request(running, login_initiation(running, "lms-101"), **changes)
    assert status == 400 and said in page and 'name="id_token"' not in page


def test_deep_linking_from_the_platforms_request_to_its_return(running: RunningPlatform, project: ProjectPaths,
                                                               tmp_path: Path) -> None:
    status, page, fields = auth_request(running, login_initiation(running, "lms-900", deep_link="1"))
    assert status == 200, page
    claims = id_token_claims(running, page, fields)
    assert claims[f"{CLAIM}message_type"] == "LtiDeepLinkingRequest"
    settings = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert settings["accept_types"] == ["ltiResourceLink"]

    write_tool_config(project.grader, running.url, launch_url=TOOL_LAUNCH_URL)
    course = load_course(project.course)
    sections = [s.id for s in course.sections]
    out = tmp_path / "deep_link.html"
    args = ["--root", str(project.root), "lms", "deep-link", "--return-url", settings["deep_link_return_url"],
            "--data", settings["data"], "--out", str(out)]
    for section in sections:
        args += ["--section", section]
    assert main(args) == 0
    token = html.unescape(re.search(r'name="JWT" value="([^"]+)"', out.read_text()).group(1))
    request = urllib.request.Request(settings["deep_link_return_url"], method="POST",
                                     data=urllib.parse.urlencode({"JWT": token}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    (linked,) = running.state()["deep_linked"]
    assert linked["data"] == settings["data"] == "dl-rl-1"
    assert [item["custom"]["section"] for item in linked["items"]] == sections


def test_a_line_item_elsewhere_stops_the_sync_before_anything_is_written(running: RunningPlatform,
                                                                          project: ProjectPaths, capsys) -> None:
    running.add_raw_lineitem({"id": "https://attacker.example.net/lineitems/1", "label": "x", "scoreMaximum": 1,
                              "resourceId": "cooperation_networking", "tag": "coursekit-quiz"})
    ensure_gradebook(project.gradebook_url)
    assert main(["--root", str(project.root), "lms", "sync"]) == 1
    err = capsys.readouterr().err
    assert "line item 'https://attacker.example.net/lineitems/1' is not on http://127.0.0.1:" in err
    assert "Traceback" not in err
    state = running.state()
    assert len(state["lineitems"]) == 1 and state["score_posts"] == 0
    assert not any(r.startswith("POST /ags") for r in state["requests"])


def test_the_service_urls_of_a_launch_serve_roster_and_sync_and_another_host_is_refused(
        running: RunningPlatform, project: ProjectPaths, capsys) -> None:
    status, page, fields = auth_request(running, login_initiation(running, "lms-101", section="cooperation_networking"))
    assert status == 200, page
    claims = id_token_claims(running, page, fields)
    services = project.grader / SERVICES_NAME
    assert record_launch_services(services, claims) is True  # what the hub does at each launch
    assert record_launch_services(services, claims) is False  # the same launch again changes nothing
    config_path = write_tool_config(project.grader, running.url)
    registration = json.loads(config_path.read_text(encoding="utf-8"))
    del registration["lineitems_url"], registration["memberships_url"]  # no URL copied from the LMS by hand
    config_path.write_text(json.dumps(registration), encoding="utf-8")
    ensure_gradebook(project.gradebook_url)

    assert main(["--root", str(project.root), "lms", "roster"]) == 0
    out = capsys.readouterr().out
    assert f"from {running.url}/nrps/{CONTEXT['id']}/memberships" in out
    assert load_roster(project.gradebook_url).set_index("learner").loc["ada", "lms_user_id"] == "lms-101"
    assert main(["--root", str(project.root), "lms", "sync"]) == 0
    assert f"posted to {running.url}/ags/{CONTEXT['id']}/lineitems" in capsys.readouterr().out
    assert f"GET /ags/{CONTEXT['id']}/lineitems" in running.state()["requests"]

    # A launch naming its line items on another host: kept (the hub sends nothing), refused by the sync by name.
    elsewhere = "https://attacker.example.net/ags/course-42/lineitems"
    claims[AGS_CLAIM] = {**claims[AGS_CLAIM], "lineitems": elsewhere}
    assert record_launch_services(services, claims) is True
    before = running.state()
    assert main(["--root", str(project.root), "lms", "sync"]) == 1
    err = capsys.readouterr().err
    assert f"the launch's lineitems_url {elsewhere!r} is not on the platform's hosts ({running.url})" in err
    assert "Traceback" not in err
    after = running.state()
    sent = [r for r in after["requests"][len(before["requests"]):] if " /_test/" not in r]
    assert after["token_requests"] == before["token_requests"] and sent == []
