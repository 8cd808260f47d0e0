"""Charts of the analyst notebooks as images that say what they show: alt text and a caption with the finding.

:func:`figure_output` renders a matplotlib figure to a PNG whose output
metadata carries the finding as its alt text (the offline HTML template of
:mod:`coursekit.cohort.dashboard` writes it into ``alt``), followed by the
same finding as a visible caption.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any


def figure_output(fig: Any, finding: str) -> tuple[Any, Any]:
    """``(image, caption)`` IPython display objects for ``fig``: the PNG with ``finding`` as alt text, a caption.

    The figure is closed (it is not shown a second time by the inline backend).

    Raises
    ------
    ValueError
        When ``finding`` is blank: every chart states its finding.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML, Image

    if not finding.strip():
        raise ValueError("a chart needs a finding for its alt text and caption")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    image = Image(data=buffer.getvalue(), format="png", alt=finding)
    caption = HTML(f'<p class="figure-finding"><strong>Finding:</strong> {escape(finding)}</p>')
    return image, caption


def show_figure(fig: Any, finding: str) -> None:
    """Display ``fig`` as :func:`figure_output` renders it (in a notebook)."""
    from IPython.display import display

    for output in figure_output(fig, finding):
        display(output)
