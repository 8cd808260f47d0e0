"""One learner's notebook open in two browser tabs of one window, for the tests of what each tab says.

:func:`two_tabs` gives the two pages (one browser context, so one login and one
clock), closed afterwards with the kernels they started; :func:`open_tab`
opens the notebook in one of them at a given width and runs it, as a learner
does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import LabServer, QuizPage, shutdown_sessions
from test_learner_door_browser import narrow

PAGE_TIMEOUT_MS = 60_000


@contextlib.contextmanager
def two_tabs(lab_server: LabServer, browser: Any, **context_options: Any) -> Iterator[tuple[Any, Any]]:
    """Two pages (the older tab, the newer tab) of one browser context; ``context_options`` go to the context.

    On leaving, the context is closed and every notebook session of ``lab_server`` is shut down.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context_options)
    try:
        older, newer = context.new_page(), context.new_page()
        for page in (older, newer):
            page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield older, newer
    finally:
        context.close()
        shutdown_sessions(lab_server)


def open_tab(page: Any, lab_server: LabServer, folder: Path, width: int) -> QuizPage:
    """Open the section notebook of ``folder`` in ``page``, narrow the window to ``width`` px, Run All.

    Returns once learner mode has saved the notebook after Run All: a tab opened next saves it again, and a
    save of this tab after that one would meet JupyterLab's "File Changed" dialog (the file is newer on disk).
    """
    quiz = QuizPage(page, lab_server, folder).open()  # wide enough for the kernel indicator in the toolbar
    narrow(page, width)
    quiz.run_all()
    page.locator(".jp-mod-dirty").first.wait_for(state="detached")  # saved: no unsaved-changes mark left
    return quiz
