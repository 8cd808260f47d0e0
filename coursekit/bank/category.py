"""Moodle category paths: ``$course$/top/Section 5.3`` to and from a list of names.

Moodle separates the names of a path with ``/`` and writes a ``/`` inside a
name as ``//``; both its XML and GIFT formats spell paths this way.
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(r"(?<!/)/(?!/)")


def split_category(path: str) -> list[str]:
    """The names of a category path (``"$course$/top/A//B"`` -> ``["$course$", "top", "A/B"]``)."""
    path = path.strip()
    if not path:
        return []
    return [name.replace("//", "/").strip() for name in _SEPARATOR.split(path)]


def join_category(names: list[str]) -> str:
    """The path Moodle writes for these category names (the inverse of :func:`split_category`)."""
    return "/".join(name.replace("/", "//") for name in names)
