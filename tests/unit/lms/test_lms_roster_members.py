"""NRPS members into roster entries (pure): learners kept, staff left aside, bad logins refused by name."""

from __future__ import annotations

import pytest

from coursekit.lms.config import LmsError
from coursekit.lms.roster import members_to_roster

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
ORIGIN = "https://lms.example.org/memberships"


def member(user: str, email: str, roles: list[str] | None = None, **more: str) -> dict:
    return {"user_id": user, "email": email, "roles": roles or [LEARNER], **more}


def test_learners_become_entries_with_their_lms_ids() -> None:
    result = members_to_roster([
        member("7", "ada@example.org", name="Ada Lovelace", lis_person_sourcedid="S-7"),
        member("8", "ben@example.org", given_name="Ben", family_name="Okafor"),
        member("9", "tina@example.org", [INSTRUCTOR]),
        member("10", "tom@example.org", [TA]),
        member("11", "gone@example.org", status="Inactive"),
    ], "email_local", ORIGIN)
    assert [(e.login, e.name, e.email, e.idnumber, e.lms_user_id) for e in result.learners] == [
        ("ada", "Ada Lovelace", "ada@example.org", "S-7", "7"), ("ben", "Ben Okafor", "ben@example.org", "", "8")]
    assert (result.staff, result.inactive) == (2, 1)


def test_the_login_comes_from_the_configured_field() -> None:
    result = members_to_roster([member("u-1", "ada@example.org")], "email", ORIGIN)
    assert result.learners[0].login == "ada@example.org"
    result = members_to_roster([member("u-1", "ada@example.org")], "user_id", ORIGIN)
    assert result.learners[0].login == "u-1"


@pytest.mark.parametrize(("members", "said"), [
    ([member("1", "Ada@example.org")], "login 'Ada' contains upper-case letters"),
    ([member("1", "<svg onload=alert(1)>@x")], "login '<svg onload=alert(1)>' contains"),
    ([member("1", "ada@x"), member("2", "ada@y")], "login 'ada' is also member '1''s"),
    ([member("1", "")], "no email_local"),
    ([member("1", "ada@x", name="Ada\u202eecalevol")], "name: holds U+202E"),
    ([{"roles": [LEARNER]}], "a member without user_id"),
    (["not a member"], "a member without user_id"),
])
def test_a_member_who_cannot_be_on_the_roster_refuses_the_whole_membership(members: list, said: str) -> None:
    with pytest.raises(LmsError) as caught:
        members_to_roster([member("0", "zoe@example.org"), *members], "email_local", ORIGIN)
    assert said in str(caught.value)
    assert str(caught.value).startswith(ORIGIN)
