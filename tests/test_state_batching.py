"""The crawl's state commits in batches, and a kill between commits loses no story and writes none twice."""

import json
import sqlite3

import pytest

from archive_crawler.storage import state as state_module
from archive_crawler.storage.state import ArchiveState, Story
from archive_crawler.storage.store import OutputStore


def record(number: int) -> dict:
    return {"media_id": 1000 + number, "url": f"http://site.test/a/news/story-{number}", "title": f"Story {number}",
            "body": "Text."}


def count_statements(state: ArchiveState) -> dict[str, int]:
    counts = {"statements": 0, "commits": 0}

    def trace(statement: str) -> None:
        counts["statements"] += 1
        verb = statement.split(None, 1)[0].upper()
        if verb == "COMMIT" or (verb in ("INSERT", "UPDATE", "DELETE") and not state.connection.in_transaction):
            counts["commits"] += 1

    state.connection.set_trace_callback(trace)
    return counts


def stories_committed(path) -> int:
    """What another process sees of the state: only what was committed."""
    with sqlite3.connect(path) as reader:
        return reader.execute("SELECT COUNT(*) FROM stories").fetchone()[0]


def test_a_batched_state_commits_once_for_many_stories(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "COMMIT_SECONDS", 3600.0)  # by count only, whatever the machine's pace
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    store = OutputStore(tmp_path / "archive.jsonl", state)
    store.open()
    counts = count_statements(state)
    for number in range(200):
        assert store.duplicate_reason(record(number)) is None
        store.write(record(number))
    # Per story: one look-up and one insert; one BEGIN for them all.
    assert counts["commits"] == 0 and counts["statements"] == 1 + 200 * 2
    assert stories_committed(tmp_path / "state.sqlite3") == 0
    assert store.duplicate_reason(record(7)) == "media_id"  # the crawl itself sees its batch
    store.close()
    assert counts["commits"] == 1
    assert stories_committed(tmp_path / "state.sqlite3") == 200
    state.close()
    assert ArchiveState(tmp_path / "state.sqlite3").output_size() == (tmp_path / "archive.jsonl").stat().st_size


def test_a_batch_commits_when_full(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "COMMIT_SECONDS", 3600.0)
    monkeypatch.setattr(state_module, "COMMIT_EVERY", 50)
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    store = OutputStore(tmp_path / "archive.jsonl", state)
    store.open()
    for number in range(120):
        store.write(record(number))
    assert stories_committed(tmp_path / "state.sqlite3") == 100
    # The committed state knows the output up to its last committed story, not beyond.
    with sqlite3.connect(tmp_path / "state.sqlite3") as reader:
        size = int(reader.execute("SELECT value FROM ledger WHERE name = 'output_size'").fetchone()[0])
    lines = (tmp_path / "archive.jsonl").read_bytes().splitlines(keepends=True)
    assert size == sum(len(line) for line in lines[:100])
    store.close()
    state.close()


def test_a_batched_state_commits_once_its_batch_is_old(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "COMMIT_SECONDS", 0.0)  # every change is "a second old" at once
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    state.add_link("k", "http://site.test/a/news/k", {})
    with sqlite3.connect(tmp_path / "state.sqlite3") as reader:
        assert reader.execute("SELECT status FROM links").fetchall() == [("pending",)]
    state.close()


def test_a_kill_between_commits_loses_no_story_and_writes_none_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "COMMIT_SECONDS", 3600.0)
    monkeypatch.setattr(state_module, "COMMIT_EVERY", 20)
    output = tmp_path / "archive.jsonl"
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    store = OutputStore(output, state)
    store.open()
    for number in range(30):  # committed after 20 stories, then flushed
        store.write(record(number))
    state.flush()
    for number in range(30, 55):  # committed after 50 stories; the last 5 are lost with the process
        store.write(record(number))
    state.connection.close()  # as a kill leaves it: no commit of what waits
    assert stories_committed(tmp_path / "state.sqlite3") == 50

    # The next run finds the output ahead of the state, learns the missing stories from it,
    # and drops the pages it fetches again as duplicates.
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    store = OutputStore(output, state)
    store.open()
    assert state.story_count() == 55
    for number in range(60):
        if store.duplicate_reason(record(number)) is None:
            store.write(record(number))
    store.close()
    state.close()
    written = [json.loads(line)["media_id"] for line in output.read_text().splitlines()]
    assert sorted(written) == [1000 + number for number in range(60)]


def test_an_unbatched_state_commits_each_change(tmp_path):
    state = ArchiveState(tmp_path / "state.sqlite3")
    state.record(Story("aawsat", "1", "site.test/a/1", "http://site.test/a/1"), output_size=10)
    assert stories_committed(tmp_path / "state.sqlite3") == 1
    state.close()


def test_written_as_tells_id_url_and_new_apart(tmp_path):
    state = ArchiveState(tmp_path / "state.sqlite3")
    state.record(Story("aawsat", "1", "site.test/a/one", "http://site.test/a/one"))
    state.record(Story("aawsat", None, "site.test/a/two", "http://site.test/a/two"))
    assert state.written_as(Story("aawsat", "1", "site.test/a/other", "x")) == "id"
    assert state.written_as(Story("aawsat", "1", "site.test/a/two", "x")) == "id"  # the ID first
    assert state.written_as(Story("aawsat", "9", "site.test/a/one", "x")) == "url"
    assert state.written_as(Story("aawsat", None, "site.test/a/two", "x")) == "url"
    assert state.written_as(Story("aawsat", None, "site.test/a/three", "x")) is None
    assert state.written_as(Story("wordpress", "1", "site.test/a/one", "x")) is None
    state.close()


def test_link_statuses_of_a_listing_page_in_one_look_up(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "LOOKUP_BATCH", 3)  # several statements, one answer
    state = ArchiveState(tmp_path / "state.sqlite3", batched=True)
    for number in range(5):
        state.add_link(f"k{number}", f"http://site.test/a/{number}", {})
    state.mark_link("k1", "done", ("1", "site.test/a/1"))
    state.mark_link("k3", "gone")
    counts = count_statements(state)
    statuses = state.link_statuses([f"k{number}" for number in range(7)])
    assert statuses == {"k0": "pending", "k1": "done", "k2": "pending", "k3": "gone", "k4": "pending"}
    assert statuses == {key: state.link_status(key) for key in statuses}
    assert counts["statements"] == 3 + 5  # 7 keys by 3: three statements; then the five single look-ups
    assert state.link_statuses([]) == {}
    state.close()


def test_the_state_uses_the_rollback_journal_when_told(tmp_path):
    """On a network filesystem WAL's shared memory does not work: ARCHIVE_STATE_JOURNAL=delete."""
    state = ArchiveState(tmp_path / "state.sqlite3", journal="delete")
    assert state.connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    state.close()
    with pytest.raises(ValueError, match="ARCHIVE_STATE_JOURNAL must be one of wal, delete"):
        ArchiveState(tmp_path / "other.sqlite3", journal="memory")
