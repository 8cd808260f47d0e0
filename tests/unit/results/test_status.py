import math

import pytest

from coursekit.results.status import comments_review, section_status


@pytest.mark.parametrize(("submitted", "percent", "answered", "expected"), [
    (False, math.nan, 0, "not submitted"),
    (True, 75.0, 4, "passed"),
    (True, 74.999999999999, 4, "passed"),  # float noise must not fail a learner at the pass rate
    (True, 74.9, 4, "failed"),
    (True, 100.0, 3, "incomplete"),
    (True, 50.0, 3, "failed"),
    (True, math.nan, 4, "failed"),
])
def test_section_status(submitted, percent, answered, expected):
    assert section_status(submitted, percent, 75.0, answered, 4) == expected


@pytest.mark.parametrize(("answered", "reviewed", "expected"), [
    (0, 0, "no comments"), (3, 0, "pending review"), (3, 2, "pending review"), (3, 3, "reviewed"),
])
def test_comments_review(answered, reviewed, expected):
    assert comments_review(answered, reviewed) == expected


def test_status_distinguishes_review_pending_and_ignores_points_on_blanks():
    assert section_status(True, 80.0, 75.0, 4, 4, True, 3) == "passed, review pending"
    assert section_status(True, 80.0, 75.0, 4, 4, True, 4) == "passed"
    assert section_status(True, 80.0, 75.0, 3, 4, True, 3) == "incomplete"
    assert section_status(True, 80.0, 75.0, 0, 0, True, 0) == "passed"
