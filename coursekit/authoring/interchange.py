"""``coursekit import`` and ``coursekit export``: course sections to and from Moodle question banks.

Import reads a Moodle XML or GIFT file, sanitises its HTML, turns each
question into quiz.yml data through its question type (an essay becomes a
reflection question of comments.yml) and writes a new section folder. Every
question coursekit cannot take (an unsupported type, or one its type refuses)
is listed by name and type, never dropped silently. Imported questions cite no
passage of section.md: the folder gets an ``imported.yml`` saying where they
came from, and the build lists them.

A Moodle category becomes a tag ``category:<path>`` (unless it is the
section's own, ``$course$/top/<section>``) and export turns that tag back into
the category, so ``import(export(q)) == q``.

A pool of the quiz (a slot drawing one of several questions, Moodle's
"random question from a category") is exported as a subcategory of the
section's, ``$course$/top/<section>/<slot>``, and such a subcategory becomes a
pool again on import into that section: the pool takes the place of its first
question, its questions in the bank's order.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coursekit.authoring.course import IMPORTED_FILE, SECTION_ID, CommentQuestion, Course, CourseError, load_section
from coursekit.authoring.positional import PositionalLimitError, positional_findings
from coursekit.bank.category import join_category, split_category
from coursekit.bank.gift import read_gift, write_gift
from coursekit.bank.limits import MAX_BANK_BYTES, check_bank_size, check_questions
from coursekit.bank.moodle_xml import read_moodle_xml, write_moodle_xml
from coursekit.bank.record import BankFormatError, BankQuestion
from coursekit.bank.sanitise import sanitise_question
from coursekit.quiz.spec import QuizSpecError, answer_key, parse_quiz, public_spec
from coursekit.quiz.types import essay_from_bank, essay_to_bank, question_type, type_for_bank
from coursekit.quiz.types.base import letter_ids

FORMATS = ("moodle-xml", "gift")
EXTENSIONS = {".xml": "moodle-xml", ".gift": "gift", ".txt": "gift"}
EXPORT_EXTENSIONS = {"moodle-xml": ".xml", "gift": ".txt"}
"""Moodle's own export names GIFT files ``.txt``, the type its importer accepts."""
CATEGORY_TAG = "category:"


class BankImportError(ValueError):
    """A question bank cannot be imported or exported; the message names the file and the problem."""


@dataclass
class Skipped:
    """A question left out of an import, and why."""

    name: str
    qtype: str
    line: int
    reason: str

    def describe(self) -> str:
        """``'Cloze on funding' (multianswer, line 12): type not supported``."""
        return f"{self.name!r} ({self.qtype}, line {self.line}): {self.reason}"


@dataclass
class Converted:
    """A bank as one section's quiz.yml questions and comments.yml questions."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pools: dict[str, str] = field(default_factory=dict)
    """The slot of each question that came from a pool's subcategory, by question id."""

    def quiz_entries(self) -> list[dict[str, Any]]:
        """The ``questions:`` of quiz.yml: each question, or a pool in the place of its first question."""
        entries: list[dict[str, Any]] = []
        placed: dict[str, dict[str, Any]] = {}
        for data in self.questions:
            slot = self.pools.get(data["id"])
            if slot is None:
                entries.append(data)
            elif slot in placed:
                placed[slot]["pool"].append(data)
            else:
                placed[slot] = {"slot": slot, "pool": [data]}
                entries.append(placed[slot])
        return entries


@dataclass
class ImportResult:
    """What ``coursekit import`` wrote and what it left out."""

    section: str
    folder: Path
    written: list[Path]
    questions: list[str]
    comments: list[str]
    skipped: list[Skipped]
    unsourced: list[str]
    notes: list[str]
    reordered: bool = False
    guessable: list[str] = field(default_factory=list)


def format_for(path: Path, explicit: str | None = None) -> str:
    """The bank format of a file: ``explicit`` if given, else from its extension (.xml, .gift, .txt)."""
    if explicit:
        if explicit not in FORMATS:
            raise BankImportError(f"{path}: unknown format {explicit!r}; expected one of {', '.join(FORMATS)}")
        return explicit
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise BankImportError(f"{path}: cannot tell the format from the extension {Path(path).suffix!r}: "
                              f"name the file .xml, .gift or .txt, or give --format {'|'.join(FORMATS)}")
    return fmt


