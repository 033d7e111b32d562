"""The page cache: every live response kept on disk, and replays served from it.

A live crawl always fetches from the site and stores what it got (listing and
article pages, redirects, robots.txt), compressed, under ``HTTPCACHE_DIR``. A
replay (``-a replay=1``) reads the same cache and never touches the network: a
page missing from the cache, or unreadable, is counted, named and skipped.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.httpcache import FilesystemCacheStorage

logger = logging.getLogger(__name__)

MISSING_NAMED_IN_SUMMARY = 50


class ArchiveCacheStorage(FilesystemCacheStorage):
    """Write-only during live crawls, read-only (and loud about gaps) during replays."""

    def __init__(self, settings):
        super().__init__(settings)
        self.replay = settings.getbool("ARCHIVE_REPLAY")

    def retrieve_response(self, spider, request):
        if not self.replay:
            return None  # a live crawl always asks the site
        stats = spider.crawler.stats
        try:
            response = super().retrieve_response(spider, request)
        except Exception as error:  # a corrupt entry must not stop the replay
            stats.inc_value("archive/replay/unreadable")
            logger.warning("Unreadable cache entry for %s: %s: %s", request.url, type(error).__name__, error)
            note_missing(spider, request.url)
            raise IgnoreRequest(f"Unreadable cache entry for {request.url}") from None
        if response is None:
            stats.inc_value("archive/replay/missing")
            logger.warning("Not in the cache, skipped: %s", request.url)
            note_missing(spider, request.url)
        return response


def note_missing(spider, url: str) -> None:
    missing = spider.__dict__.setdefault("replay_missing", [])
    if len(missing) < MISSING_NAMED_IN_SUMMARY:
        missing.append(url)


class NetworkGuardMiddleware:
    """The last stop before the network: counts real fetches, and forbids them in a replay."""

    def __init__(self, stats, replay: bool):
        self.stats = stats
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler):
        replay = crawler.settings.getbool("ARCHIVE_REPLAY") or bool(crawler.settings.get("ARCHIVE_REPLAY_WARC"))
        return cls(crawler.stats, replay)

    def process_request(self, request):
        if self.replay:
            self.stats.inc_value("archive/replay/network_blocked")
            raise IgnoreRequest(f"Replay never fetches from the network: {request.url}")
        self.stats.inc_value("archive/network/requests")
