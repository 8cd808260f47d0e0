"""The tool's LTI registration file (grader/lti_tool.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit.lms.config import LmsError, load_tool_config, parse_tool_config

GOOD = {"issuer": "https://lms.example.org", "client_id": "abc", "deployment_id": "1",
        "token_url": "https://lms.example.org/mod/lti/token.php",
        "lineitems_url": "https://lms.example.org/mod/lti/services.php/2/lineitems?type_id=1",
        "memberships_url": "https://lms.example.org/mod/lti/services.php/CourseSection/2/bindings/1/memberships",
        "private_key_file": "lti_tool_key.pem"}


def test_a_good_file_is_read_with_its_defaults(tmp_path: Path) -> None:
    path = tmp_path / "lti_tool.json"
    path.write_text(json.dumps(GOOD))
    config = load_tool_config(path)
    assert config.private_key_file == tmp_path / "lti_tool_key.pem"
    assert config.audience == GOOD["token_url"]
    assert (config.login_from, config.retries, config.backoff_seconds) == ("email", 4, 1.0)
    assert config.lineitems_url == GOOD["lineitems_url"]


@pytest.mark.parametrize(("change", "said"), [
    ({"token_url": None}, "missing token_url"),
    ({"colour": "red"}, "unknown field(s) colour"),
    ({"token_url": "file:///etc/passwd"}, "token_url must be an http(s) URL"),
    ({"lineitems_url": "javascript:alert(1)"}, "lineitems_url must be an http(s) URL"),
    ({"login_from": "name"}, "login_from must be one of"),
    ({"retries": 99}, "retries must be a whole number"),
    ({"backoff_seconds": "1"}, "backoff_seconds must be a number"),
    ({"client_id": 12}, "client_id must be text"),
])
def test_a_bad_field_is_named(change: dict, said: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(LmsError, match=r"^grader/lti_tool.json: ") as caught:
        parse_tool_config(data, "grader/lti_tool.json", Path("grader"))
    assert said in str(caught.value)


def test_a_file_that_is_missing_or_not_json_is_named(tmp_path: Path) -> None:
    with pytest.raises(LmsError, match="no such file"):
        load_tool_config(tmp_path / "lti_tool.json")
    (tmp_path / "lti_tool.json").write_text("{not json")
    with pytest.raises(LmsError, match=r"lti_tool\.json: not JSON"):
        load_tool_config(tmp_path / "lti_tool.json")
    (tmp_path / "lti_tool.json").write_text("[1]")
    with pytest.raises(LmsError, match="expected a JSON object"):
        load_tool_config(tmp_path / "lti_tool.json")


def test_sync_after_autograde_is_off_unless_set_and_must_be_true_or_false() -> None:
    assert parse_tool_config(GOOD, "x", Path(".")).sync_after_autograde is False
    assert parse_tool_config({**GOOD, "sync_after_autograde": True}, "x", Path(".")).sync_after_autograde is True
    with pytest.raises(LmsError, match="sync_after_autograde must be true or false"):
        parse_tool_config({**GOOD, "sync_after_autograde": "yes"}, "x", Path("."))
