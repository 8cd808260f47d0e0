"""Tables of the analyst pages as plain, escaped HTML: a caption, column headers with ``scope``, no index.

A table with ``sortable=True`` gets the ``sortable`` class and carries every row as JSON in a script element
right after it, with only the first :data:`PAGE_SIZE` rows in its body: the page's script
(``templates/offline/tables.js``, in the shared asset bundle) turns each header into a sort button
(``aria-sort`` on the header), adds a labelled filter field above it and page buttons below it, and renders one
page of rows at a time, so a table of thousands of learners keeps the page small and quick. ``links`` turns the
cells of a column into links (a learner's id to that learner's results).
Numbers are written as given (format them first) and right-aligned; missing values are empty; columns of
running text (questions, options) keep a readable width.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from urllib.parse import quote

import pandas as pd

PAGE_SIZE = 50
"""Rows a sortable table shows at a time (the same number is in ``tables.js``)."""


def _text(value: object) -> str:
    """The text a cell shows (not yet escaped): empty for a missing value."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and other values pandas cannot test
        pass
    return str(value)


def _numeric(values: list[str]) -> bool:
    """Whether every non-empty text of a column reads as a number (such columns are right-aligned)."""
    filled = [v for v in values if v != ""]
    if not filled:
        return False
    try:
        [float(v) for v in filled]
    except ValueError:
        return False
    return True


def _long(values: list[str]) -> bool:
    """Whether a column holds running text (such columns get room to stay readable)."""
    return bool(values) and sum(len(v) for v in values) / len(values) > 40


def link_href(template: str, value: str) -> str:
    """``template`` with ``{}`` replaced by ``value`` encoded as JavaScript's ``encodeURIComponent`` does."""
    return template.replace("{}", quote(value, safe="!~*'()"))


def script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside an HTML script element (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_table(frame: pd.DataFrame, caption: str, sortable: bool = False, classes: str = "",
               links: Mapping[str, str] | None = None) -> str:
    """``frame`` as an HTML table with ``caption``; every value is escaped (learner text is untrusted).

    Parameters
    ----------
    frame
        The rows to show; its column names are the headers (never empty: a blank name becomes "(blank)").
    caption
        What the table shows, also the name of its filter field when sortable.
    sortable
        Sort buttons, a filter field and pages of :data:`PAGE_SIZE` rows on the page; the rows are embedded
        as JSON after the table (:func:`script_json`) and the body holds the first page.
    classes
        Further CSS classes, space-separated.
    links
        Column name to a link template such as ``"learner_progress.html#{}"``: each non-empty cell of that
        column links there, its text URL-encoded in place of ``{}``.
    """
    names = ["dataframe", *classes.split(), *(["sortable"] if sortable else [])]
    raw = [[_text(v) for v in frame.iloc[:, i].tolist()] for i in range(frame.shape[1])]
    templates = {i: (links or {}).get(str(c)) for i, c in enumerate(frame.columns)}
    templates = {i: t for i, t in templates.items() if t}
    align = [' class="num"' if _numeric(column) else ' class="long"' if _long(column) else "" for column in raw]
    head = "".join(f'<th scope="col"{align[i]}>{escape(str(c)) if str(c).strip() else "(blank)"}</th>'
                   for i, c in enumerate(frame.columns))
    rows = [list(row) for row in zip(*raw, strict=True)] if raw else [[] for _ in range(len(frame))]
    shown = rows[:PAGE_SIZE] if sortable else rows

    def cell(i: int, text: str) -> str:
        if i in templates and text:
            return f'<td{align[i]}><a href="{escape(link_href(templates[i], text))}">{escape(text)}</a></td>'
        return f"<td{align[i]}>{escape(text)}</td>"

    body = "".join("<tr>" + "".join(cell(i, text) for i, text in enumerate(row)) + "</tr>" for row in shown)
    table = (f'<table class="{" ".join(names)}"><caption>{escape(caption)}</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if sortable:
        data = script_json({"rows": rows, "links": templates})
        table += f'<script type="application/json" class="table-rows">{data}</script>'
    return table
