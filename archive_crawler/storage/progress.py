"""A progress line on a terminal: stories written, pages fetched, the rate, and an ETA when a total is known.

On a terminal (standard error is a TTY) one line is redrawn in place every
``ARCHIVE_PROGRESS_INTERVAL`` seconds; a log line printed meanwhile erases it first,
so the two never mix. Anywhere else (a log file, cron, scrapyd) it stays off: Scrapy's
``LogStats`` line once a minute is the progress there.

A total is known when a door announces one: the REST API's post count
(``archive/doors/rest_announced``) or the articles the sitemaps list (the door's
``announced`` in ``archive/doors/report``). A walk of listings knows none, and shows
no ETA.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections import deque
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from archive_crawler.stats import Stat
from archive_crawler.storage.run import total

if TYPE_CHECKING:
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

RATE_WINDOW = 60.0  # seconds of history the rate is measured over
ERASE_LINE = "\r\x1b[K"


def announced_total(stats: dict) -> int | None:
    """The stories the site says it has, through the door in use; None when no door says.

    >>> announced_total({Stat.DOORS_USED: "sitemaps", Stat.DOORS_REPORT: {"sitemaps": {"announced": 90}}})
    90
    >>> announced_total({Stat.DOORS_REST_ANNOUNCED: 120}), announced_total({})
    (120, None)
    """
    report = stats.get(Stat.DOORS_REPORT) or {}
    announced = report.get(stats.get(Stat.DOORS_USED), {}).get("announced")
    return announced or stats.get(Stat.DOORS_REST_ANNOUNCED) or None


def stories_handled(stats: dict) -> int:
    """Stories the crawl is done with, whatever became of them: read, known from an earlier run, or rejected."""
    return total(stats, Stat.ARTICLE_PARSED) + total(stats, Stat.INCREMENTAL_SKIPPED_SEEN) + \
        total(stats, Stat.REJECTED)


def format_duration(seconds: float) -> str:
    """
    >>> format_duration(42), format_duration(200), format_duration(3 * 3600 + 300)
    ('42 s', '3 min 20 s', '3 h 05 min')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def is_terminal(stream) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


class ProgressLine:
    """The progress line of a crawl on a terminal (``ARCHIVE_PROGRESS``, on by default; off when not a TTY)."""

    def __init__(self, stats, stream, interval: float = 1.0, clock=time.monotonic):
        self.stats = stats
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.samples: deque[tuple[float, int, int]] = deque()  # (time, stories written, stories handled)
        self.shown = False
        self.task: AsyncioLoopingCall | LoopingCall | None = None
        self.watched_handlers: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler, stream=None):
        stream = stream or sys.stderr
        if not crawler.settings.getbool("ARCHIVE_PROGRESS", True) or not is_terminal(stream):
            raise NotConfigured
        line = cls(crawler.stats, stream, crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(line.start, signal=signals.spider_opened)
        crawler.signals.connect(line.stop, signal=signals.spider_closed)
        return line

    def start(self) -> None:
        self.watch_log()
        self.task = task = create_looping_call(self.draw)
        task.start(self.interval)

    def watch_log(self) -> None:
        """A log line written to the same terminal erases the progress line first."""
        for handler in logging.getLogger().handlers:
            if getattr(handler, "stream", None) is self.stream:
                handler.addFilter(self.before_log_line)
                self.watched_handlers.append(handler)

    def stop(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.erase()
        for handler in self.watched_handlers:
            handler.removeFilter(self.before_log_line)
        self.watched_handlers.clear()

    def before_log_line(self, record) -> bool:
        self.erase()
        return True

    def draw(self) -> None:
        width = shutil.get_terminal_size().columns - 1
        self.write("\r" + self.text()[:width] + "\x1b[K")
        self.shown = True

    def erase(self) -> None:
        if self.shown:
            self.write(ERASE_LINE)
            self.shown = False

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not break the crawl
            pass

    def text(self) -> str:
        stats = self.stats.get_stats()
        now = self.clock()
        written, handled = total(stats, Stat.WRITTEN), stories_handled(stats)
        self.samples.append((now, written, handled))
        while len(self.samples) > 2 and now - self.samples[1][0] >= RATE_WINDOW:
            self.samples.popleft()
        since, written_before, handled_before = self.samples[0]
        minutes = (now - since) / 60
        parts = [f"{written} stories written", f"{total(stats, Stat.NETWORK_REQUESTS)} pages fetched"]
        if minutes > 0:
            parts.append(f"{(written - written_before) / minutes:.0f} stories/min")
        announced = announced_total(stats)
        if announced:
            parts.append(f"{min(handled, announced)} of {announced} announced")
            handled_per_minute = (handled - handled_before) / minutes if minutes > 0 else 0
            if handled_per_minute > 0:
                parts.append(f"ETA {format_duration(max(announced - handled, 0) / handled_per_minute * 60)}")
        return ", ".join(parts)
