"""What the hidden tests of a section notebook call: score one question from the saved responses.

Each quiz grade cell of a source notebook ends with::

    from coursekit.grading.hidden import grade_question
    grade_question('<section>', '<question>', {'<question>': <its key>})

(notebooks built before call ``question_points`` with the key of every
question; both work). The other questions' keys, needed to find the attempt
that counts, come from the trusted source notebook (:func:`complete_key`).
A submission's quiz is scored once for all its grade cells (:func:`one_scoring_per_notebook`).
:func:`grade_question` prints what the trainer needs in formgrader: the
question, the learner's answer in words, the points.

nbgrader reads the value of the cell's last expression as the partial credit
of the cell. nbgrader gives *full* credit to a grade cell that prints nothing
and raises nothing, so the grade functions always return a number, and 0
for anything it cannot trust: a missing, symlinked, oversized, corrupt or
foreign responses file, an answer that is not one of the question's options.
It writes nothing to stderr (any stderr output scores a cell 0 in nbgrader).

A responses file counts only for the learner who saved it: its ``learner``
field must be the submitter, so a file copied from another learner's
submission scores 0 with a named problem. The submitter is what the grader
knows, never what the learner wrote: ``COURSEKIT_SUBMITTER``, which the
autograde worker sets around each submission (:func:`submitter`; a kernel
started by nbgrader inherits it), else the learner folder of nbgrader's
``autograded/<learner>/<section>/`` (or ``submitted/``) layout. Which files
are rejected as a whole is decided by :func:`coursekit.quiz.verdict.rejection`,
which the item analysis asks too.

The public spec comes from ``quiz.json`` beside the notebook, which nbgrader
copies from ``source/`` over the learner's files at autograde; the key comes
from the cell itself, which nbgrader restores from the gradebook.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from coursekit.json_store import UntrustedJSONError, read_regular
from coursekit.quiz.attempts import Attempt, counted_attempts, grade_attempts
from coursekit.quiz.contract import PUBLIC_SPEC_NAME
from coursekit.quiz.contract import responses_path as contract_responses_path
from coursekit.quiz.describe import QUESTION_KINDS, describe_answer, points_text, shown_attempt
from coursekit.quiz.responses import (
    MAX_RESPONSES_BYTES,
    Responses,
    ResponsesError,
    parse_responses,
)
from coursekit.quiz.scoring import AnswerError, validate_answer
from coursekit.quiz.spec import QuizSpec, QuizSpecError, rebuild_spec, spec_hash
from coursekit.quiz.verdict import recorded_attempts, rejection

SOURCE_ENV = "COURSEKIT_SOURCE"
GRADE_FUNCTIONS = ("grade_question", "question_points")
SUBMITTER_ENV = "COURSEKIT_SUBMITTER"
DRAW_KEY_ENV = "COURSEKIT_DRAW_KEY"
LEARNER_FOLDERS = ("autograded", "submitted")


@contextlib.contextmanager
def _environ_set(name: str, value: str) -> Iterator[None]:
    """``os.environ[name] = value`` inside the block; the previous value (or its absence) restored after."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@contextlib.contextmanager
def submitter(learner: str) -> Iterator[None]:
    """Grade as submitted by ``learner`` inside the block (sets ``COURSEKIT_SUBMITTER``, then restores it)."""
    with _environ_set(SUBMITTER_ENV, learner):
        yield


@contextlib.contextmanager
def service_draw_key(key: bytes | None) -> Iterator[None]:
    """Check draws with the quiz service's ``key`` inside the block (``COURSEKIT_DRAW_KEY``); None changes nothing.

    The grader sets it around a submission graded from the quiz service's
    record, whose questions the service drew with its own key
    (:mod:`coursekit.service.draw_key`); a kernel started by nbgrader
    inherits it. Without it, draws are checked against the public draw of
    one machine.
    """
    if key is None:
        yield
        return
    with _environ_set(DRAW_KEY_ENV, key.hex()):
        yield