def decode_gift(data: bytes, path: str, notes: list[str] | None = None) -> str:
    """A GIFT file's text: UTF-8 (a byte order mark dropped), else Windows-1252 (said in ``notes``).

    Raises
    ------
    BankFormatError
        The bytes are neither UTF-8 nor Windows-1252 (the line of the first bad byte).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad = data[:exc.start].count(b"\n") + 1
        raise BankFormatError(path, bad, "expected UTF-8 text (nor is it Windows-1252)") from None
    if notes is not None:
        notes.append(f"{path}: not UTF-8 (line {line}): read as Windows-1252; save GIFT files as UTF-8")
    return text


def read_bank(path: Path, fmt: str, notes: list[str] | None = None) -> list[BankQuestion]:
    """Read a bank file (raises :class:`BankFormatError` naming file and line when it is malformed).

    A GIFT file that is not UTF-8 is read as Windows-1252, and ``notes`` says so. A file above
    :data:`~coursekit.bank.limits.MAX_BANK_BYTES` is refused before it is read, and one with too many
    questions, or a question with too many options or too much text, after (:mod:`coursekit.bank.limits`).
    """
    with Path(path).open("rb") as file:
        check_bank_size(str(path), os.fstat(file.fileno()).st_size)
        data = file.read(MAX_BANK_BYTES + 1)
    check_bank_size(str(path), len(data))
    if fmt == "moodle-xml":
        questions = read_moodle_xml(data, str(path))
    else:
        questions = read_gift(decode_gift(data, str(path), notes), str(path))
    check_questions(questions, str(path))
    return questions


def write_bank(questions: list[BankQuestion], fmt: str) -> bytes:
    """A bank file's bytes in ``fmt``."""
    if fmt == "moodle-xml":
        return write_moodle_xml(questions)
    return write_gift(questions).encode("utf-8")


def section_category(section_id: str) -> list[str]:
    """The category a section's questions are exported to when they carry no category tag."""
    return ["$course$", "top", section_id]


def _category_tag(bq: BankQuestion, section_id: str) -> BankQuestion:
    if bq.category and bq.category != section_category(section_id) and pool_of(bq, section_id) is None:
        bq.tags = [*bq.tags, CATEGORY_TAG + join_category(bq.category)]
    return bq


def pool_of(bq: BankQuestion, section_id: str) -> str | None:
    """The slot id of the pool a bank question belongs to: its category's name directly under the section's."""
    own = section_category(section_id)
    if len(bq.category) != len(own) + 1 or bq.category[:len(own)] != own:
        return None
    slot = re.sub(r"[^a-z0-9_-]+", "-", bq.category[-1].strip().lower()).strip("-_")
    return slot or None


def _unique(data: dict[str, Any], taken: set[str], bq: BankQuestion) -> None:
    """Give a question a free id, keeping its Moodle name and ID number when the id changes."""
    base = data["id"]
    if base not in taken:
        taken.add(base)
        return
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    data["id"] = f"{base}-{number}"
    taken.add(data["id"])
    data.setdefault("name", bq.name or base)
    if bq.idnumber:
        data.setdefault("idnumber", bq.idnumber)


def _check_question(data: dict[str, Any]) -> None:
    parse_quiz({"title": "check", "questions": [data]}, origin="import", require_source=False)


def bank_to_section(questions: list[BankQuestion], section_id: str) -> Converted:
    """Turn bank records into one section's quiz and reflection questions (nothing written).

    Each record is sanitised, mapped by its question type and validated alone,
    so one question that does not fit is skipped with its reason while the
    others are kept.
    """
    converted = Converted()
    taken: set[str] = set()
    for bq in questions:
        qtype = type_for_bank(bq)
        if bq.qtype != "essay" and qtype is None:
            converted.skipped.append(Skipped(bq.name, bq.qtype, bq.line, "type not supported by coursekit"))
            continue
        try:
            clean, notes = sanitise_question(bq)
            clean = _category_tag(clean, section_id)
            if qtype is None:
                data = essay_from_bank(clean)
                CommentQuestion.model_validate(data)
            else:
                data = qtype.from_bank(clean)
                _check_question(data)
        except (ValueError, QuizSpecError, ValidationError) as exc:
            reason = " ".join(str(exc).split("\n")[0].split())
            converted.skipped.append(Skipped(bq.name, bq.qtype, bq.line, reason))
            continue
        _unique(data, taken, bq)
        (converted.comments if qtype is None else converted.questions).append(data)
        slot = pool_of(bq, section_id)
        if qtype is not None and slot is not None:
            converted.pools[data["id"]] = slot
        converted.notes.extend(notes)
    return converted


