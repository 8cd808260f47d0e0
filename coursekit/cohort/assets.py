"""The offline asset bundle of the analyst pages: written once per report folder, shared by every page.

:func:`write_assets` puts plotly.js (from the installed plotly package), the pages' scripts (tables, chart
toggles, the learner page) and their styles (JupyterLab's notebook styles and the pages' own) into
``<reports>/assets/``. The pages refer to them by relative path (``assets/plotly.min.js``), so a folder of
pages opened from disk, or copied elsewhere as a whole, works with no network: nothing is fetched from a CDN.

:func:`write_learner_files` puts the learner page's per-learner data into ``<reports>/data/``, a few scripts the
page loads on demand (a script element, which Chromium runs from disk where it would refuse to fetch JSON).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

ASSETS = "assets"
"""The folder beside the pages that holds the bundle (also the prefix of every reference to it)."""
OFFLINE = Path(__file__).parent / "templates" / "offline"
SCRIPTS = ("tables.js", "charts.js", "learner.js")
STYLES = ("dashboard.css",)
LEARNER_DATA_ID = "learner-data"
"""The id of the script element that holds what the learner page shares across learners (``learner.js`` reads it)."""
DATA = "data"
"""The folder beside the pages that holds the learner page's data files."""
LEARNER_FILE = "learners-{:04d}.js"
"""The name of the learner page's data file number n (from 0): ``learner.js`` makes the same names."""
REGISTER = "coursekitLearnerFile"
"""The function (on ``window``) each data file calls with its number and its learners (defined by ``learner.js``)."""


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it already holds it (pages built again leave the bundle untouched)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_assets(reports: Path, notebook_css: str) -> Path:
    """Write the bundle into ``reports/assets/`` and return that folder.

    Parameters
    ----------
    reports
        The folder of the HTML pages.
    notebook_css
        JupyterLab's notebook styles as nbconvert's lab template holds them (``assets/notebook.css``).
    """
    from plotly.offline import get_plotlyjs

    folder = reports / ASSETS
    folder.mkdir(parents=True, exist_ok=True)
    _write_if_changed(folder / "plotly.min.js", get_plotlyjs())
    _write_if_changed(folder / "notebook.css", notebook_css)
    for name in SCRIPTS + STYLES:
        _write_if_changed(folder / name, (OFFLINE / name).read_text(encoding="utf-8"))
    return folder


def write_learner_files(reports: Path, chunks: Sequence[object]) -> str:
    """Write one script per entry of ``chunks`` into ``reports/data/``; return the prefix of their names.

    File n holds ``window.coursekitLearnerFile(n, <chunk as JSON>);``. Data files of an earlier build that this
    one does not write (a larger cohort had more) are removed, so the folder holds only what the page reads.
    The prefix (``data/learners-``) is relative to the pages: the learner page adds the file's number and
    ``.js``.
    """
    folder = reports / DATA
    folder.mkdir(parents=True, exist_ok=True)
    written = set()
    for number, chunk in enumerate(chunks):
        name = LEARNER_FILE.format(number)
        # JSON is a JavaScript expression; "</" (only ever inside a string) is escaped all the same
        text = json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        _write_if_changed(folder / name, f"window.{REGISTER}({number}, {text});\n")
        written.add(name)
    for old in folder.glob(LEARNER_FILE.split("{")[0] + "*.js"):
        if old.name not in written:
            old.unlink()
    return f"{DATA}/{LEARNER_FILE.split('{')[0]}"