def draw_key() -> bytes | None:
    """The key draws are checked with: the quiz service's, set by the grader, else None (the public draw)."""
    try:
        return bytes.fromhex(os.environ.get(DRAW_KEY_ENV, "").strip()) or None
    except ValueError:
        return None


class _LearnerTask(Protocol):
    learner: str


_Result = TypeVar("_Result")


def as_submitter(grade: Callable[[Any], _Result]) -> Callable[[Any], _Result]:
    """Decorate a ``grade(task)`` function so that it grades as submitted by ``task.learner``."""

    @functools.wraps(grade)
    def grade_as_submitter(task: _LearnerTask) -> _Result:
        with submitter(task.learner):
            return grade(task)

    return grade_as_submitter


def submitter_of(folder: Path) -> str | None:
    """Who submitted the submission in ``folder``, as the grader knows it (None when it cannot tell).

    ``COURSEKIT_SUBMITTER`` when set, else the learner folder of
    ``<workspace>/autograded/<learner>/<section>/`` (or ``submitted/``).
    Compared after nbgrader's own normalisation of ids (surrounding
    whitespace stripped), nothing else.
    """
    value = os.environ.get(SUBMITTER_ENV, "").strip()
    if value:
        return value
    parents = Path(os.path.abspath(folder)).parents
    if len(parents) >= 2 and parents[1].name in LEARNER_FOLDERS and parents[0].name.strip():
        return parents[0].name.strip()
    return None


def responses_path(folder: Path, section: str) -> Path:
    """Where a section's responses file lies in a submission folder."""
    return contract_responses_path(folder, section)


def read_untrusted(path: Path, limit: int = MAX_RESPONSES_BYTES) -> bytes:
    """Read a learner's file: no symlink on the way, a regular file, at most ``limit`` bytes.

    Raises
    ------
    ResponsesError
        Naming the file and why it was refused.
    """
    for part in (path, *path.parents[:2]):
        if part.is_symlink():
            raise ResponsesError(f"{path.name}: {part.name} is a symlink (refused)")
    try:
        data = read_regular(path, limit)
    except UntrustedJSONError as exc:
        raise ResponsesError(str(exc)) from None
    if data is None:
        raise ResponsesError(f"{path.name}: no responses file (quiz never saved)")
    return data


@lru_cache(maxsize=64)
def _load_spec(spec_file: str, mtime_ns: int, key_json: str) -> tuple[QuizSpec, str]:
    public = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    return rebuild_spec(public, json.loads(key_json)), spec_hash(public)


_MEMO_SIZE = 16
_memo: dict[tuple[Any, ...], Any] = {}
_scoped = False  # inside one_scoring_per_notebook


@contextlib.contextmanager
def one_scoring_per_notebook() -> Iterator[None]:
    """Forget every remembered score on entering and leaving the block: wrap each notebook graded in-process.

    The grade cells of one notebook call :func:`grade_question` once per question; the quiz is scored on
    the first call and the result reused by the others. What is remembered is keyed by the bytes of the
    responses file and of ``quiz.json``, the key, the folder, the section and the submitter, so a reuse
    gives what scoring again would; clearing it per notebook keeps nothing of one submission for the
    next. In a kernel (one per notebook) the memory lives as long as the kernel (but the source
    notebook is looked up again on every call there).
    """
    global _scoped
    _memo.clear()
    _scoped = True
    try:
        yield
    finally:
        _scoped = False
        _memo.clear()


_Value = TypeVar("_Value")


def _remember(key: tuple[Any, ...], compute: Callable[[], _Value]) -> _Value:
    """``compute()``, or what it returned before for ``key`` (at most ``_MEMO_SIZE`` values kept)."""
    if key in _memo:
        return _memo[key]  # type: ignore[no-any-return]
    value = compute()
    if len(_memo) >= _MEMO_SIZE:
        _memo.pop(next(iter(_memo)))
    _memo[key] = value
    return value


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_responses(path: Path) -> tuple[str, Responses | str]:
    """The identity of a responses file's content (its SHA-256, or the problem) and the parsed file or the problem."""
    try:
        data = read_untrusted(path)
    except ResponsesError as exc:
        return f"unreadable: {exc}", str(exc)
    digest = _digest(data)

    def parse() -> Responses | str:
        try:
            return parse_responses(data, path.name)
        except ResponsesError as exc:
            return str(exc)

    return digest, _remember(("responses", digest, path.name), parse)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.lstat()
    except OSError:
        return (0, -1)
    return (info.st_mtime_ns, info.st_size)