def _keys_in_option_order(data: dict[str, Any]) -> None:
    """A multiple choice key listed in option order, as an import writes it (so a second import agrees)."""
    if data.get("type") == "multiple_choice":
        data["answer"] = [o["id"] for o in data["options"] if o["id"] in data["answer"]]


def _rotate(entries: list[dict[str, Any]], shift: int) -> dict[str, str]:
    """Rotate option dicts in place by ``shift``; relabel default ids (a, b, ...) by position. Old id -> new id."""
    old_ids = [entry["id"] for entry in entries]
    entries[:] = entries[shift:] + entries[:shift]
    if old_ids != letter_ids(len(old_ids)):
        return {i: i for i in old_ids}
    renamed = {entry["id"]: new for entry, new in zip(entries, letter_ids(len(entries)), strict=True)}
    for entry in entries:
        entry["id"] = renamed[entry["id"]]
    return renamed


def _shift(key_positions: list[int], target: int, size: int) -> int:
    """The rotation that moves the first key to ``target``; none when a key sits there already."""
    if target in key_positions:
        return 0
    return (key_positions[0] - target) % size


def spread_keys(questions: list[dict[str, Any]]) -> None:
    """Reorder choices so keys fall on different positions (Moodle authors put the key first: Moodle shuffles).

    The n-th choice question is rotated so that its first key lands on
    position ``n mod options``; a matching question's choices so that the
    first item's choice does. A question with a key on that position already
    is left as it is, so spreading twice (an export imported again) changes
    nothing more. True/false keys cannot be moved, nor the options of a
    question whose author turned shuffling off (``shuffle: false``: their
    order means something, e.g. "all of the above" last).
    """
    counter = 0
    for data in questions:
        kind = None if data.get("shuffle") is False else data.get("type")
        if kind in ("single_choice", "multiple_choice"):
            options = data["options"]
            ids = [o["id"] for o in options]
            keys = [data["answer"]] if kind == "single_choice" else data["answer"]
            shift = _shift([ids.index(k) for k in keys], counter % len(options), len(options))
            renamed = _rotate(options, shift)
            data["answer"] = renamed[data["answer"]] if kind == "single_choice" else [
                renamed[a] for a in data["answer"]]
            _keys_in_option_order(data)
            counter += 1
        elif kind == "matching":
            choices = data["choices"]
            ids = [c["id"] for c in choices]
            first = next(iter(data["answer"].values()))
            renamed = _rotate(choices, _shift([ids.index(first)], counter % len(choices), len(choices)))
            data["answer"] = {item: renamed[choice] for item, choice in data["answer"].items()}
            counter += 1


def _findings(questions: list[dict[str, Any]], section_id: str) -> list[Any]:

    spec = parse_quiz({"title": "check", "questions": questions}, origin="import", require_source=False)
    return positional_findings(public_spec(spec, section_id), answer_key(spec))


def guessable(questions: list[dict[str, Any]], section_id: str) -> list[str]:
    """How a blind learner would beat chance on these questions (what ``coursekit release`` refuses)."""
    return [finding.describe() for finding in _findings(questions, section_id)]


SEARCH_LIMIT = 400
"""Most quizzes :func:`search_keys` scores before it gives up (each is one positional check)."""
SEARCH_OPTIONS = 400_000
"""Most options :func:`search_keys` scores in all, over every quiz it tries: a check takes time in proportion
to the quiz's options, so a large bank is given fewer tries than :data:`SEARCH_LIMIT` (a few seconds' worth)."""


def _option_count(questions: list[dict[str, Any]]) -> int:
    return sum(len(data.get("options") or []) + len(data.get("choices") or []) + len(data.get("items") or [])
               for data in questions)


