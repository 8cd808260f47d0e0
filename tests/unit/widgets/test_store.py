import json
import os
import threading
import time

import pytest
from store_support import (
    SECTION,
    answer,
    lasting_questions,
    on_disk,
    open_tab,
    questions_of_type,
    quiz_folder,
    submit,
    value_for,
)

from coursekit.quiz.attempts import AttemptLimitError
from coursekit.quiz.responses import (
    MAX_ATTEMPTS_STORED,
    MAX_RESPONSES_BYTES,
    AttemptRecord,
    InProgress,
    graded_attempts,
    parse_responses,
)
from coursekit.widgets.store import ResponseStore, StoreError

pytestmark = pytest.mark.usefixtures("writable")


@pytest.fixture
def store(tmp_path):
    return ResponseStore(tmp_path, "sec", "ada", "hash1")


def _with_answers(store, when="2026-01-01T00:00:00.000+00:00", **answers):
    responses = store.load().responses
    responses.in_progress = InProgress(answers=answers, updated_at=when, answered_at=dict.fromkeys(answers, when))
    return responses


def test_save_then_load_round_trips(store):
    store.save(_with_answers(store, q1="a", q2=["b", "c"]))
    loaded = ResponseStore(store.path.parent.parent, "sec", "ada", "hash1").load()
    assert loaded.message is None
    assert loaded.responses.in_progress.answers == {"q1": "a", "q2": ["b", "c"]}
    assert json.loads(store.path.read_text())["schema"] == "coursekit.responses/1"


def test_write_is_atomic_no_temp_files_left(store):
    store.save(_with_answers(store, q1="a"))
    assert sorted(p.name for p in store.path.parent.iterdir()) == [".sec.json.lock", "sec.json"]


