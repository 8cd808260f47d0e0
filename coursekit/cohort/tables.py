"""Tables of the analyst pages as plain, escaped HTML: a caption, column headers with ``scope``, no index.

A table with ``sortable=True`` gets the ``sortable`` class: the page's inlined
script (``templates/offline/tables.js``) turns each header into a sort button
(``aria-sort`` on the header) and adds a labelled filter field above it.
Numbers are written as given (format them first) and right-aligned; missing values are empty; columns of
running text (questions, options) keep a readable width.
"""

from __future__ import annotations

from html import escape

import pandas as pd


def _cell(value: object) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and other values pandas cannot test
        pass
    return escape(str(value))


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


def html_table(frame: pd.DataFrame, caption: str, sortable: bool = False, classes: str = "") -> str:
    """``frame`` as an HTML table with ``caption``; every value is escaped (learner text is untrusted).

    Parameters
    ----------
    frame
        The rows to show; its column names are the headers (never empty: a blank name becomes "(blank)").
    caption
        What the table shows, also the name of its filter field when sortable.
    sortable
        Add the ``sortable`` class (sort buttons and a filter field on the page).
    classes
        Further CSS classes, space-separated.
    """
    names = ["dataframe", *classes.split(), *(["sortable"] if sortable else [])]
    cells = [[_cell(v) for v in frame.iloc[:, i].tolist()] for i in range(frame.shape[1])]
    align = [' class="num"' if _numeric(column) else ' class="long"' if _long(column) else "" for column in cells]
    head = "".join(f'<th scope="col"{align[i]}>{_cell(c) if str(c).strip() else "(blank)"}</th>'
                   for i, c in enumerate(frame.columns))
    rows = zip(*cells, strict=True) if cells else [() for _ in range(len(frame))]
    body = "".join("<tr>" + "".join(f"<td{align[i]}>{text}</td>" for i, text in enumerate(row)) + "</tr>"
                   for row in rows)
    return (f'<table class="{" ".join(names)}"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
