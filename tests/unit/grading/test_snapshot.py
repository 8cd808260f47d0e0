"""The grading snapshot: regular files only, digest of exactly what was copied, bounded, never blocking."""

from __future__ import annotations

import os

import pytest

from coursekit.autograde import snapshot as snap
from coursekit.autograde.snapshot import repair_notebooks, submission_digest, take_snapshot


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "submission"
    (root / "responses").mkdir(parents=True)
    (root / "nb.ipynb").write_text("{}", encoding="utf-8")
    (root / "responses" / "s.json").write_text('{"a": 1}', encoding="utf-8")
    return root


def test_copies_regular_files_and_digests_what_it_copied(folder, tmp_path):
    copy = take_snapshot(folder, tmp_path / "copy")
    assert sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*")) == [
        "nb.ipynb", "responses", "responses/s.json"]
    assert copy.digest == submission_digest(folder) == submission_digest(tmp_path / "copy")
    assert copy.problems == [] and copy.files == 2
    (folder / "responses" / "s.json").write_text('{"a": 2}', encoding="utf-8")
    assert submission_digest(folder) != copy.digest


def test_fifo_symlink_are_named_and_not_copied_nor_opened(folder, tmp_path):
    os.mkfifo(folder / "pipe.ipynb")  # opening it for reading would block for ever
    os.symlink("/etc/passwd", folder / "link")
    copy = take_snapshot(folder, tmp_path / "copy")
    assert copy.problems == ["'link': a symlink (refused)", "'pipe.ipynb': a FIFO, not a regular file (refused)"]
    assert not (tmp_path / "copy" / "link").exists() and not (tmp_path / "copy" / "pipe.ipynb").exists()


def test_only_what_grading_uses_is_read(folder, tmp_path, monkeypatch):
    deep = folder / "junk"
    for _ in range(200):
        deep = deep / "d"
    deep.mkdir(parents=True)
    os.mkfifo(folder / "junk" / "pipe")
    (folder / "responses" / "other.json").write_text("{}", encoding="utf-8")
    copy = take_snapshot(folder, tmp_path / "copy", section="s")
    assert copy.problems == [] and copy.files == 2
    assert copy.digest == submission_digest(folder, "s")
    (folder / "junk" / "new.txt").write_text("x", encoding="utf-8")
    assert submission_digest(folder, "s") == copy.digest  # clutter does not make it "changed"
    monkeypatch.setattr(snap, "MAX_ENTRIES", 2)
    assert "more than 2 entries" in take_snapshot(folder, tmp_path / "copy2", section="s").problems[0]


def test_names_with_control_characters_are_shown_escaped(folder, tmp_path):
    os.symlink("x", folder / "evil\nname")
    assert take_snapshot(folder).problems == ["'evil\\nname': a symlink (refused)"]


def test_repair_renamed_missing_extra_and_unreadable(tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    (release / "s.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (renamed / "s-Copy1.ipynb").write_text((release / "s.ipynb").read_text())
    assert repair_notebooks(renamed, release) == ["notebook handed in as 's-Copy1.ipynb': graded as s.ipynb"]
    assert [p.name for p in renamed.iterdir()] == ["s.ipynb"]
    missing = tmp_path / "missing"
    missing.mkdir()
    assert repair_notebooks(missing, release) == ["s.ipynb missing: graded from the responses file only"]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "s.ipynb").write_text("not a notebook")
    (broken / "extra.ipynb").write_text("{}")
    problems = repair_notebooks(broken, release)
    assert problems[0].startswith("s.ipynb is not a readable notebook") and problems[1] == (
        "extra notebook 'extra.ipynb' not graded")
    assert (broken / "s.ipynb.unreadable").read_text() == "not a notebook"
