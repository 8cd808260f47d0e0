"""The hand-in clock's pieces: timestamp.txt read and parsed safely, file times kept within plausible bounds."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from coursekit.autograde.handin_clock import files_time, opens_at, parse_stamp, read_stamp

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _dated(path, moment):
    path.write_text("x", encoding="utf-8")
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def test_timestamp_text_is_read_only_from_a_small_regular_file(tmp_path):
    (tmp_path / "timestamp.txt").write_text(" 2026-10-01 09:10:00.000000 UTC\n", encoding="utf-8")
    assert read_stamp(tmp_path / "timestamp.txt") == "2026-10-01 09:10:00.000000 UTC"
    os.symlink(tmp_path / "timestamp.txt", tmp_path / "link.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "long.txt").write_text("9" * 5000, encoding="utf-8")
    assert [read_stamp(tmp_path / n) for n in ("link.txt", "fifo.txt", "long.txt", "none.txt")] == [None] * 4


def test_only_a_date_nbgrader_reads_is_a_date():
    assert parse_stamp("2026-10-01 09:10:00.000000 UTC") == datetime(2026, 10, 1, 9, 10, tzinfo=UTC)
    assert [parse_stamp(t) for t in ("", None, "next tuesday", "99999-99-99")] == [None] * 4


def test_file_times_are_never_later_than_now_nor_earlier_than_the_quiz_opens(tmp_path):
    _dated(tmp_path / "a.ipynb", datetime(2026, 10, 1, 9, 10, tzinfo=UTC))
    _dated(tmp_path / "b.json", datetime(2026, 10, 2, 9, 10, tzinfo=UTC))
    assert files_time(tmp_path, ["a.ipynb", "b.json", "gone"], NOW) == datetime(2026, 10, 2, 9, 10, tzinfo=UTC)
    _dated(tmp_path / "future.json", datetime(2099, 1, 1, tzinfo=UTC))
    assert files_time(tmp_path, ["future.json"], NOW) == NOW
    opened = datetime(2026, 11, 1, tzinfo=UTC)
    assert files_time(tmp_path, ["a.ipynb"], NOW, opened) == opened
    assert files_time(tmp_path, [], NOW) == NOW


def test_the_quiz_opening_comes_from_the_trainers_source(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "quiz.json").write_text(json.dumps({"settings": {"open": "2026-11-01T08:00:00"}}))
    assert opens_at(tmp_path, "s") == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    (tmp_path / "s" / "quiz.json").write_text(json.dumps({"settings": {}}))
    assert opens_at(tmp_path, "s") is None and opens_at(tmp_path, "missing") is None


def test_collect_keeps_the_first_sighting_and_matches_the_collected_entry(tmp_path):
    from coursekit.autograde.handin_clock import collected_time, record_inbound

    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    inbound = tmp_path / "inbound"
    for name, stamp in (("ada+s+2020-01-01 00:00:00.000000 UTC+r1", "2020-01-01 00:00:00.000000 UTC"),
                        ("ada+s+2026-12-07 09:00:00.000000 UTC+r2", "2026-12-07 09:00:00.000000 UTC")):
        (inbound / name).mkdir(parents=True)
        (inbound / name / "timestamp.txt").write_text(stamp, encoding="utf-8")
    (inbound / "ada+other+x+r3").mkdir()  # not a section of the course: not recorded
    os.symlink(inbound, inbound / "eve+s+x+r4")  # a symlink is no entry
    assert record_inbound(db_url, inbound, ["s"]) == 2
    first = collected_time(db_url, "ada", "s", "2020-01-01 00:00:00.000000 UTC")
    assert first is not None and abs((datetime.now(UTC) - first).total_seconds()) < 60  # seen now, not in 2020
    for entry in inbound.iterdir():
        os.utime(entry, (0, 0), follow_symlinks=False)  # the learner moves the times back
    assert record_inbound(db_url, inbound, ["s"]) == 0  # a re-collect records nothing new
    assert collected_time(db_url, "ada", "s", "2020-01-01 00:00:00.000000 UTC") >= first  # never moved back
    assert collected_time(db_url, "ada", "s", "edited after collect") is not None  # the latest sighting counts
    assert collected_time(db_url, "eve", "s", "x") is None and collected_time(db_url, "ada", "other", "x") is None


def test_a_batch_reads_the_entries_of_its_own_sections_only(tmp_path):
    """The batch's read asks the gradebook for the sections graded, not every section ever collected."""
    from coursekit.autograde.batch_lookups import read_batch_lookups
    from coursekit.autograde.handin_clock import collected_rows, record_inbound
    from coursekit.gradebook.submissions import Task

    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    inbound = tmp_path / "inbound"
    for learner, section in (("ada", "s"), ("ada", "t"), ("bo", "t"), ("bo", "u")):
        entry = inbound / f"{learner}+{section}+2026-12-07 09:00:00.000000 UTC+r1"
        entry.mkdir(parents=True)
        (entry / "timestamp.txt").write_text("2026-12-07 09:00:00.000000 UTC", encoding="utf-8")
    assert record_inbound(db_url, inbound, ["s", "t", "u"]) == 4
    assert set(collected_rows(db_url, sections=["t", "u"])) == {("ada", "t"), ("bo", "t"), ("bo", "u")}
    assert set(collected_rows(db_url, sections=[])) == set()
    lookups = read_batch_lookups(db_url, [Task("ada", "s", ""), Task("bo", "u", "")])
    assert set(lookups.entries) == {("ada", "s"), ("bo", "u")}
    assert lookups.handins("ada", "s").entries and lookups.handins("ada", "t").entries == []


