"""Rebuild a submitted notebook from its release, keeping only the learner's answers.

Stock nbgrader executes every code cell of a submission, learner-added ones
included, before the hidden tests: one added cell that patches ``json.load``
or ``builtins.sum`` earns full marks. :func:`rebuild_submission` closes that
door. It takes the release notebook as the template and copies from the
submission only the sources of the answer (solution) cells, matched by their
nbgrader ``grade_id``; every other cell, code or text, comes from the release
(nbgrader's ``OverwriteCells`` then restores hidden tests from the gradebook).

What the learner changed in the structure is reported as problems, never as
an exception: a deleted or duplicated graded cell is restored and named, and
added code cells are dropped and counted.

A Comment answer is what the learner typed in the Comment field (saved in
``responses/<section>.comments.json`` beside the notebook, see
:mod:`coursekit.widgets.comment_store`), written into nbgrader's manually
graded Comment cell here, so formgrader and the feedback show it as before.

A Comment answer with fewer words than its cell's ``min_words`` (written in
the release notebook at build time; ``"."`` has none) counts as blank: the
release placeholder stays, so nbgrader scores it 0 and the comment shows as
unanswered. That is the learner's answer, not a fault of the submission, so
it is told in :attr:`Rebuilt.notes`, not in the problems (which fail a run).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from nbformat import NotebookNode

from coursekit.authoring.notebook import comment_min_words
from coursekit.nbgrader_glue import NBGRADER_STUB
from coursekit.quiz.normalise import count_words


@dataclass
class Rebuilt:
    """A rebuilt notebook and what was wrong with the submission's structure."""

    notebook: NotebookNode
    problems: list[str] = field(default_factory=list)
    dropped_cells: int = 0
    notes: list[str] = field(default_factory=list)
    """What the trainer may want to know that is no fault, e.g. a comment too short to count."""


def _grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader grade id; None for anything else (a learner may have edited it into any JSON)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _is_answer_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(meta, dict) and bool(meta.get("solution"))


def _source(cell: NotebookNode) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)




def without_old_placeholder(answer: str) -> str:
    """The answer with nbgrader's old placeholder left out, so a copy released with it counts no words for it."""
    return answer.replace(NBGRADER_STUB, " ")


def comment_words(answer: str, cell: NotebookNode, placeholder: str) -> tuple[int, int]:
    """How many words a Comment answer counts, and how many its (trusted) cell needs, as grading counts them.

    ``placeholder`` is the text the release gave the cell; it and nbgrader's old stub count no words.
    """
    return count_words(without_old_placeholder(answer), ignore=placeholder), comment_min_words(cell)


def rebuild_submission(submitted: NotebookNode, release: NotebookNode,
                       comments: Mapping[str, str] | None = None) -> Rebuilt:
    """Return the release notebook filled with the learner's answers from ``submitted``.

    Parameters
    ----------
    submitted
        The learner's notebook (untrusted).
    release
        The notebook the learner was given (trusted template).
    comments
        The texts typed in the Comment fields, by grade id (the submission's
        ``responses/<section>.comments.json``, untrusted). A non-blank text
        there is the answer of its Comment cell; otherwise the cell's own
        source is (notebooks from before the field existed).

    Returns
    -------
    Rebuilt
        The notebook to grade, the structural problems found (one readable line
        each), how many learner-added cells were dropped, and a note per
        comment answer too short to count.
    """
    template_ids = [gid for gid in (_grade_id(c) for c in release.cells) if gid]
    cells = submitted.get("cells", [])
    cells = [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []
    counts = Counter(gid for gid in (_grade_id(c) for c in cells) if gid)
    answers: dict[str, str] = {}
    for cell in cells:
        gid = _grade_id(cell)
        if gid and gid not in answers:
            answers[gid] = _source(cell)
    template_sources = {_grade_id(c): _source(c) for c in release.cells if _grade_id(c)}
    answer_ids = {_grade_id(c) for c in release.cells if _is_answer_cell(c)}

    problems = []
    for gid in template_ids:
        if counts[gid] == 0:
            problems.append(f"cell {gid!r} was deleted (restored from the release)")
        elif counts[gid] > 1:
            problems.append(f"cell {gid!r} appears {counts[gid]} times (the first is kept)")
    for gid in template_ids:
        if gid not in answer_ids and gid in answers and answers[gid].strip() != template_sources[gid].strip():
            problems.append(f"cell {gid!r} was edited (restored from the release)")
    known = set(template_ids)
    added = [c for c in cells if _grade_id(c) not in known]
    added_code = sum(1 for c in added if c.get("cell_type") == "code")
    if added_code:
        problems.append(f"{added_code} code cell(s) added by the learner were not run")

    notebook = copy.deepcopy(release)
    notes = []
    for cell in notebook.cells:
        gid = _grade_id(cell)
        if not (gid and _is_answer_cell(cell)):
            continue
        # A blank or too short answer keeps the release's placeholder, so nbgrader sees
        # the cell as untouched and scores it 0 without asking a trainer to review it.
        answer, placeholder = answers.get(gid, ""), template_sources[gid]
        typed = (comments or {}).get(gid)
        if isinstance(typed, str) and typed.strip():
            answer = typed
        if cell.get("cell_type") != "markdown":
            if answer.strip():
                cell.source = answer
            continue
        words, needed = comment_words(answer, cell, placeholder)
        if words >= needed:
            cell.source = answer
        elif answer.strip() and answer.strip() != placeholder.strip():
            notes.append(f"comment {gid!r}: {words} word{'' if words == 1 else 's'}, fewer than the "
                         f"{needed} required (counted as blank)")
    return Rebuilt(notebook, problems, len(added), notes)
