"""The run extension: one crawl per state at a time, and a summary at the end."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals

logger = logging.getLogger(__name__)


class CrawlAlreadyRunning(RuntimeError):
    """Another crawl holds the lock of the same state."""


class RunLock:
    """An exclusive lock next to the state file, held for the whole run.

    The lock is an ``flock`` on ``<state>.lock``: the kernel drops it when its
    process dies, so a lock left by a killed run never blocks the next one. The
    file itself names the holder, for the message a second run prints.
    """

    def __init__(self, state_path: str | Path):
        self.path = Path(f"{state_path}.lock")
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            raise CrawlAlreadyRunning(
                f"Another crawl is already running on the state {self.path.with_suffix('')}: {holder or 'unknown'}"
            ) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        self.fd = fd

    def probe(self) -> None:
        """Raise CrawlAlreadyRunning when another process holds the lock; hold nothing."""
        self.acquire()
        self.release()

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


SUMMARY_FIGURES = (
    ("new stories written", "archive/written"),
    ("pages fetched", "downloader/response_count"),
    ("listing pages read", "archive/listing/pages"),
    ("stories skipped as already seen", "archive/incremental/skipped_seen"),
    ("duplicates dropped", "archive/dedupe/dropped"),
    ("records rejected", "archive/validation/dropped"),
    ("pages failed", "archive/failed"),
    ("pages missing from the replay", "archive/replay/missing"),
    ("unreadable cached pages", "archive/replay/unreadable"),
)


class ArchiveRun:
    """Holds the state's lock for the run and logs what the run did when it ends."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.lock = RunLock(crawler.settings["ARCHIVE_STATE"])

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        try:
            extension.lock.acquire()
        except CrawlAlreadyRunning as error:
            logger.error("%s", error)
            raise
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.lock.release, signal=signals.engine_stopped)
        return extension

    def figures(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        figures = {}
        for label, prefix in SUMMARY_FIGURES:
            figures[label] = sum(value for name, value in stats.items()
                                 if (name == prefix or name.startswith(prefix + "/")) and isinstance(value, int))
        return figures

    def spider_closed(self, spider, reason) -> None:
        figures = self.figures()
        lines = "\n".join(f"  {label:<33} {value}" for label, value in figures.items())
        logger.info("Run summary (%s):\n%s", reason, lines)
        missing = getattr(spider, "replay_missing", None)
        if missing:
            total = self.crawler.stats.get_value("archive/replay/missing", 0) + self.crawler.stats.get_value(
                "archive/replay/unreadable", 0)
            logger.warning("Pages missing from the replay (%d, first %d named):\n  %s",
                           total, len(missing), "\n  ".join(missing))
