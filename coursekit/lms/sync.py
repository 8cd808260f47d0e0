"""``coursekit lms sync``: the grade record into the platform's gradebook (Assignment and Grade Services).

The order keeps a refused sync from leaving half a state: the access token and every existing line item are
read first (a 401 or 404 stops there, nothing written); then the missing line items are created (and those
whose label or maximum changed in course.yml are updated), then one score per learner and line item is
published, by ``workers`` requests at a time. Scores replace the learner's previous one on the platform
(their timestamp is the sync's time), so a repeated sync creates nothing new and a changed grade updates.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from coursekit.authoring.course import Course
from coursekit.cohort.gradebook import load_cells
from coursekit.gradebook.extensions import load_extensions
from coursekit.gradebook.nbgrader_tables import check_gradebook
from coursekit.gradebook.roster_file import load_roster
from coursekit.lms.ags import create_lineitem, list_lineitems, post_score, update_lineitem
from coursekit.lms.client import PlatformClient
from coursekit.lms.config import ToolConfig
from coursekit.lms.scores import TAGS, LineItemSpec, lineitem_specs, score_for
from coursekit.results.report import grades_table


@dataclass
class SyncResult:
    """What a sync did: line items created, updated and found, scores posted, learners left out (no LMS user id).

    ``duplicates``: labels of line items the platform holds more than once (scores go to the first).
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    scores: int = 0
    left_out: list[str] = field(default_factory=list)


def current_grades(db_url: str, course: Course) -> pd.DataFrame:
    """``grades.csv``'s rows as ``coursekit report`` computes them now (with the roster's ``lms_user_id``)."""
    check_gradebook(db_url)
    return grades_table(load_cells(db_url), course, load_roster(db_url), load_extensions(db_url))


def _line_items(config: ToolConfig, specs: list[LineItemSpec], client: PlatformClient,
                result: SyncResult) -> dict[tuple[str, str], str]:
    """The platform's line item URL per spec: found (updated when its label or maximum changed) or created."""
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    for item in list_lineitems(client, config.lineitems_url):
        key = (str(item.get("resourceId", "")), str(item.get("tag", "")))
        if key[1] not in TAGS.values():
            continue
        if key in existing:
            result.duplicates.append(str(item.get("label", key)))
        existing.setdefault(key, item)
    ids: dict[tuple[str, str], str] = {}
    for spec in specs:
        item = existing.get(spec.key)
        if item is None:
            ids[spec.key] = create_lineitem(client, config.lineitems_url, spec.payload())["id"]
            result.created.append(spec.label)
            continue
        ids[spec.key] = item["id"]
        if item.get("label") != spec.label or float(item.get("scoreMaximum") or 0) != spec.score_maximum:
            update_lineitem(client, {**item, **spec.payload()})
            result.updated.append(spec.label)
        else:
            result.found.append(spec.label)
    return ids


def sync_grades(config: ToolConfig, grades: pd.DataFrame, course: Course, client: PlatformClient,
                now: datetime | None = None) -> SyncResult:
    """Make the platform's line items and scores say what ``grades`` says (see the module's docstring)."""
    result = SyncResult()
    stamp = (now or datetime.now(UTC)).isoformat()
    specs = lineitem_specs(course, set(grades["section"]))
    rows = grades.to_dict("records")
    result.left_out = sorted({str(r["learner"]) for r in rows if not str(r.get("lms_user_id") or "").strip()})
    ids = _line_items(config, specs, client, result)
    zero = course.grading.not_submitted == "zero"
    by_section: dict[str, list[LineItemSpec]] = {}
    for spec in specs:
        by_section.setdefault(spec.section, []).append(spec)
    posts = [(ids[spec.key], score_for(row, spec, str(row["lms_user_id"]).strip(), stamp, zero))
             for row in rows if str(row.get("lms_user_id") or "").strip()
             for spec in by_section.get(str(row["section"]), [])]
    with ThreadPoolExecutor(max_workers=config.workers) as pool:
        for _ in pool.map(lambda post: post_score(client, *post), posts):  # raises the first failure
            result.scores += 1
    return result
