"""The service URLs of launches: kept per issuer, deployment and course; used when lti_tool.json has none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit.lms.config import LmsError, parse_tool_config
from coursekit.lms.services import (
    AGS_CLAIM,
    CLAIM,
    NRPS_CLAIM,
    launch_services,
    read_services,
    record_launch_services,
    resolve_services,
)

LMS = "https://lms.example.org"


def claims(context="c-1", lineitems=f"{LMS}/ags/c-1/lineitems", memberships=f"{LMS}/nrps/c-1/members",
           deployment="d-1", issuer=LMS) -> dict:
    return {"iss": issuer, CLAIM + "deployment_id": deployment, CLAIM + "context": {"id": context, "title": "QM"},
            AGS_CLAIM: {"lineitems": lineitems, "scope": []}, NRPS_CLAIM: {"context_memberships_url": memberships}}


def config(tmp_path: Path, **more):
    data = {"issuer": LMS, "client_id": "t", "deployment_id": "d-1", "token_url": f"{LMS}/token",
            "private_key_file": "k.pem", **more}
    return parse_tool_config(data, "lti_tool.json", tmp_path)


def test_a_launch_gives_its_course_and_both_urls():
    assert launch_services(claims()) == {"issuer": LMS, "deployment_id": "d-1", "context_id": "c-1",
                                         "context_title": "QM", "lineitems_url": f"{LMS}/ags/c-1/lineitems",
                                         "memberships_url": f"{LMS}/nrps/c-1/members"}
    assert launch_services({**claims(), CLAIM + "context": None}) is None
    assert launch_services(claims(lineitems="javascript:alert(1)", memberships="")) is None


def test_kept_once_per_course_and_replaced_when_the_lms_names_new_urls(tmp_path):
    path = tmp_path / "lti_services.json"
    assert record_launch_services(path, claims()) is True
    assert record_launch_services(path, claims()) is False
    assert record_launch_services(path, claims(context="c-2", lineitems=f"{LMS}/ags/c-2/li")) is True
    assert record_launch_services(path, claims(lineitems=f"{LMS}/ags/c-1/new")) is True
    entries = {e["context_id"]: e["lineitems_url"] for e in read_services(path)}
    assert entries == {"c-1": f"{LMS}/ags/c-1/new", "c-2": f"{LMS}/ags/c-2/li"}
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert [p.name for p in tmp_path.iterdir()] == ["lti_services.json"]  # no temporary file left


def test_the_registrations_own_urls_win(tmp_path):
    record_launch_services(tmp_path / "s.json", claims())
    own = config(tmp_path, lineitems_url=f"{LMS}/mine/li", memberships_url=f"{LMS}/mine/m")
    assert resolve_services(own, tmp_path / "s.json") == own


def test_without_urls_in_the_registration_the_recorded_launch_serves(tmp_path):
    record_launch_services(tmp_path / "s.json", claims(lineitems=f"{LMS}/ags/c-1/lineitems/"))
    resolved = resolve_services(config(tmp_path), tmp_path / "s.json")
    assert (resolved.lineitems_url, resolved.memberships_url) == (f"{LMS}/ags/c-1/lineitems", f"{LMS}/nrps/c-1/members")


def test_launches_of_another_deployment_or_issuer_do_not_count(tmp_path):
    path = tmp_path / "s.json"
    record_launch_services(path, claims(deployment="d-9"))
    record_launch_services(path, claims(issuer="https://other.example.org"))
    with pytest.raises(LmsError, match="no launch from the LMS recorded yet for issuer"):
        resolve_services(config(tmp_path), path)


def test_several_courses_need_context(tmp_path):
    path = tmp_path / "s.json"
    record_launch_services(path, claims())
    record_launch_services(path, claims(context="c-2", lineitems=f"{LMS}/ags/c-2/li"))
    with pytest.raises(LmsError, match="several LMS courses are recorded \\('c-1' \\(QM\\), 'c-2' \\(QM\\)\\)"):
        resolve_services(config(tmp_path), path)
    assert resolve_services(config(tmp_path), path, "c-2").lineitems_url == f"{LMS}/ags/c-2/li"
    with pytest.raises(LmsError, match="no launch from the LMS course 'c-3' recorded"):
        resolve_services(config(tmp_path), path, "c-3")


@pytest.mark.parametrize("url", ["https://attacker.example.net/ags/c-1/li", "http://lms.example.org/ags/c-1/li",
                                 "https://lms.example.org:8443/ags/c-1/li"])
def test_a_recorded_url_on_another_host_is_refused_by_name(tmp_path, url):
    record_launch_services(tmp_path / "s.json", claims(lineitems=url))
    with pytest.raises(LmsError, match=f"lineitems_url '{url}' is not on the platform's hosts \\({LMS}\\)"):
        resolve_services(config(tmp_path), tmp_path / "s.json")


def test_service_hosts_allow_the_lms_own_other_host(tmp_path):
    school = "https://school.instructure.com"
    record_launch_services(tmp_path / "s.json", claims(lineitems=f"{school}/api/lti/courses/1/line_items",
                                                       memberships=f"{school}/api/lti/courses/1/names_and_roles"))
    resolved = resolve_services(config(tmp_path, service_hosts=[school]), tmp_path / "s.json")
    assert resolved.lineitems_url.startswith(school)
    with pytest.raises(LmsError, match="service_hosts must be an http\\(s\\) URL"):
        config(tmp_path, service_hosts=["school.instructure.com"])


def test_a_damaged_file_is_named_and_left_as_it_is(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(LmsError, match=f"{path}: not JSON"):
        record_launch_services(path, claims())
    assert path.read_text(encoding="utf-8") == "{broken"
    path.write_text(json.dumps({"contexts": "x"}), encoding="utf-8")
    with pytest.raises(LmsError, match="expected"):
        resolve_services(config(tmp_path), path)