@dataclass(frozen=True)
class SectionScores:
    """One submission's quiz, as the grader sees it."""

    scores: dict[str, float]
    problems: list[str]
    attempts: int | None  # attempts that counted; None when the responses file was not usable
    refused: str | None = None  # why the submission must not be graded at all (a draw edited), else None


@dataclass(frozen=True)
class GradedQuiz:
    """A submission's quiz graded: the full spec, the scores and the attempt the grade reflects."""

    spec: QuizSpec
    result: SectionScores
    shown: Attempt | None


def grade_quiz(folder: Path, section: str, key: dict[str, Any]) -> GradedQuiz:
    """Grade the submission in ``folder`` with the full ``key``; never raises on learner data.

    Raises
    ------
    QuizSpecError, OSError, ValueError
        When the trusted side (quiz.json, the key) is missing or does not fit.
    """
    path = responses_path(folder, section)
    return _grade_quiz(folder, section, key, path, _read_responses(path)[1])


def _grade_quiz(folder: Path, section: str, key: dict[str, Any], path: Path,
                loaded: Responses | str) -> GradedQuiz:
    """:func:`grade_quiz` with the responses file at ``path`` already read (``loaded``: parsed, or the problem)."""
    spec_file = folder / PUBLIC_SPEC_NAME
    spec, expected_hash = _load_spec(str(spec_file), _stamp(spec_file)[0], json.dumps(key, sort_keys=True))
    zero = {slot.id: 0.0 for slot in spec.quiz_slots}
    if isinstance(loaded, str):
        return GradedQuiz(spec, SectionScores(zero, [loaded], None), None)
    rejected = rejection(spec, loaded, section, submitter_of(folder), path.name, draw_key())
    if rejected is not None and rejected.not_graded:
        return GradedQuiz(spec, SectionScores(zero, [f"not graded: {rejected.problem}"], None, rejected.problem),
                          None)
    if rejected is not None:
        return GradedQuiz(spec, SectionScores(zero, [rejected.problem], None), None)
    problems = []
    if loaded.spec_hash != expected_hash:
        problems.append(f"{path.name}: made for another version of the quiz (spec {loaded.spec_hash[:16]})")
    attempts = recorded_attempts(loaded)
    counted = counted_attempts(spec.settings, attempts)
    if len(counted) < len(attempts):
        problems.append(f"{path.name}: {len(attempts) - len(counted)} attempt(s) beyond the limit "
                        f"of {spec.settings.attempts} ignored")
    for attempt in counted:
        given = set(attempt.draw.values()) if spec.has_pools and attempt.draw else None
        for question_id, answer in attempt.answers.items():
            try:
                validate_answer(spec.question(question_id), answer)
            except KeyError:
                problems.append(f"{path.name}: attempt {attempt.number}: unknown question {question_id[:40]!r}")
                continue
            except AnswerError as exc:
                problems.append(f"{path.name}: attempt {attempt.number}: {exc} (scored 0)")
            if given is not None and question_id not in given:
                problems.append(f"{path.name}: attempt {attempt.number}: question {question_id[:40]!r} was not "
                                f"drawn for this learner (not counted)")
    result = SectionScores({**zero, **grade_attempts(spec, counted)}, list(dict.fromkeys(problems)), len(counted))
    return GradedQuiz(spec, result, shown_attempt(spec, counted))


