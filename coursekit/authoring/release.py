"""``coursekit release``: nbgrader's generate_assignment, in-process, into ``release/``."""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

import nbformat

from coursekit.authoring.build import SyncResult
from coursekit.authoring.course import Course
from coursekit.authoring.leaks import find_leaks
from coursekit.authoring.notebook import add_start_outputs
from coursekit.authoring.positional import find_positional
from coursekit.nbgrader_glue import nbgrader_api, nbgrader_config


class ReleaseError(RuntimeError):
    """nbgrader could not generate a section's release, it leaks key material, or it can be guessed by position."""


def generate(course: Course, source_root: Path, release_root: Path, grader_root: Path, db_url: str) -> None:
    """Run nbgrader's generate_assignment for every section, through one in-process API.

    Afterwards each release notebook gets its start instructions back (nbgrader
    clears outputs): see :func:`~coursekit.authoring.notebook.add_start_outputs`.
    """
    api = nbgrader_api(nbgrader_config(course.id, grader_root, source_root, release_root, db_url))
    for section in course.sections:
        result = api.generate_assignment(section.id, force=True, create=True)
        if not result.get("success"):
            raise ReleaseError(
                f"{Path(source_root) / section.id}: nbgrader generate_assignment failed:\n"
                f"{result.get('error') or result.get('log')}"
            )
        for path in sorted((Path(release_root) / section.id).glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            if add_start_outputs(notebook):
                nbformat.write(notebook, path)


def review_notes(course: Course) -> list[str]:
    """Why a section's quiz shows no marks right after an attempt although its review options ask for them."""
    notes = []
    for section in course.sections:
        settings = section.quiz.settings
        wanted = [item for item in ("correctness", "marks") if settings.review.shows("immediately", item)]
        if wanted and not settings.marks_in_kernel:
            notes.append(f"{section.id}: review shows {' and '.join(wanted)} immediately after the attempt, but "
                         f"attempts are limited ({settings.attempts}): the answer digests that mark in the "
                         "learner's kernel would let a learner recover the key offline, so marks wait for grading")
    return notes


def _compare_trees(expected: Path, actual: Path, result: SyncResult) -> None:
    expected_files = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    actual_files = {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()} if actual.is_dir() else set()
    for rel in sorted(expected_files):
        if rel in actual_files and filecmp.cmp(expected / rel, actual / rel, shallow=False):
            result.unchanged.append(actual / rel)
        else:
            result.changed.append(actual / rel)
    result.extra.extend(actual / rel for rel in sorted(actual_files - expected_files))


def release(course: Course, source_root: Path, release_root: Path, grader_root: Path,
            check: bool = False, db_url: str | None = None) -> SyncResult:
    """Generate ``release/`` from ``source/`` with nbgrader, or check that it is current.

    Parameters
    ----------
    course
        The loaded course.
    source_root, release_root, grader_root
        nbgrader's source and release directories and the trainer workspace.
    check
        Generate into a scratch directory (scratch gradebook too) and compare
        with ``release_root`` instead of writing it.
    db_url
        The gradebook to record the assignments in (default: ``grader/gradebook.db``).

    Raises
    ------
    ReleaseError
        If nbgrader fails, the release holds key material (see :mod:`.leaks`), or a quiz can be
        answered above chance from its option order or ids alone (see :mod:`.positional`).
    """
    release_root = Path(release_root)
    result = SyncResult()
    with tempfile.TemporaryDirectory(prefix="coursekit-release-") as scratch:
        scratch_path = Path(scratch)
        target = scratch_path / "release"
        scratch_db = f"sqlite:///{scratch_path / 'gradebook.db'}"
        if check:
            generate(course, source_root, target, scratch_path, scratch_db)
        else:
            db = db_url or f"sqlite:///{Path(grader_root).resolve() / 'gradebook.db'}"
            generate(course, source_root, target, grader_root, db)
        leaks = find_leaks(target, course)
        if leaks:
            raise ReleaseError("key material in the release:\n" + "\n".join(leaks))
        # Named by where the files go, so a line reads the same in a release and in --check.
        guessable = [line.replace(str(target), str(release_root), 1) for line in find_positional(target, course)]
        if guessable and not check:
            raise ReleaseError("the key shows in the option order:\n" + "\n".join(guessable))
        result.problems.extend(guessable)
        _compare_trees(target, release_root, result)
        if not check:
            _replace_tree(target, release_root, result)
    if check:
        result.problems.extend(find_leaks(release_root, course))
        result.problems.extend(p for p in find_positional(release_root, course) if p not in result.problems)
    return result


def _replace_tree(new: Path, old: Path, result: SyncResult) -> None:
    """Copy the changed files of ``new`` into ``old`` and remove files nbgrader no longer makes."""
    for path in result.changed:
        rel = path.relative_to(old)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(new / rel, path)
    for path in result.extra:
        path.unlink()
    result.extra.clear()
