"""Comment answers too short to count keep the release placeholder when a submission is rebuilt."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from coursekit.authoring.course import DEFAULT_MIN_WORDS
from coursekit.authoring.notebook import COMMENT_PLACEHOLDER
from coursekit.autograde.rebuild import rebuild_submission

REPO = Path(__file__).resolve().parents[3]
SECTION = "networks_consortia"


@pytest.fixture(scope="module")
def release():
    return nbformat.read(REPO / "release" / SECTION / f"{SECTION}.ipynb", as_version=4)


def _comment_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def _submit(release, *texts: str):
    """The release with its Comment cells answered by ``texts`` (in order; the rest keep the placeholder)."""
    nb = copy.deepcopy(release)
    for cell, text in zip(_comment_cells(nb), texts, strict=False):
        cell.source = text
    return nb


def _sources(rebuilt) -> list[str]:
    return [c.source for c in _comment_cells(rebuilt.notebook)]


def test_release_comment_cells_carry_their_min_words(release):
    assert [c.metadata["coursekit"]["min_words"] for c in _comment_cells(release)] == [DEFAULT_MIN_WORDS] * 4


@pytest.mark.parametrize("text", [
    ".", "...", " - ", "**.**", "\u200b", "\ufeff.", "Yes.", "Good idea", "Good\u00a0idea!",
    f"{COMMENT_PLACEHOLDER} yes", f"{COMMENT_PLACEHOLDER.lower()}, ok", "ok ok ** -- ..",
    "YOUR ANSWER HERE", "YOUR ANSWER HERE yes",  # a copy released with nbgrader's own placeholder
])
def test_an_answer_below_min_words_counts_as_blank(release, text):
    rebuilt = _submit(release, text)
    result = rebuild_submission(rebuilt, release)
    assert _sources(result)[0] == COMMENT_PLACEHOLDER
    assert result.problems == []


@pytest.mark.parametrize("text", [
    "We share handbooks.", "Trust grows slowly", "well-known partner schools",
    f"{COMMENT_PLACEHOLDER} We share handbooks.", "Ｗｅ ｓｈａｒｅ ｈａｎｄｂｏｏｋｓ",
])
def test_an_answer_of_min_words_counts(release, text):
    result = rebuild_submission(_submit(release, text), release)
    assert _sources(result)[0] == text
    assert result.problems == [] and result.notes == []


def test_short_answers_are_noted_not_reported_as_problems(release):
    result = rebuild_submission(_submit(release, ".", "Good idea", "", COMMENT_PLACEHOLDER), release)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in _comment_cells(release)]
    assert _sources(result) == [COMMENT_PLACEHOLDER] * 4
    assert result.problems == []
    assert result.notes == [
        f"comment {ids[0]!r}: 0 words, fewer than the 3 required (counted as blank)",
        f"comment {ids[1]!r}: 2 words, fewer than the 3 required (counted as blank)",
    ]


def test_min_words_comes_from_the_release_not_the_submission(release):
    strict = copy.deepcopy(release)
    _comment_cells(strict)[0].metadata["coursekit"] = {"min_words": 5}
    submitted = _submit(strict, "We share our handbooks.")
    for cell in _comment_cells(submitted):
        cell.metadata["coursekit"] = {"min_words": 1}
    result = rebuild_submission(submitted, strict)
    assert _sources(result)[0] == COMMENT_PLACEHOLDER
    assert result.notes[0].endswith("4 words, fewer than the 5 required (counted as blank)")
    assert rebuild_submission(_submit(strict, "We share all our handbooks."), strict).notes == []


def test_min_words_of_one_and_a_release_without_the_setting(release):
    lenient = copy.deepcopy(release)
    _comment_cells(lenient)[0].metadata["coursekit"] = {"min_words": 1}
    assert _sources(rebuild_submission(_submit(lenient, "Yes."), lenient))[0] == "Yes."
    assert _sources(rebuild_submission(_submit(lenient, "."), lenient))[0] == COMMENT_PLACEHOLDER
    older = copy.deepcopy(release)
    for cell in _comment_cells(older):
        del cell.metadata["coursekit"]
    assert _sources(rebuild_submission(_submit(older, "Good idea"), older))[0] == COMMENT_PLACEHOLDER
    assert _sources(rebuild_submission(_submit(older, "A good idea"), older))[0] == "A good idea"
