"""Shared fixtures: the repository, throwaway copies of it to mutate, a throwaway PostgreSQL server and databases
on it, and a writable learner folder."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_support import create_database, running_postgres
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


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server for the test module: its URL without database."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_db(postgres: str) -> str:
    """The URL of a new, empty database on the module's PostgreSQL server."""
    return create_database(postgres, f"test_{uuid.uuid4().hex[:10]}")


@pytest.fixture
def writable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Learner files may be written: the read-only switch of the environment is cleared."""
    monkeypatch.delenv("COURSEKIT_READONLY", raising=False)
