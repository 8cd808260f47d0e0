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
    is_stale,
    parse_comments,
    read_comments,
)
from coursekit.widgets.store import StoreError

SECTION = "cooperation_networking"


pytestmark = pytest.mark.usefixtures("writable")


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


class SteppedClock:
    """A clock the test sets (ISO 8601 UTC times, as the store's clock gives them)."""

    def __init__(self, now: str) -> None:
        self.now = now

    def __call__(self) -> str:
        return self.now


def test_after_the_clock_steps_back_the_last_text_typed_is_the_one_kept(tmp_path):
    clock = SteppedClock("2026-12-01T10:00:00.000+00:00")
    field = CommentField(CommentStore(tmp_path, SECTION, "ada", clock), "comment-one", "Reflection 1", "Why?")
    field.root.text = "typed before the clock stepped back"
    clock.now = "2026-12-01T09:00:00.000+00:00"  # NTP steps the clock back an hour
    field.root.text = "typed after the clock stepped back"
    assert read_comments(tmp_path, SECTION) == {"comment-one": "typed after the clock stepped back"}
    assert field.root.status == "Saved at {time}."  # the browser writes the time in the learner's time zone
    assert field.root.status_time == "2026-12-01T10:00:00.001+00:00"  # 1 ms after the text it replaced
    saved = json.loads(comments_path(tmp_path, SECTION).read_text(encoding="utf-8"))
    assert saved["comments"]["comment-one"]["updated_at"] == "2026-12-01T10:00:00.001+00:00"


def test_half_an_emoji_is_refused_with_a_message_and_the_saved_text_stays(tmp_path):
    field = CommentField(CommentStore(tmp_path, SECTION, "ada"), "comment-one", "Reflection 1", "Why?")
    field.root.text = "Our partners \U0001f91d"
    before = comments_path(tmp_path, SECTION).read_bytes()
    field.root.text = "Our partners \ud83d"  # the browser sent half of the emoji
    assert field.root.status == (
        "Not saved: the comment holds text that is not valid Unicode (half of a character, such as a lone "
        "surrogate) at character 14; delete that character and type it again; what was saved before is kept")
    assert comments_path(tmp_path, SECTION).read_bytes() == before
    assert read_comments(tmp_path, SECTION) == {"comment-one": "Our partners \U0001f91d"}


def test_too_long_a_comment_says_not_saved_once(tmp_path):
    field = CommentField(CommentStore(tmp_path, SECTION, "ada"), "comment-one", "Reflection 1", "Why?")
    field.root.text = "x" * (MAX_COMMENT_CHARS + 1)
    assert field.root.status == ("Not saved: a comment holds at most 20,000 characters, this one has 20,001; "
                                 "what was saved before is kept")


