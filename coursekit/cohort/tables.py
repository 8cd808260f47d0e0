"""Tables of the analyst pages as plain, escaped HTML: a caption, column headers with ``scope``, no index.

A table with ``sortable=True`` gets the ``sortable`` class: the page's inlined
script (``templates/offline/tables.js``) turns each header into a sort button
(``aria-sort`` on the header) and adds a labelled filter field above it.
Numbers are written as given (format them first); missing values are empty.
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
    head = "".join(f'<th scope="col">{_cell(c) if str(c).strip() else "(blank)"}</th>' for c in frame.columns)
    rows = frame.itertuples(index=False, name=None)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return (f'<table class="{" ".join(names)}"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