def test_a_file_rewritten_in_place_inside_an_entry_dates_the_entry(tmp_path):
    """The learner owns the entry: rewriting its notebook after the due date leaves the folder's time alone."""
    import time

    from coursekit.autograde.handin_clock import changed_at, collected_time, record_inbound

    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    entry = tmp_path / "inbound" / "ada+s+2026-12-07 09:00:00.000000 UTC+r1"
    entry.mkdir(parents=True)
    (entry / "timestamp.txt").write_text("2026-12-07 09:00:00.000000 UTC", encoding="utf-8")
    (entry / "s.ipynb").write_text("{}", encoding="utf-8")
    folder_time = entry.lstat().st_ctime
    time.sleep(1.1)
    with open(entry / "s.ipynb", "r+", encoding="utf-8") as handle:  # in place: the folder's ctime stays
        handle.write("[]")
    assert entry.lstat().st_ctime == folder_time
    now = datetime.now(UTC).timestamp()
    assert changed_at(entry, now) == (entry / "s.ipynb").lstat().st_ctime > folder_time
    record_inbound(db_url, entry.parent, ["s"])
    seen = collected_time(db_url, "ada", "s", "2026-12-07 09:00:00.000000 UTC")
    assert seen is not None and seen.timestamp() >= (entry / "s.ipynb").lstat().st_ctime - 1e-3
    time.sleep(1.1)
    (entry / "s.ipynb").write_text("[1]", encoding="utf-8")  # changed again after the first collect
    record_inbound(db_url, entry.parent, ["s"])
    assert collected_time(db_url, "ada", "s", "2026-12-07 09:00:00.000000 UTC") > seen


def test_a_batch_read_of_the_hand_ins_gives_the_time_a_fresh_read_gives_until_the_folder_is_collected_again(
        tmp_path):
    """The cluster client reads the exchange's entries once per batch; a folder collected after that read
    (its change time is later) is asked about afresh, so a new entry's time is never missed."""
    import time

    from coursekit.autograde.batch_lookups import read_batch_lookups
    from coursekit.autograde.handin_clock import record_inbound, settle_timestamp
    from coursekit.gradebook.submissions import Task

    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    inbound, submitted = tmp_path / "inbound", tmp_path / "submitted" / "ada" / "s"
    first = "2026-12-07 09:00:00.000000 UTC"
    (inbound / f"ada+s+{first}+r1").mkdir(parents=True)
    (inbound / f"ada+s+{first}+r1" / "timestamp.txt").write_text(first, encoding="utf-8")
    record_inbound(db_url, inbound, ["s"])
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text(first, encoding="utf-8")
    time.sleep(0.05)
    lookups = read_batch_lookups(db_url, [Task("ada", "s", "")])

    def settled(known):
        snapshot = tmp_path / "snapshot"
        snapshot.mkdir(exist_ok=True)
        (snapshot / "timestamp.txt").write_text((submitted / "timestamp.txt").read_text(), encoding="utf-8")
        problems = settle_timestamp(snapshot, submitted, ["timestamp.txt"], db_url, "ada", "s", known=known)
        return (snapshot / "timestamp.txt").read_text(encoding="utf-8"), problems

    assert settled(lookups.handins("ada", "s")) == settled(None)
    time.sleep(1.1)  # a second hand-in, collected after the batch's read
    second = "2026-12-07 10:00:00.000000 UTC"
    (inbound / f"ada+s+{second}+r2").mkdir()
    (inbound / f"ada+s+{second}+r2" / "timestamp.txt").write_text(second, encoding="utf-8")
    record_inbound(db_url, inbound, ["s"])
    (submitted / "timestamp.txt").unlink()
    (submitted / "timestamp.txt").write_text(second, encoding="utf-8")
    fresh = settled(None)
    assert settled(lookups.handins("ada", "s")) == fresh and fresh != settled(_taken_as_current(lookups))


def _taken_as_current(lookups):  # the batch's read taken as current, whatever changed since
    from dataclasses import replace

    return replace(lookups.handins("ada", "s"), read_at=float("inf"))
