"""Which responses files of a cohort the item analysis counts: those grading accepted, by grading's own rule.

Grading scores a learner's quiz from
``autograded/<learner>/<section>/responses/<section>.json`` and rejects some
files as a whole: one it cannot read or parse, one saved by another learner
or for another section (the quiz scores 0), one whose recorded draws are not
the learner's (not graded). Whether a parsed file is rejected is decided by
:func:`coursekit.quiz.verdict.rejection`, the very function the hidden tests
call, so the picks counted are exactly those of the files whose answers were
scored. The learner of a rejected file counts as one who gave no answer: no
option picked, no question given or drawn; their score is whatever the
gradebook holds (0, or nothing when not graded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from coursekit.grading.hidden import read_untrusted
from coursekit.quiz.contract import responses_glob
from coursekit.quiz.responses import Responses, ResponsesError, parse_responses
from coursekit.quiz.spec import QuizSpec
from coursekit.quiz.verdict import rejection

REJECTED_COLUMNS = ["learner", "section", "problem"]


@dataclass(frozen=True)
class RejectedFile:
    """A responses file grading rejected: whose, of which section, and the problem grading records."""

    learner: str
    section: str
    problem: str


@dataclass
class SectionFiles:
    """The responses files of one section: (learner, parsed file) of those grading accepted, and the rejected."""

    accepted: list[tuple[str, Responses]] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)


def read_section(autograded: Path, section: str, spec: QuizSpec, draw_key: bytes | None = None) -> SectionFiles:
    """Read every autograded responses file of ``section`` (in path order) and sort it as grading does.

    ``spec`` is the section's quiz; ``draw_key`` the quiz service's draw key
    when the section was graded from its record (None: the public draw). The
    submitter is the learner folder of ``autograded/<learner>/<section>/``,
    as grading takes it.
    """
    files = SectionFiles()
    for path in sorted(autograded.glob(responses_glob(section))):
        learner = path.parents[2].name
        try:
            responses = parse_responses(read_untrusted(path), path.name)
        except ResponsesError as exc:
            files.rejected.append(RejectedFile(learner, section, str(exc)))
            continue
        refused = rejection(spec, responses, section, learner.strip() or None, path.name, draw_key)
        if refused is None:
            files.accepted.append((learner, responses))
        else:
            files.rejected.append(RejectedFile(learner, section, refused.problem))
    return files


@dataclass(frozen=True)
class CohortFiles:
    """The responses files of several sections, read and sorted once (:func:`read_cohort`) for several loaders."""

    autograded: Path
    sections: Mapping[str, SectionFiles]


def read_cohort(autograded: Path, quizzes: Mapping[str, QuizSpec],
                draw_keys: Mapping[str, bytes] | None = None) -> CohortFiles:
    """:func:`read_section` for every section of ``quizzes``; ``draw_keys``: the quiz service's key by section.

    Pass the result to the loaders of :mod:`coursekit.cohort.responses` and to
    :func:`load_rejected` in place of the folder, so that the files are read once.
    """
    return CohortFiles(autograded, {section: read_section(autograded, section, spec, (draw_keys or {}).get(section))
                                    for section, spec in quizzes.items()})


def section_files(autograded: Path | CohortFiles, section: str, spec: QuizSpec,
                  draw_keys: Mapping[str, bytes] | None = None) -> SectionFiles:
    """The files of ``section``, as read in ``autograded`` (a :class:`CohortFiles` holding them), else read now.

    ``draw_keys`` apply to the files read now only.
    """
    if isinstance(autograded, CohortFiles):
        if section in autograded.sections:
            return autograded.sections[section]
        autograded = autograded.autograded
    return read_section(autograded, section, spec, (draw_keys or {}).get(section))


def load_rejected(autograded: Path | CohortFiles, quizzes: Mapping[str, QuizSpec],
                  draw_keys: Mapping[str, bytes] | None = None) -> pd.DataFrame:
    """The responses files of the sections of ``quizzes`` that grading rejected: ``learner, section, problem``.

    These are the files :func:`coursekit.cohort.responses.load_choices`,
    :func:`~coursekit.cohort.responses.load_given` and
    :func:`~coursekit.cohort.responses.load_drawn` leave out. ``autograded``:
    the folder, or its files already read (:func:`read_cohort`); ``draw_keys``:
    the quiz service's draw key of each section graded from its record.
    """
    rows = [(f.learner, f.section, f.problem) for section, spec in quizzes.items()
            for f in section_files(autograded, section, spec, draw_keys).rejected]
    return pd.DataFrame(rows, columns=REJECTED_COLUMNS)


def rejected_note(rejected: pd.DataFrame, titles: Mapping[str, str]) -> str:
    """One HTML sentence: how many responses files the counts leave out because grading rejected them, and whose.

    Learner ids and section titles are escaped (a learner id is the name of a folder a learner handed in).
    """
    if rejected.empty:
        return "<p>No responses file is left out of these counts: grading rejected none.</p>"
    listed = sorted(zip(rejected["learner"].astype(str), rejected["section"].astype(str), strict=True))
    names = ", ".join(f"{escape(learner)} ({escape(titles.get(section, section))})" for learner, section in listed)
    count = len(listed)
    files = "1 responses file is" if count == 1 else f"{count} responses files are"
    return (f"<p>{files} left out of these counts because grading rejected {'it' if count == 1 else 'them'} "
            f"(their learners count as giving no answer; the quiz scores 0 or is not graded): {names}.</p>")

