"""``coursekit lms roster``: the course's membership (Names and Role Provisioning Services 2.0) into the roster.

Active members with the Learner role become roster entries: the login from the member field the tool's
configuration names (``login_from``), the name, the email, the LMS user id (``user_id``) and the id number
(``lis_person_sourcedid``). Instructors and teaching assistants are counted, not put on the roster. A login
the gradebook cannot use (see :mod:`coursekit.gradebook.learner_ids`), a missing field, or two members with
one login refuse the whole membership, one line per member; nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coursekit.gradebook.learner_ids import describe_id, learner_id_problem, login_key, text_problem
from coursekit.gradebook.roster_file import RosterEntry
from coursekit.gradebook.roster_table import MAX_FIELD
from coursekit.lms.client import PlatformClient
from coursekit.lms.config import LmsError

MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LEARNER = "Learner"
STAFF = ("Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator", "Mentor")


@dataclass
class Membership:
    """The learners of a membership as roster entries, and how many staff members were left aside."""

    learners: list[RosterEntry] = field(default_factory=list)
    staff: int = 0
    inactive: int = 0


def _role_names(member: dict[str, Any]) -> set[str]:
    """The roles' short names (``…/membership#Learner`` → ``Learner``; sub-roles kept as their parent)."""
    names = set()
    for role in member.get("roles") or []:
        short = str(role).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        names.add(short)
    return names


def _login(member: dict[str, Any], login_from: str) -> str:
    if login_from == "email_local":
        return str(member.get("email") or "").split("@", 1)[0]
    return str(member.get(login_from) or "")


def members_to_roster(members: list[Any], login_from: str, origin: str) -> Membership:
    """The roster entries of NRPS ``members`` (pure); see the module's docstring.

    Raises
    ------
    LmsError
        One line per member that cannot be put on the roster, naming ``origin`` (the memberships URL).
    """
    result, problems, seen = Membership(), [], {}
    for member in members:
        if not isinstance(member, dict) or not member.get("user_id"):
            problems.append(f"{origin}: a member without user_id")
            continue
        user = str(member["user_id"])
        roles = _role_names(member)
        if str(member.get("status", "Active")) != "Active":
            result.inactive += 1
            continue
        if LEARNER not in roles:
            result.staff += bool(roles & set(STAFF))
            continue
        login = _login(member, login_from)
        who = f"{origin}: member {describe_id(user)}"
        if not login:
            problems.append(f"{who}: no {login_from} (the login is taken from it: login_from in lti_tool.json)")
            continue
        problem = learner_id_problem(login)
        if problem:
            problems.append(f"{who}: login {describe_id(login)} {problem}")
            continue
        if login_key(login) in seen:
            problems.append(f"{who}: login {login!r} is also member {describe_id(seen[login_key(login)])}'s")
            continue
        fields = {"name": str(member.get("name") or " ".join(
                      str(member.get(k) or "") for k in ("given_name", "family_name")).strip()),
                  "email": str(member.get("email") or ""), "idnumber": str(member.get("lis_person_sourcedid") or ""),
                  "lms_user_id": user}
        odd = [f"{k}: {p}" for k, v in fields.items() if (p := text_problem(v))]
        odd += [f"{k}: longer than {MAX_FIELD} characters" for k, v in fields.items() if len(v) > MAX_FIELD]
        if odd:
            problems.append(f"{who}: " + "; ".join(odd))
            continue
        seen[login_key(login)] = user
        result.learners.append(RosterEntry(login=login, **fields))
    if problems:
        raise LmsError("\n".join(problems))
    return result


def fetch_members(client: PlatformClient, memberships_url: str) -> list[Any]:
    """Every member of the course's membership container, every page."""
    members: list[Any] = []
    for answer in client.pages(memberships_url, MEMBERSHIPS):
        if not isinstance(answer.body, dict) or not isinstance(answer.body.get("members"), list):
            raise LmsError(f"GET {memberships_url}: the platform's answer has no members list")
        members += answer.body["members"]
    return members
