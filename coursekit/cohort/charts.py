"""Interactive charts of the analyst pages (plotly), each with an accessible name and its finding as a caption.

:func:`chart_html` turns a plotly figure into an HTML fragment: a ``<figure>``
holding the plot (named by ``aria-label`` with the finding, ``role="img"``)
and a visible ``<figcaption>`` stating the finding. The fragment does not load
plotly.js: the offline page template of :mod:`coursekit.cohort.dashboard`
inlines it once per page (from the plotly package itself, nothing fetched),
before the first chart. Hovering a bar or point shows its values; clicking a
legend entry hides or shows its series. In that page, a chart with two or more
series also gets a row of buttons under its plot (``templates/offline/charts.js``),
one per series with ``aria-pressed``, so the keyboard can hide and show series too.
"""

from __future__ import annotations

import itertools
from html import escape
from typing import Any

CHART_CLASS = "coursekit-chart"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14, "color": "#212121"}
# Readable on white, told apart without colour by the legend and the hover text.
COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457"]
CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False, "showTips": False}
_ids = itertools.count(1)


def style(fig: Any, title: str, x_title: str = "", y_title: str = "", height: int = 380) -> Any:
    """Apply the pages' look to ``fig`` (title, axis titles with units, readable fonts, legend below); return it."""
    fig.update_layout(
        title={"text": escape(title), "x": 0, "xanchor": "left", "font": {"size": 17}},
        font=FONT, height=height, autosize=True, paper_bgcolor="white", plot_bgcolor="white",
        colorway=COLOURS, margin={"l": 60, "r": 20, "t": 60, "b": 60},
        # Below everything else (in figure, not plot, coordinates): plotly grows the bottom margin to fit it.
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"size": 14}}, hovermode="closest",
    )
    fig.update_xaxes(title_text=escape(x_title), showline=True, linecolor="#616161", gridcolor="#e0e0e0",
                     automargin=True)
    fig.update_yaxes(title_text=escape(y_title), showline=True, linecolor="#616161", gridcolor="#e0e0e0",
                     automargin=True)
    return fig


def chart_html(fig: Any, finding: str, chart_id: str | None = None) -> str:
    """The figure as an HTML fragment that states ``finding`` (accessible name and visible caption).

    Raises
    ------
    ValueError
        When ``finding`` is blank: every chart states its finding.
    """
    if not finding.strip():
        raise ValueError("a chart needs a finding for its accessible name and caption")
    div_id = chart_id or f"chart-{next(_ids)}"
    plot = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG,
                       default_width="100%", default_height=f"{int(fig.layout.height or 380)}px")
    text = escape(finding)
    return (f'<figure class="{CHART_CLASS}"><div class="chart-plot" role="img" aria-label="{text}">{plot}</div>'
            f'<figcaption class="figure-finding"><strong>Finding:</strong> {text}</figcaption></figure>')


def show_chart(fig: Any, finding: str) -> None:
    """Display ``fig`` as :func:`chart_html` renders it (in a notebook)."""
    from IPython.display import HTML, display

    display(HTML(chart_html(fig, finding)))
