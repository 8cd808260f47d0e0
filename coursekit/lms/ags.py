"""Assignment and Grade Services 2.0: the course's line items and the scores on them."""

from __future__ import annotations

import urllib.parse
from typing import Any

from coursekit.lms.client import PlatformClient
from coursekit.lms.config import LmsError

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"


def _with_query(url: str, **query: str) -> str:
    parts = urllib.parse.urlsplit(url)
    merged = urllib.parse.parse_qsl(parts.query) + list(query.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(merged)))


def list_lineitems(client: PlatformClient, lineitems_url: str, resource_id: str | None = None) -> list[dict[str, Any]]:
    """The course's line items (those of ``resource_id`` when given), every page.

    Raises
    ------
    LmsError
        When the answer is no JSON array, or a line item's id (its URL) is not on the line items URL's
        scheme, host and port: scores will be sent there with the access token, so it is refused before
        anything is written.
    """
    url = _with_query(lineitems_url, resource_id=resource_id) if resource_id else lineitems_url
    home = urllib.parse.urlsplit(lineitems_url)[:2]
    items: list[dict[str, Any]] = []
    for answer in client.pages(url, LINEITEMS):
        if not isinstance(answer.body, list):
            raise LmsError(f"GET {url}: the platform's line items are not a JSON array")
        for item in answer.body:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            if urllib.parse.urlsplit(item["id"])[:2] != home:
                raise LmsError(f"GET {url}: line item {item['id']!r} is not on {home[0]}://{home[1]}; refused")
            items.append(item)
    return items


def create_lineitem(client: PlatformClient, lineitems_url: str, item: dict[str, Any]) -> dict[str, Any]:
    """Create a line item; return it as the platform holds it (with its ``id``, the line item's URL)."""
    answer = client.request("POST", lineitems_url, LINEITEM, item, LINEITEM)
    if not isinstance(answer.body, dict) or not isinstance(answer.body.get("id"), str):
        raise LmsError(f"POST {lineitems_url}: the platform's new line item has no id")
    return answer.body


def scores_url(lineitem_id: str) -> str:
    """The scores endpoint of a line item: its URL with ``/scores`` appended to the path (query kept)."""
    parts = urllib.parse.urlsplit(lineitem_id)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def post_score(client: PlatformClient, lineitem_id: str, score: dict[str, Any]) -> None:
    """Publish one learner's score on a line item."""
    client.request("POST", scores_url(lineitem_id), "application/json", score, SCORE)


def update_lineitem(client: PlatformClient, item: dict[str, Any]) -> dict[str, Any]:
    """Replace a line item's label and maximum (PUT to its ``id``); return it as the platform holds it."""
    answer = client.request("PUT", item["id"], LINEITEM, item, LINEITEM)
    return answer.body if isinstance(answer.body, dict) else item
