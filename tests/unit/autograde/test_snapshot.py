"""The grading snapshot: regular files only, digest of exactly what was copied, bounded, never blocking."""

from __future__ import annotations

import os

import pytest

from coursekit.autograde import snapshot as snap
from coursekit.autograde.snapshot import (
    MAX_NOTEBOOK_BYTES,
    NotGradableError,
    repair_notebooks,
    submission_digest,
    take_snapshot,
)


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
    os.symlink("/etc/passwd", folder / "link.ipynb")
    copy = take_snapshot(folder, tmp_path / "copy")
    assert copy.problems == ["'link.ipynb': a symlink (refused)",
                             "'pipe.ipynb': a FIFO, not a regular file (refused)"]
    assert not (tmp_path / "copy" / "link.ipynb").exists() and not (tmp_path / "copy" / "pipe.ipynb").exists()


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
    os.symlink("x", folder / "evil\nname.ipynb")
    assert take_snapshot(folder).problems == ["'evil\\nname.ipynb': a symlink (refused)"]


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


def _sparse(path, size):
    with open(path, "wb") as handle:
        handle.truncate(size)  # no block on disk, ``size`` bytes when read


def test_files_grading_does_not_read_are_neither_copied_nor_digested(tmp_path):
    folder = tmp_path / "submission"
    (folder / "responses").mkdir(parents=True)
    (folder / "s.ipynb").write_text("{}", encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-10-01 09:10:00 UTC", encoding="utf-8")
    before = submission_digest(folder, "s")
    for n in range(10):
        _sparse(folder / f"big{n}.bin", 99 * 1024 * 1024)
    _sparse(folder / "Untitled.ipynb", 99 * 1024 * 1024)  # an extra notebook beside the section's
    copy = take_snapshot(folder, tmp_path / "copy", section="s")
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["s.ipynb", "timestamp.txt"]
    assert sum(p.stat().st_size for p in (tmp_path / "copy").rglob("*") if p.is_file()) < 100
    assert copy.problems == ["extra notebook 'Untitled.ipynb' not graded"]
    assert submission_digest(folder, "s") != before  # the extra notebook is named, so it counts
    (folder / "Untitled.ipynb").unlink()
    assert submission_digest(folder, "s") == before  # the other files do not


@pytest.mark.parametrize(("name", "size", "reason"), [
    ("s.ipynb", MAX_NOTEBOOK_BYTES + 1, "'s.ipynb' is 20 MB, above the 20 MB limit"),
    ("s.ipynb", 99 * 1024 * 1024, "'s.ipynb' is 104 MB, above the 20 MB limit"),
    ("responses/s.json", 3_000_000, "'responses/s.json' is 3 MB, above the 1 MB limit"),
    ("responses/s.comments.json", 2_500_000, "'responses/s.comments.json' is 2.5 MB, above the 2 MB limit"),
])
def test_a_needed_file_above_its_limit_makes_the_submission_not_gradable(tmp_path, name, size, reason):
    folder = tmp_path / "submission"
    (folder / "responses").mkdir(parents=True)
    (folder / "s.ipynb").write_text("{}", encoding="utf-8")
    _sparse(folder / name, size)  # measured by its length: a sparse file takes no block on disk
    assert os.stat(folder / name).st_blocks == 0
    with pytest.raises(NotGradableError) as refused:
        take_snapshot(folder, tmp_path / "copy", section="s")
    assert str(refused.value) == reason


def test_an_oversize_timestamp_is_only_a_problem(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "s.ipynb").write_text("{}", encoding="utf-8")
    _sparse(folder / "timestamp.txt", 50_000)
    copy = take_snapshot(folder, tmp_path / "copy", section="s")
    assert copy.problems == ["'timestamp.txt' is 50 kB, above the 4 kB limit (not read)"]
    assert copy.copied == ["s.ipynb"] and copy.has_work


def test_a_notebook_over_the_cell_cap_is_refused_before_nbformat_reads_it(tmp_path, monkeypatch):
    release = tmp_path / "release"
    release.mkdir()
    (release / "s.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    handed = tmp_path / "handed"
    handed.mkdir()
    cell = '{"cell_type": "raw", "metadata": {}, "source": ""}'
    cells = ", ".join([cell] * 30)
    (handed / "s.ipynb").write_text(f'{{"cells": [{cells}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}')
    assert repair_notebooks(handed, release) == []
    monkeypatch.setattr(snap, "MAX_CELLS", 29)
    with pytest.raises(NotGradableError, match=r"^'s.ipynb' has 30 cells, above the 29 cell limit$"):
        repair_notebooks(handed, release)


def test_nbgraders_submission_secret_is_kept_for_feedback(folder, tmp_path):
    (folder / "submission_secret.txt").write_text("s3cret", encoding="utf-8")
    copy = take_snapshot(folder, tmp_path / "copy", section="s")
    assert (tmp_path / "copy" / "submission_secret.txt").read_text(encoding="utf-8") == "s3cret"
    assert "submission_secret.txt" in copy.copied and copy.problems == []
