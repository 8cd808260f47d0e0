"""The submissions under the workspace's ``submitted/`` folder, and the folders refused.

Autograde grades what :func:`find_submissions` finds; the report and the
follow-up list name the refused folders, so no handed-in folder vanishes.
Listing reads names only; a digest of each submission's files is computed
when the caller passes one (autograde does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coursekit.gradebook.learner_ids import describe_id, learner_id_problem


@dataclass(frozen=True)
class Task:
    """One submission to grade."""

    learner: str
    section: str
    digest: str


@dataclass(frozen=True)
class Refused:
    """A folder under ``submitted/`` that is not graded, and why."""

    learner: str
    section: str
    reason: str


def find_submissions(submitted_root: Path, sections: Sequence[str], learners: Sequence[str] | None = None,
                     all_sections: Sequence[str] | None = None,
                     digest: Callable[[Path, str], str] | None = None) -> tuple[list[Task], list[Refused]]:
    """Every submission folder ``submitted/<learner>/<section>/`` of the given sections, and the refused ones.

    A learner folder whose name nbgrader cannot use literally, a symlinked folder, or (when
    ``all_sections`` is given) a folder of a section the course does not have is refused with its reason.
    Each task carries ``digest(folder, section)``, or no digest when ``digest`` is None (listing only).
    """
    tasks: list[Task] = []
    refused: list[Refused] = []
    if not submitted_root.is_dir():
        return tasks, refused
    wanted = set(learners) if learners else None
    for learner_dir in sorted(submitted_root.iterdir()):
        name = learner_dir.name
        if wanted is not None and name not in wanted:
            continue
        if learner_dir.is_symlink() or not learner_dir.is_dir():
            refused.append(Refused(name, "", "not a folder (a symlink or a file; refused)"))
            continue
        problem = learner_id_problem(name)
        for section in sections:
            folder = learner_dir / section
            if folder.is_symlink():
                refused.append(Refused(name, section, "the section folder is a symlink (refused)"))
            elif folder.exists() and not folder.is_dir():
                refused.append(Refused(name, section, "not a folder (refused)"))
            elif folder.is_dir() and problem:
                refused.append(Refused(name, section, f"learner id {describe_id(name)} {problem}: not graded"))
            elif folder.is_dir():
                tasks.append(Task(name, section, digest(folder, section) if digest else ""))
        if all_sections is not None:
            refused.extend(Refused(name, p.name, "not a section of this course")
                           for p in sorted(learner_dir.iterdir()) if p.name not in all_sections)
    return tasks, refused