def _gain(questions: list[dict[str, Any]], section_id: str) -> float:
    return sum(finding.excess - finding.tolerance for finding in _findings(questions, section_id))


def _rotations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The question with its options (or choices) rotated by 1, 2, ... places."""
    kind = None if data.get("shuffle") is False else data.get("type")
    field_name = "choices" if kind == "matching" else "options" if kind in ("single_choice", "multiple_choice") else ""
    if not field_name:
        return []
    variants = []
    for shift in range(1, len(data[field_name])):
        variant = copy.deepcopy(data)
        renamed = _rotate(variant[field_name], shift)
        answer = variant["answer"]
        variant["answer"] = (renamed[answer] if isinstance(answer, str) else [renamed[a] for a in answer]
                             if isinstance(answer, list) else {item: renamed[c] for item, c in answer.items()})
        _keys_in_option_order(variant)
        variants.append(variant)
    return variants


def search_keys(questions: list[dict[str, Any]], section_id: str) -> None:
    """Rotate choices one question at a time while that lowers what a blind learner gains over chance.

    Where :func:`spread_keys` leaves a small bank still guessable (few questions, so whichever position
    the keys share wins), each question in turn takes the rotation that lowers the positional check's
    excess most, until the quiz passes or no rotation helps, or it has scored :data:`SEARCH_LIMIT` quizzes
    (fewer for a large bank, :data:`SEARCH_OPTIONS` options in all). A quiz it cannot improve is left as it
    is, so searching twice changes nothing more.
    """
    budget = min(SEARCH_LIMIT, SEARCH_OPTIONS // max(1, _option_count(questions)))
    current = _gain(questions, section_id)
    improved = True
    while current > 0 and improved and budget > 0:
        improved = False
        for index, data in enumerate(questions):
            for variant in _rotations(data):
                if budget <= 0:
                    return
                budget -= 1
                trial = [*questions[:index], variant, *questions[index + 1:]]
                gain = _gain(trial, section_id)
                if gain < current - 1e-9:
                    questions[index], current, improved = variant, gain, True
                    data = variant
                    if current <= 0:
                        return


def _restore_category(bq: BankQuestion, section_id: str) -> BankQuestion:
    tags = [tag for tag in bq.tags if tag.startswith(CATEGORY_TAG)]
    bq.tags = [tag for tag in bq.tags if not tag.startswith(CATEGORY_TAG)]
    bq.category = split_category(tags[0][len(CATEGORY_TAG):]) if tags else section_category(section_id)
    return bq


def course_to_bank(course: Course, section_ids: list[str] | None = None) -> list[BankQuestion]:
    """The bank records of the chosen sections (all by default): quiz questions, then reflections as essays."""
    chosen = [course.section(s) for s in section_ids] if section_ids else list(course.sections)
    records: list[BankQuestion] = []
    for section in chosen:
        pools = {qid: slot.id for slot in section.quiz.slots for qid in slot.questions
                 if slot.pooled or slot.questions != (slot.id,)}
        for q in section.quiz.questions:
            record = question_type(q).to_bank(q)
            if q.id in pools:  # a pool: its own subcategory (any category tag stays a tag)
                record.category = [*section_category(section.id), pools[q.id]]
            else:
                record = _restore_category(record, section.id)
            records.append(record)
        records += [_restore_category(essay_to_bank(c), section.id) for c in section.comments]
    return records


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def _add_to_course(course_file: Path, section_id: str) -> str | None:
    """course.yml's text with ``section_id`` appended to ``sections:`` (comments kept); None if listed."""
    text = course_file.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    sections = data.get("sections") or []
    if section_id in sections:
        return None
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^sections\s*:", line)), None)
    if start is None:
        return text.rstrip("\n") + f"\nsections:\n  - {section_id}\n"
    if lines[start].split(":", 1)[1].strip():
        lines[start:start + 1] = ["sections:", *(f"  - {s}" for s in [*sections, section_id])]
        return "\n".join(lines) + "\n"
    last, indent = start, "  "
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.startswith((" ", "\t", "-")):
            break
        if line.lstrip().startswith("- "):
            last, indent = index, line[:len(line) - len(line.lstrip())]
    lines.insert(last + 1, f"{indent}- {section_id}")
    return "\n".join(lines) + "\n"


