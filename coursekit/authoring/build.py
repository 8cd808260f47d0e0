"""``coursekit build``: write ``source/<section>/`` from ``course/``, or check it is current."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from coursekit.authoring.course import Course, Section
from coursekit.authoring.notebook import build_notebook
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.spec import public_spec


@dataclass
class SyncResult:
    """What a build or release wrote, or (with ``check``) found out of date."""

    changed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing differs from what course/ makes and no problem was found."""
        return not self.changed and not self.extra and not self.problems


def quiz_salt(course_id: str, section_id: str) -> str:
    """The per-section salt of the answer digests shown with immediate feedback."""
    return hashlib.sha256(f"coursekit:{course_id}:{section_id}".encode()).hexdigest()[:16]


def dumps_json(data: object) -> str:
    """Stable JSON text for committed files."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def section_files(course: Course, section: Section) -> dict[str, str]:
    """The files of ``source/<section>/``, by name, as text."""
    notebook = nbformat.writes(build_notebook(section, course.grading)) + "\n"
    public = public_spec(section.quiz, section.id, quiz_salt(course.id, section.id))
    return {f"{section.id}.ipynb": notebook, PUBLIC_SPEC_NAME: dumps_json(public)}


def sync_files(folder: Path, files: dict[str, str], check: bool, result: SyncResult) -> None:
    """Write ``files`` into ``folder`` (or, with ``check``, record what differs)."""
    for name, text in files.items():
        path = folder / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            result.unchanged.append(path)
            continue
        result.changed.append(path)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name not in files and not path.name.startswith("."):
                result.extra.append(path)


def build(course: Course, source_root: Path, check: bool = False) -> SyncResult:
    """Generate nbgrader source notebooks for every section.

    Parameters
    ----------
    course
        The loaded course (:func:`coursekit.authoring.course.load_course`).
    source_root
        The ``source/`` directory; one folder per section is written in it.
    check
        Write nothing; report files that differ from what ``course/`` makes.

    Returns
    -------
    SyncResult
        Files changed (or out of date, with ``check``), unchanged, and extra
        files found in a section folder that the build does not make.
    """
    result = SyncResult()
    for section in course.sections:
        sync_files(Path(source_root) / section.id, section_files(course, section), check, result)
    return result
