"""A quiz service record holding text that is not valid Unicode (stored before the service refused it)."""

from __future__ import annotations

from datetime import UTC, datetime

from coursekit.quiz.contract import responses_path
from coursekit.quiz.responses import parse_responses
from coursekit.service.book import RecordedAttempt
from coursekit.service.grading import ServerRecord, substitute_record

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECTION = "cooperation_networking"


def test_the_broken_answer_counts_as_none_and_the_others_are_graded(tmp_path):
    attempt = RecordedAttempt("row-1", "ada", SECTION, 1, "submitted", T0, T0,
                              {"open-days": "open \ud800days", "partner-schools": "a"}, "ada-1")
    problems = substitute_record(tmp_path, "ada", SECTION, ServerRecord("ada", SECTION, (attempt,)), "hash")
    assert problems[0] == ("attempt 1: the quiz server's record of 'open-days' holds text that is not valid "
                           "Unicode; counted as no answer")
    written = parse_responses(responses_path(tmp_path, SECTION).read_bytes(), "x")
    assert [a.answers for a in written.attempts] == [{"partner-schools": "a"}]
