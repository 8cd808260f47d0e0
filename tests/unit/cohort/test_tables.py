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


def _embedded(html: str) -> dict:
    import json

    start = html.index('<script type="application/json" class="table-rows">')
    text = html[html.index(">", start) + 1:html.index("</script>", start)]
    assert "<" not in text and ">" not in text and "&" not in text  # nothing can end the script element early
    return json.loads(text)


def test_a_sortable_table_embeds_every_row_and_shows_the_first_page():
    from coursekit.cohort.tables import PAGE_SIZE

    learners = [f"learner{i:04d}" for i in range(1, 131)]
    html = html_table(pd.DataFrame({"Learner": learners, "Score": [str(i) for i in range(130)]}), "All",
                      sortable=True)
    assert html.count("<tr>") == 1 + PAGE_SIZE  # the header and one page: the script renders the rest
    data = _embedded(html)
    assert [row[0] for row in data["rows"]] == learners and data["links"] == {}


def test_embedded_rows_keep_hostile_text_as_text():
    hostile = "</script><img src=x onerror=alert(1)>&amp;"
    data = _embedded(html_table(pd.DataFrame({"Name": [hostile]}), "Names", sortable=True))
    assert data["rows"] == [[hostile]]


def test_linked_column_links_each_learner_to_their_page():
    html = html_table(pd.DataFrame({"Learner": ["ann", "b&o #1", ""], "Score": ["1", "2", "3"]}), "All",
                      sortable=True, links={"Learner": "learner_progress.html#{}"})
    assert '<td><a href="learner_progress.html#ann">ann</a></td>' in html
    assert '<td><a href="learner_progress.html#b%26o%20%231">b&amp;o #1</a></td>' in html
    assert "<tr><td></td>" in html  # an empty id links nowhere
    assert _embedded(html)["links"] == {"0": "learner_progress.html#{}"}
