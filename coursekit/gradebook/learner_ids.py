"""Which learner ids coursekit grades: plain login names, one rule everywhere (pure).

nbgrader uses a learner id as a glob pattern (``*``, ``?``, ``[``), strips
white space around it, splits exchange file names on ``+`` and keeps at most
128 characters in its gradebook; its formgrader shows ids in pages and
scripts. JupyterHub logins are lower case. So an id is a plain login name:
lower-case ASCII letters and digits, ``.``, ``_``, ``-`` and ``@``, starting
with a letter or digit. Anything else (``<svg onload=…>``, ``Ana`` beside
``ana``, full-width ``ａｎａ``, Cyrillic-mixed ``аna``) is refused by name, with
the reason and, where there is one, the login it looks like (its NFKC,
case-folded form: :func:`login_key`), wherever ids enter: collect, simulate,
the roster, autograde and the quiz service.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_LEARNER_ID = 128
"""The longest id nbgrader's gradebook holds (``student.id`` is ``String(128)``)."""



class LearnerIdError(ValueError):
    """Learner ids nbgrader cannot use literally; the message names each and says why."""


GLOB_CHARACTERS = "*?[]"
RESERVED_CHARACTERS = "/\\+"
LOGIN_CHARACTERS = "a-z, 0-9, '.', '_', '-' and '@'"
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]*")


def login_key(learner: str) -> str:
    """The form two ids are compared in: NFKC-normalised and case-folded (``Ana`` and ``ａｎａ`` are ``ana``)."""
    return unicodedata.normalize("NFKC", learner).casefold()


def _script(character: str) -> str:
    """The script of a letter as Unicode names it (``LATIN``, ``CYRILLIC``, ``GREEK`` …)."""
    return unicodedata.name(character, "UNKNOWN").split(" ")[0]


def _not_a_login(learner: str) -> str | None:
    """Why an id that nbgrader could use is still no plain login name, or None."""
    if _LOGIN.fullmatch(learner):
        return None
    key = login_key(learner)
    like = f" (it reads as {key!r}; write the login as the hub has it)" if _LOGIN.fullmatch(key) else ""
    if not learner.isascii():
        odd = next(c for c in learner if not c.isascii())
        scripts = sorted({_script(c) for c in learner if c.isalpha()})
        if len(scripts) > 1:
            return (f"mixes {' and '.join(s.title() for s in scripts)} letters ({odd!r} is "
                    f"{unicodedata.name(odd, 'unnamed').lower()}): a look-alike of another login{like}")
        return f"contains {odd!r} ({unicodedata.name(odd, 'unnamed').lower()}): logins are plain ASCII{like}"
    if any(c.isupper() for c in learner):
        return f"contains upper-case letters: hub logins are lower case{like}"
    odd = next((c for c in learner if not re.fullmatch(r"[a-z0-9._@-]", c)), learner[0])
    if odd == learner[0] and re.fullmatch(r"[._@-]", odd):
        return f"starts with {odd!r} (a login starts with a letter or digit)"
    return f"contains {odd!r} (a login has only {LOGIN_CHARACTERS})"


def learner_id_problem(learner: str) -> str | None:
    """Why ``learner`` cannot be used as a learner id, or None when it can.

    Examples
    --------
    >>> learner_id_problem("ada")
    >>> learner_id_problem("ada ")
    'starts or ends with white space (nbgrader strips it)'
    >>> learner_id_problem("Ana")
    "contains upper-case letters: hub logins are lower case (it reads as 'ana'; write the login as the hub has it)"
    """
    if not learner:
        return "is empty"
    if len(learner) > MAX_LEARNER_ID:
        return f"is {len(learner)} characters long, more than the {MAX_LEARNER_ID} the gradebook holds"
    if learner != learner.strip():
        return "starts or ends with white space (nbgrader strips it)"
    if learner.startswith("."):
        return "starts with '.' (a hidden folder)"
    found = sorted({c for c in learner if c in GLOB_CHARACTERS})
    if found:
        return f"contains {' '.join(found)} (nbgrader reads ids as glob patterns)"
    found = sorted({c for c in learner if c in RESERVED_CHARACTERS})
    if found:
        return f"contains {' '.join(found)} (reserved in nbgrader's paths and exchange names)"
    if any(unicodedata.category(c).startswith(("C", "Zl", "Zp")) or (c.isspace() and c != " ") for c in learner):
        return "contains a control or line-break character"
    return _not_a_login(learner)


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
"""Characters that reorder the text around them (embeddings, overrides, isolates, marks)."""


_CONTROL_NAMES = {"\n": "line feed", "\r": "carriage return", "\t": "tab", "\x00": "null"}


def text_problem(value: str) -> str | None:
    """Why a name or other one-line text of a learner cannot be kept, or None when it can (pure).

    Refused: line and paragraph breaks (line feed, carriage return, U+2028, U+2029), bidi controls (U+202A–U+202E,
    U+2066–U+2069) and every other control, format, private-use or unassigned character, which would
    break a CSV line or reorder what formgrader and the exports show.
    """
    for character in value:
        category = unicodedata.category(character)
        if category.startswith("C") or category in ("Zl", "Zp"):
            kind = "a line break" if category in ("Zl", "Zp") or character in "\r\n" else (
                "a bidi control" if character in BIDI_CONTROLS else "a control or format character")
            name = _CONTROL_NAMES.get(character) or unicodedata.name(character, "unnamed").lower()
            return f"holds U+{ord(character):04X} ({name}), {kind}"
    return None


def describe_id(learner: str, limit: int = 60) -> str:
    """A learner id as it can be shown in one line of text (repr, shortened)."""
    shown = repr(learner[:limit])
    return shown + (f"… ({len(learner)} characters)" if len(learner) > limit else "")


def check_learner_ids(learners: Iterable[str]) -> None:
    """Raise :class:`LearnerIdError` naming every id nbgrader cannot use literally."""
    bad = [f"learner id {describe_id(learner)}: {problem}"
           for learner in learners if (problem := learner_id_problem(learner))]
    if bad:
        raise LearnerIdError("\n".join(bad))


def shown_id(learner: str) -> str:
    """A learner id for a summary line: as it is when valid, quoted and shortened when not."""
    return learner if learner_id_problem(learner) is None else describe_id(learner)
