"""Who an LTI 1.3 launch brings to the hub: login, mode (group), LMS id, section and landing; the refusals."""

from __future__ import annotations

import pytest

from coursekit.lms.launch import (
    CUSTOM_CLAIM,
    DEPLOYMENT_CLAIM,
    LIS_CLAIM,
    ROLES_CLAIM,
    LaunchError,
    plain_refusal,
    read_launch,
)

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
INSTITUTION_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"
DEPLOYMENTS = {"deployment-1"}


def claims(roles, email="ada@example.org", section="cooperation_networking", deployment="deployment-1", **more):
    data = {"sub": "lms-101", "email": email, ROLES_CLAIM: roles, DEPLOYMENT_CLAIM: deployment,
            LIS_CLAIM: {"person_sourcedid": "s-101"}, **more}
    if section is not None:
        data[CUSTOM_CLAIM] = {"section": section}
    return data


def test_learner_lands_in_the_launched_section_with_the_lms_id_beside_the_login():
    launch = read_launch(claims([LEARNER]), "email_local", DEPLOYMENTS)
    assert (launch.login, launch.lms_user_id, launch.trainer, launch.group) == ("ada", "lms-101", False, "learners")
    assert launch.section == "cooperation_networking"
    assert launch.landing() == "coursekit/open/cooperation_networking"
    assert launch.auth_state() == {"lms_user_id": "lms-101", "lti_deployment_id": "deployment-1",
                                   "mode": "learner", "section": "cooperation_networking"}


@pytest.mark.parametrize("roles", [[INSTRUCTOR], [TA], [LEARNER, INSTRUCTOR], ["Instructor"]])
def test_instructors_and_teaching_assistants_are_trainers_and_land_in_the_lab(roles):
    launch = read_launch(claims(roles, email="tina@example.org"), "email_local", DEPLOYMENTS)
    assert (launch.login, launch.trainer, launch.group, launch.landing()) == ("tina", True, "trainers", "lab")
    assert launch.auth_state()["mode"] == "trainer"


def test_a_learner_without_section_lands_in_the_lab():
    launch = read_launch(claims([LEARNER], section=None), "email_local", DEPLOYMENTS)
    assert (launch.section, launch.landing()) == ("", "lab")


@pytest.mark.parametrize(("login_from", "login"), [("email", "ada@example.org"), ("email_local", "ada"),
                                                   ("user_id", "lms-101"), ("lis_person_sourcedid", "s-101")])
def test_the_login_comes_from_the_configured_claim(login_from, login):
    assert read_launch(claims([LEARNER]), login_from, DEPLOYMENTS).login == login


def test_an_institution_instructor_who_learns_in_this_course_is_a_learner():
    launch = read_launch(claims([INSTITUTION_INSTRUCTOR, LEARNER]), "email_local", DEPLOYMENTS)
    assert (launch.trainer, launch.group) == (False, "learners")


@pytest.mark.parametrize(("data", "words"), [
    (claims([LEARNER], deployment="deployment-9"), "deployment the hub does not know ('deployment-9')"),
    (claims([LEARNER], email="Ana@example.org"), "the LMS login 'Ana' cannot be a coursekit login: it contains "
                                                 "upper-case letters"),
    (claims([LEARNER], email="<svg onload=x>@example.org"), "cannot be a coursekit login: it contains '<'"),
    (claims([LEARNER], email="аna@example.org"), "cannot be a coursekit login: it mixes Cyrillic and Latin"),
    (claims([LEARNER], email=""), "the LMS sent no email_local for this user"),
    (claims([INSTITUTION_INSTRUCTOR]), "your role in this course (none) opens no coursekit mode"),
    (claims(["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]), "(Mentor) opens no coursekit mode"),
    (claims([LEARNER], section="../etc"), "the link's section '../etc' is no section id"),
])
def test_refusals_name_the_problem(data, words):
    with pytest.raises(LaunchError) as refused:
        read_launch(data, "email_local", DEPLOYMENTS)
    assert words in str(refused.value)


def test_an_unknown_login_field_is_refused():
    with pytest.raises(LaunchError, match="login_from is 'name'"):
        read_launch(claims([LEARNER]), "name", DEPLOYMENTS)


@pytest.mark.parametrize(("status", "message", "words"), [
    (400, "Missing nonce state cookie", "already used"),
    (400, "OAuth state missing from cookies", "not started from the LMS in this browser"),
    (400, "OAuth nonce mismatch", "not issued for the login started in this browser"),
    (400, "Signature has expired", "has expired"),
    (400, "id_token issued too long ago.", "has expired"),
    (401, "Audience doesn't match", "issued for another tool"),
    (400, "Signature verification failed", "could not be verified as coming from the course's LMS"),
])
def test_the_login_librarys_refusals_in_plain_words(status, message, words):
    sentence = plain_refusal(status, message)
    assert words in sentence
    assert "Traceback" not in sentence


DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def test_a_trainers_deep_linking_launch_keeps_the_return_url_and_data_and_lands_on_the_chooser():
    data = claims([INSTRUCTOR], section=None, **{
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingRequest",
        DL_SETTINGS: {"deep_link_return_url": "https://lms.example.org/dl/return", "data": "dl-7"}})
    launch = read_launch(data, "email_local", DEPLOYMENTS)
    assert launch.landing() == "deep-link"
    assert launch.auth_state()["deep_linking"] == {"return_url": "https://lms.example.org/dl/return", "data": "dl-7"}
    assert "deep_linking" not in read_launch(claims([INSTRUCTOR]), "email_local", DEPLOYMENTS).auth_state()


@pytest.mark.parametrize(("roles", "settings", "words"), [
    ([LEARNER], {"deep_link_return_url": "https://lms.example.org/dl/return"}, "only the course's instructors"),
    ([INSTRUCTOR], {"deep_link_return_url": "javascript:alert(1)"}, "no usable return address ('javascript"),
    ([INSTRUCTOR], None, "no usable return address"),
])
def test_a_deep_linking_launch_a_learner_makes_or_without_return_url_is_refused(roles, settings, words):
    data = claims(roles, section=None, **{"https://purl.imsglobal.org/spec/lti/claim/message_type":
                                          "LtiDeepLinkingRequest", DL_SETTINGS: settings})
    with pytest.raises(LaunchError, match=words.replace("(", "\\(")):
        read_launch(data, "email_local", DEPLOYMENTS)
