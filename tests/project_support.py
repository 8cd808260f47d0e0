"""Where the repository is and what it holds, for tests (importable by name, unlike conftest)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("cooperation_networking", "networks_consortia")


def seed_text(section: str) -> str:
    """The verbatim seed of a section, kept under tests/fixtures/seeds/."""
    return (REPO / "tests" / "fixtures" / "seeds" / f"{section}.txt").read_text(encoding="utf-8")
