"""A project shared through a group: when it counts as shared, and what coursekit leaves the group."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from coursekit.nbgrader_glue import nbgrader_config
from coursekit.shared import enter_project, leave_project, permission_problem, share_tree, shared_project


def _grader(tmp_path: Path, mode: int) -> Path:
    grader = tmp_path / "grader"
    grader.mkdir()
    grader.chmod(mode)
    return grader


def test_a_group_writable_or_setgid_grader_is_shared(tmp_path):
    grader = _grader(tmp_path, 0o755)
    assert shared_project(grader) is None
    assert nbgrader_config("vet-quality", grader, tmp_path, tmp_path, "sqlite://").CourseDirectory.groupshared is False
    for mode in (0o775, 0o2755):
        grader.chmod(mode)
        assert shared_project(grader).gid == grader.stat().st_gid
        assert nbgrader_config("vet-quality", grader, tmp_path, tmp_path, "sqlite://").CourseDirectory.groupshared
    assert shared_project(tmp_path / "missing") is None


def test_what_the_user_made_in_a_shared_project_is_left_to_the_group(tmp_path):
    grader = _grader(tmp_path, 0o2770)
    before = os.umask(0o022)
    try:
        project = enter_project(grader, check=True)
        assert project is not None and os.umask(0o022) == 0o002  # the command ran with umask 002
        (grader / "submitted" / "ana").mkdir(parents=True)
        (grader / "submitted" / "ana" / "timestamp.txt").write_text("t", encoding="utf-8")
        (grader / "submitted" / "ana").chmod(0o755)  # as a copy with the learner's modes would be
        (grader / "submitted" / "ana" / "timestamp.txt").chmod(0o444)
        (grader / ".coursekit-snapshots").mkdir()
        leave_project(project)
    finally:
        os.umask(before)
    assert not (grader / ".coursekit-snapshots").exists()
    folder, file = grader / "submitted" / "ana", grader / "submitted" / "ana" / "timestamp.txt"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o2775 and folder.stat().st_gid == grader.stat().st_gid
    assert stat.S_IMODE(file.stat().st_mode) == 0o464


def test_share_tree_leaves_symlinks_alone(tmp_path):
    grader = _grader(tmp_path, 0o2770)
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    outside.chmod(0o600)
    (grader / "link").symlink_to(outside)
    share_tree(grader, shared_project(grader))
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600


def test_the_refusal_names_the_folder_its_owner_group_and_the_fix(tmp_path):
    grader = _grader(tmp_path, 0o2770)
    group = shared_project(grader).group
    line = permission_problem(grader / "autograded", grader)
    assert line.startswith(f"{grader} (owner ") and "owner ?" not in line and "\n" not in line  # not made yet
    assert line.endswith(f"`chgrp -R {group} {grader} && chmod -R g+rwX {grader} && "
                         f"find {grader} -type d -exec chmod g+s {{}} +`")
    (grader / "autograded").mkdir()
    assert permission_problem(grader / "autograded", grader).startswith(f"{grader / 'autograded'} (owner ")
    line = permission_problem(tmp_path / "course" / ".bank.gift.tmp", grader, "usable")
    assert line.startswith(f"{tmp_path} (owner ") and " is not usable by " in line
    assert f"chgrp -R {group} {tmp_path} && chmod -R g+rwX {tmp_path}" in line  # outside grader/: the project
