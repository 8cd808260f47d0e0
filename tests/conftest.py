"""Shared fixtures: the repository, and throwaway copies of it to mutate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from project_support import REPO

from coursekit.paths import ProjectPaths


@pytest.fixture(scope="session")
def repo() -> ProjectPaths:
    """The repository itself (read-only use)."""
    return ProjectPaths(REPO)


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A copy of the project's course/, source/, release/ and grader config to change freely."""
    for name in ("course", "source", "release"):
        shutil.copytree(REPO / name, tmp_path / name)
    (tmp_path / "grader").mkdir()
    shutil.copy(REPO / "grader" / "nbgrader_config.py", tmp_path / "grader")
    return ProjectPaths(tmp_path)
