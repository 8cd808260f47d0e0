"""Check that every sentence of a seed reaches the learner verbatim and in order.

"Verbatim" allows whitespace changes only (the authored Markdown re-flows
lines, indents lists and adds a space after a colon) and list markers (the
seed's bullets and numbers become Markdown lists). Every other character,
typographic apostrophes and dashes included, must match.
"""

from __future__ import annotations

import re

LIST_MARKER = re.compile(r"^\s*(?:[•\-*]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def seed_sentences(seed: str) -> list[str]:
    """The sentences of a seed document, in order, list markers removed."""
    sentences = []
    for line in seed.splitlines():
        line = LIST_MARKER.sub("", line).strip()
        if line:
            sentences.extend(s.strip() for s in SENTENCE_END.split(line) if s.strip())
    return sentences


def _squash(text: str) -> str:
    return "".join(text.split())


def missing_sentences(seed: str, shown: str) -> list[str]:
    """Seed sentences not found in ``shown`` in order (empty list: all there).

    Each sentence is searched after the end of the previous match, so a
    sentence moved before an earlier one counts as missing.
    """
    haystack = _squash(shown)
    position = 0
    missing = []
    for sentence in seed_sentences(seed):
        found = haystack.find(_squash(sentence), position)
        if found < 0:
            missing.append(sentence)
        else:
            position = found + len(_squash(sentence))
    return missing
