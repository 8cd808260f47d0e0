"""Load and validate the authored course in ``course/``.

A course is ``course/course.yml`` (course id, title, section order) and one
folder per section holding ``section.md`` (the text), ``comments.yml`` (the
reflection questions) and ``quiz.yml`` (settings and questions). Every problem
is reported as a :class:`CourseError` naming the file and, where there is one,
the question id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coursekit.authoring.grading_settings import GradingSettings
from coursekit.quiz.spec import ID_PATTERN, QuizSpec, QuizSpecError, error_location, parse_quiz
from coursekit.quiz.types.base import TextFormat

COMMENTS_MARKER = "<!-- coursekit:comments -->"
QUIZ_MARKER = "<!-- coursekit:quiz -->"
SECTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
IMPORTED_FILE = "imported.yml"
"""In a section folder, marks a section imported from a question bank (``coursekit import``): its questions
need not cite a passage of section.md, and the build lists those that do not."""


class CourseError(ValueError):
    """The authored course is invalid; the message names the file and the problem."""


DEFAULT_MIN_WORDS = 3
"""Words a comment answer needs to count as answered, unless its question sets ``min_words``."""


class CommentQuestion(BaseModel):
    """A reflection question the learner answers in a Comment cell; graded by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    points: float = Field(1.0, gt=0)
    source: str | None = Field(
        None, min_length=1,
        description="The passage of section.md the question reflects on (required unless the section is imported).",
    )
    min_words: int = Field(
        DEFAULT_MIN_WORDS, ge=1,
        description="An answer with fewer words counts as blank (scores 0, the comment stays unanswered).",
    )
    text_format: TextFormat | None = Field(None, description="How the text is written; default: plain text.")
    name: str | None = Field(None, description="The question's name in a Moodle question bank (an essay).")
    idnumber: str | None = Field(None, description="Moodle's ID number, when it differs from the id.")
    tags: list[str] | None = Field(None, description="Tags (Moodle's tags and categories).")
    general_feedback: str | None = Field(None, description="Moodle's general feedback of the essay.")


class _CommentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    questions: list[CommentQuestion] = Field(default_factory=list)


class _CourseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    sections: list[str] = Field(min_length=1)
    grading: GradingSettings = Field(default_factory=GradingSettings)


@dataclass(frozen=True)
class Section:
    """One authored section: its text, reflection questions and quiz."""

    id: str
    folder: Path
    text: str
    comments: tuple[CommentQuestion, ...]
    quiz: QuizSpec
    imported: bool = False
    """Imported from a question bank (``imported.yml`` beside quiz.yml): citations are optional."""

    @property
    def unsourced(self) -> list[str]:
        """Ids of the quiz and reflection questions that cite no passage (only an imported section has any)."""
        quiz = [q.id for q in self.quiz.questions if not any(text.strip() for text in q.cited)]
        return quiz + [c.id for c in self.comments if not (c.source or "").strip()]


@dataclass(frozen=True)
class Course:
    """The whole authored course."""

    id: str
    title: str
    root: Path
    sections: tuple[Section, ...]
    grading: GradingSettings = dataclass_field(default_factory=GradingSettings)
    """Deadlines, late policy and LMS export settings (course.yml ``grading:``)."""

    def section(self, section_id: str) -> Section:
        """The section with this id (CourseError if there is none)."""
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise CourseError(f"{self.root / 'course.yml'}: no section {section_id!r} (known: {known})")


