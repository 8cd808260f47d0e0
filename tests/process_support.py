"""Start a real server process for a test, wait until it answers, and always stop it."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

START_TIMEOUT = 120.0


@contextlib.contextmanager
def serving(command: list[str], cwd: Path, env: dict[str, str], log: Path, probe: Callable[[], Any], what: str,
            timeout: float = START_TIMEOUT) -> Iterator[subprocess.Popen]:
    """Run ``command`` (output to ``log``) until ``probe()`` stops raising ``OSError``; terminate it on exit."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited ({process.returncode}): {log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                probe()
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {timeout:g} s")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
