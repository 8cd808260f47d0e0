"""The quizzes the service scores with: the trainer's ``source/`` folder, never a learner's copy.

Each section's public spec is ``source/<section>/quiz.json`` and its key the
grade cells of ``source/<section>/<section>.ipynb`` (what nbgrader's hidden
tests use), joined into the full :class:`~coursekit.quiz.spec.QuizSpec`. Read
again when either file changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.grading.hidden import PUBLIC_SPEC_NAME, key_from_notebook
from coursekit.quiz.spec import QuizSpec, rebuild_spec, spec_hash

SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,127}$")


class UnknownSectionError(LookupError):
    """No trusted quiz for this section."""


@dataclass(frozen=True)
class TrustedQuiz:
    """A section's full quiz, its public spec and the hash learners' files record."""

    section: str
    spec: QuizSpec
    public: dict[str, Any]
    spec_hash: str


class TrustedQuizzes:
    """The sections' quizzes under a trainer's ``source/`` folder."""

    def __init__(self, source_root: Path) -> None:
        self.source_root = Path(source_root)
        self._cache: dict[str, tuple[tuple[int, int], TrustedQuiz]] = {}

    def get(self, section: str) -> TrustedQuiz:
        """The quiz of ``section``.

        Raises
        ------
        UnknownSectionError
            When ``section`` is not an id or has no quiz in ``source/``.
        """
        if not isinstance(section, str) or not SECTION_ID.fullmatch(section):
            raise UnknownSectionError("no such section")
        folder = self.source_root / section
        public_path, notebook = folder / PUBLIC_SPEC_NAME, folder / f"{section}.ipynb"
        try:
            stamp = (public_path.stat().st_mtime_ns, notebook.stat().st_mtime_ns)
        except OSError:
            raise UnknownSectionError(f"no quiz for section {section!r}") from None
        cached = self._cache.get(section)
        if cached and cached[0] == stamp:
            return cached[1]
        public = json.loads(public_path.read_text(encoding="utf-8"))
        quiz = TrustedQuiz(section, rebuild_spec(public, key_from_notebook(notebook)), public, spec_hash(public))
        self._cache[section] = (stamp, quiz)
        return quiz
