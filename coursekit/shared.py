"""A project several trainers share through one group: group-writable files, one-line refusals.

A project is *shared* when its ``grader/`` folder is group-writable or setgid
(``install -d -m 2775 -g trainers grader``). Then every ``coursekit`` command

* sets ``umask 002`` (what it creates is group-writable) and nbgrader's
  ``CourseDirectory.groupshared`` (nbgrader's copies and the exchange folders
  it makes are the group's too);
* refuses to start, with one line naming the folder, its owner and group and
  the command that fixes it, when a folder it writes is not writable (instead of
  failing half-way, or marking every submission "not graded");
* leaves every file and folder it owns under ``grader/`` (and the exchange
  folders of the course it released to) in the project's group, folders
  group-writable and setgid, so that the next trainer can go on.
"""

from __future__ import annotations

import contextlib
import getpass
import grp
import os
import pwd
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from coursekit.paths import SNAPSHOTS

EXCHANGE_DIRS = ("", "outbound", "inbound", "feedback")
"""The folders of a course in the nbgrader exchange (relative to ``<exchange>/<course>``) trainers share."""


class SharedProjectError(PermissionError):
    """A folder of the project (or of its exchange) the current user cannot use; the message is one line."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class SharedProject:
    """The ``grader/`` folder of a shared project and the group it belongs to."""

    grader: Path
    gid: int

    @property
    def group(self) -> str:
        """The group's name (its number when the system does not know it)."""
        return _group_name(self.gid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def shared_project(grader: Path) -> SharedProject | None:
    """The shared project whose workspace is ``grader``, or None (a missing or private folder)."""
    try:
        info = grader.stat()
    except OSError:
        return None
    if not info.st_mode & (stat.S_IWGRP | stat.S_ISGID):
        return None
    return SharedProject(grader, info.st_gid)


def _fix_command(folder: Path, group: str) -> str:
    quoted = shlex.quote(str(folder))
    return (f"chgrp -R {shlex.quote(group)} {quoted} && chmod -R g+rwX {quoted} && "
            f"find {quoted} -type d -exec chmod g+s {{}} +")


def _owner_group(path: Path) -> tuple[str, str]:
    """The names of ``path``'s owner and group ("?" when it cannot be looked at)."""
    try:
        info = path.stat()
    except OSError:
        return "?", "?"
    return _user_name(info.st_uid), _group_name(info.st_gid)


def permission_problem(path: Path, grader: Path, need: str = "writable") -> str:
    """One line: ``path`` is not ``need`` for the current user, whose it is and the command that fixes it.

    A path not made yet is named by the folder it was to be made in; the fix covers ``grader/``, or the whole
    project when the path lies outside ``grader/``.
    """
    while not os.path.lexists(path) and path.parent != path:
        path = path.parent
    owner, group = _owner_group(path)
    project_group = _owner_group(grader)[1]
    target = grader if path == grader or grader in path.parents else grader.parent
    return (f"{path} (owner {owner}, group {group}) is not {need} by {getpass.getuser()}: as {owner} or root run "
            f"`{_fix_command(target, group if project_group == '?' else project_group)}`")


def check_member(project: SharedProject) -> None:
    """Raise SharedProjectError when the current user is not in the project's group."""
    if project.gid not in os.getgroups() and project.gid != os.getegid() and os.geteuid() != 0:
        me = getpass.getuser()
        raise SharedProjectError(f"{project.grader} belongs to group {project.group}, and {me} is not in it: "
                                 f"as root run `usermod -aG {shlex.quote(project.group)} {shlex.quote(me)}`, "
                                 "then log in again")


def check_writable(project: SharedProject) -> None:
    """Raise SharedProjectError naming the first folder under ``grader/`` (or gradebook file) the user cannot write.

    The workspace's own exchange (``grader/exchange``) is left to :func:`check_exchange`.
    """
    check_member(project)
    usable = os.R_OK | os.W_OK | os.X_OK
    if not os.access(project.grader, usable):
        raise SharedProjectError(permission_problem(project.grader, project.grader))
    for folder, dirs, files in os.walk(project.grader):
        here = Path(folder)
        if here == project.grader:
            dirs[:] = [d for d in dirs if d != "exchange"]
        for name in dirs:
            if not (here / name).is_symlink() and not os.access(here / name, usable):
                raise SharedProjectError(permission_problem(here / name, project.grader))
        for name in files:
            if name.endswith(".db") and not os.access(here / name, os.W_OK):
                raise SharedProjectError(permission_problem(here / name, project.grader))


def check_exchange(course_folder: Path, grader: Path, which: str) -> None:
    """Raise SharedProjectError when the exchange's ``which`` folder of the course is not usable by the user.

    ``inbound`` must be readable (collect), ``outbound`` writable (release).
    """
    folder = course_folder / which
    if not folder.is_dir():
        return
    need, mode = ("readable", os.R_OK | os.X_OK) if which == "inbound" else ("writable", os.W_OK | os.X_OK)
    if os.access(folder, mode):
        return
    owner, group = _owner_group(folder)
    trainers = _owner_group(grader)[1]
    trainers = group if trainers == "?" else trainers
    folders = " ".join(shlex.quote(str(course_folder / sub)) for sub in ("", "outbound", "inbound"))
    raise SharedProjectError(f"{folder} (owner {owner}, group {group}) is not {need} by {getpass.getuser()}: "
                             f"as {owner} or root run `chgrp {shlex.quote(trainers)} {folders} && "
                             f"chmod g+rwxs {folders}`")


def share_tree(root: Path, project: SharedProject, skip: tuple[str, ...] = ()) -> None:
    """Give the project's group every entry under ``root`` the current user owns: group-writable, folders setgid.

    Entries of other users are left alone (only their owner or root may change them); symlinks are not followed.
    ``skip`` names folders directly under ``root`` not to enter (their own mode is still set).
    """
    me = os.geteuid()
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in skip]
        _share(Path(folder), project.gid, me, stat.S_IRWXG | stat.S_ISGID)
        for name in files:
            _share(Path(folder) / name, project.gid, me, stat.S_IRGRP | stat.S_IWGRP)


