"""Every sentence of both seeds reaches the learner: in the release notebooks' Markdown, in order."""

from __future__ import annotations

import nbformat
import pytest
from project_support import SECTIONS, seed_text

from coursekit.authoring.fidelity import missing_sentences
from coursekit.paths import ProjectPaths


def _release_markdown(repo: ProjectPaths, section: str) -> str:
    nb = nbformat.read(repo.release / section / f"{section}.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("section", SECTIONS)
def test_every_seed_sentence_reaches_the_learner_in_order(repo: ProjectPaths, section: str) -> None:
    assert missing_sentences(seed_text(section), _release_markdown(repo, section)) == []


@pytest.mark.parametrize("section", SECTIONS)
def test_one_changed_word_is_caught(repo: ProjectPaths, section: str) -> None:
    shown = _release_markdown(repo, section)
    target = "networks" if section == "networks_consortia" else "institutions"
    assert target in shown
    assert missing_sentences(seed_text(section), shown.replace(target, "schools", 1)) != []


def test_seed_copies_match_the_shared_seeds(repo: ProjectPaths) -> None:
    shared = repo.root.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.fail(f"{shared} is missing: the seed documents are needed to check the verbatim copies")
    copies = {seed_text(s) for s in SECTIONS}
    originals = {p.read_text(encoding="utf-8") for p in shared.glob("*.txt")}
    assert copies == originals
