"""The trainer's mistakes get one line naming the problem and exit 1, never a traceback."""

from __future__ import annotations

import pytest
from grading_support import make_project

from coursekit.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture
def fresh(tmp_path):
    return make_project(tmp_path)


def _run(capsys, paths, *args):
    capsys.readouterr()
    code = main(["--root", str(paths.root), *args])
    return code, capsys.readouterr().err.strip()


def test_report_before_any_autograde(fresh, capsys):
    code, err = _run(capsys, fresh, "report")
    assert code == 1 and len(err.splitlines()) == 1
    assert "no gradebook yet" in err and "coursekit autograde" in err
    assert not (fresh.grader / "gradebook.db").exists()  # the check creates no empty gradebook


def test_report_on_an_empty_gradebook_file(fresh, capsys):
    (fresh.grader / "gradebook.db").write_bytes(b"")
    code, err = _run(capsys, fresh, "report")
    assert code == 1 and len(err.splitlines()) == 1 and "no grades yet" in err


def test_collect_without_an_exchange(fresh, capsys, monkeypatch):
    monkeypatch.setenv("COURSEKIT_EXCHANGE", str(fresh.root / "no-exchange"))
    code, err = _run(capsys, fresh, "collect")
    assert code == 1 and len(err.splitlines()) == 1 and "no inbound folder in the exchange" in err


def test_review_and_extend_before_any_autograde(fresh, capsys):
    for args in (["review", "--section", "cooperation_networking", "--question", "own-cooperation"],
                 ["extend", "--section", "cooperation_networking", "--learner", "ada", "--until", "2026-12-01"]):
        code, err = _run(capsys, fresh, *args)
        assert code == 1 and len(err.splitlines()) == 1 and "no gradebook yet" in err, (args, err)


def test_roster_file_problems_name_file_and_line(fresh, capsys):
    bad = fresh.root / "roster.csv"
    bad.write_text("login,name,email\nada,Ada,a@x.org\nada,Ada again,b@x.org\nbad*id,B,\n", encoding="utf-8")
    code, err = _run(capsys, fresh, "roster", "import", str(bad))
    assert code == 1
    assert err.splitlines() == [
        f"error: {bad}: line 3: login 'ada' already on line 2",
        f"{bad}: line 4: login 'bad*id' contains * (nbgrader reads ids as glob patterns)",
    ]
    assert not (fresh.grader / "gradebook.db").exists()  # a bad file writes nothing
    code, err = _run(capsys, fresh, "roster", "import", str(fresh.root / "missing.csv"))
    assert code == 1 and err == f"error: {fresh.root / 'missing.csv'}: no such file"
