"""The offline asset bundle of the analyst pages: written once per report folder, shared by every page.

:func:`write_assets` puts plotly.js (from the installed plotly package), the pages' scripts (tables, chart
toggles, the learner page) and their styles (JupyterLab's notebook styles and the pages' own) into
``<reports>/assets/``. The pages refer to them by relative path (``assets/plotly.min.js``), so a folder of
pages opened from disk, or copied elsewhere as a whole, works with no network: nothing is fetched from a CDN.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = "assets"
"""The folder beside the pages that holds the bundle (also the prefix of every reference to it)."""
OFFLINE = Path(__file__).parent / "templates" / "offline"
SCRIPTS = ("tables.js", "charts.js", "learner.js")
STYLES = ("dashboard.css",)
LEARNER_DATA_ID = "learner-data"
"""The id of the script element that holds every learner's results on the learner page (``learner.js`` reads it)."""


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
