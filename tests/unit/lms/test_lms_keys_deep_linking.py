"""The tool's public key set and the deep-linking response it signs (checked with PyJWT against that key set)."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from coursekit.authoring.course import load_course
from coursekit.cli import main
from coursekit.lms.config import LmsError, ToolConfig
from coursekit.lms.deep_linking import DL_CLAIM, auto_post_form, content_items, deep_linking_response
from coursekit.lms.keys import load_private_key, new_private_key_pem, public_jwks


@pytest.fixture
def config(tmp_path: Path) -> ToolConfig:
    key = tmp_path / "key.pem"
    key.write_bytes(new_private_key_pem())
    return ToolConfig(issuer="https://lms.example.org", client_id="tool-1", deployment_id="d-1",
                      token_url="https://lms.example.org/token", lineitems_url="https://lms.example.org/li",
                      memberships_url="https://lms.example.org/m", private_key_file=key,
                      launch_url="https://hub.example.org/hub/lti13/launch")


def test_the_response_verifies_with_the_published_key_set(config: ToolConfig, repo) -> None:
    course = load_course(repo.course)
    token = deep_linking_response(config, course, [course.sections[0].id], data="abc")
    jwk = public_jwks(load_private_key(config.private_key_file))["keys"][0]
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience="https://lms.example.org")
    assert claims["iss"] == "tool-1"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "d-1"
    assert claims[f"{DL_CLAIM}data"] == "abc"
    assert claims[f"{DL_CLAIM}content_items"] == content_items(course, [course.sections[0].id], config.launch_url)


def test_the_comments_line_item_is_a_second_link_of_each_section_with_comments(config: ToolConfig, repo) -> None:
    course = load_course(repo.course)
    ids = [s.id for s in course.sections]
    with_comments = [s.id for s in course.sections if s.comments]
    assert with_comments
    items = content_items(course, ids, config.launch_url, comments=True)
    assert [(i["custom"]["section"], i["lineItem"]["tag"]) for i in items] == [
        pair for sid in ids for pair in [(sid, "coursekit-quiz")] + ([(sid, "coursekit-comments")]
                                                                     if sid in with_comments else [])]
    comment = next(i for i in items if i["lineItem"]["tag"] == "coursekit-comments")
    section = course.section(comment["custom"]["section"])
    assert comment["title"] == f"{section.quiz.title}: comments"
    assert comment["lineItem"]["scoreMaximum"] == sum(q.points for q in section.comments)
    assert comment["lineItem"]["resourceId"] == section.id
    token = deep_linking_response(config, course, ids, comments=True)
    sent = jwt.decode(token, options={"verify_signature": False})[f"{DL_CLAIM}content_items"]
    assert sent == items


def test_unknown_sections_and_a_missing_launch_url_are_refused(config: ToolConfig, repo) -> None:
    course = load_course(repo.course)
    with pytest.raises(LmsError, match="unknown section"):
        content_items(course, ["nope"], config.launch_url)
    with pytest.raises(LmsError, match="no section picked"):
        content_items(course, [], config.launch_url)
    bare = ToolConfig(**{**config.__dict__, "launch_url": ""})
    with pytest.raises(LmsError, match="launch_url is needed"):
        deep_linking_response(bare, course, [course.sections[0].id])


def test_the_form_escapes_what_it_carries() -> None:
    page = auto_post_form('https://lms.example.org/return?a=1&b="x"', "a.b.c")
    assert 'action="https://lms.example.org/return?a=1&amp;b=&quot;x&quot;"' in page


def test_jwks_prints_the_public_key_set_only(tmp_path: Path, capsys) -> None:
    grader = tmp_path / "grader"
    grader.mkdir()
    (grader / "key.pem").write_bytes(new_private_key_pem())
    (grader / "lti_tool.json").write_text(json.dumps({
        "issuer": "https://lms.example.org", "client_id": "t", "deployment_id": "1",
        "token_url": "https://lms.example.org/token", "lineitems_url": "https://lms.example.org/li",
        "memberships_url": "https://lms.example.org/m", "private_key_file": "key.pem"}))
    assert main(["--root", str(tmp_path), "lms", "jwks"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == public_jwks(load_private_key(grader / "key.pem"))
    assert set(printed["keys"][0]) == {"kty", "n", "e", "kid", "alg", "use"}  # no private part


def test_a_missing_configuration_is_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "grader").mkdir()
    assert main(["--root", str(tmp_path), "lms", "sync"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "lti_tool.json: no such file" in err and err.count("\n") == 1


def test_the_token_goes_to_the_platforms_service_addresses_only(config: ToolConfig) -> None:
    from coursekit.lms.client import PlatformClient

    client = PlatformClient(config, ["score"], sleep=lambda _: None)
    with pytest.raises(LmsError, match=r"not on the platform's service addresses \(https://lms\.example\.org\)"):
        client.request("POST", "https://attacker.example.net/lineitems/1/scores", "application/json", {})
    assert client._token is None  # refused before any token was asked for
