"""``coursekit dashboard``: run the analyst notebooks against a gradebook and export HTML without code.

Each notebook in ``notebooks/`` takes papermill parameters (``db_url``,
``course_dir``, ``autograded_dir``, ``submitted_dir``, ``reports_dir``, ``section``,
``learner``). The executed copies go to ``<workspace>/reports/notebooks/`` and the
HTML (outputs only, no code cells) to ``<workspace>/reports/``, with the CSV files
the notebooks write beside it (``follow_up.csv``: who needs a trainer's follow-up)
and the pages' shared offline bundle in ``<workspace>/reports/assets/`` (plotly.js,
scripts, styles): copy the folder as a whole. ``learner_progress.html#<learner>``
shows any learner; every learner id on the other pages links there.
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


PAGES = [("cohort_dashboard.html", "Cohort overview"), ("learners.html", "Learners"),
         ("learner_progress.html", "Learner progress"), ("item_analysis.html", "Item analysis")]
"""The analyst pages in the order of the nav at the top of each: file name and label."""


def export_html(executed: Path, target: Path) -> Path:
    """Write ``executed`` as a page that works offline: outputs and text only, no script from the network.

    The page is titled after the notebook's first heading and starts with a nav linking the analyst pages
    (:data:`PAGES`). Styles and scripts are not copied into the page: they are the report folder's shared
    bundle (:func:`coursekit.cohort.assets.write_assets`, written here), referred to by relative path. A page
    that drew interactive charts (:func:`coursekit.cohort.charts.show_chart`) loads plotly.js from it; tables
    made sortable (:func:`coursekit.cohort.tables.html_table`) get the sort, filter and paging script.
    """
    import nbformat
    from nbconvert import HTMLExporter

    from coursekit.cohort.assets import ASSETS, LEARNER_DATA_ID, write_assets
    from coursekit.cohort.charts import CHART_CLASS

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    environment = exporter.environment
    notebook_css = "".join(environment.loader.get_source(environment, f"static/{name}")[0]
                           for name in ("index.css", "theme-light.css"))
    write_assets(target.parent, notebook_css)
    notebook = nbformat.read(executed, as_version=4)
    title = page_title(notebook, executed.stem.replace("_", " ").capitalize())
    resources: dict[str, Any] = {
        "metadata": {"name": title}, "coursekit_assets": ASSETS,
        "coursekit_charts": _has_output_containing(notebook, f'class="{CHART_CLASS}"'),
        "coursekit_learner": _has_output_containing(notebook, f'id="{LEARNER_DATA_ID}"'),
        "coursekit_nav": [(name, label, name == target.name) for name, label in PAGES],
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target


def quiet_kernel_manager() -> type:
    """A kernel manager that ends a finished notebook's kernel by asking it to shut down, without a SIGINT first.

    jupyter_client interrupts a kernel before asking it to shut down; when the signal lands while the kernel
    still handles a message (the end of the last cell), ipykernel logs "KeyboardInterrupt caught in kernel."
    to the terminal, which reads as a failure though nothing failed. Every cell has finished when papermill
    shuts the kernel down, so there is nothing to interrupt; a kernel that does not stop is still killed after
    the grace period. Interrupting a cell that runs too long (``execution_timeout``) is unchanged.

    The kernel talks to papermill over local IPC sockets (files in Jupyter's runtime folder) rather than TCP
    ports: nothing listens on the network, and ipykernel has no unencrypted TCP to warn about.
    """
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class FinishedKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return FinishedKernelManager


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
            kernel_manager_class=quiet_kernel_manager(),
        )
        written.append(export_html(executed, out / html_name))
    return written
