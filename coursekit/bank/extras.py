"""What a file format cannot say about a record, kept as JSON where Moodle ignores it.

A writer writes a question in the format's own syntax, reads that text back
and compares: the fields that did not survive (GIFT has no penalty; neither
format has coursekit's option ids) become a small JSON object, which GIFT
keeps in a ``// coursekit: {...}`` comment and Moodle XML in a
``<coursekit>`` element. Moodle's importers skip both; coursekit's readers
apply them, so ``read(write(records)) == records``.

List fields (answers, subquestions, units) are kept item by item: when the
lengths agree, each item holds only the fields that differ; otherwise the
whole list is kept.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion, BankUnit

LIST_FIELDS: dict[str, type] = {"answers": BankAnswer, "subquestions": BankSubquestion, "units": BankUnit}
_KNOWN = {f.name for f in fields(BankQuestion)} - {"line"}


def _item_diff(wanted: Any, got: Any) -> dict[str, Any]:
    return {name: value for name, value in asdict(wanted).items() if getattr(got, name) != value}


def extras(wanted: BankQuestion, written: BankQuestion) -> dict[str, Any]:
    """The fields of ``wanted`` that ``written`` (what the format gives back) lacks, as JSON-able data."""
    found: dict[str, Any] = {}
    for name in sorted(_KNOWN):
        want, got = getattr(wanted, name), getattr(written, name)
        if want == got:
            continue
        if name in LIST_FIELDS:
            if len(want) == len(got):
                found[name] = [_item_diff(w, g) for w, g in zip(want, got, strict=True)]
            else:
                found[name] = [asdict(item) for item in want]
        else:
            found[name] = want
    return found


def dump_extras(found: dict[str, Any]) -> str:
    """One line of JSON (no new lines, whatever the texts hold)."""
    return json.dumps(found, ensure_ascii=False, sort_keys=True)


def apply_extras(question: BankQuestion, raw: str) -> None:
    """Apply JSON written by :func:`dump_extras` to a record read from the format.

    Raises
    ------
    ValueError
        The text is not a JSON object of known fields; the message says what was expected.
    """
    try:
        found = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"expected a JSON object ({exc.msg})") from None
    if not isinstance(found, dict):
        raise ValueError("expected a JSON object")
    for name, value in found.items():
        if name not in _KNOWN:
            raise ValueError(f"expected fields of a question, found {name!r}")
        if name in LIST_FIELDS:
            value = _apply_list(getattr(question, name), value, LIST_FIELDS[name], name)
        setattr(question, name, value)


def _apply_list(current: list[Any], items: Any, kind: type, name: str) -> list[Any]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"expected {name} as a list of objects")
    try:
        if len(items) == len(current):
            return [kind(**{**asdict(old), **item}) for old, item in zip(current, items, strict=True)]
        return [kind(**item) for item in items]
    except TypeError as exc:
        raise ValueError(f"expected {name} with the fields of a {kind.__name__} ({exc})") from None
