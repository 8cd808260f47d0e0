"""CSV files a spreadsheet can open safely: no learner text read as a formula (pure, no I/O but the write).

Learner ids, problem texts and other cells can come from learners. A
spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or carriage return in
front can hide one (OWASP "CSV Injection"). :func:`neutralise` prefixes such
text with a single quote, so it is shown as the text it is; every CSV file
coursekit writes goes through :func:`write_csv`.

Numbers stay numbers: a cell that holds an int or a float (``-1.5`` as well)
is written as the number, and so is text that is nothing but a plain decimal
number (``"-1.5"``, ``"15"``): a spreadsheet reads those as numbers, never as
formulas, and an LMS importing grades needs them as numbers. Everything else
starting with one of the characters above, ``-`` included, is prefixed.

A neutralised learner id no longer matches the LMS account literally; such an
id is not a valid Moodle or Canvas login in the first place.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet shows it literally: text that could start a formula gets a leading ``'``.

    Non-text values (numbers, missing values) are returned unchanged, as is
    text that is a plain decimal number.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through :func:`neutralise`."""
    safe = frame.copy()
    safe.columns = [neutralise(name) for name in safe.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
            continue
        safe.isetitem(position, column.astype(object).map(neutralise))
    return safe


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as CSV (no index), every cell neutralised; return ``path``."""
    neutralise_frame(frame).to_csv(path, index=False)
    return path
