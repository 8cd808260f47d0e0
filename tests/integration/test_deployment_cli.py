"""``coursekit`` commands in a deployment: the gradebook and the exchange come from COURSEKIT_*, no flags."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect

from coursekit.cli import main

pytestmark = pytest.mark.slow


def test_release_and_collect_use_the_deployment_settings_without_flags(project, tmp_path, monkeypatch):
    gradebook = tmp_path / "deployment.db"
    exchange = tmp_path / "exchange"
    monkeypatch.setenv("COURSEKIT_DB_URL", f"sqlite:///{gradebook}")
    monkeypatch.setenv("COURSEKIT_EXCHANGE", str(exchange))
    monkeypatch.setenv("COURSEKIT_COURSE_ID", "vet-quality")
    assert main(["--root", str(project.root), "release", "--exchange"]) == 0
    assert main(["--root", str(project.root), "collect"]) == 0
    assert not (project.grader / "gradebook.db").exists(), "a local SQLite gradebook was written"
    engine = create_engine(f"sqlite:///{gradebook}")
    assert "assignment" in inspect(engine).get_table_names()
    engine.dispose()
    assert (exchange / "vet-quality" / "outbound" / "cooperation_networking").is_dir()