def _spread_until_unguessable(questions: list[dict[str, Any]], section_id: str) -> tuple[bool, list[str]]:
    """Spread the keys (and search rotations) when the questions are guessable: (reordered, still guessable)."""
    reordered = False
    if guessable(questions, section_id):
        before = copy.deepcopy(questions)
        spread_keys(questions)
        if guessable(questions, section_id):
            search_keys(questions, section_id)
        reordered = questions != before
    return reordered, guessable(questions, section_id)


def import_bank(course_root: Path, bank_file: Path, section_id: str, fmt: str | None = None,
                title: str | None = None) -> ImportResult:
    """Import a Moodle XML or GIFT file as a new section of the course.

    Writes ``course/<section>/`` with quiz.yml, comments.yml (essays),
    section.md (if absent) and imported.yml, and lists the section in
    course.yml. Nothing is overwritten: an existing quiz.yml is an error, and
    when the new section does not load, the files written are removed. When
    the bank's keys sit where a blind learner would find them (the first
    option, as Moodle authors leave them since Moodle shuffles), the choices
    are reordered (:func:`spread_keys`) so the release accepts the quiz.

    Raises
    ------
    BankFormatError
        The file is malformed (file, line, what was expected).
    BankImportError
        The section exists already, its name is invalid, no question can be imported, or the option
        fractions of its multiple choice questions take too many different sums to check the option order.
    """
    course_root, bank_file = Path(course_root), Path(bank_file)
    if not SECTION_ID.match(section_id):
        raise BankImportError(f"--section {section_id!r}: section names use lower-case letters, digits and _ "
                              "and start with a letter")
    fmt = format_for(bank_file, fmt)
    read_notes: list[str] = []
    converted = bank_to_section(read_bank(bank_file, fmt, read_notes), section_id)
    converted.notes[:0] = read_notes
    folder = course_root / section_id
    if (folder / "quiz.yml").exists():
        raise BankImportError(f"{folder / 'quiz.yml'}: exists already; import into a new section (--section)")
    if not converted.questions:
        skipped = "; ".join(s.describe() for s in converted.skipped) or "the file holds no question"
        raise BankImportError(f"{bank_file}: no question coursekit can use as a quiz question ({skipped})")
    try:
        reordered, still = _spread_until_unguessable(converted.questions, section_id)
    except PositionalLimitError as exc:
        raise BankImportError(f"{bank_file}: {exc}") from None
    title = title or f"Quiz: {section_id.replace('_', ' ')}"
    files = {
        "quiz.yml": f"# Imported from {bank_file.name} ({fmt}) by coursekit import. The questions cite no passage\n"
                    f"# of section.md (source:); the build lists them.\n"
                    + _dump({"title": title, "questions": converted.quiz_entries()}),
        "comments.yml": "# Moodle essays of the import: reflection questions, graded by hand.\n"
                        + _dump({"questions": converted.comments}),
        IMPORTED_FILE: "# This section was imported from a question bank: its questions need not cite section.md.\n"
                       + _dump({"file": bank_file.name, "format": fmt,
                                "skipped": [vars(s) for s in converted.skipped]}),
    }
    if not (folder / "section.md").exists():
        files["section.md"] = f"# {title.removeprefix('Quiz: ')}\n\nQuestions imported from {bank_file.name}.\n"
    written: list[Path] = []
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, text in files.items():
            path = folder / name
            if path.exists():
                raise BankImportError(f"{path}: exists already; import into a new section (--section)")
            path.write_text(text, encoding="utf-8")
            written.append(path)
        section = load_section(folder)
    except (BankImportError, CourseError):
        for path in written:
            path.unlink()
        if created:
            folder.rmdir()
        raise
    course_file = course_root / "course.yml"
    updated = _add_to_course(course_file, section_id)
    if updated is not None:
        course_file.write_text(updated, encoding="utf-8")
    return ImportResult(section_id, folder, written, [q["id"] for q in converted.questions],
                        [c["id"] for c in converted.comments], converted.skipped, section.unsourced, converted.notes,
                        reordered, still)
