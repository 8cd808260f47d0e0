"""System accounts for launched logins: the names refused, system accounts refused, a failing useradd named."""

from __future__ import annotations

import pwd
import re

import pytest

from coursekit.lms.accounts import AccountError, account_problem, ensure_account, launch_refusal, ordinary_uids


@pytest.mark.parametrize("login", ["ada", "ck-lti-new", "a_b-2", "x" * 32])
def test_plain_logins_can_be_system_accounts(login):
    assert account_problem(login) is None


@pytest.mark.parametrize(("login", "words"), [
    ("ada@example.org", "no system account name"),
    ("ada.lovelace", "no system account name"),
    ("1ada", "no system account name"),
    ("x" * 33, "at most 32 characters"),
    ("Ada", "upper-case"),
    ("ada;rm -rf x", "contains ';'"),
    ("$(id)", "contains '$'"),
    ("-rf", "starts with '-'"),
    ("", "is empty"),
])
def test_logins_that_cannot_be_system_accounts_are_refused_by_name_and_nothing_is_made(login, words, tmp_path):
    assert words in account_problem(login)
    with pytest.raises(AccountError, match="cannot be a system account on the hub") as refused:
        ensure_account(login, tmp_path)
    assert repr(login[:60]) in str(refused.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("login", ["root", "daemon", "nobody"])
def test_the_machines_own_accounts_are_never_a_launched_login(login, tmp_path):
    entry = pwd.getpwnam(login)
    words = f"is a system account of the hub's machine (uid {entry.pw_uid})"
    assert words in launch_refusal(login, creating=True) and words in launch_refusal(login, creating=False)
    with pytest.raises(AccountError, match=re.escape(words)):
        ensure_account(login, tmp_path)
    assert pwd.getpwnam(login) == entry


def test_an_existing_ordinary_account_is_used_as_it_is(tmp_path):
    entry = pwd.getpwnam("nobody")
    ordinary = range(entry.pw_uid, entry.pw_uid + 1)
    assert launch_refusal("nobody", creating=False, uids=ordinary) is None
    assert ensure_account("nobody", tmp_path, uids=ordinary) is False
    assert pwd.getpwnam("nobody") == entry and list(tmp_path.iterdir()) == []


def test_a_missing_account_is_refused_at_launch_unless_the_hub_makes_accounts():
    assert "has no account on the hub yet, and the hub makes none" in launch_refusal("ck-unit-none", creating=False)
    assert launch_refusal("ck-unit-none", creating=True) is None
    assert "no system account name" in launch_refusal("ck.unit.none", creating=True)


def test_ordinary_uids_come_from_login_defs(tmp_path):
    defs = tmp_path / "login.defs"
    defs.write_text("# comment\nUID_MIN\t 2000\nUID_MAX 3000\nUID_MIN_X 5\n", encoding="utf-8")
    assert ordinary_uids(defs) == range(2000, 3001)
    assert ordinary_uids(tmp_path / "missing") == range(1000, 60001)


def test_a_failing_useradd_is_one_line_naming_the_account_and_makes_nothing(tmp_path):
    with pytest.raises(AccountError) as refused:
        ensure_account("ck-unit-nogroup", tmp_path, groups=["ck-no-such-group"])
    message = str(refused.value)
    assert message.startswith("the system account 'ck-unit-nogroup' could not be made: ") and "\n" not in message
    with pytest.raises(KeyError):
        pwd.getpwnam("ck-unit-nogroup")
    assert list(tmp_path.iterdir()) == []
