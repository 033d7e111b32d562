"""Item pipelines: validate, drop duplicates, write JSON Lines. One concern each."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

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

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for field_name in self.required_fields:
            if not adapter.get(field_name):
                self.stats.inc_value(f"archive/validation/dropped/missing_{field_name}")
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

    def __init__(self, path: str, state: ArchiveState, stats, replay: bool = False):
        self.path = Path(path)
        self.state = state
        self.stats = stats
        self.replay = replay
        self.fd: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["ARCHIVE_OUTPUT"], ArchiveState.for_crawler(crawler), crawler.stats,
                   crawler.settings.getbool("ARCHIVE_REPLAY"))

    def open_spider(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repaired = repair_torn_tail(self.path)
        if repaired:
            self.stats.set_value("archive/output/torn_bytes_removed", repaired)
            logger.warning("Removed a torn last line (%d bytes) from %s", repaired, self.path)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close_spider(self):
        if self.replay:
            self.write_staged()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def process_item(self, item):
        adapter = ItemAdapter(item)
        if self.replay:
            self.state.stage(f"{adapter.get('crawled_at') or ''} {adapter['url']}", self.serialize(adapter))
        else:
            self.write(adapter)
        return item

    @staticmethod
    def serialize(adapter: ItemAdapter) -> str:
        return json.dumps(adapter.asdict(), ensure_ascii=False)

    def write(self, adapter: ItemAdapter, line: str | None = None) -> None:
        line = (line or self.serialize(adapter)) + "\n"
        write_fully(self.fd, line.encode("utf-8"))
        self.state.record(adapter.get("media_id"), url_key(adapter["url"]), adapter["url"], adapter.get("published"))
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