def graded_once(folder: Path, section: str, key: dict[str, Any]) -> GradedQuiz:
    """:func:`grade_quiz` with the key completed (:func:`complete_key`), scored once for all grade cells.

    The first grade cell of a notebook scores the quiz; the others get the same result as long as
    nothing it depends on changed: the bytes of ``quiz.json`` and of the responses file, the key,
    the folder, the section, the submitter (see :func:`one_scoring_per_notebook`).

    Raises
    ------
    QuizSpecError, OSError, ValueError
        As :func:`grade_quiz` and :func:`complete_key` (nothing is remembered then).
    """
    spec_bytes = (folder / PUBLIC_SPEC_NAME).read_bytes()
    spec_digest = _digest(spec_bytes)
    wanted = _remember(("question ids", spec_digest), lambda: _question_ids(spec_bytes.decode("utf-8")))
    full_key = _completed(folder, section, key, wanted)
    path = responses_path(folder, section)
    responses_digest, loaded = _read_responses(path)
    return _remember(("graded", str(folder), section, spec_digest, json.dumps(full_key, sort_keys=True),
                      responses_digest, submitter_of(folder), draw_key()),
                     lambda: _grade_quiz(folder, section, full_key, path, loaded))


def section_scores(folder: Path, section: str, key: dict[str, Any]) -> SectionScores:
    """Per-question scores of a submission folder, the reasons any answer was not counted, the attempts counted.

    Never raises on learner data: every problem becomes 0 points and a reason.
    """
    return grade_quiz(folder, section, key).result


def source_notebook(folder: Path, section: str) -> Path | None:
    """The trusted source notebook of ``section`` for a submission graded in ``folder`` (None if not found).

    ``COURSEKIT_SOURCE`` (the source folder, set by coursekit's grading) first; else ``source/`` in the
    workspace ``<root>/autograded/<learner>/<section>/`` belongs to, or in one of the two folders above it
    (``grader/`` beside ``source/``, ``grader/demo/``). Never a folder inside the submission.
    """
    candidates = []
    if os.environ.get(SOURCE_ENV, "").strip():
        candidates.append(Path(os.environ[SOURCE_ENV]) / section / f"{section}.ipynb")
    parents = Path(os.path.abspath(folder)).parents
    if len(parents) >= 3 and parents[1].name in LEARNER_FOLDERS:
        root = parents[2]
        candidates += [base / "source" / section / f"{section}.ipynb" for base in (root, *root.parents[:2])]
    return next((c for c in candidates if c.is_file() and not c.is_symlink()), None)


def complete_key(folder: Path, section: str, key: dict[str, Any]) -> dict[str, Any]:
    """The key of every question: ``key`` (one grade cell's), completed from the trusted source notebook.

    A grade cell carries only its own question's key; which attempt counts (grading method
    ``highest``) needs all of them. A key that already covers every question is returned as is.

    Raises
    ------
    QuizSpecError
        When the quiz has questions ``key`` lacks and no source notebook holds them.
    """
    return _completed(folder, section, key, _question_ids((folder / PUBLIC_SPEC_NAME).read_text(encoding="utf-8")))


def _question_ids(spec_text: str) -> set[Any]:
    public = json.loads(spec_text)
    return {q.get("id") for q in public.get("questions", []) if isinstance(q, dict)}


def _completed(folder: Path, section: str, key: dict[str, Any], wanted: set[Any]) -> dict[str, Any]:
    if wanted <= set(key):
        return key
    return {**_source_key(folder, section), **key}


def _source_key(folder: Path, section: str) -> dict[str, Any]:
    """The key of every question from the trusted source notebook of ``section``.

    Looked up once per notebook inside :func:`one_scoring_per_notebook`, on every call outside it.
    Raises :class:`QuizSpecError` when no source notebook is found.
    """

    def look_up() -> dict[str, Any]:
        notebook = source_notebook(folder, section)
        if notebook is None:
            raise QuizSpecError(f"the source notebook of section {section!r} (the key of the other questions) "
                                f"was not found; set {SOURCE_ENV} to the source folder")
        return key_from_notebook(notebook)

    if not _scoped:
        return look_up()
    return dict(_remember(("source key", os.path.abspath(folder), section, os.environ.get(SOURCE_ENV)), look_up))


