"""``coursekit lms sync``: the grade record into the platform's gradebook (Assignment and Grade Services).

The order keeps a refused sync from leaving half a state: the access token and every existing line item are
read first (a 401 or 404 stops there, nothing written); then the missing line items are created, then one
score per learner and line item is published. Scores replace the learner's previous one on the platform
(their timestamp is the sync's time), so a repeated sync creates nothing new and a changed grade updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from coursekit.authoring.course import Course
from coursekit.cohort.gradebook import load_cells
from coursekit.gradebook.extensions import load_extensions
from coursekit.gradebook.nbgrader_tables import check_gradebook
from coursekit.gradebook.roster_file import load_roster
from coursekit.lms.ags import create_lineitem, list_lineitems, post_score
from coursekit.lms.client import PlatformClient
from coursekit.lms.config import ToolConfig
from coursekit.lms.scores import TAGS, lineitem_specs, score_for
from coursekit.results.report import grades_table


@dataclass
class SyncResult:
    """What a sync did: line items created and found, scores posted, learners left out (no LMS user id)."""

    created: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    scores: int = 0
    left_out: list[str] = field(default_factory=list)


def current_grades(db_url: str, course: Course) -> pd.DataFrame:
    """``grades.csv``'s rows as ``coursekit report`` computes them now (with the roster's ``lms_user_id``)."""
    check_gradebook(db_url)
    return grades_table(load_cells(db_url), course, load_roster(db_url), load_extensions(db_url))


def sync_grades(config: ToolConfig, grades: pd.DataFrame, course: Course, client: PlatformClient,
                now: datetime | None = None) -> SyncResult:
    """Make the platform's line items and scores say what ``grades`` says (see the module's docstring)."""
    result = SyncResult()
    stamp = (now or datetime.now(UTC)).isoformat()
    specs = lineitem_specs(course, set(grades["section"]))
    existing: dict[tuple[str, str], str] = {}
    for item in list_lineitems(client, config.lineitems_url):
        key = (str(item.get("resourceId", "")), str(item.get("tag", "")))
        if key[1] in TAGS.values():
            existing.setdefault(key, item["id"])
    rows = grades.to_dict("records")
    result.left_out = sorted({str(r["learner"]) for r in rows if not str(r.get("lms_user_id") or "").strip()})
    ids: dict[tuple[str, str], str] = {}
    for spec in specs:
        if spec.key in existing:
            ids[spec.key] = existing[spec.key]
            result.found.append(spec.label)
        else:
            ids[spec.key] = create_lineitem(client, config.lineitems_url, spec.payload())["id"]
            result.created.append(spec.label)
    zero = course.grading.not_submitted == "zero"
    by_section: dict[str, list] = {}
    for spec in specs:
        by_section.setdefault(spec.section, []).append(spec)
    for row in rows:
        user_id = str(row.get("lms_user_id") or "").strip()
        if not user_id:
            continue
        for spec in by_section.get(str(row["section"]), []):
            post_score(client, ids[spec.key], score_for(row, spec, user_id, stamp, zero))
            result.scores += 1
    return result