def test_a_symlink_in_the_files_place_is_read_neither_by_load_nor_by_save(tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    theirs = {"schema": "coursekit.comments/1", "section": SECTION, "comments": {
        "comment-two": {"text": "someone else's text", "updated_at": "2026-12-01T09:00:00.000+00:00"}}}
    elsewhere.write_text(json.dumps(theirs), encoding="utf-8")
    link = comments_path(tmp_path, SECTION)
    link.parent.mkdir()
    link.symlink_to(elsewhere)
    store = CommentStore(tmp_path, SECTION, "ada")
    saved, message = store.load()
    assert saved == {} and "is a symlink" in message
    with pytest.raises(CommentsError, match="is a symlink"):
        read_comments(tmp_path, SECTION)
    store.save("comment-one", "mine")
    assert not link.is_symlink() and read_comments(tmp_path, SECTION) == {"comment-one": "mine"}
    assert json.loads(elsewhere.read_text(encoding="utf-8")) == theirs  # the target is untouched
    kept = [p for p in link.parent.iterdir() if p.name.startswith(f"{link.name}.corrupt-")]
    assert len(kept) == 1 and kept[0].is_symlink()


def test_a_file_of_brackets_is_a_named_problem_for_every_reader(tmp_path, monkeypatch):
    import nbformat
    from project_support import REPO

    from coursekit.autograde.preprocessors import RebuildFromRelease
    from coursekit.learner_validate import CommentsUnreadable, FillCommentAnswers

    folder = tmp_path / SECTION
    path = comments_path(folder, SECTION)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[" * 200_000)
    with pytest.raises(CommentsError, match=r"^cooperation_networking\.comments\.json: not JSON \(nested too deep\)$"):
        read_comments(folder, SECTION)
    saved, message = CommentStore(folder, SECTION, "ada").load()
    assert saved == {} and "nested too deep" in message
    notebook = nbformat.read(REPO / "release" / SECTION / f"{SECTION}.ipynb", as_version=4)
    resources = {"nbgrader": {"assignment": SECTION, "notebook": SECTION}, "metadata": {"path": str(folder)}}
    _, resources = RebuildFromRelease(release_directory=str(REPO / "release")).preprocess(notebook, resources)
    assert ("comments not read: cooperation_networking.comments.json: not JSON (nested too deep)"
            in resources["coursekit_problems"])
    monkeypatch.chdir(folder)
    with pytest.raises(CommentsUnreadable, match="nested too deep"):  # the learner's Validate names it
        FillCommentAnswers().preprocess(notebook, {})


def test_a_comments_file_with_a_lone_surrogate_escape_is_refused_by_name():
    doc = json.dumps({"schema": "coursekit.comments/1", "section": SECTION,
                      "comments": {"c1": {"text": "open LONE days", "updated_at": ""}}})
    lone = doc.replace("LONE", "\\ud800").encode()  # the escape as a file holds it
    with pytest.raises(CommentsError, match=r"x\.comments\.json: comments\.c1\.text: text that is not valid"):
        parse_comments(lone, "x.comments.json", SECTION)


def test_an_older_tab_is_told_and_never_replaces_the_text_another_tab_saved_since(tmp_path):
    clock = SteppedClock("2026-12-01T09:40:00.000+00:00")
    store = CommentStore(tmp_path, SECTION, "ada", clock)
    store.save("comment-one", "first text")
    older = CommentField(store, "comment-one", "Reflection 1", "Why?")  # two tabs open the same reflection
    newer = CommentField(store, "comment-one", "Reflection 1", "Why?")
    clock.now = "2026-12-01T09:42:00.000+00:00"
    newer.root.text = "typed in the newer tab"
    clock.now = "2026-12-01T09:45:00.000+00:00"
    older.root.text = "typed in the older tab"
    assert read_comments(tmp_path, SECTION) == {"comment-one": "typed in the newer tab"}
    assert older.root.status == ("This reflection was changed in another tab or window at {time}; your text here "
                                 "was not saved: copy it, then reload.")
    assert older.root.status_time == "2026-12-01T09:42:00.000+00:00"
    assert older.root.text == "typed in the older tab"  # kept in the field to copy
    older.root.text = "typed in the older tab, more"  # still refused until reloaded
    assert read_comments(tmp_path, SECTION) == {"comment-one": "typed in the newer tab"}
    newer.root.text = "the newer tab goes on"  # the newer one saves on its own last version
    assert newer.root.status == "Saved at {time}."
    reloaded = CommentField(store, "comment-one", "Reflection 1", "Why?")
    reloaded.root.text = "after reload"
    assert read_comments(tmp_path, SECTION) == {"comment-one": "after reload"}


def test_stale_rule():
    saved = {"text": "newer", "updated_at": "2026-12-01T09:42:00.000+00:00"}
    assert is_stale(saved, "2026-12-01T09:40:00.000+00:00", "mine")
    assert not is_stale(saved, "2026-12-01T09:42:00.000+00:00", "mine")  # typed over that very version
    assert not is_stale(saved, "2026-12-01T09:40:00.000+00:00", "newer")  # the same text: nothing lost
    assert is_stale(saved, None, "mine")  # the field started empty; another tab saved meanwhile
    assert not is_stale(None, None, "mine")
