"""Item pipelines: validate, drop duplicates, write JSON Lines. One concern each.

All three work through the crawl's storage (:class:`ArchiveStorage`), so the
re-parse tool, which writes through the same output store, dedupes and writes
exactly as a crawl does.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import sqlite3
from collections.abc import Mapping

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive_crawler.stats import Stat
from archive_crawler.storage.archive import ArchiveStorage
from archive_crawler.storage.store import note_edited

logger = logging.getLogger(__name__)


@functools.cache
def _field_names(item_class: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(item_class))


def record_of(item) -> Mapping:
    """An item's fields as a mapping: a dataclass item's read into a dict at once (an ItemAdapter
    looks the class's fields up again on every access), any other item through ItemAdapter."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {name: getattr(item, name) for name in _field_names(type(item))}
    return ItemAdapter(item)


class RecordDropped(DropItem):
    """A record the pipelines do not write; ``url`` and ``story_id`` name it in the log's one line
    (:mod:`archive_crawler.storage.logformatter`), the message says why."""

    def __init__(self, message: str, *, url: str | None = None, story_id=None, log_level: str | None = None):
        super().__init__(message, log_level=log_level)
        self.url = url
        self.story_id = story_id


class IncompleteRecord(RecordDropped):
    """A record lacking a field that every story must have."""


class DuplicateStory(RecordDropped):
    """A story written already, under this URL or another."""


class ValidationPipeline:
    """Drop records that lack a field no reader can do without, counting the reason."""

    required_fields = ("url", "title", "body")

    def __init__(self, storage: ArchiveStorage, stats):
        self.storage = storage
        self.rejects = storage.rejects
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(ArchiveStorage.of(crawler), crawler.stats)

    def process_item(self, item):
        adapter = record_of(item)
        for field_name in self.required_fields:
            if not adapter.get(field_name):
                self.stats.inc_value(f"{Stat.VALIDATION_DROPPED}/missing_{field_name}")
                if adapter.get("url"):
                    self.rejects.reject(adapter["url"], f"no_{field_name}")
                raise IncompleteRecord(f"incomplete, no {field_name}", url=adapter.get("url"),
                                       story_id=adapter.get(self.storage.story_key), log_level="WARNING")
        return item


class DedupePipeline:
    """Write each story once: by story ID, and by canonical URL for every story.

    In a replay the decision moves to the output store, which takes the records in
    the order their pages were first fetched when the replay ends.
    """

    def __init__(self, storage: ArchiveStorage, stats):
        self.storage = storage
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(ArchiveStorage.of(crawler), crawler.stats)

    def process_item(self, item):
        if self.storage.replay:
            return item
        adapter = record_of(item)
        store = self.storage.store
        reason = store.duplicate_reason(adapter)
        if reason:
            if store.edited_since_written(adapter):
                note_edited(self.stats, adapter["url"])
            self.stats.inc_value(f"{Stat.DEDUPE_DROPPED}/{reason}")
            raise DuplicateStory(f"duplicate, its {'URL' if reason == 'url' else reason} was written already",
                                 url=adapter["url"], story_id=adapter.get(self.storage.story_key), log_level="INFO")
        return item


class JsonLinesWriterPipeline:
    """Append one JSON line per story to ``ARCHIVE_OUTPUT`` through the output store.

    A full or read-only disk stops the crawl at the first failed write, naming the
    file and the cause; what was written stays intact.
    """

    def __init__(self, storage: ArchiveStorage, stats, crawler=None):
        self.storage = storage
        self.stats = stats
        self.crawler = crawler
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(ArchiveStorage.of(crawler), crawler.stats, crawler)

    def open_spider(self):
        self.storage.store.open()

    def close_spider(self):
        store = self.storage.store
        try:
            if store.staged and not self.stopping:
                store.write_staged(self.storage.rejects)
        except (OSError, sqlite3.Error) as error:
            self.stop_on_storage_error(error)
        try:
            store.close()
        except sqlite3.Error as error:
            self.stop_on_storage_error(error)

    def process_item(self, item):
        adapter = record_of(item)
        try:
            self.storage.store.add(adapter, getattr(item, "read_at", None))
        except (OSError, sqlite3.Error) as error:
            self.stop_on_storage_error(error)
            raise DropItem(f"Not written: {adapter['url']}", log_level="DEBUG") from None
        return item

    def stop_on_storage_error(self, error: Exception) -> None:
        """A full or read-only disk: say which file and why, then stop the crawl."""
        if isinstance(error, OSError):
            where, cause = error.filename or self.storage.output_path, error.strerror or str(error)
        else:
            where, cause = self.storage.state_path, str(error)
        logger.error("Cannot write %s: %s. Stopping the crawl; files written so far are intact.", where, cause)
        self.stats.set_value(Stat.STORAGE_ERROR, f"{where}: {cause}")
        if self.crawler is not None and not self.stopping:
            self.stopping = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))
