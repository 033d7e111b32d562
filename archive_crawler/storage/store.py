"""The output store: JSON Lines appended one whole line at a time, each story once.

The output file is the ledger of what was written; the state follows it. The
writer pipeline and the re-parse tool both write through :class:`OutputStore`:
it cuts a torn last line left by a crash, brings the state in step with the
output, tells duplicates (by story ID, else by canonical URL) and appends. In
staged mode (replays, re-parses) records wait in the state and are written at
the end in the order their pages were first fetched, so a replay keeps the same
copy of a story that the live crawl kept.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from archive_crawler.navigation.urls import url_key
from archive_crawler.stats import Stat
from archive_crawler.storage.state import ArchiveState, Story

logger = logging.getLogger(__name__)

STAGE_BATCH = 500  # staged records kept in memory before they go to the state in one statement


class OutputStore:
    """``site`` and ``story_key`` (the record field naming a story: media_id, post_id) scope the
    stories in the state, so sites sharing one state never take each other's stories for copies."""

    def __init__(self, path: str | Path, state: ArchiveState, stats=None, staged: bool = False,
                 site: str = "aawsat", story_key: str = "media_id"):
        self.path = Path(path)
        self.state = state
        self.stats = stats
        self.staged = staged
        self.site = site
        self.story_key = story_key
        self.fd: int | None = None
        self.size = 0  # the output's size: this process is its only writer (the run's lock)
        self.waiting: list[tuple[str, str]] = []  # staged records not yet in the state

    def story(self, record: Mapping) -> Story:
        """A record as the state knows it."""
        value = record.get(self.story_key)
        return Story(record.get("site") or self.site, None if value is None else str(value), url_key(record["url"]),
                     record["url"], record.get("published"), record.get("modified"))

    def _count(self, name: str, value: int = 1, *, set_value: bool = False) -> None:
        if self.stats is not None:
            (self.stats.set_value if set_value else self.stats.inc_value)(name, value)

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repaired = repair_torn_tail(self.path)
        if repaired:
            self._count(Stat.OUTPUT_TORN_BYTES_REMOVED, repaired, set_value=True)
            logger.warning("Removed a torn last line (%d bytes) from %s", repaired, self.path)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.size = os.fstat(self.fd).st_size
        if not self.staged:
            self.reconcile()

    def reconcile(self) -> None:
        """Bring the state in step with the output, which is the ledger of what was written.

        Lines written after the state last caught up (a kill between the two writes)
        are recorded; an output that shrank or vanished makes the state forget its
        stories and relearn them from what the output still holds.
        """
        assert self.fd is not None  # called by open()
        size = self.size
        known = self.state.output_size()
        if known is None and size == 0:
            return
        shrunk = known is None or known > size
        if shrunk:
            if self.state.story_count():
                logger.warning("%s no longer holds every story the state lists: relearning them from it", self.path)
            self.state.forget_stories()
            known = 0
        if known == size and not shrunk:
            return
        recorded = 0
        assert known is not None  # a state without a size counts as shrunk: 0
        with open(self.path, "rb") as handle:
            handle.seek(known)
            for raw in handle:
                try:
                    record = json.loads(raw)
                    record["url"].strip()
                except (ValueError, KeyError, TypeError, AttributeError):
                    self._count(Stat.OUTPUT_UNREADABLE_LINES)
                    logger.warning("Unreadable line in %s at byte %d", self.path, handle.tell() - len(raw))
                    continue
                self.state.record(self.story(record))
                recorded += 1
        self.state.record_output_size(size)
        self._count(Stat.OUTPUT_RECONCILED, recorded, set_value=True)
        logger.info("Recorded %d stories found in %s but not yet in the state", recorded, self.path)
        if shrunk:
            reopened = self.state.reopen_orphan_links()
            if reopened:
                self._count(Stat.OUTPUT_LINKS_REOPENED, reopened, set_value=True)
                logger.warning("%d stories the output lost will be fetched again", reopened)

    def duplicate_reason(self, record: Mapping) -> str | None:
        """The story key's name (media_id, post_id) or "url" when the story is written already, else None."""
        reason = self.state.written_as(self.story(record))
        return self.story_key if reason == "id" else reason

    def edited_since_written(self, record: Mapping) -> bool:
        """Whether a story written already has been edited since (a later ``modified``)."""
        modified, written = record.get("modified"), self.state.written_modified(self.story(record))
        return bool(modified and written and later(modified, written))

    def add(self, record: Mapping, read_at: str | None = None) -> None:
        """Write a record now, or stage it to be written when the store closes, in the order its page
        was read (``read_at`` where that differs from its ``crawled_at``: a web archive's capture)."""
        if self.staged:
            self.waiting.append((f"{read_at or record.get('crawled_at') or ''} {record['url']}", serialize(record)))
            if len(self.waiting) >= STAGE_BATCH:
                self.stage_waiting()
        else:
            self.write(record)

    def stage_waiting(self) -> None:
        self.state.stage_many(self.waiting)
        self.waiting.clear()

    def write(self, record: Mapping, line: str | None = None) -> None:
        """Append one line, then note the story (and, live, the output's size) in the state."""
        assert self.fd is not None, "the output store is not open"
        data = ((line or serialize(record)) + "\n").encode("utf-8")
        write_fully(self.fd, data)
        self.size += len(data)
        self.state.record(self.story(record), output_size=None if self.staged else self.size)
        self._count(Stat.WRITTEN)

    def write_staged(self, rejects=None) -> tuple[int, int]:
        """Write the staged records in fetch order, each story once; (written, duplicates). A listed
        page's record left out as a duplicate is a reject (``rejects``: the run's rejects log)."""
        self.stage_waiting()
        written = duplicates = 0
        for line in self.state.staged():
            record = json.loads(line)
            reason = self.duplicate_reason(record)
            if reason:
                duplicates += 1
                self._count(f"{Stat.DEDUPE_DROPPED}/{reason}")
                logger.info("Duplicate story (%s) at %s", reason, record["url"])
                if rejects is not None and record.get("listed_url"):
                    rejects.reject(record["url"], "same_story", None, "article",
                                   detail=f"listed as {record['listed_url']}: its {reason} was written already")
                continue
            self.write(record, line)
            written += 1
        return written, duplicates

    def close(self) -> None:
        """Close the output; the state commits what it holds of it."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            self.state.flush()


def note_edited(stats, url: str, named: int = 200) -> None:
    """A story written before and edited on the site since: counted and named in the summary, not written again."""
    stats.inc_value(Stat.EDITED)
    urls = stats.get_value(Stat.EDITED_URLS) or []
    if len(urls) < named:
        stats.set_value(Stat.EDITED_URLS, [*urls, url])
    logger.info("Edited since it was written (not written again): %s", url)


def later(one: str, other: str) -> bool:
    """Whether ISO time ``one`` is after ``other`` (times with and without offsets compared as written)."""
    from datetime import datetime

    try:
        first, second = datetime.fromisoformat(one), datetime.fromisoformat(other)
        if (first.tzinfo is None) != (second.tzinfo is None):
            first, second = first.replace(tzinfo=None), second.replace(tzinfo=None)
        return first > second
    except ValueError:
        return one > other


def serialize(record: Mapping) -> str:
    return json.dumps(dict(record), ensure_ascii=False)


def write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (a write cut short); return the bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        # Walk back to the previous newline in blocks.
        position = size
        keep = 0
        while position > 0:
            start = max(0, position - 65536)
            handle.seek(start)
            block = handle.read(position - start)
            newline = block.rfind(b"\n")
            if newline != -1:
                keep = start + newline + 1
                break
            position = start
        handle.truncate(keep)
        return size - keep