def test_corrupt_file_is_kept_aside_with_a_message(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    loaded = store.load()
    assert loaded.responses.in_progress.answers == {}
    assert "could not be read" in loaded.message and ".corrupt-" in loaded.message
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not store.path.exists()


def test_a_file_damaged_after_loading_is_kept_aside_by_the_next_save(store):
    store.save(_with_answers(store, q1="a"))
    store.path.write_text("{not json")
    saved = store.save(_with_answers(store, q2="b"))
    assert parse_responses(store.path.read_text()) == saved
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"


def test_foreign_section_is_kept_aside(store, tmp_path):
    other = ResponseStore(tmp_path, "sec", "ada", "hash1")
    doc = _with_answers(other, q1="a")
    doc.section = "another"
    other.save(doc)
    loaded = store.load()
    assert "another" in loaded.message
    assert loaded.responses.in_progress.answers == {}


def test_a_stale_reader_merges_instead_of_replacing(store, tmp_path):
    stale = ResponseStore(tmp_path, "sec", "ada", "hash1")
    stale_doc = stale.load().responses                                  # read while the file is still empty
    store.save(_with_answers(store, "2026-01-01T00:00:01.000+00:00", q1="a", q2="b"))  # the other tab saves
    stale_doc.in_progress = InProgress(answers={"q1": "c"}, answered_at={"q1": "2026-01-01T00:00:02.000+00:00"})
    saved = stale.save(stale_doc)
    assert saved.in_progress.answers == {"q1": "c", "q2": "b"}
    assert parse_responses(store.path.read_text()) == saved


def test_never_drops_submitted_attempts(store, tmp_path):
    doc = _with_answers(store, q1="a")
    doc.attempts = [AttemptRecord(number=1, submitted_at="t", answers={"q1": "a"})]
    store.save(doc)
    fresh = ResponseStore(tmp_path, "sec", "ada", "hash1")
    saved = fresh.save(fresh.load().responses.model_copy(update={"attempts": []}))
    assert [a.answers for a in saved.attempts] == [{"q1": "a"}]
    assert len(parse_responses(store.path.read_text()).attempts) == 1


def test_owner_may_clear_an_answer(store):
    store.save(_with_answers(store, q1="a", q2="b"))
    doc = store.load().responses
    doc.in_progress = InProgress(answers={"q1": "a"},
                                 answered_at={"q1": "2026-01-01T00:00:00.000+00:00",
                                              "q2": "2026-01-01T00:00:05.000+00:00"})
    store.save(doc)
    assert parse_responses(store.path.read_text()).in_progress.answers == {"q1": "a"}


def test_readonly_mode_writes_nothing(store, monkeypatch):
    monkeypatch.setenv("COURSEKIT_READONLY", "1")
    store.save(_with_answers(store, q1="a"))
    assert not store.path.parent.exists()


def test_concurrent_threads_leave_every_answer_saved_last_in_the_file(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    texts = questions_of_type(open_tab(folder)[0], "true_false")
    last: dict[str, bool] = {}

    def tab(question_id):
        session, store = open_tab(folder)
        for i in range(15):
            answer(session, store, question_id, i % 2 == 0)
            last[question_id] = i % 2 == 0
    threads = [threading.Thread(target=tab, args=(q,)) for q in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert on_disk(folder).in_progress.answers == last
    assert not [p for p in os.listdir(folder / "responses") if p.endswith(".tmp")]


# --- two tabs on one file ------------------------------------------------------------------------

def test_two_tabs_answering_in_turn_keep_every_answer(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    left, left_store = open_tab(folder)
    right, right_store = open_tab(folder)  # both loaded before anything was saved
    questions = [q.id for q in left.questions]
    given = {}
    for n, question_id in enumerate(questions):
        session, store = (left, left_store) if n % 2 == 0 else (right, right_store)
        value = value_for(session, question_id, n)
        saved = answer(session, store, question_id, value)
        given[question_id] = value
        assert saved.in_progress.answers == given  # what this tab was told is saved is everything so far
    assert on_disk(folder).in_progress.answers == given
    assert left.answers == given and len(given) == len(questions) >= 8


def test_both_tabs_submitting_attempt_one_keep_both(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    left, left_store = open_tab(folder)
    right, right_store = open_tab(folder)
    text = questions_of_type(left, "short_answer")[0]
    left.set_answer(text, "from the left")    # each tab answers in memory only, then submits
    right.set_answer(text, "from the right")
    assert left.attempt_number == right.attempt_number == 1
    first = submit(left, left_store)
    second = submit(right, right_store)
    file = on_disk(folder)
    assert file == second
    assert [(a.number, a.answers[text]) for a in file.attempts] == [(1, "from the left"), (2, "from the right")]
    assert len({a.id for a in file.attempts}) == 2 and first.attempts[0] in file.attempts
    assert [n for n, _, _ in graded_attempts(file)] == [1, 2]
    assert right.attempt_number == 3 and left.attempt_number == 2  # the left tab learns on its next save
    answer(left, left_store, text, "next")
    assert left.attempt_number == 3


def test_answers_saved_in_one_tab_go_into_the_attempt_the_other_submits(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    left, left_store = open_tab(folder)
    right, right_store = open_tab(folder)
    flags = lasting_questions(left)  # given in attempt 2 too (a pool would give another)
    first, second = (value_for(left, qid, n) for n, qid in enumerate(flags[:2]))
    again = value_for(left, flags[0], 1)
    assert again != first
    answer(right, right_store, flags[0], first)
    answer(left, left_store, flags[1], second)
    saved = submit(right, right_store)
    assert saved.attempts[0].answers == {flags[0]: first, flags[1]: second}
    assert saved.in_progress.answers == {}
    answer(left, left_store, flags[0], again)  # the left tab still shows the old attempt: its old answer goes
    assert on_disk(folder).in_progress.answers == {flags[0]: again}
    assert on_disk(folder).attempts[0].answers == {flags[0]: first, flags[1]: second}


# --- limits ---------------------------------------------------------------------------------------

def _file_with_attempts(folder, count):
    session, store = open_tab(folder)
    doc = session.responses.model_copy(update={"attempts": [
        AttemptRecord(id=f"a{n}", number=n, submitted_at=f"2026-01-01T00:00:00.{n:03d}+00:00"[:23] + "+00:00")
        for n in range(1, count + 1)]})
    store.save(doc)


def test_submit_past_the_attempts_a_file_keeps_is_refused_and_the_file_still_loads(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    _file_with_attempts(folder, MAX_ATTEMPTS_STORED - 1)
    session, store = open_tab(folder)
    text = questions_of_type(session, "short_answer")[0]
    answer(session, store, text, "the last one")
    submit(session, store)                                     # attempt 1,000 is saved
    assert session.finished and session.attempts_left == 0
    before = (folder / "responses" / f"{SECTION}.json").read_bytes()
    with pytest.raises(AttemptLimitError, match="1,000 attempts submitted, the most one responses file keeps"):
        submit(session, store)
    assert (folder / "responses" / f"{SECTION}.json").read_bytes() == before
    again, _ = open_tab(folder)
    assert len(again.submitted) == MAX_ATTEMPTS_STORED and again.submitted[-1].answers == {text: "the last one"}
    assert len(graded_attempts(on_disk(folder))) == MAX_ATTEMPTS_STORED


def test_a_submit_that_would_pass_the_size_limit_is_refused_and_loses_nothing(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    session, store = open_tab(folder)
    text = questions_of_type(session, "short_answer")[0]
    answer(session, store, text, "y" * 400)
    def padded(size):
        return session.responses.model_copy(update={"attempts": [AttemptRecord(
            id="old", number=1, submitted_at="2026-01-01T00:00:00.000+00:00", answers={"pad": "x" * size})]})
    store.save(padded(MAX_RESPONSES_BYTES - 60 - len(padded(0).to_json().encode())))
    path = folder / "responses" / f"{SECTION}.json"
    assert MAX_RESPONSES_BYTES - 100 < path.stat().st_size <= MAX_RESPONSES_BYTES
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"would grow to [\d,]+ bytes, more than the 1,000,000 it may hold"):
        submit(session, store)
    assert path.read_bytes() == before                          # the answer in progress is still saved
    assert on_disk(folder).in_progress.answers == {text: "y" * 400}
    assert session.responses.in_progress.answers == {text: "y" * 400} and session.attempt_number == 1
    with pytest.raises(StoreError, match="more than the 1,000,000"):
        answer(session, store, text, "z" * 500)
    assert path.read_bytes() == before
    assert open_tab(folder)[0].answers == {text: "y" * 400}


# --- leftovers ------------------------------------------------------------------------------------

def test_leftover_temp_files_are_removed_but_not_fresh_or_foreign_ones(store):
    store.path.parent.mkdir(parents=True)
    old = store.path.parent / ".sec.json.k1lled_9.tmp"
    fresh = store.path.parent / ".sec.json.wr1ting_.tmp"
    foreign = store.path.parent / ".other.json.abcdefgh.tmp"
    target = store.path.parent.parent / "outside.tmp"
    target.write_text("keep")
    link = store.path.parent / ".sec.json.l1nked__.tmp"
    for path in (old, fresh, foreign):
        path.write_text("{")
    link.symlink_to(target)
    hour_ago = time.time() - 3600
    for path in (old, foreign):
        os.utime(path, (hour_ago, hour_ago))
    os.utime(link, (hour_ago, hour_ago), follow_symlinks=False)
    store.load()
    names = sorted(p.name for p in store.path.parent.iterdir())
    assert names == [".other.json.abcdefgh.tmp", ".sec.json.l1nked__.tmp", ".sec.json.lock", ".sec.json.wr1ting_.tmp"]
    assert target.read_text() == "keep"
    os.utime(fresh, (hour_ago, hour_ago))
    store.save(_with_answers(store, q1="a"))
    assert not fresh.exists()


def test_a_file_nested_too_deep_or_with_a_lone_surrogate_is_kept_aside_with_a_message(store):
    store.path.parent.mkdir(parents=True)
    for content, problem in ((b"[" * 200_000, "not JSON (nested too deep)"),
                             (b'{"schema": "coursekit.responses/1", "learner": "\\ud800"}', "learner: text that is "
                                                                                            "not valid Unicode")):
        store.path.write_bytes(content)
        loaded = store.load()
        assert f"sec.json: {problem}" in loaded.message and ".corrupt-" in loaded.message
        assert loaded.responses.in_progress.answers == {}
    assert len([p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]) == 2


def test_a_symlink_in_the_files_place_is_never_read_or_written_through(store, tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("not the learner's", encoding="utf-8")
    store.path.parent.mkdir(parents=True)
    store.path.symlink_to(elsewhere)
    assert "is a symlink" in store.load().message
    store.path.symlink_to(elsewhere)
    store.save(_with_answers(store, q1="a"))
    assert not store.path.is_symlink() and elsewhere.read_text(encoding="utf-8") == "not the learner's"
