"""Untrusted JSON: what every reader of learner files refuses, in one line naming the file (pure parts)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coursekit.json_store import UntrustedJSONError, invalid_text, loads, read_regular, text_problem


@pytest.mark.parametrize(("data", "problem"), [
    (b"{" * 10, "not JSON"),
    (b"[" * 200_000, "not JSON (nested too deep)"),
    (b'"\xff"', "not UTF-8 text (byte 1)"),
    (b'{"a": ["ok", "half \\ud83d"]}', "a[1]: text that is not valid Unicode"),
    (b'{"\\udc00": 1}', "a key: text that is not valid Unicode"),
    (b"1" * 101, "101 bytes, more than the 100 allowed"),
])
def test_what_no_writer_produces_is_refused_by_name(data, problem):
    with pytest.raises(UntrustedJSONError) as refused:
        loads(data, "x.json", 100 if len(data) == 101 else 1_000_000)
    message = str(refused.value)
    assert message.startswith("x.json: ") and problem in message and "\n" not in message


def test_valid_text_passes_whatever_its_script():
    assert loads('{"t": "Grüße 🤝 \\ud83e\\udd1d"}'.encode(), "x.json", 1000) == {"t": "Grüße 🤝 🤝"}
    assert text_problem("Grüße 🤝") is None
    assert text_problem("ab\ud83d") == ("text that is not valid Unicode (half of a character, such as a lone "
                                        "surrogate) at character 3")


def test_invalid_text_is_found_at_any_depth_without_recursion():
    deep: list = ["bad \ud800"]
    for _ in range(sys.getrecursionlimit() * 3):
        deep = [deep]
    assert invalid_text(deep).endswith("[0][0]")
    assert invalid_text({"a": {"b": ["x", {"c": "ok"}]}}) is None


def test_a_symlink_is_never_read_through(tmp_path):
    target = tmp_path / "target.json"
    target.write_text("{}", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(target)
    with pytest.raises(UntrustedJSONError, match=r"^link\.json: is a symlink, not a file$"):
        read_regular(tmp_path / "link.json", 100)
    assert read_regular(tmp_path / "absent.json", 100) is None
    assert read_regular(target, 100) == b"{}"


def test_no_jupyter_imports():
    code = ("import sys, coursekit.json_store;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'IPython', 'ipywidgets', 'anywidget', "
            "'tornado', 'nbgrader', 'traitlets'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_text_given_as_str_with_half_a_character_is_refused_where_it_is():
    with pytest.raises(UntrustedJSONError, match=r"^x\.json: b: text that is not valid Unicode"):
        loads('{"a": "fine", "b": "half \ud83d"}', "x.json", 1000)
    assert loads('{"path": "C:\\\\ud800 is a folder"}', "x.json", 1000) == {"path": "C:\\ud800 is a folder"}