def squash(text: str) -> str:
    """Text with all whitespace removed: what 'verbatim up to whitespace' compares."""
    return "".join(text.split())


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise CourseError(f"{path}: file is missing")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CourseError(f"{path}: not valid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise CourseError(f"{path}: not UTF-8 text: {exc}") from None


def _pydantic_errors(path: Path, exc: ValidationError, data: Any) -> CourseError:
    lines = [f"{path}: {error_location(data, tuple(err['loc']))}: {err['msg'].removeprefix('Value error, ')}"
             for err in exc.errors()]
    return CourseError("\n".join(dict.fromkeys(lines)))


def _check_sources(path: Path, text: str, cited: list[tuple[str, str]]) -> None:
    squashed = squash(text)
    missing = [
        f"{path}: question {qid!r}: source not found in section.md: {source[:80]!r}"
        for qid, source in cited
        if source is not None and squash(source) not in squashed
    ]
    if missing:
        raise CourseError("\n".join(missing))


STATED_SETTINGS = {
    "Attempts allowed": ("attempts", lambda v: "unlimited" if v.lower() == "unlimited" else int(v)),
    "Pass rate": ("pass_rate", lambda v: float(v.rstrip("% ").strip())),
    "Backwards navigation": ("navigation", lambda v: "free" if v.lower() == "allowed" else "sequential"),
}


def _check_stated_settings(path: Path, text: str, quiz: QuizSpec) -> None:
    """Where section.md states quiz settings (as the seeds do), quiz.yml must agree."""
    for label, (field, parse) in STATED_SETTINGS.items():
        match = re.search(rf"^{label}:\s*(.+?)\s*$", text, flags=re.MULTILINE)
        if not match:
            continue
        stated = parse(match.group(1))
        actual = getattr(quiz.settings, field)
        if stated != actual:
            raise CourseError(
                f"{path}: settings.{field} is {actual!r} but section.md states "
                f"'{label}: {match.group(1)}'"
            )


def load_section(folder: Path) -> Section:
    """Load and validate one section folder."""
    section_id = folder.name
    if not SECTION_ID.match(section_id):
        raise CourseError(f"{folder}: section folder names use lower-case letters, digits and _")
    text_path = folder / "section.md"
    if not text_path.is_file():
        raise CourseError(f"{text_path}: file is missing")
    text = text_path.read_text(encoding="utf-8")
    for marker in (COMMENTS_MARKER, QUIZ_MARKER):
        if text.count(marker) > 1:
            raise CourseError(f"{text_path}: {marker} appears more than once")

    imported = (folder / IMPORTED_FILE).is_file()
    comments_path = folder / "comments.yml"
    comments_data = _read_yaml(comments_path)
    try:
        comments = _CommentsFile.model_validate(comments_data).questions
    except ValidationError as exc:
        raise _pydantic_errors(comments_path, exc, comments_data) from None
    if not imported:
        _check_authored_comments(comments_path, comments)
    _check_unique(comments_path, [c.id for c in comments])
    _check_sources(comments_path, text, [(c.id, c.source) for c in comments])

    quiz_path = folder / "quiz.yml"
    try:
        quiz = parse_quiz(_read_yaml(quiz_path), origin=str(quiz_path), require_source=not imported)
    except QuizSpecError as exc:
        raise CourseError(str(exc)) from None
    _check_sources(quiz_path, text, [(q.id, text) for q in quiz.questions for text in q.cited])
    _check_stated_settings(quiz_path, text, quiz)
    clash = {c.id for c in comments} & {q.id for q in quiz.questions}
    if clash:
        raise CourseError(f"{comments_path}: ids also used in quiz.yml: {sorted(clash)}")
    return Section(section_id, folder, text, tuple(comments), quiz, imported)


def _check_authored_comments(path: Path, comments: list[CommentQuestion]) -> None:
    """An authored section asks at least one reflection question, and each cites its passage."""
    if not comments:
        raise CourseError(f"{path}: questions: list at least one reflection question")
    missing = [f"{path}: question {c.id!r}: no source: cite the passage it reflects on" for c in comments
               if c.source is None]
    if missing:
        raise CourseError("\n".join(missing))


def _check_unique(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    for qid in ids:
        if qid in seen:
            raise CourseError(f"{path}: question {qid!r}: duplicate question id")
        seen.add(qid)


def load_course(root: Path) -> Course:
    """Load and validate ``course/``: course.yml and every section it lists.

    Raises
    ------
    CourseError
        With the file and the problem, for the first invalid file met.
    """
    root = Path(root)
    course_path = root / "course.yml"
    data = _read_yaml(course_path)
    try:
        meta = _CourseFile.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_errors(course_path, exc, data) from None
    for section_id in meta.sections:
        if not (root / section_id).is_dir():
            raise CourseError(f"{course_path}: section {section_id!r} has no folder {root / section_id}")
    if len(set(meta.sections)) != len(meta.sections):
        raise CourseError(f"{course_path}: a section is listed twice")
    unknown = meta.grading.unknown_sections(meta.sections)
    if unknown:
        raise CourseError("\n".join(f"{course_path}: {problem}" for problem in unknown))
    sections = tuple(load_section(root / s) for s in meta.sections)
    return Course(meta.course_id, meta.title, root, sections, meta.grading)