def question_points(section: str, question_id: str, key: dict[str, Any]) -> float:
    """Points earned on one question by the submission in the current folder (what a grade cell returns).

    ``key`` holds the key of every question (notebooks built before grade cells showed the question) or
    of this question only (then completed by :func:`complete_key`).
    """
    try:
        return float(graded_once(Path.cwd(), section, key).result.scores.get(question_id, 0.0))
    except (OSError, ValueError, KeyError, TypeError, QuizSpecError):
        return 0.0


def trainer_view(graded: GradedQuiz, question_id: str, width: int = 100) -> str:
    """What a quiz grade cell prints for the trainer: the question, the learner's answer in words, the points."""
    spec = graded.spec
    slots = spec.quiz_slots
    number, slot = next((n, s) for n, s in enumerate(slots, 1) if s.id == question_id)
    drawn = (graded.shown.draw if graded.shown is not None else None) or {}
    question = spec.question(drawn.get(slot.id, slot.questions[0]))
    earned = graded.result.scores.get(question_id, 0.0)
    lines = [f"Question {number} of {len(slots)} ({QUESTION_KINDS[question.type]}, "
             f"{points_text(question.points)})", question.text]
    if slot.pooled:
        lines.insert(1, f"Drawn: {question.id!r}, one of {len(slot.questions)} in this pool"
                        if slot.id in drawn else f"One of {len(slot.questions)} in this pool (none drawn)")
    if graded.shown is None:
        lines.append("Learner's answer: (no attempt submitted)")
    else:
        how = {"highest": "the attempt with the highest total", "first": "the first attempt",
               "last": "the last attempt",
               "average": f"the last of {graded.result.attempts} attempts; the grade is their average"}
        lines.append(f"Learner's answer (attempt {graded.shown.number}, {how[spec.settings.grading_method]}): "
                     f"{describe_answer(question, graded.shown.answers.get(question.id))}")
    lines.append(f"Points: {round(earned, 2):g} of {points_text(question.points)}")
    lines += [f"Not counted: {problem}" for problem in graded.result.problems]
    return "\n".join(textwrap.fill(line, width, subsequent_indent="  ", break_on_hyphens=False) for line in lines)


def grade_question(section: str, question_id: str, key: dict[str, Any]) -> float:
    """Score one question of the submission in the current folder and print it for the trainer.

    The grade cell's output is what formgrader shows: the question's number and text, the
    learner's answer from the attempt the grade reflects (option texts, not ids), the points.
    Prints to stdout only (stderr would score the cell 0) and always returns a number.
    """
    folder = Path.cwd()
    try:
        graded = graded_once(folder, section, key)
        view = trainer_view(graded, question_id)
        points = float(graded.result.scores.get(question_id, 0.0))
    except (OSError, ValueError, KeyError, TypeError, StopIteration, QuizSpecError) as exc:
        print(f"Question {question_id}: not scored ({str(exc)[:300]})")
        return 0.0
    print(view)
    return points


def key_from_notebook(notebook_path: Path) -> dict[str, Any]:
    """The answer key written into a source notebook's grade cells (trusted: source/ is the trainer's).

    Every grade cell's key is merged: a cell holds its own question's key (or, in notebooks built
    before, the key of every question).
    """
    info = Path(notebook_path).stat()
    return dict(_key_from_notebook(str(notebook_path), info.st_mtime_ns, info.st_size))


@lru_cache(maxsize=16)
def _key_from_notebook(notebook_path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    key: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        source = "".join(cell.get("source", ""))
        if not any(f"{name}(" in source for name in GRADE_FUNCTIONS):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in GRADE_FUNCTIONS:
                key.update(ast.literal_eval(node.args[2]))
    if not key:
        raise QuizSpecError(f"{notebook_path}: no grade cell with a key")
    return key


def check_submission(folder: Path, section: str, source_notebook: Path) -> SectionScores:
    """What grading made of a graded submission's quiz: why answers did not count, how many attempts did."""
    try:
        return section_scores(folder, section, key_from_notebook(source_notebook))
    except (OSError, ValueError, QuizSpecError) as exc:
        return SectionScores({}, [f"quiz not scored: {exc}"], None)
