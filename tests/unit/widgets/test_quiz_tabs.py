"""The quiz widget open in two tabs on one folder: what each tab says is saved is in the file."""

from __future__ import annotations

import pytest
from store_support import (
    SECTION,
    fixed_quiz_folder,
    lasting_questions,
    on_disk,
    open_tab,
    questions_of_type,
    quiz_folder,
    value_for,
)

from coursekit.quiz.responses import MAX_ATTEMPTS_STORED, AttemptRecord
from coursekit.widgets import load_quiz
from coursekit.widgets.quiz import QuizView

pytestmark = pytest.mark.usefixtures("writable")


def _view(folder):
    session, store, message = load_quiz(SECTION, folder)
    return QuizView(session, store, message)


def _submit(view):
    view.submit()
    if view.root.view["phase"] == "confirm":  # unanswered questions: "Submit anyway"
        view.submit(confirmed=True)


def _status(view):
    return view.root.view["message"]


def _submit_disabled(view):
    return view.root.view["finished"]


def test_two_tabs_answering_in_turn_show_and_save_every_answer(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    left, right = _view(folder), _view(folder)
    flags = questions_of_type(left.session, "true_false")
    text = questions_of_type(left.session, "short_answer")[0]
    left.answer(flags[0], False)   # the learner picks False
    right.answer(text, "typed on the right")
    left.answer(flags[1], True)
    for view in (left, right):
        assert "Saved at" in _status(view)
    assert on_disk(folder).in_progress.answers == {flags[0]: False, text: "typed on the right", flags[1]: True}
    assert left.session.answers == on_disk(folder).in_progress.answers
    assert left.root.view["answers"][text] == "typed on the right"  # the other tab's answer is shown here too


def test_two_tabs_submitting_attempt_one_both_say_so_and_both_are_kept(tmp_path):
    """Without pools a second tab's submit is an attempt of its own (with pools: test_pool_other_tab.py)."""
    folder = fixed_quiz_folder(tmp_path / "learner")
    left, right = _view(folder), _view(folder)
    _submit(left)
    _submit(right)
    assert "Attempt 1 submitted and saved" in _status(left)
    assert "Attempt 2 submitted and saved" in _status(right)
    assert [a.number for a in on_disk(folder).attempts] == [1, 2]
    question = lasting_questions(left.session)[0]  # given in attempt 3 too (a pool would give another)
    left.answer(question, value_for(left.session, question, 0))
    assert "Another copy of this quiz submitted an attempt; this is attempt 3" in _status(left)
    assert "Attempt 3" in left.root.view["header"]


def test_the_attempt_a_file_cannot_keep_is_refused_with_a_message(tmp_path):
    folder = fixed_quiz_folder(tmp_path / "learner")
    session, store = open_tab(folder)
    store.save(session.responses.model_copy(update={"attempts": [
        AttemptRecord(id=f"a{n}", number=n, submitted_at=f"2026-01-01T00:00:{n % 60:02d}.{n // 60:03d}+00:00")
        for n in range(1, MAX_ATTEMPTS_STORED)]}))
    left, right = _view(folder), _view(folder)
    assert not _submit_disabled(right)
    _submit(left)                                            # attempt 1,000: the last the file keeps
    assert "Attempt 1000 submitted" in _status(left) and _submit_disabled(left)
    _submit(right)
    assert "Not submitted: no attempts left: 1,000 attempts submitted" in _status(right)
    assert _submit_disabled(right)                             # the tab now shows the file as it is
    assert len(on_disk(folder).attempts) == MAX_ATTEMPTS_STORED
    assert len(open_tab(folder)[0].submitted) == MAX_ATTEMPTS_STORED  # and the file still loads


def test_an_answer_with_half_a_character_is_refused_and_what_was_saved_stays(tmp_path):
    folder = quiz_folder(tmp_path / "learner")
    view = _view(folder)
    typed = questions_of_type(view.session, "short_answer")[0]
    view.answer(typed, "open days")
    before = on_disk(folder).in_progress.answers
    view.answer(typed, "open \ud800days")
    assert _status(view) == (f"Not saved: the answer to {typed!r} holds text that is not valid Unicode (half of a "
                             "character, such as a lone surrogate); type it again; nothing saved was lost")
    assert on_disk(folder).in_progress.answers == before == {typed: "open days"}
    again = _view(folder)
    assert again.session.answers == {typed: "open days"} and view.session.answers == {typed: "open days"}
