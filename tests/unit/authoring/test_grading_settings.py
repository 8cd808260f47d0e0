"""The grading block of course.yml: dates, item names, Canvas ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.authoring.grading_settings import GradingSettings, parse_datetime


def test_parse_datetime_reads_offsets_and_defaults_to_utc():
    assert parse_datetime("2026-12-01T17:00:00+01:00") == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert parse_datetime("2026-12-01 17:00") == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a date"):
        parse_datetime("next friday")


def test_grading_settings_names_and_canvas_ids():
    settings = GradingSettings.model_validate({"items": {"s1": {"comments": "Reflection"}},
                                               "canvas_ids": {"s1": {"quiz": 12}}})
    assert settings.item_name("s1", "quiz", "Quiz: Topic") == "Quiz: Topic"
    assert settings.item_name("s1", "comments", "Quiz: Topic") == "Reflection"
    assert settings.item_name("s2", "comments", "Quiz: Topic") == "Comments: Topic"
    assert settings.canvas_column("s1", "quiz", "Quiz: Topic") == "Quiz: Topic (12)"
    assert settings.canvas_column("s1", "comments", "Quiz: Topic") == "Reflection"
    assert settings.unknown_sections(["s2"]) == [
        "grading.items: 's1' is not a section of this course (sections: s2)",
        "grading.canvas_ids: 's1' is not a section of this course (sections: s2)",
    ]


def test_course_yml_grading_block_is_validated(tmp_path):
    import shutil

    shutil.copytree(REPO / "course", tmp_path / "course")
    path = tmp_path / "course" / "course.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "grading:\n  due:\n    nosuch: 2026-12-01\n", encoding="utf-8")
    from coursekit.authoring.course import CourseError

    with pytest.raises(CourseError, match=r"course\.yml: grading\.due: 'nosuch' is not a section"):
        load_course(tmp_path / "course")
    path.write_text(text + "grading:\n  due:\n    cooperation_networking: 2026-12-01 17:00\n"
                    "  not_submitted: excused\n", encoding="utf-8")
    course = load_course(tmp_path / "course")
    assert course.grading.due["cooperation_networking"] == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert course.grading.not_submitted == "excused"
