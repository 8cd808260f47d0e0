"""Responses files copied between learners: the same attempts at the same times in two submissions.

A learner answering on their own never produces another learner's attempts
with the very same submission times. :func:`attempts_fingerprint` reduces the
attempts grading counts to one digest; :func:`copied_groups` lists learners
sharing one (pure). :func:`find_copied_responses` reads the submitted files
of a trainer workspace with the grader's untrusted-file reader; unreadable
files are simply not compared (grading reports them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coursekit.grading.hidden import read_untrusted, responses_path
from coursekit.quiz.responses import Responses, ResponsesError, graded_attempts, parse_responses

FINGERPRINT_CHARS = 16
EMPTY_ANSWERS = (None, "", [], {})


@dataclass(frozen=True)
class CopyGroup:
    """Learners whose responses files hold identical attempts in one section."""

    section: str
    fingerprint: str
    learners: tuple[str, ...]


def attempts_fingerprint(responses: Responses) -> str | None:
    """A digest of the attempts grading counts (numbers, answers, submission times); None when none holds an answer.

    Answers still in progress count as grading counts them (with their last
    update time), so a copied file that was never submitted is found too.
    """
    attempts = graded_attempts(responses)
    if not any(value not in EMPTY_ANSWERS for _, answers, _ in attempts for value in answers.values()):
        return None
    canonical = json.dumps([[number, when, answers] for number, answers, when in attempts],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


def copied_groups(section: str, fingerprints: Mapping[str, str | None]) -> list[CopyGroup]:
    """Groups of two or more learners sharing a fingerprint (learner -> fingerprint), in a stable order."""
    by_print: dict[str, list[str]] = {}
    for learner, fingerprint in fingerprints.items():
        if fingerprint:
            by_print.setdefault(fingerprint, []).append(learner)
    groups = [CopyGroup(section, fingerprint, tuple(sorted(learners)))
              for fingerprint, learners in by_print.items() if len(learners) > 1]
    return sorted(groups, key=lambda g: g.learners)


def find_copied_responses(submitted_root: Path, sections: Sequence[str]) -> list[CopyGroup]:
    """Copy groups among the responses files ``<submitted_root>/<learner>/<section>/responses/<section>.json``."""
    groups: list[CopyGroup] = []
    if not submitted_root.is_dir():
        return groups
    learners = sorted(p for p in submitted_root.iterdir() if p.is_dir() and not p.is_symlink())
    for section in sections:
        fingerprints: dict[str, str | None] = {}
        for learner_dir in learners:
            path = responses_path(learner_dir / section, section)
            try:
                responses = parse_responses(read_untrusted(path), path.name)
            except ResponsesError:
                continue
            fingerprints[learner_dir.name] = attempts_fingerprint(responses)
        groups.extend(copied_groups(section, fingerprints))
    return groups
