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


def test_roster_logins_and_names_that_are_no_plain_text_name_file_and_line_and_keep_the_saved_roster(fresh, capsys):
    good = fresh.root / "roster.csv"
    good.write_text("login,name\nana,Ana Lee\n", encoding="utf-8")
    assert _run(capsys, fresh, "roster", "import", str(good))[0] == 0
    bad = fresh.root / "bad.csv"
    bad.write_text("login,name\nana,Ana\u2028Lee\nAna,Ana\n\uff41\uff4e\uff41,Ana\n\u0430na,Ana\nbo,\u202eeoB\n"
                   "<svg onload=alert(1)>,X\n", encoding="utf-8")
    code, err = _run(capsys, fresh, "roster", "import", str(bad))
    assert code == 1 and "Traceback" not in err
    lines = err.removeprefix("error: ").splitlines()
    assert [line.split(": ")[:2] for line in lines] == [[str(bad), f"line {n}"] for n in range(2, 8)]
    assert "U+2028 (line separator), a line break" in lines[0] and "(it reads as 'ana'" in lines[1]
    assert "fullwidth latin small letter a" in lines[2] and "mixes Cyrillic and Latin" in lines[3]
    assert "U+202E (right-to-left override), a bidi control" in lines[4] and "contains '<'" in lines[5]
    from coursekit.gradebook.roster_file import load_roster

    roster = load_roster(fresh.gradebook_url)
    assert roster[["learner", "name"]].values.tolist() == [["ana", "Ana Lee"]]  # what was saved stays
