"""The page cache: every live response kept on disk, and replays served from it.

A live crawl always fetches from the site and stores what it got (listing and
article pages, redirects, robots.txt), compressed, under ``HTTPCACHE_DIR``; only
an article read again once its site's template is learnt (a request marked
``READ_AGAIN``) is answered from what the cache kept moments before. A
replay (``-a replay=1``) reads the same cache and never touches the network: a
page missing from the cache, or unreadable, is counted, named and skipped.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from pathlib import Path
from time import time
from typing import TYPE_CHECKING

from scrapy.utils.project import data_path

from archive_crawler import signals as archive_signals
from archive_crawler.messages import ReplayNoNetwork, ReplayUnreadable
from archive_crawler.options import RunOptions
from archive_crawler.sources.responses import build_response
from archive_crawler.stats import Stat

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.utils.request import RequestFingerprinterProtocol

logger = logging.getLogger(__name__)

# Level 3: about 28 % of the page. Level 1 writes a page some 15 us faster and a replay reads it
# some 8 us slower (files 29 %); no compression would save about 0.13 ms a page, 2 % of a crawl's
# CPU, for a cache 3.5 times larger.
COMPRESS_LEVEL = 3


def encode_entry(request_url: str, method: str, response) -> bytes:
    """One cache entry: a JSON line describing the answer, then its body as received, gzipped."""
    header = {
        "url": request_url,
        "method": method,
        "status": response.status,
        "response_url": response.url,
        "protocol": response.protocol,
        "headers": [[name.decode("latin-1"), value.decode("latin-1")]
                    for name, values in response.headers.items() for value in values],
        "timestamp": time(),
    }
    return gzip.compress(json.dumps(header).encode("utf-8") + b"\n" + response.body, compresslevel=COMPRESS_LEVEL)


def decode_entry(data: bytes) -> tuple[dict, Response]:
    """(header dict, the Scrapy response) of a cache entry's bytes; raises ValueError when damaged."""
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError) as error:
        raise ValueError(f"not a readable gzip entry ({error})") from None
    line, _, body = raw.partition(b"\n")
    header = json.loads(line)
    return header, build_response(header["response_url"], header["status"], header["headers"], body,
                                  protocol=header.get("protocol"))


READ_AGAIN = "archive_read_again"  # meta flag of an article read again after its site's template was learnt


class ArchiveCacheStorage:
    """The page cache: one gzipped file per request under ``HTTPCACHE_DIR/<spider>/``.

    Write-only during live crawls (a live crawl always asks the site and keeps what
    it got), read-only during replays, where a missing or damaged entry is counted,
    named and skipped. Entries are written to a temporary name and renamed, so a
    kill never leaves half an entry behind.
    """

    def __init__(self, settings):
        self.cachedir = Path(data_path(settings["HTTPCACHE_DIR"]))
        self.replay = RunOptions.of_settings(settings).replay
        self.folders: set[str] = set()
        self.fingerprinter: RequestFingerprinterProtocol | None = None
        self.root: Path | None = None
        self.root_text = ""
        self.crawler = None

    def open_spider(self, spider) -> None:
        self.crawler = spider.crawler
        self.fingerprinter = spider.crawler.request_fingerprinter
        self.root = self.cachedir / spider.name
        self.root_text = str(self.root)

    def close_spider(self, spider) -> None:
        pass

    def entry_name(self, request) -> str:
        """The entry's file name (a string: no path object per request)."""
        assert self.fingerprinter is not None  # set by open_spider
        key = self.fingerprinter.fingerprint(request).hex()
        return f"{self.root_text}/{key[:2]}/{key}.gz"

    def store_response(self, spider, request, response) -> None:
        path = self.entry_name(request)
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        temporary = f"{path}.tmp"
        data = encode_entry(request.url, request.method, response)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(temporary, path)

    def retrieve_response(self, spider, request):
        if not self.replay and not request.meta.get(READ_AGAIN):
            return None  # a live crawl always asks the site
        if not self.replay:  # a page read again: the site is asked only when the cache lost it
            try:
                with open(self.entry_name(request), "rb", buffering=0) as entry:
                    return decode_entry(entry.readall())[1]
            except (OSError, ValueError, KeyError, TypeError):
                return None
        try:
            with open(self.entry_name(request), "rb", buffering=0) as entry:
                data = entry.readall()
        except FileNotFoundError:
            report_missing(self.crawler, request.url, "missing", "Not in the cache, skipped: %s")
            return None  # on to the network guard, which refuses it
        try:
            header, response = decode_entry(data)
        except (ValueError, KeyError, TypeError) as error:  # a damaged entry must not stop the replay
            report_missing(self.crawler, request.url, "unreadable", f"Unreadable cache entry for %s: {error}")
            raise ReplayUnreadable(f"Unreadable cache entry for {request.url}") from None
        request.meta["cache_timestamp"] = header.get("timestamp")
        return response


def report_missing(crawler, url: str, reason: str, message: str) -> None:
    """A page a replay cannot read: counted, logged, and named in the run's summary."""
    crawler.stats.inc_value(f"{Stat.REPLAY}/{reason}")
    logger.warning(message, url)
    crawler.signals.send_catch_log(archive_signals.page_missing, url=url, reason=reason)


class NetworkGuardMiddleware:
    """The last stop before the network: counts real fetches, and forbids them in a replay."""

    def __init__(self, stats, replay: bool):
        self.stats = stats
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, RunOptions.of(crawler).replay)

    def process_request(self, request):
        if self.replay:
            self.stats.inc_value(Stat.REPLAY_NETWORK_BLOCKED)
            raise ReplayNoNetwork(f"Replay never fetches from the network: {request.url}")
        self.stats.inc_value(Stat.NETWORK_REQUESTS)
