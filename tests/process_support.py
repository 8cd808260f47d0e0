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
            timeout: float = START_TIMEOUT, **popen: Any) -> Iterator[subprocess.Popen]:
    """Run ``command`` (output to ``log``) until ``probe()`` stops raising ``OSError``; terminate it on exit.

    ``popen`` passes further arguments to ``subprocess.Popen`` (e.g. ``user``, ``group``, ``extra_groups``).
    """
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, **popen)
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


@contextlib.contextmanager
def traversable(targets: list[Path]) -> Iterator[None]:
    """Let other accounts reach ``targets`` (o+x on their folders, nothing made readable), then restore.

    A real installation puts Python and coursekit where every account can run them; here the interpreter
    may live under /root (pyenv), which other accounts cannot enter.
    """
    changed = []
    for target in targets:
        for folder in [*reversed(target.parents), target]:
            if folder.is_dir() and not folder.stat().st_mode & 0o001:
                changed.append((folder, folder.stat().st_mode))
                folder.chmod(folder.stat().st_mode | 0o001)
    try:
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(mode & 0o7777)
