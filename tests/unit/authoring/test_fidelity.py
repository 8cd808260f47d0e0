"""The fidelity check itself: it finds every seed sentence, and misses a changed word."""

from __future__ import annotations

from coursekit.authoring.fidelity import missing_sentences, seed_sentences

SEED = "Title line\n\n  • First point, with a comma.\n  2. Second point. It has two sentences.\nEnd:Here"


def test_sentences_are_split_and_list_markers_dropped() -> None:
    assert seed_sentences(SEED) == [
        "Title line", "First point, with a comma.", "Second point.", "It has two sentences.", "End:Here",
    ]


def test_whitespace_and_markdown_lists_are_allowed() -> None:
    shown = "# Title line\n\n- First point,  with a comma.\n2. Second point.\nIt has two sentences.\n\nEnd: Here"
    assert missing_sentences(SEED, shown) == []


def test_a_changed_word_or_order_is_caught() -> None:
    shown = "# Title line\n- First point, with a comma.\n2. Second point. It has 2 sentences.\nEnd: Here"
    assert missing_sentences(SEED, shown) == ["It has two sentences."]
    swapped = "End:Here Title line First point, with a comma. Second point. It has two sentences."
    assert missing_sentences(SEED, swapped) == ["End:Here"]


def test_typographic_characters_must_match() -> None:
    seed = "one’s own institution – quality"
    assert missing_sentences(seed, "one's own institution - quality") == [seed]
