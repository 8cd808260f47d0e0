"""``coursekit dashboard``: run the analyst notebooks against a gradebook and export HTML without code.

Each notebook in ``notebooks/`` takes papermill parameters (``db_url``,
``course_dir``, ``autograded_dir``, ``submitted_dir``, ``reports_dir``, ``section``,
``learner``). The executed copies go to ``<workspace>/reports/notebooks/`` and the
HTML (outputs only, no code cells) to ``<workspace>/reports/``, with the CSV files
the notebooks write beside it (``follow_up.csv``: who needs a trainer's follow-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coursekit.paths import ProjectPaths

DASHBOARDS = {
    "cohort_overview": "cohort_dashboard.html",
    "item_analysis": "item_analysis.html",
    "learner_progress": "learner_progress.html",
    "learner_index": "learners.html",
}


def notebook_parameters(paths: ProjectPaths, db_url: str, section: str | None = None,
                        learner: str | None = None) -> dict[str, Any]:
    """The papermill parameters for one run of the analyst notebooks."""
    return {
        "db_url": db_url,
        "course_dir": str(paths.course),
        "autograded_dir": str(paths.grader / "autograded"),
        "submitted_dir": str(paths.grader / "submitted"),
        "reports_dir": str(paths.reports),
        "section": section,
        "learner": learner,
    }


TEMPLATES = Path(__file__).parent / "templates"


class DashboardError(ValueError):
    """The dashboards cannot be made as asked (a learner or section the gradebook does not hold)."""


def gradebook_learners(db_url: str) -> set[str]:
    """Every learner id in the gradebook's ``student`` table (empty when it has none)."""
    # SQLAlchemy loads on first use, not when the dashboards module is imported
    from sqlalchemy import inspect, text

    from coursekit.gradebook.engine import make_engine
    from coursekit.gradebook.nbgrader_tables import LEARNER_IDS

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("student"):
                return set()
            return {row[0] for row in conn.execute(text(LEARNER_IDS))}
    finally:
        engine.dispose()


def check_request(db_url: str, sections: list[str], section: str | None, learner: str | None) -> None:
    """Refuse a ``section`` the course lacks or a ``learner`` the gradebook lacks, with a one-line message.

    Raises
    ------
    DashboardError
        Naming the unknown section or learner and the gradebook.
    """
    if section is not None and section not in sections:
        raise DashboardError(f"no section {section!r} in the course (sections: {', '.join(sections)})")
    if learner is not None and learner not in gradebook_learners(db_url):
        raise DashboardError(f"no learner {learner!r} in the gradebook {db_url}")


def page_title(notebook: Any, fallback: str) -> str:
    """The notebook's first level-1 heading (``# Cohort overview``), else ``fallback``."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


def _has_output_containing(notebook: Any, marker: str) -> bool:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            if marker in ("".join(html) if isinstance(html, list) else html):
                return True
    return False


def export_html(executed: Path, target: Path) -> Path:
    """Write ``executed`` as a page that works offline: outputs and text only, no script from the network.

    The page is titled after the notebook's first heading. When the notebook drew interactive charts
    (:func:`coursekit.cohort.charts.show_chart`), plotly.js from the installed plotly package is inlined once
    in the page's head; tables made sortable (:func:`coursekit.cohort.tables.html_table`) get the inlined
    sort and filter script.
    """
    import nbformat
    from nbconvert import HTMLExporter

    from coursekit.cohort.charts import CHART_CLASS

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    notebook = nbformat.read(executed, as_version=4)
    title = page_title(notebook, executed.stem.replace("_", " ").capitalize())
    resources: dict[str, Any] = {"metadata": {"name": title}}
    if _has_output_containing(notebook, f'class="{CHART_CLASS}"'):
        from plotly.offline import get_plotlyjs

        resources["coursekit_plotly_js"] = get_plotlyjs()
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target


def build_dashboards(paths: ProjectPaths, db_url: str, section: str | None = None,
                     learner: str | None = None, timeout: int = 600) -> list[Path]:
    """Execute every analyst notebook with papermill and export its HTML; return the HTML files.

    ``learner`` picks whose progress ``learner_progress.html`` shows (default: the first learner);
    ``section`` limits every page to one section.

    Raises
    ------
    DashboardError
        When ``section`` or ``learner`` is unknown (before any notebook runs).
    """
    import papermill

    from coursekit.authoring.course import load_course
    from coursekit.nbgrader_glue import ensure_venv_on_path

    check_request(db_url, [s.id for s in load_course(paths.course).sections], section, learner)

    ensure_venv_on_path()
    notebooks = paths.root / "notebooks"
    out = paths.reports
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    parameters = notebook_parameters(paths, db_url, section, learner)
    written = []
    for name, html_name in DASHBOARDS.items():
        executed = out / "notebooks" / f"{name}.ipynb"
        papermill.execute_notebook(
            str(notebooks / f"{name}.ipynb"), str(executed), parameters=parameters, kernel_name="python3",
            cwd=str(notebooks), progress_bar=False, execution_timeout=timeout,
        )
        written.append(export_html(executed, out / html_name))
    return written
