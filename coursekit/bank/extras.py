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
import math
import typing
from dataclasses import asdict, fields
from types import UnionType
from typing import Any

from coursekit.bank.record import BankAnswer, BankQuestion, BankSubquestion, BankUnit, quoted

LIST_FIELDS: dict[str, type] = {"answers": BankAnswer, "subquestions": BankSubquestion, "units": BankUnit}
_KNOWN = {f.name for f in fields(BankQuestion)} - {"line"}
_HINTS = {kind: typing.get_type_hints(kind) for kind in (BankQuestion, *LIST_FIELDS.values())}
"""Each record's fields and their types: the JSON of an imported file is checked against them."""
_WORDS = {str: "a text", float: "a number", int: "a whole number", bool: "true or false"}


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
        The text is not a JSON object of known fields of the right types; the message says what was expected.
    """
    try:
        found = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"expected a JSON object ({exc.msg})") from None
    except RecursionError:
        raise ValueError("expected a JSON object (nested too deep)") from None
    if not isinstance(found, dict):
        raise ValueError("expected a JSON object")
    for name, value in found.items():
        if name not in _KNOWN:
            raise ValueError(f"expected fields of a question, found {quoted(name)}")
        if name in LIST_FIELDS:
            value = _apply_list(getattr(question, name), value, LIST_FIELDS[name], name)
        else:
            value = _checked(value, _HINTS[BankQuestion][name], name)
        setattr(question, name, value)


def _checked(value: Any, hint: Any, name: str) -> Any:
    """``value`` when it has the field's type (a whole number as a float where a float is due), else ValueError."""
    wanted = [t for t in typing.get_args(hint) if t is not type(None)] if typing.get_origin(hint) is UnionType else [
        hint]
    if value is None and len(wanted) < len(typing.get_args(hint)):
        return None
    kind = wanted[0]
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if kind in (str, bool) and isinstance(value, kind):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if typing.get_origin(kind) is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError(f"expected {name} as {_WORDS.get(kind, 'a list of texts')}, found {quoted(json.dumps(value))}")


def _apply_list(current: list[Any], items: Any, kind: type, name: str) -> list[Any]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"expected {name} as a list of objects")
    hints = _HINTS[kind]
    for item in items:
        unknown = [field for field in item if field not in hints]
        if unknown:
            raise ValueError(f"expected {name} with the fields of a {kind.__name__}, found {quoted(unknown[0])}")
        for field, value in item.items():
            item[field] = _checked(value, hints[field], f"{name} {field}")
    try:
        if len(items) == len(current):
            return [kind(**{**asdict(old), **item}) for old, item in zip(current, items, strict=True)]
        return [kind(**item) for item in items]
    except TypeError as exc:
        raise ValueError(f"expected {name} with the fields of a {kind.__name__} ({exc})") from None
