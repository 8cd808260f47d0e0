"""``/coursekit/open/<section>`` in the learner's server: the section's notebook, fetched first when missing.

Where a launch from the LMS lands (:meth:`coursekit.lms.launch.Launch.landing`): when the section is not in
the learner's workspace yet, nbgrader's fetch (the Assignments panel's manager, with the learner's exchange
and course) copies it from the exchange; then the browser goes to the notebook in JupyterLab. A section the
trainer has not released yet gives a short page saying so, with a link to JupyterLab. A copy already there
is opened as it is (never fetched over).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from coursekit.authoring.course import SECTION_ID

NOT_RELEASED = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Section not open yet</title>"
                "</head><body><main><h1>{section} is not open yet</h1><p>Your trainer has not released this "
                "section. Try the link again later.</p><p><a href='{lab}'>Open JupyterLab</a></p></main>"
                "</body></html>")


class OpenSection(JupyterHandler):
    """Open (fetching first when missing) the section named in the URL."""

    @web.authenticated
    def get(self, section: str) -> None:
        """Redirect to the section's notebook in JupyterLab, or say that it is not released."""
        if not SECTION_ID.match(section):
            raise web.HTTPError(404, "no such section")
        manager: Any = self.settings.get("assignment_list_manager")
        if manager is None:
            raise web.HTTPError(404, "the learner's Assignments panel is not enabled on this server")
        course = manager._course_id()
        exchange, folder = manager._exchange(course)
        notebook = folder / section / f"{section}.ipynb"
        if not notebook.is_file() and (exchange / course / "outbound" / section).is_dir():
            manager.fetch_assignment(course, section)  # as nbgrader's own Fetch button does (in the server's folder)
        lab = url_path_join(self.base_url, "lab")
        if not notebook.is_file():
            self.set_status(404)
            self.finish(NOT_RELEASED.format(section=html.escape(section), lab=html.escape(lab)))
            return
        relative = Path(os.path.relpath(notebook, Path(self.settings["server_root_dir"]).resolve())).as_posix()
        self.redirect(url_path_join(lab, "tree", quote(relative)))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coursekit.learner_open"}]


def _load_jupyter_server_extension(app: Any) -> None:
    base = app.web_app.settings["base_url"]
    app.web_app.add_handlers(".*$", [(url_path_join(base, r"coursekit/open/([^/]+)"), OpenSection)])
