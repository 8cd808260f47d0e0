"""The Comment fields' file: saved as typed, merged per comment, atomic, refused when too long, read by grading."""

from __future__ import annotations

import json

import pytest

from coursekit.widgets.comment import CommentField
from coursekit.widgets.comment_store import (
    MAX_COMMENT_CHARS,
    CommentsError,
    CommentStore,
    comments_path,
    parse_comments,
    read_comments,
)
from coursekit.widgets.store import StoreError

SECTION = "cooperation_networking"


@pytest.fixture(autouse=True)
def writable(monkeypatch):
    monkeypatch.delenv("COURSEKIT_READONLY", raising=False)


def test_two_fields_in_two_tabs_keep_each_others_text(tmp_path):
    left, right = CommentStore(tmp_path, SECTION, "ada"), CommentStore(tmp_path, SECTION, "ada")
    left.save("comment-one", "first\nline two")
    right.save("comment-two", "second")
    left.save("comment-one", "first, edited")
    assert read_comments(tmp_path, SECTION) == {"comment-one": "first, edited", "comment-two": "second"}
    assert not [p.name for p in (tmp_path / "responses").iterdir() if p.name.endswith(".tmp")]


def test_too_long_a_comment_is_refused_and_the_saved_text_stays(tmp_path):
    store = CommentStore(tmp_path, SECTION, "ada")
    store.save("comment-one", "kept")
    with pytest.raises(StoreError, match="at most 20,000 characters"):
        store.save("comment-one", "x" * (MAX_COMMENT_CHARS + 1))
    assert read_comments(tmp_path, SECTION) == {"comment-one": "kept"}


def test_readonly_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_READONLY", "1")
    CommentStore(tmp_path, SECTION, "ada").save("comment-one", "text")
    assert not comments_path(tmp_path, SECTION).exists()


def test_the_field_saves_every_change_and_shows_the_saved_text_again(tmp_path):
    field = CommentField(CommentStore(tmp_path, SECTION, "ada"), "comment-one", "Reflection 1", "Why?")
    field.root.text = "Our school works with a local college.\n"
    assert field.root.status.startswith("Saved at")
    again = CommentField(CommentStore(tmp_path, SECTION, "ada"), "comment-one", "Reflection 1", "Why?")
    assert again.root.text == "Our school works with a local college.\n"


@pytest.mark.parametrize(("content", "problem"), [
    (b"{", "not JSON"),
    (b'{"schema": "other"}', "not a coursekit comments file"),
    (json.dumps({"schema": "coursekit.comments/1", "section": "x", "comments": {}}).encode(), "section 'x'"),
    (json.dumps({"schema": "coursekit.comments/1", "section": SECTION, "comments": {"c": 3}}).encode(),
     "is not text"),
])
def test_a_foreign_file_is_named_with_its_problem(content, problem):
    with pytest.raises(CommentsError, match=problem):
        parse_comments(content, "x.comments.json", SECTION)
