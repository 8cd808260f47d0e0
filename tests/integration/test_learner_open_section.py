"""Where a launch from the LMS lands: ``/coursekit/open/<section>`` in the learner's real JupyterLab server.

The learner-mode server (``coursekit lab``'s command and config, the local exchange) fetches the section
with nbgrader when it is not in the workspace yet and sends the browser to its notebook; a copy already
there is opened untouched; before the trainer's release a short page says so; a name that is no section
id is not found.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request

import pytest
from grading_support import make_project
from process_support import serving
from trainer_support import free_port

from coursekit.cli import main
from coursekit.learner import lab_command, lab_environment, local_exchange

pytestmark = pytest.mark.slow

SECTION = "cooperation_networking"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, token: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def test_open_fetches_the_section_once_then_opens_the_copy(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_EXCHANGE", raising=False)
    monkeypatch.delenv("COURSEKIT_COURSE_ID", raising=False)
    paths = make_project(tmp_path / "project")
    course_id, exchange = local_exchange(paths.root)
    workspace = tmp_path / "learner"
    served = workspace / "course"
    served.mkdir(parents=True)
    env = lab_environment(workspace, learner="ada", course_id=course_id, exchange=exchange)
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    with serving(lab_command(served, port, token=token), served, env, tmp_path / "lab.log",
                 lambda: urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close(),
                 "learner lab"):
        status, _, page = _get(f"{url}/coursekit/open/{SECTION}", token)
        assert status == 404 and f"{SECTION} is not open yet" in page and "/lab" in page
        assert not (served / SECTION).exists()

        assert main(["--root", str(paths.root), "release", "--exchange"]) == 0
        status, location, _ = _get(f"{url}/coursekit/open/{SECTION}", token)
        notebook = served / SECTION / f"{SECTION}.ipynb"
        assert (status, location) == (302, f"/lab/tree/{SECTION}/{SECTION}.ipynb")
        assert notebook.is_file()

        notebook.write_text(notebook.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the learner's work
        before = notebook.read_bytes()
        status, location, _ = _get(f"{url}/coursekit/open/{SECTION}", token)
        assert (status, location) == (302, f"/lab/tree/{SECTION}/{SECTION}.ipynb")
        assert notebook.read_bytes() == before

        status, _, _ = _get(f"{url}/coursekit/open/Not-A-Section", token)
        assert status == 404
    assert "Traceback" not in (tmp_path / "lab.log").read_text(encoding="utf-8")
