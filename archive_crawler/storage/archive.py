"""The crawl's storage as one Scrapy extension: the state, the output store and the rejects file.

Components reach it through Scrapy's API, ``crawler.get_extension(ArchiveStorage)``;
each part opens on first use (after the run extension holds the state's lock) and
closes when the engine stops. The state is batched (one transaction for many changes,
see :mod:`archive_crawler.storage.state`) and committed at least once a second while the
crawl runs. A replay neither reads nor updates the real state:
it dedupes against a scratch one, removed when the run ends, and its output store
is staged (records written at the end, in the order their pages were fetched).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from archive_crawler.options import RunOptions
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Stat
from archive_crawler.storage.rejects import RejectsLog, sidecar_path
from archive_crawler.storage.state import COMMIT_SECONDS, ArchiveState
from archive_crawler.storage.store import OutputStore

if TYPE_CHECKING:
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


class ArchiveStorage:
    def __init__(self, crawler):
        settings = crawler.settings
        options = RunOptions.of(crawler)
        self.replay = options.replay
        self.output_path = Path(settings["ARCHIVE_OUTPUT"])
        self.state_path = Path(settings["ARCHIVE_STATE"])
        self.journal = str(settings.get("ARCHIVE_STATE_JOURNAL") or "wal").lower()
        self.stats = crawler.stats
        self.crawler = crawler
        self.site = options.site
        self.story_key = load_profile(self.site).crawl.story_key
        self.rejects = RejectsLog(sidecar_path(self.output_path, ".rejects.jsonl"), crawler.stats)
        self._state: ArchiveState | None = None
        self._store: OutputStore | None = None
        self.committer: AsyncioLoopingCall | LoopingCall | None = None  # commits the state's batch each second
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler):
        storage = cls(crawler)
        crawler.signals.connect(storage.start_committing, signal=signals.spider_opened)
        crawler.signals.connect(storage.close, signal=signals.engine_stopped)
        return storage

    def start_committing(self) -> None:
        """A quiet crawl (a polite delay, a slow site) commits its state all the same."""
        self.committer = create_looping_call(self.flush)
        self.committer.start(COMMIT_SECONDS, now=False)

    def flush(self) -> None:
        if self._state is None:
            return
        try:
            self._state.flush()
        except sqlite3.Error as error:  # a full disk: stop as the writer pipeline does
            if self.committer is not None and self.committer.running:
                self.committer.stop()
            logger.error("Cannot write %s: %s. Stopping the crawl; files written so far are intact.",
                         self.state_path, error)
            self.stats.set_value(Stat.STORAGE_ERROR, f"{self.state_path}: {error}")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    @classmethod
    def of(cls, crawler) -> ArchiveStorage:
        storage = crawler.get_extension(cls)
        if storage is None:
            raise RuntimeError(f"{cls.__module__}.{cls.__name__} must be enabled in EXTENSIONS")
        return storage

    @property
    def opened(self) -> bool:
        return self._state is not None

    @property
    def state(self) -> ArchiveState:
        if self._state is None:
            if self.replay:
                scratch = self.output_path.with_name(f".{self.output_path.name}.replay-{os.getpid()}.sqlite3")
                self._state = ArchiveState(scratch, scratch=True, batched=True)
            else:
                self._state = ArchiveState(self.state_path, batched=True, journal=self.journal)
        return self._state

    @property
    def store(self) -> OutputStore:
        if self._store is None:
            self._store = OutputStore(self.output_path, self.state, self.stats, staged=self.replay,
                                      site=load_profile(self.site).name, story_key=self.story_key)
        return self._store

    def close(self) -> None:
        """Close the output, the state (committing its last batch) and the rejects file; once."""
        if self.closed:
            return
        self.closed = True
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        if self._store is not None:
            self._store.close()
        if self._state is not None:
            self._state.close()
        self.rejects.close()
