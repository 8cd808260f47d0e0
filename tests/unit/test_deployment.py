"""The deployment's settings (COURSEKIT_*) reach every command; a deployment never falls back to SQLite."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from coursekit.cli import _db_url, main
from coursekit.deployment import (
    DeploymentError,
    check_course_id,
    deployment_db_url,
    deployment_exchange,
    trainer_server_root,
)
from coursekit.nbgrader_glue import nbgrader_config
from coursekit.paths import ProjectPaths

PG = "postgresql+psycopg2://trainer:secret@127.0.0.1:5432/gradebook"


def test_db_url_comes_from_the_deployment():
    assert deployment_db_url({"COURSEKIT_DB_URL": PG}) == PG
    assert deployment_db_url({}) is None


def test_empty_db_url_is_an_error_not_sqlite():
    with pytest.raises(DeploymentError, match="COURSEKIT_DB_URL is set but empty"):
        deployment_db_url({"COURSEKIT_DB_URL": " "})


def test_cli_honours_the_deployment_gradebook(tmp_path, monkeypatch):
    paths = ProjectPaths(tmp_path)
    monkeypatch.delenv("COURSEKIT_DB_URL", raising=False)
    assert _db_url(argparse.Namespace(db_url=None), paths) == paths.gradebook_url
    monkeypatch.setenv("COURSEKIT_DB_URL", PG)
    assert _db_url(argparse.Namespace(db_url=None), paths) == PG
    assert _db_url(argparse.Namespace(db_url="sqlite:///x.db"), paths) == "sqlite:///x.db"


def test_cli_reports_an_empty_gradebook_url_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSEKIT_DB_URL", "")
    (tmp_path / "course").mkdir()
    assert main(["--root", str(tmp_path), "report"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: COURSEKIT_DB_URL is set but empty") and "\n" not in err
    assert not (tmp_path / "grader" / "gradebook.db").exists()


def test_exchange_comes_from_the_deployment(tmp_path, monkeypatch):
    assert deployment_exchange("/local", {"COURSEKIT_EXCHANGE": "/srv/exchange"}) == "/srv/exchange"
    assert deployment_exchange("/local", {}) == "/local"
    monkeypatch.setenv("COURSEKIT_EXCHANGE", "/srv/exchange")
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    config = nbgrader_config("demo", tmp_path, tmp_path / "source", tmp_path / "release", "sqlite://")
    assert config.Exchange.root == "/srv/exchange"


def test_course_id_must_match_the_deployment(tmp_path, monkeypatch):
    check_course_id("vet-quality", {"COURSEKIT_COURSE_ID": "vet-quality"})
    check_course_id("vet-quality", {})
    monkeypatch.setenv("COURSEKIT_COURSE_ID", "other")
    with pytest.raises(DeploymentError, match="differs from the deployment's COURSEKIT_COURSE_ID='other'"):
        nbgrader_config("vet-quality", Path(tmp_path), tmp_path, tmp_path, "sqlite://")


def test_a_trainers_server_root_holds_home_and_project():
    assert trainer_server_root(Path("/home/omar"), "/srv/courses/vet-quality/grader") == (Path("/"), "home/omar")
    assert trainer_server_root(Path("/srv/hub/home/omar"), "/srv/hub/projects/vet/grader") == (
        Path("/srv/hub"), "home/omar")
    assert trainer_server_root(Path("/home/tina"), "/home/tina/course-project/grader") == (Path("/home/tina"), "")
    assert trainer_server_root(Path("/home/tina"), "") == (Path("/home/tina"), "")
