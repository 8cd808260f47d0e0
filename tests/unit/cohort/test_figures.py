"""Charts as images with their finding (coursekit.cohort.figures) and the page title of a dashboard."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pytest

from coursekit.cohort.dashboard import page_title
from coursekit.cohort.figures import figure_output


def test_image_carries_the_finding_as_alt_text_and_caption_escapes_it():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    image, caption = figure_output(fig, "30 failed <b>here</b>")
    data, metadata = image._repr_png_()
    assert metadata["alt"] == "30 failed <b>here</b>" and len(data) > 100
    assert "30 failed &lt;b&gt;here&lt;/b&gt;" in caption.data
    assert not plt.fignum_exists(fig.number)


def test_a_chart_without_a_finding_is_refused():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="finding"):
        figure_output(fig, "  ")
    plt.close(fig)


def test_page_title_is_the_first_heading():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("# not a heading"),
                      nbformat.v4.new_markdown_cell("Intro\n# Item analysis")]
    assert page_title(notebook, "fallback") == "Item analysis"
    assert page_title(nbformat.v4.new_notebook(), "Fallback") == "Fallback"
