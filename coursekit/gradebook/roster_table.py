"""The roster's table in the gradebook, ``coursekit_roster``, beside nbgrader's ``student``.

``coursekit roster import`` (:mod:`.roster_file`) writes it; the report reads
names, id numbers and groups from it, and an extension is refused for a
learner who is not on an imported roster (:mod:`.extensions`).
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table

MAX_FIELD = 255
"""The longest name, id number or group a roster field holds."""

METADATA = MetaData()
ROSTER = Table(
    "coursekit_roster",
    METADATA,
    Column("learner", String(128), primary_key=True),
    Column("name", String(MAX_FIELD), nullable=False, default=""),
    Column("idnumber", String(MAX_FIELD), nullable=False, default=""),
    Column("group_name", String(MAX_FIELD), nullable=False, default=""),
)
