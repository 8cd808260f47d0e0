import contextlib
import json
import os
import threading

import pytest

from coursekit.quiz.responses import AttemptRecord, InProgress, parse_responses
from coursekit.widgets.store import ResponseStore, StoreError


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path, "sec", "ada", "hash1")


def _with_answers(store, **answers):
    responses = store.load().responses
    responses.in_progress = InProgress(answers=answers, updated_at="2026-01-01T00:00:00")
    return responses


def test_save_then_load_round_trips(store):
    store.save(_with_answers(store, q1="a", q2=[ "b", "c"]))
    loaded = ResponseStore(store.path.parent.parent, "sec", "ada", "hash1").load()
    assert loaded.message is None
    assert loaded.responses.in_progress.answers == {"q1": "a", "q2": ["b", "c"]}
    assert json.loads(store.path.read_text())["schema"] == "coursekit.responses/1"


def test_write_is_atomic_no_temp_files_left(store):
    store.save(_with_answers(store, q1="a"))
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["sec.json"]


def test_corrupt_file_is_kept_aside_with_a_message(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    loaded = store.load()
    assert loaded.responses.in_progress.answers == {}
    assert "could not be read" in loaded.message and ".corrupt-" in loaded.message
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not store.path.exists()


def test_foreign_section_is_kept_aside(store, tmp_path):
    other = ResponseStore(tmp_path, "sec", "ada", "hash1")
    doc = _with_answers(other, q1="a")
    doc.section = "another"
    other.save(doc)
    loaded = store.load()
    assert "another" in loaded.message
    assert loaded.responses.in_progress.answers == {}


def test_never_replaced_by_an_emptier_document_from_a_stale_reader(store, tmp_path):
    stale = ResponseStore(tmp_path, "sec", "ada", "hash1")
    stale_doc = stale.load().responses          # read while the file is still empty
    store.save(_with_answers(store, q1="a", q2="b"))  # another copy of the quiz saves answers
    stale_doc.in_progress = InProgress(answers={"q1": "c"})
    with pytest.raises(StoreError, match="holds more answers"):
        stale.save(stale_doc)
    assert parse_responses(store.path.read_text()).in_progress.answers == {"q1": "a", "q2": "b"}


def test_never_drops_submitted_attempts(store, tmp_path):
    doc = _with_answers(store, q1="a")
    doc.attempts = [AttemptRecord(number=1, submitted_at="t", answers={"q1": "a"})]
    store.save(doc)
    fresh = ResponseStore(tmp_path, "sec", "ada", "hash1")
    empty = fresh.load().responses.model_copy(update={"attempts": []})
    with pytest.raises(StoreError, match="submitted attempts"):
        fresh.save(empty)
    assert len(parse_responses(store.path.read_text()).attempts) == 1


def test_owner_may_clear_an_answer(store):
    store.save(_with_answers(store, q1="a", q2="b"))
    doc = store.load().responses
    doc.in_progress = InProgress(answers={"q1": "a"})
    store.save(doc)
    assert parse_responses(store.path.read_text()).in_progress.answers == {"q1": "a"}


def test_readonly_mode_writes_nothing(store, monkeypatch):
    monkeypatch.setenv("COURSEKIT_READONLY", "1")
    store.save(_with_answers(store, q1="a"))
    assert not store.path.exists()


def test_concurrent_saves_leave_a_valid_file(store, tmp_path):
    def writer(n):
        s = ResponseStore(tmp_path, "sec", "ada", "hash1")
        for i in range(20):
            doc = s.load().responses
            doc.in_progress = InProgress(answers={"q1": f"{n}-{i}"})
            with contextlib.suppress(StoreError):
                s.save(doc)
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parse_responses(store.path.read_text()).in_progress.answers["q1"].count("-") == 1
    assert not [p for p in os.listdir(store.path.parent) if p.endswith(".tmp")]
