"""System accounts for people the LMS launches: made at their first launch, before their server starts.

The hub starts each user's server as the system account of the same name. A learner or trainer who arrives
from the LMS for the first time has none yet; :func:`ensure_account` makes it (``useradd`` with an argument
list, never a shell: home ``<homes>/<login>`` (0700), login shell ``/bin/bash``, own group, and for trainers
the trainers' system group). What it refuses, by name:

* a login that is no coursekit learner id, or no portable system account name (lower-case letter first,
  then lower-case letters, digits, ``_`` and ``-``, at most 32 characters: an e-mail address as login is
  refused here; use ``email_local``);
* an existing account outside the machine's range of ordinary users (``UID_MIN``..``UID_MAX`` of
  ``/etc/login.defs``: ``root``, ``daemon``, ``www-data``, ``nobody``…): the LMS never logs in as one.

An ordinary account that exists is used as it is: nothing of it is changed. :func:`launch_refusal` is the
same judgement at the launch itself, before anything is made.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from coursekit.gradebook.learner_ids import describe_id, learner_id_problem
from coursekit.lms.config import LmsError

SYSTEM_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
LOGIN_DEFS = Path("/etc/login.defs")
SHELL = "/bin/bash"
USERADD_EXISTS = 9  # useradd's exit status when the name is taken (another launch made it meanwhile)


class AccountError(LmsError):
    """A system account the hub will not make or use for a launched login; the message says why."""


def account_problem(login: str) -> str | None:
    """Why ``login`` cannot be the name of a system account made for the LMS, or None when it can."""
    problem = learner_id_problem(login)
    if problem:
        return problem
    if not SYSTEM_NAME.fullmatch(login):
        return ("is no system account name (a lower-case letter, then lower-case letters, digits, '_' and '-', "
                "at most 32 characters)")
    return None


def ordinary_uids(login_defs: Path = LOGIN_DEFS) -> range:
    """The uids of ordinary users on this machine: ``UID_MIN``..``UID_MAX`` of login.defs (1000..60000)."""
    values = {"UID_MIN": 1000, "UID_MAX": 60000}
    try:
        lines = login_defs.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[0] in values and words[1].isdigit():
            values[words[0]] = int(words[1])
    return range(values["UID_MIN"], values["UID_MAX"] + 1)


def _existing(login: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(login)
    except KeyError:
        return None


def _system_account(entry: pwd.struct_passwd, uids: range) -> str | None:
    if entry.pw_uid in uids:
        return None
    return (f"the login {describe_id(entry.pw_name)} is a system account of the hub's machine (uid {entry.pw_uid}): "
            "the LMS cannot log in as it; give this user another login")


def _checked(entry: pwd.struct_passwd, uids: range) -> None:
    problem = _system_account(entry, uids)
    if problem:
        raise AccountError(problem)


def launch_refusal(login: str, creating: bool, uids: range | None = None) -> str | None:
    """Why the hub refuses to log ``login`` in from the LMS because of its system account, or None.

    An existing account must be an ordinary user's; a missing one must be one the hub may make
    (``creating``: COURSEKIT_LTI_ACCOUNT_HOMES is set) with a name :func:`account_problem` accepts.
    """
    entry = _existing(login)
    if entry is not None:
        return _system_account(entry, ordinary_uids() if uids is None else uids)
    if not creating:
        return (f"the login {describe_id(login)} has no account on the hub yet, and the hub makes none: "
                "ask the course's administrator to create it")
    problem = account_problem(login)
    return f"the login {describe_id(login)} cannot be a system account on the hub: it {problem}" if problem else None


def ensure_account(login: str, homes: Path, groups: Sequence[str] = (), *, uids: range | None = None) -> bool:
    """Make the system account ``login`` when there is none; True when it was made now.

    Its home is ``homes/login`` (made, 0700), its shell :data:`SHELL`, its primary group its own, and it is
    a member of ``groups`` (system groups that must exist). An existing account is only checked: its uid must
    be in ``uids`` (default :func:`ordinary_uids`).

    Raises
    ------
    AccountError
        A login that cannot be an account name, an existing account outside ``uids``, a ``useradd`` that
        fails (its message, one line).
    """
    uids = ordinary_uids() if uids is None else uids
    problem = account_problem(login)
    if problem:
        raise AccountError(f"the login {describe_id(login)} cannot be a system account on the hub: it {problem}")
    entry = _existing(login)
    if entry is not None:
        _checked(entry, uids)
        return False
    useradd = shutil.which("useradd", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if useradd is None:
        raise AccountError("useradd is not on this machine: the hub cannot make accounts for the LMS's users")
    home = Path(homes) / login
    command = [useradd, "--create-home", "--home-dir", str(home), "--shell", SHELL, "--user-group"]
    if groups:
        command += ["--groups", ",".join(groups)]
    done = subprocess.run([*command, "--", login], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode == USERADD_EXISTS and _existing(login) is not None:
        _checked(pwd.getpwnam(login), uids)
        return False
    if done.returncode != 0:
        reason = " ".join((done.stderr or done.stdout).split()) or f"exit status {done.returncode}"
        raise AccountError(f"the system account {describe_id(login)} could not be made: {reason}")
    os.chmod(home, 0o700)
    return True
