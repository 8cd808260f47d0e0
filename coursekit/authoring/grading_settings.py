"""The trainer's grading settings in ``course/course.yml`` (block ``grading:``): deadlines, late policy, exports.

All optional::

    grading:
      due:                               # section -> due date (ISO 8601; without an offset: UTC)
        cooperation_networking: "2026-12-01T17:00:00+01:00"
      late_penalty_per_day: 0            # % of the quiz's points taken per started day late (0: no penalty)
      not_submitted: zero                # export value for a learner who did not submit: zero | excused | blank
      items:                             # optional names of the LMS grade items
        cooperation_networking: {quiz: "Quiz 1", comments: "Comments 1"}
      canvas_ids:                        # optional Canvas assignment ids: columns become "Title (id)"
        cooperation_networking: {quiz: 1201, comments: 1202}

Pure: no database, no Jupyter imports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coursekit.quiz.timing import parse_datetime

NOT_SUBMITTED_VALUES = ("zero", "excused", "blank")


class ItemNames(BaseModel):
    """Names (or ids) of a section's two grade items in the LMS."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quiz: str | int | None = None
    comments: str | int | None = None


class GradingSettings(BaseModel):
    """The ``grading:`` block of course.yml (every field optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    due: dict[str, datetime] = Field(default_factory=dict)
    late_penalty_per_day: float = Field(0.0, ge=0, le=100)
    not_submitted: Literal["zero", "excused", "blank"] = "zero"
    items: dict[str, ItemNames] = Field(default_factory=dict)
    canvas_ids: dict[str, ItemNames] = Field(default_factory=dict)

    @field_validator("due", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {key: parse_datetime(v) if isinstance(v, str | datetime) else v for key, v in value.items()}

    def unknown_sections(self, sections: list[str]) -> list[str]:
        """Messages for keys of ``due``, ``items`` or ``canvas_ids`` that are not sections of the course."""
        return [f"grading.{name}: {key!r} is not a section of this course (sections: {', '.join(sections)})"
                for name in ("due", "items", "canvas_ids") for key in getattr(self, name) if key not in sections]

    def item_name(self, section: str, item: Literal["quiz", "comments"], quiz_title: str) -> str:
        """The LMS grade item's name: as configured, else the quiz title or ``Comments: <title>``."""
        configured = getattr(self.items.get(section, ItemNames()), item)
        if configured is not None:
            return str(configured)
        return quiz_title if item == "quiz" else f"Comments: {quiz_title.removeprefix('Quiz: ')}"

    def canvas_column(self, section: str, item: Literal["quiz", "comments"], quiz_title: str) -> str:
        """Canvas's assignment column: ``Title (id)`` when an id is configured, else the title alone."""
        name = self.item_name(section, item, quiz_title)
        assignment_id = getattr(self.canvas_ids.get(section, ItemNames()), item)
        return f"{name} ({assignment_id})" if assignment_id is not None else name
