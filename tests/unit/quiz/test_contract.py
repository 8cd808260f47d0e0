"""One module owns the file contract: every reader and writer of quiz.json and responses/ uses its names,
and scoring, the digests of immediate feedback and the item analysis normalise typed answers alike."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from coursekit.autograde.snapshot import learner_files
from coursekit.cohort.responses import load_choices
from coursekit.grading.hidden import responses_path as graded_responses_path
from coursekit.quiz import contract
from coursekit.quiz.responses import AttemptRecord, empty_responses
from coursekit.quiz.scoring import score_question
from coursekit.quiz.session import canonical_answer
from coursekit.quiz.spec import canonical_key, parse_quiz
from coursekit.widgets.comment_store import comments_path
from coursekit.widgets.store import ResponseStore

PACKAGE = Path(contract.__file__).resolve().parents[1]


def test_every_reader_and_writer_uses_the_contracts_paths(tmp_path):
    folder = tmp_path / "ada" / "sec"
    expected = folder / "responses" / "sec.json"
    assert contract.responses_path(folder, "sec") == expected
    assert graded_responses_path(folder, "sec") == expected
    assert ResponseStore(folder, "sec", "ada", "hash").path == expected
    assert comments_path(folder, "sec") == contract.comments_path(folder, "sec") == folder / "responses" / \
        "sec.comments.json"
    assert learner_files("sec") == ("responses/sec.json", "responses/sec.comments.json")
    assert sorted(tmp_path.glob(contract.responses_glob("sec"))) == []
    expected.parent.mkdir(parents=True)
    attempt = AttemptRecord(id="a1", number=1, started_at="2026-10-01T09:00:00", submitted_at="2026-10-01T09:05:00",
                            answers={"q": "Open-Days."})
    saved = empty_responses("ada", "sec", "hash").model_copy(update={"attempts": [attempt]})
    expected.write_text(saved.model_dump_json(by_alias=True), encoding="utf-8")
    assert sorted(tmp_path.glob(contract.responses_glob("sec"))) == [expected]
    quiz = parse_quiz({"title": "t", "questions": [{"id": "q", "type": "short_answer", "text": "Which days?",
                                                     "answer": ["open days"]}]}, require_source=False)
    choices = load_choices(tmp_path, {"sec": quiz})
    assert isinstance(choices, pd.DataFrame)
    assert choices["option"].tolist() == [contract.normalise_short_answer("Open-Days.")] == ["open days"]


def test_no_other_module_spells_the_file_names():
    spelled = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "contract.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"""["']quiz\.json["']|["']responses["']\s*/|/\s*["']responses["']""", code):
                spelled.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert spelled == []


def test_scoring_and_both_sides_of_the_digest_normalise_alike():
    spec = parse_quiz({"title": "t", "questions": [
        {"id": "mou", "type": "short_answer", "text": "t", "answer": ["Memorandum of Understanding"]}]},
        require_source=False)
    question = spec.questions[0]
    for typed in ("memorandum of understanding", "  Memorandum-of  Understanding. ", "MEMORANDUM OF UNDERSTANDING!"):
        assert score_question(question, typed) == 1.0
        assert canonical_answer(question, typed) in canonical_key(question)
        assert contract.normalise_short_answer(typed) == canonical_answer(question, typed)
