"""Item pipelines: validate, drop duplicates, write JSON Lines. One concern each."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive_crawler.rejects import RejectsLog
from archive_crawler.site import url_key
from archive_crawler.state import ArchiveState

logger = logging.getLogger(__name__)


class IncompleteRecord(DropItem):
    """A record lacking a field that every story must have."""


class DuplicateStory(DropItem):
    """A story written already, under this URL or another."""


class ValidationPipeline:
    """Drop records that lack a field no reader can do without, counting the reason."""

    required_fields = ("url", "title", "body")

    def __init__(self, stats, rejects: RejectsLog | None = None):
        self.stats = stats
        self.rejects = rejects

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, RejectsLog.for_crawler(crawler))

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for field_name in self.required_fields:
            if not adapter.get(field_name):
                self.stats.inc_value(f"archive/validation/dropped/missing_{field_name}")
                if self.rejects is not None and adapter.get("url"):
                    self.rejects.reject(adapter["url"], f"no_{field_name}")
                raise IncompleteRecord(
                    f"Record from {adapter.get('url') or 'an unknown page'} has no {field_name}",
                    log_level="WARNING",
                )
        return item


def duplicate_reason(state: ArchiveState, adapter: ItemAdapter) -> str | None:
    """"media_id" or "url" when the story is written already, else None."""
    return state.written_as(adapter.get("media_id"), url_key(adapter["url"]))


class DedupePipeline:
    """Write each story once: by media ID, and by canonical URL for every story.

    In a replay the decision moves to the writer, which takes the records in the
    order their pages were first fetched, so a replay keeps the same copy of a
    story that the live crawl kept.
    """

    def __init__(self, state: ArchiveState, stats, replay: bool = False):
        self.state = state
        self.stats = stats
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler):
        return cls(ArchiveState.for_crawler(crawler), crawler.stats, crawler.settings.getbool("ARCHIVE_REPLAY"))

    def process_item(self, item):
        if self.replay:
            return item
        adapter = ItemAdapter(item)
        reason = duplicate_reason(self.state, adapter)
        if reason:
            self.stats.inc_value(f"archive/dedupe/dropped/{reason}")
            value = adapter.get("media_id") if reason == "media_id" else adapter["url"]
            raise DuplicateStory(f"Duplicate story ({reason} {value}) at {adapter['url']}", log_level="INFO")
        return item


class JsonLinesWriterPipeline:
    """Append one JSON line per story to ``ARCHIVE_OUTPUT``, then record it in the state.

    Each line goes to the file in a single ``write`` on a file opened for appending,
    so a crash leaves whole lines only; a torn last line left by an earlier crash
    is cut off before anything is appended.
    """

    def __init__(self, path: str, state: ArchiveState, stats, replay: bool = False, crawler=None):
        self.path = Path(path)
        self.state = state
        self.stats = stats
        self.replay = replay
        self.crawler = crawler
        self.stopping = False
        self.fd: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["ARCHIVE_OUTPUT"], ArchiveState.for_crawler(crawler), crawler.stats,
                   crawler.settings.getbool("ARCHIVE_REPLAY"), crawler)

    def open_spider(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repaired = repair_torn_tail(self.path)
        if repaired:
            self.stats.set_value("archive/output/torn_bytes_removed", repaired)
            logger.warning("Removed a torn last line (%d bytes) from %s", repaired, self.path)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if not self.replay:
            self.reconcile()

    def reconcile(self) -> None:
        """Bring the state in step with the output, which is the ledger of what was written.

        Lines written after the state last caught up (a kill between the two writes)
        are recorded; an output that shrank or vanished makes the state forget its
        stories and relearn them from what the output still holds.
        """
        size = os.fstat(self.fd).st_size
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
        with open(self.path, "rb") as handle:
            handle.seek(known)
            for raw in handle:
                try:
                    record = json.loads(raw)
                    url = record["url"]
                except (ValueError, KeyError, TypeError):
                    self.stats.inc_value("archive/output/unreadable_lines")
                    logger.warning("Unreadable line in %s at byte %d", self.path, handle.tell() - len(raw))
                    continue
                self.state.record(record.get("media_id"), url_key(url), url, record.get("published"))
                recorded += 1
        self.state.record_output_size(size)
        self.stats.set_value("archive/output/reconciled", recorded)
        logger.info("Recorded %d stories found in %s but not yet in the state", recorded, self.path)
        if shrunk:
            reopened = self.state.reopen_orphan_links()
            if reopened:
                self.stats.set_value("archive/output/links_reopened", reopened)
                logger.warning("%d stories the output lost will be fetched again", reopened)

    def close_spider(self):
        if self.replay and not self.stopping:
            try:
                self.write_staged()
            except (OSError, sqlite3.Error) as error:
                self.stop_on_storage_error(error)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def process_item(self, item):
        adapter = ItemAdapter(item)
        try:
            if self.replay:
                self.state.stage(f"{adapter.get('crawled_at') or ''} {adapter['url']}", self.serialize(adapter))
            else:
                self.write(adapter)
        except (OSError, sqlite3.Error) as error:
            self.stop_on_storage_error(error)
            raise DropItem(f"Not written: {adapter['url']}", log_level="DEBUG") from None
        return item

    def stop_on_storage_error(self, error: Exception) -> None:
        """A full or read-only disk: say which file and why, then stop the crawl."""
        if isinstance(error, OSError):
            where, cause = error.filename or self.path, error.strerror or str(error)
        else:
            where, cause = self.state.path, str(error)
        logger.error("Cannot write %s: %s. Stopping the crawl; files written so far are intact.", where, cause)
        self.stats.set_value("archive/storage_error", f"{where}: {cause}")
        if self.crawler is not None and not self.stopping:
            self.stopping = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    @staticmethod
    def serialize(adapter: ItemAdapter) -> str:
        return json.dumps(dict(adapter), ensure_ascii=False)

    def write(self, adapter: ItemAdapter, line: str | None = None) -> None:
        line = (line or self.serialize(adapter)) + "\n"
        write_fully(self.fd, line.encode("utf-8"))
        size = None if self.replay else os.fstat(self.fd).st_size
        self.state.record(adapter.get("media_id"), url_key(adapter["url"]), adapter["url"],
                          adapter.get("published"), output_size=size)
        self.stats.inc_value("archive/written")

    def write_staged(self) -> None:
        for line in self.state.staged():
            adapter = ItemAdapter(json.loads(line))
            reason = duplicate_reason(self.state, adapter)
            if reason:
                self.stats.inc_value(f"archive/dedupe/dropped/{reason}")
                logger.info("Duplicate story (%s) at %s", reason, adapter["url"])
                continue
            self.write(adapter, line)


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
