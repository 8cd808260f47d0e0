"""Answer text as a trainer reads it: one normalisation for the widget, the digests, grading and analytics.

A learner's short answer is compared with the accepted answers after both
went through :func:`normalise_text`, so "Memorandum of Understanding." and
"open-days" earn the points a trainer would give them. The same function
makes the salted digests of immediate feedback and the learner's side of
them, so the widget's right/wrong always equals the grade. Comment answers
are measured with :func:`count_words`, on the same Unicode normalisation.

Pure functions, no Jupyter imports.
"""

from __future__ import annotations

import unicodedata

INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
"""Soft hyphen, zero-width space / non-joiner / joiner, word joiner and BOM (all removed).

Every other Unicode *format* character (category ``Cf``: direction marks,
invisible operators...) is removed as well; this set names the usual ones.
"""

EDGE_PUNCTUATION = ".,;:!?…¡¿。、'\"`´‘’‚‛“”„‟«»‹›"
"""Punctuation ignored at the start and end of an answer: sentence marks and quotes.

Symbols that can carry meaning (``%``, ``#``, ``+``, brackets) are kept.
"""


def _is_dash(char: str) -> bool:
    return unicodedata.category(char) == "Pd" or char == "\u2212"  # dash punctuation, or the minus sign


def _visible(text: str) -> str:
    """``text`` in NFKC with zero-width characters, BOMs, soft hyphens and other format characters removed."""
    kept = "".join(c for c in text if c not in INVISIBLE and unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", kept)


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """The form in which a short answer is compared with the accepted answers.

    Steps: Unicode NFKC (full-width letters, ligatures and the no-break space
    become their plain forms); zero-width characters, BOMs, soft hyphens and
    other invisible format characters removed; case folded unless
    ``case_sensitive``; hyphens and dashes read as spaces (so "open-days"
    equals "open days"); runs of white space collapsed to one space; sentence
    punctuation and quotes at either end dropped ("Understanding." equals
    "Understanding"). Punctuation inside the answer is kept.

    Parameters
    ----------
    text
        The learner's answer or an accepted answer.
    case_sensitive
        Keep upper and lower case apart (Moodle's ``usecase``).

    Returns
    -------
    str
        The normalised text; ``""`` when nothing but white space, invisible
        characters and punctuation was given.
    """
    text = _visible(text)
    if not case_sensitive:
        text = unicodedata.normalize("NFKC", text.casefold())
    text = "".join(" " if _is_dash(c) else c for c in text)
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = text.strip(EDGE_PUNCTUATION).strip()
    return text


def count_words(text: str, ignore: str = "") -> int:
    """How many words a free-text answer holds, after the same Unicode normalisation.

    A word is a run of non-space characters holding at least one letter or
    digit, so ``.``, ``-`` or ``**`` alone is no word while "well-known" is one.

    Parameters
    ----------
    text
        The learner's text (Markdown or plain).
    ignore
        A phrase not counted wherever it stands, case ignored (the placeholder
        the learner was given, e.g. ``YOUR ANSWER HERE``).

    Returns
    -------
    int
        The number of words.
    """
    text = _visible(text).casefold()
    if ignore.strip():
        text = text.replace(_visible(ignore).casefold().strip(), " ")
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))