def _share(path: Path, gid: int, me: int, bits: int) -> None:
    try:
        info = path.lstat()
        if info.st_uid != me or stat.S_ISLNK(info.st_mode):
            return
        if info.st_gid != gid:
            os.chown(path, -1, gid, follow_symlinks=False)
        if stat.S_IMODE(info.st_mode) & bits != bits:
            path.chmod(stat.S_IMODE(info.st_mode) | bits)
    except OSError:  # gone meanwhile, or a group the user is not in: check_writable names it next time
        return


def share_exchange(course_folder: Path, project: SharedProject) -> None:
    """Give the project's group the course's exchange folders the user owns.

    Inbound stays unlistable by learners: only the group gains read.
    """
    me = os.geteuid()
    for sub in EXCHANGE_DIRS:
        folder = course_folder / sub if sub else course_folder
        if folder.is_dir():
            _share(folder, project.gid, me, stat.S_IRWXG | stat.S_ISGID)
    outbound = course_folder / "outbound"
    if outbound.is_dir():
        share_tree(outbound, project)


def enter_project(grader: Path, check: bool) -> SharedProject | None:
    """At the start of a command: ``umask 002`` in a shared project, and (``check``) refuse unwritable folders."""
    project = shared_project(grader)
    if project is None:
        return None
    os.umask(0o002)
    if check:
        check_writable(project)
    return project


def leave_project(project: SharedProject | None) -> None:
    """At the end of a command: what the user made under ``grader/`` is the group's; no empty snapshot folder."""
    if project is None:
        return
    with contextlib.suppress(OSError):  # each run removes its own snapshots; the folder goes once empty
        (project.grader / SNAPSHOTS).rmdir()
    share_tree(project.grader, project, skip=("exchange",))
