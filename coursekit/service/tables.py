"""The quiz service's tables in the gradebook database (SQLite or PostgreSQL).

* ``coursekit_quiz_attempt``: one row per attempt. ``number`` is unique per
  learner and section, so two submits racing for the same attempt number
  cannot both be recorded; ``client_id`` (the id the learner's kernel gave the
  attempt when it was submitted) is unique per learner and section, so an
  attempt sent twice is recorded once.
* ``coursekit_quiz_override``: Moodle's user overrides, with who set them and when.
* ``coursekit_quiz_draw_key``: the key of the service's draw of pooled questions
  (one row, 32 random bytes as hex, made when the tables are migrated to
  version 2): only the service and grading read it, never a learner
  (:mod:`.draw_key`).
* ``coursekit_quiz_schema``: the migration the tables are at (:mod:`.migrate`).

Times are ISO 8601 UTC text with milliseconds (``2026-12-01T09:00:00.000+00:00``),
written by the service's clock only.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text, UniqueConstraint

METADATA = MetaData()

ATTEMPT = Table(
    "coursekit_quiz_attempt",
    METADATA,
    Column("id", String(64), primary_key=True),
    Column("learner", String(128), nullable=False),
    Column("section", String(128), nullable=False),
    Column("number", Integer, nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("state", String(16), nullable=False),  # open | submitted
    Column("started_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("submitted_at", String(40), nullable=True),
    Column("auto_submitted", Boolean, nullable=False, default=False),
    Column("answers", Text, nullable=False, default="{}"),
    Column("reached", Integer, nullable=False, default=0),
    UniqueConstraint("learner", "section", "number", name="uq_coursekit_quiz_attempt_number"),
    UniqueConstraint("learner", "section", "client_id", name="uq_coursekit_quiz_attempt_client"),
)

OVERRIDE = Table(
    "coursekit_quiz_override",
    METADATA,
    Column("learner", String(128), primary_key=True),
    Column("section", String(128), primary_key=True),
    Column("attempts", Integer, nullable=True),
    Column("close", String(40), nullable=True),
    Column("time_limit_minutes", Float, nullable=True),
    Column("set_by", String(128), nullable=False),
    Column("set_at", String(40), nullable=False),
)

DRAW_KEY = Table(
    "coursekit_quiz_draw_key",
    METADATA,
    Column("id", Integer, primary_key=True),  # always 1: one key per gradebook
    Column("key", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
)

SCHEMA = Table(
    "coursekit_quiz_schema",
    METADATA,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(40), nullable=False),
)
