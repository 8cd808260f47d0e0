"""After a trainer's review in formgrader, ``coursekit lms sync``: a Jupyter server extension.

On wherever coursekit runs formgrader (``coursekit grade``'s trainer mode, the hub's trainer servers and
formgrader service). When formgrader saves a score (``PUT …/formgrader/api/grade/<id>`` answered 200) and
``grader/lti_tool.json`` says ``sync_after_autograde``, ``coursekit lms sync`` runs for the project in the
background: one sync at a time; scores saved while one runs start one more when it ends, so the last review
is always followed by a sync that read it. A failed sync is one line in the server's log; the grades stay
saved and ``coursekit lms sync`` by hand completes it (the sync is idempotent). Without ``lti_tool.json``, or
with the setting off, nothing is sent.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

GRADE_API = re.compile(r"/formgrader/api/grade/[^/]+/?$")
SYNC_TIMEOUT = 600


def sync_command(grader: Path) -> list[str]:
    """``coursekit --root <project> lms sync`` with this interpreter (the project holds ``grader``)."""
    script = "import sys; from coursekit.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", script, "--root", str(Path(grader).parent), "lms", "sync"]


def wanted(grader: Path) -> bool:
    """True when ``grader/lti_tool.json`` exists and says ``sync_after_autograde``.

    A file that cannot be read counts as True: the sync then reports its problem in the server's log.
    """
    from coursekit.lms.config import CONFIG_NAME, LmsError, load_tool_config

    path = Path(grader) / CONFIG_NAME
    if not path.is_file():
        return False
    try:
        return load_tool_config(path).sync_after_autograde
    except LmsError:
        return True


class ReviewSync:
    """Runs ``coursekit lms sync`` after reviews: at most one at a time, one more when reviews came meanwhile."""

    def __init__(self, grader: Path, log: Callable[[str, bool], None],
                 run: Callable[[list[str]], subprocess.CompletedProcess] | None = None) -> None:
        self.grader = Path(grader)
        self.log = log
        self.run = run or (lambda command: subprocess.run(command, capture_output=True, text=True,
                                                          timeout=SYNC_TIMEOUT, check=False))
        self._lock = threading.Lock()
        self._running = False
        self._again = False

    def reviewed(self) -> None:
        """A score was saved: sync now, or once more after the running sync."""
        if not wanted(self.grader):
            return
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        threading.Thread(target=self._loop, name="coursekit-review-sync", daemon=True).start()

    def _loop(self) -> None:
        self.log("lms sync after review: started", True)
        while True:
            self._sync_once()
            with self._lock:
                if not self._again:
                    self._running = False
                    break
                self._again = False
        self.log("lms sync after review: every saved review is synced", True)

    def _sync_once(self) -> None:
        try:
            done = self.run(sync_command(self.grader))
        except (OSError, subprocess.SubprocessError) as exc:
            self.log(f"lms sync after review: could not run ({exc}); run `coursekit lms sync`", False)
            return
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        said = " | ".join(lines[-3:]) or f"exit status {done.returncode}"
        if done.returncode == 0:
            self.log(f"lms sync after review: {said}", True)
        else:
            self.log(f"lms sync after review failed: {said} (the grades are saved; run `coursekit lms sync`)", False)


# --- the adapter: a Jupyter server extension ------------------------------------------------------


def _review_transform(settings: dict[str, Any]) -> type:
    from tornado.web import OutputTransform

    class SyncAfterReview(OutputTransform):
        """A score saved by formgrader (PUT …/formgrader/api/grade/<id>, 200): tell the server's ReviewSync."""

        def __init__(self, request: Any) -> None:
            super().__init__(request)
            self.saving = request.method == "PUT" and bool(GRADE_API.search(request.path))

        def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                                  finishing: bool) -> tuple[int, Any, bytes]:
            syncer = settings.get("coursekit_review_sync")
            if self.saving and status_code == 200 and syncer is not None:
                syncer.reviewed()
            return status_code, headers, chunk

    return SyncAfterReview


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.web_app.transforms.append(_review_transform(serverapp.web_app.settings))


async def _start_jupyter_server_extension(serverapp: Any) -> None:
    formgrader = serverapp.web_app.settings.get("nbgrader_formgrader")
    if formgrader is None:
        serverapp.log.warning("coursekit: nbgrader's formgrader is not loaded; no sync after reviews")
        return
    grader = Path(formgrader.coursedir.root)

    def log(message: str, ok: bool) -> None:
        (serverapp.log.info if ok else serverapp.log.warning)("coursekit: %s", message)

    serverapp.web_app.settings["coursekit_review_sync"] = ReviewSync(grader, log)
