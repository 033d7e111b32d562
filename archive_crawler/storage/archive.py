"""The crawl's storage as one Scrapy extension: the state, the output store and the rejects file.

Components reach it through Scrapy's API, ``crawler.get_extension(ArchiveStorage)``;
each part opens on first use (after the run extension holds the state's lock) and
closes when the engine stops. A replay neither reads nor updates the real state:
it dedupes against a scratch one, removed when the run ends, and its output store
is staged (records written at the end, in the order their pages were fetched).
"""

from __future__ import annotations

import os
from pathlib import Path

from scrapy import signals

from archive_crawler.sites.profile import load_profile
from archive_crawler.storage.rejects import RejectsLog, sidecar_path
from archive_crawler.storage.state import ArchiveState
from archive_crawler.storage.store import OutputStore


class ArchiveStorage:
    def __init__(self, crawler):
        settings = crawler.settings
        self.replay = settings.getbool("ARCHIVE_REPLAY")
        self.output_path = Path(settings["ARCHIVE_OUTPUT"])
        self.state_path = Path(settings["ARCHIVE_STATE"])
        self.stats = crawler.stats
        self.site = settings["ARCHIVE_SITE"]
        self.story_key = load_profile(self.site).crawl.story_key
        self.rejects = RejectsLog(sidecar_path(self.output_path, ".rejects.jsonl"), crawler.stats)
        self._state: ArchiveState | None = None
        self._store: OutputStore | None = None

    @classmethod
    def from_crawler(cls, crawler):
        storage = cls(crawler)
        crawler.signals.connect(storage.close, signal=signals.engine_stopped)
        return storage

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
                self._state = ArchiveState(scratch, scratch=True)
            else:
                self._state = ArchiveState(self.state_path)
        return self._state

    @property
    def store(self) -> OutputStore:
        if self._store is None:
            self._store = OutputStore(self.output_path, self.state, self.stats, staged=self.replay,
                                      site=load_profile(self.site).name, story_key=self.story_key)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        if self._state is not None:
            self._state.close()
        self.rejects.close()
