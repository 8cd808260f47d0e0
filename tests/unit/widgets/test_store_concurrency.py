"""Several kernels (real processes) saving one learner's responses file at once: nothing reported saved is lost.

``STORE_RACE_REPEATS`` (default 2) repeats each case, to look for a rare race.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
from store_support import (
    SECTION,
    answer_many,
    on_disk,
    open_tab,
    questions_of_type,
    quiz_folder,
    submit_many,
)

from coursekit.quiz.responses import graded_attempts

REPEATS = int(os.environ.get("STORE_RACE_REPEATS", "2"))


pytestmark = pytest.mark.usefixtures("writable")


@pytest.fixture(scope="module")
def kernels():
    """Two worker processes, each a fresh interpreter like a notebook kernel."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        yield pool


@pytest.mark.parametrize("run", range(REPEATS))
def test_two_kernels_submitting_keep_every_attempt_reported_saved(kernels, tmp_path, run):
    folder = quiz_folder(tmp_path / "learner")
    text = questions_of_type(open_tab(folder)[0], "short_answer")[0]
    per_kernel = 150
    reported = [pair for r in kernels.starmap(submit_many, [(str(folder), per_kernel, k) for k in (1, 2)])
                for pair in r]
    file = on_disk(folder)
    assert len(reported) == 2 * per_kernel                        # the lock waits; nothing is refused
    assert sorted((a.id, a.answers[text]) for a in file.attempts) == sorted(reported)  # exactly those
    assert [a.number for a in file.attempts] == list(range(1, 2 * per_kernel + 1))
    times = [a.submitted_at for a in file.attempts]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert len(graded_attempts(file)) == 2 * per_kernel
    assert not [p for p in os.listdir(folder / "responses") if p.endswith(".tmp")]


@pytest.mark.parametrize("run", range(REPEATS))
def test_two_kernels_answering_different_questions_keep_every_last_answer(kernels, tmp_path, run):
    folder = quiz_folder(tmp_path / "learner")
    questions = [q.id for q in open_tab(folder)[0].questions]
    halves = [questions[0::2], questions[1::2]]
    reported = kernels.starmap(answer_many, [(str(folder), half, 12) for half in halves])
    expected = {q: value for r in reported for q, (_, value) in r.items()}
    assert set(expected) == set(questions)
    assert on_disk(folder).in_progress.answers == expected


@pytest.mark.parametrize("run", range(REPEATS))
def test_two_kernels_answering_one_question_keep_the_answer_reported_last(kernels, tmp_path, run):
    folder = quiz_folder(tmp_path / "learner")
    text = questions_of_type(open_tab(folder)[0], "short_answer")[0]
    reported = kernels.starmap(answer_many, [(str(folder), [text], 40)] * 2)
    first, second = (r[text] for r in reported)
    assert first[0] != second[0]                          # no two saves share a time
    when, value = max(first, second)
    file = on_disk(folder)
    assert (file.in_progress.answered_at[text], file.in_progress.answers[text]) == (when, value)
    assert (folder / "responses" / f".{SECTION}.json.lock").exists()
