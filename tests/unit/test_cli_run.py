"""The ``coursekit`` program's entry point: main's exit code, the heap frozen before the interpreter ends."""

from __future__ import annotations

import gc
import subprocess
import sys

PROGRAM = """
import atexit, gc, sys
import coursekit.cli as cli
atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0, flush=True))
cli.main = lambda: 3
cli.run()
"""


def test_the_program_ends_with_mains_exit_code_and_its_objects_frozen_out_of_the_final_collections():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == "frozen True"


def test_main_called_in_a_process_leaves_the_collector_alone(tmp_path, capsys):
    from coursekit.cli import EXIT_PROBLEM, main

    before = gc.get_freeze_count()
    assert main(["--root", str(tmp_path), "build", "--check"]) == EXIT_PROBLEM  # no course/ here
    assert "course.yml: file is missing" in capsys.readouterr().err
    assert gc.get_freeze_count() == before
