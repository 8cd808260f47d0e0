"""Tables of the analyst pages (coursekit.cohort.tables): escaped, captioned, labelled headers, no index."""

from __future__ import annotations

import math

import pandas as pd

from coursekit.cohort.tables import html_table


def test_values_are_escaped_headers_scoped_and_missing_values_empty():
    frame = pd.DataFrame({"Learner": ["<script>x</script>", "b&c"], "Score (%)": ["81.0", math.nan], "": [1, None]})
    html = html_table(frame, "Who <needs> follow-up", sortable=True, classes="follow-up")
    assert html.startswith('<table class="dataframe follow-up sortable"><caption>Who &lt;needs&gt; follow-up'
                           '</caption>')
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html and "b&amp;c" in html
    assert ('<th scope="col">Learner</th><th scope="col" class="num">Score (%)</th>'
            '<th scope="col" class="num">(blank)</th>') in html  # numbers (and blanks) are right-aligned
    assert '<tr><td>b&amp;c</td><td class="num"></td><td class="num"></td></tr>' in html
    assert "nan" not in html.lower().replace("dataframe", "")


def test_a_plain_table_is_not_sortable():
    html = html_table(pd.DataFrame({"A": [1]}), "One")
    assert 'class="dataframe"' in html and "sortable" not in html and '<td class="num">1</td>' in html
    assert html_table(pd.DataFrame({"A": ["x", "2"]}), "Mixed").count('class="num"') == 0


def test_running_text_is_marked_long():
    text = "Which of these does the text name as purposes of cooperation? Select all that apply."
    html = html_table(pd.DataFrame({"Question": [text], "Type": ["single choice"]}), "Questions")
    assert f'<td class="long">{text}</td><td>single choice</td>' in html
