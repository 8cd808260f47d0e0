"""The file contract between the build, the learner's widget, grading and analytics: names, paths, normalisation.

Every module that writes or reads these files takes the names from here, so
the widget, the hidden tests and the dashboards cannot drift apart:

* ``quiz.json``, the learner's copy of a section's quiz, beside the notebook;
* ``responses/<section>.json``, the answers the quiz widget saves;
* ``responses/<section>.comments.json``, the texts of the Comment fields;
* :func:`normalise_short_answer`, the one comparison of typed answers used by
  scoring, the immediate-feedback digests (both sides) and the item analysis.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.quiz.normalise import normalise_text

PUBLIC_SPEC_NAME = "quiz.json"
"""The learner's copy of a quiz (no key), beside the section's notebook."""
RESPONSES_DIR = "responses"
"""The folder beside the notebook where the widgets save the learner's answers."""


def responses_name(section: str) -> str:
    """``<section>.json``: the quiz answers' file name."""
    return f"{section}.json"


def responses_path(folder: Path, section: str) -> Path:
    """Where a section's quiz answers lie in a learner's (or a submission's) folder."""
    return Path(folder) / RESPONSES_DIR / responses_name(section)


def comments_name(section: str) -> str:
    """``<section>.comments.json``: the Comment texts' file name."""
    return f"{section}.comments.json"


def comments_path(folder: Path, section: str) -> Path:
    """Where a section's Comment texts lie in a learner's (or a submission's) folder."""
    return Path(folder) / RESPONSES_DIR / comments_name(section)


def service_sent_path(folder: Path, section: str) -> Path:
    """Where the quiz widget notes which attempts the quiz service has confirmed (hidden; never graded)."""
    return Path(folder) / RESPONSES_DIR / f".{section}.service.json"


def responses_glob(section: str) -> str:
    """The glob of every learner's responses file of ``section`` under a ``<learner>/<section>/`` tree."""
    return f"*/{section}/{RESPONSES_DIR}/{responses_name(section)}"


def normalise_short_answer(text: str, case_sensitive: bool = False) -> str:
    """The form in which typed answers are compared (see :func:`coursekit.quiz.normalise.normalise_text`)."""
    return normalise_text(text, case_sensitive)
