"""Merging two versions of a responses file: attempts by identity, answers in progress by time."""

from __future__ import annotations

from coursekit.quiz.merge import merge_attempts, merge_in_progress, merge_responses, next_stamp
from coursekit.quiz.responses import (
    AttemptRecord,
    InProgress,
    Responses,
    attempt_identity,
    empty_responses,
    graded_attempts,
    parse_responses,
)


def _t(second: int, ms: int = 0) -> str:
    return f"2026-11-01T10:00:{second:02d}.{ms:03d}+00:00"


def _attempt(number: int, second: int, answers: dict, ident: str | None = None) -> AttemptRecord:
    return AttemptRecord(id=ident, number=number, started_at=_t(0), submitted_at=_t(second), answers=answers)


def _doc(attempts=(), **in_progress) -> Responses:
    doc = empty_responses("ada", "sec", "h")
    doc.attempts = list(attempts)
    doc.in_progress = InProgress(**in_progress)
    return doc


def test_both_tabs_submitting_attempt_one_keeps_both_in_time_order():
    first = _attempt(1, 20, {"q1": "a"}, "id-a")
    second = _attempt(1, 10, {"q1": "b"}, "id-b")
    merged = merge_attempts([first], [second])
    assert [(a.number, a.id, a.answers) for a in merged] == [(1, "id-b", {"q1": "b"}), (2, "id-a", {"q1": "a"})]


def test_the_same_attempt_on_both_sides_is_kept_once():
    shared = _attempt(1, 10, {"q1": "a"}, "id-a")
    mine = _attempt(2, 30, {"q1": "c"}, "id-c")
    merged = merge_attempts([shared], [shared, mine])
    assert [a.id for a in merged] == ["id-a", "id-c"]
    assert [a.number for a in merged] == [1, 2]


def test_attempts_without_id_are_named_by_content_and_stay_one_after_renumbering():
    legacy = [_attempt(1, 10, {"q1": "a"}), _attempt(3, 30, {"q1": "b"})]  # a gap in the numbers
    merged = merge_attempts(legacy)
    assert [a.number for a in merged] == [1, 2]
    assert [a.id for a in merged] == [attempt_identity(a) for a in legacy]
    again = merge_attempts(merged, legacy)  # another tab still holds the old, unnumbered copy
    assert [a.id for a in again] == [a.id for a in merged]


def test_legacy_attempts_that_differ_only_in_number_are_distinct():
    one, two = _attempt(1, 10, {"q1": "a"}), _attempt(2, 10, {"q1": "a"})
    assert attempt_identity(one) != attempt_identity(two)
    assert len(merge_attempts([one, two])) == 2


def test_answers_in_progress_merge_per_question_latest_wins():
    disk = InProgress(started_at=_t(1), updated_at=_t(5), answers={"q1": "a", "q2": "b"},
                      answered_at={"q1": _t(1), "q2": _t(5)})
    mine = InProgress(started_at=_t(2), updated_at=_t(3), answers={"q1": "c", "q2": "z", "q3": "d"},
                      answered_at={"q1": _t(3), "q2": _t(2), "q3": _t(2)})
    merged = merge_in_progress(disk, mine, None)
    assert merged.answers == {"q1": "c", "q2": "b", "q3": "d"}
    assert merged.started_at == _t(1) and merged.updated_at == _t(5)
    assert merged.answered_at == {"q1": _t(3), "q2": _t(5), "q3": _t(2)}


def test_a_later_clearing_wins_over_an_older_answer_and_is_remembered():
    disk = InProgress(answers={"q1": "a"}, answered_at={"q1": _t(1)}, updated_at=_t(1))
    mine = InProgress(answers={}, answered_at={"q1": _t(2)}, updated_at=_t(2))
    merged = merge_in_progress(disk, mine, None)
    assert merged.answers == {} and merged.answered_at == {"q1": _t(2)}
    assert merge_in_progress(merged, disk, None).answers == {}  # the old answer does not come back


def test_answers_from_before_the_latest_submit_leave_the_attempt_in_progress():
    stale = InProgress(answers={"q1": "a", "q2": "b"}, answered_at={"q1": _t(1), "q2": _t(9)},
                       started_at=_t(1), updated_at=_t(9))
    merged = merge_in_progress(InProgress(), stale, closed_at=_t(5))
    assert merged.answers == {"q2": "b"}
    assert merged.started_at == _t(9)


def test_files_without_answer_times_date_answers_at_updated_at():
    legacy = InProgress(answers={"q1": "a"}, updated_at=_t(4))
    newer = InProgress(answers={"q1": "b"}, answered_at={"q1": _t(6)}, updated_at=_t(6))
    assert merge_in_progress(legacy, newer, None).answers == {"q1": "b"}
    assert merge_in_progress(legacy, InProgress(), closed_at=_t(5)).answers == {}
    assert merge_in_progress(legacy, InProgress(), closed_at=_t(3)).answers == {"q1": "a"}


def test_merge_responses_keeps_everything_and_changes_neither_side():
    disk = _doc([_attempt(1, 10, {"q1": "a"}, "x")], answers={"q2": "b"}, answered_at={"q2": _t(20)})
    mine = _doc([_attempt(1, 12, {"q1": "c"}, "y")], answers={"q3": "d"}, answered_at={"q3": _t(21)})
    before = (disk.to_json(), mine.to_json())
    merged = merge_responses(disk, mine)
    assert [a.id for a in merged.attempts] == ["x", "y"]
    assert merged.in_progress.answers == {"q2": "b", "q3": "d"}
    assert (disk.to_json(), mine.to_json()) == before
    assert parse_responses(merged.to_json()) == merged


def test_next_stamp_is_later_than_everything_in_the_file():
    doc = _doc([_attempt(1, 10, {}, "x")], answers={"q1": "a"}, answered_at={"q1": _t(30, 500)})
    assert next_stamp(doc, _t(40)) == _t(40)
    assert next_stamp(doc, _t(30, 500)) == _t(30, 501)
    assert next_stamp(doc, _t(1)) == _t(30, 501)
    assert next_stamp(empty_responses("ada", "sec", "h"), "2026-11-01T10:00:00") == "2026-11-01T10:00:00"


def test_graded_attempts_counts_each_attempt_once_in_time_order():
    a = _attempt(1, 30, {"q1": "late"}, "a")
    b = _attempt(1, 10, {"q1": "early"}, "b")
    doc = _doc([a, b, a], answers={"q1": "open"}, updated_at=_t(40))
    assert graded_attempts(doc) == [(1, {"q1": "early"}, _t(10)), (2, {"q1": "late"}, _t(30)),
                                    (3, {"q1": "open"}, _t(40))]


def test_graded_attempts_of_an_old_file_with_copied_attempts_counts_every_copy():
    original = _attempt(1, 10, {"q1": "a"})
    copies = [original.model_copy(update={"number": n}) for n in (2, 3)]
    assert [n for n, _, _ in graded_attempts(_doc([original, *copies]))] == [1, 2, 3]
