"""Pages read from disk (the page cache or WARC files) the way a crawl fetches them.

Redirects are followed through the stored answers, robots.txt (as stored) is
obeyed, and a page is read at most once, as Scrapy's duplicate filter would have
it. The re-parse tool reads through this; the spider reads the same stores
through Scrapy's downloader middlewares.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.request import RequestFingerprinter

from archive_crawler.messages import PayloadTooLarge
from archive_crawler.sources.cache import decode_entry

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class CachedPages:
    """Pages of the page cache, looked up by URL as the crawler stored them."""

    def __init__(self, cache_dir: str | Path, spider_name: str = "archive"):
        self.root = Path(cache_dir) / spider_name
        self.fingerprinter = RequestFingerprinter()

    def get(self, url: str) -> Response | None:
        key = self.fingerprinter.fingerprint(Request(url)).hex()
        try:
            data = (self.root / key[:2] / f"{key}.gz").read_bytes()
        except FileNotFoundError:
            return None
        return decode_entry(data)[1]


class WarcPages:
    """Pages of WARC/ARC files, looked up by URL."""

    def __init__(self, path: str | Path):
        from archive_crawler.sources.warc import build_index

        self.index = build_index(path)

    def get(self, url: str) -> Response | None:
        from archive_crawler.sources.warc import read_response

        location = self.index.find(url)
        return read_response(location, url) if location else None


class OfflineFetcher:
    """Fetch from stored pages as a crawl would: redirects followed, robots.txt obeyed."""

    def __init__(self, pages: CachedPages | WarcPages):
        self.pages = pages
        self.robots: dict[str, Protego | None] = {}

    def fetch(self, url: str) -> tuple[str, Response | None, str | None]:
        """(final URL, response, None) or (URL, None, "missing" | "unreadable: ...")."""
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.pages.get(url)
            except PayloadTooLarge:
                return url, None, "too_large"
            except (ValueError, KeyError, TypeError, OSError) as error:
                return url, None, f"unreadable: {error}"
            if response is None:
                return url, None, "missing"
            location = response.headers.get(b"Location")
            if response.status not in REDIRECTS or not location:
                return url, response, None
            url = urljoin(url, location.decode("latin-1"))
        return url, None, "unreadable: too many redirects"

    def allowed(self, url: str) -> bool:
        robots = self.robots_of(url)
        return robots is None or robots.can_fetch(url, "*")

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps the stored robots.txt of the URL's host names."""
        robots = self.robots_of(url)
        return list(robots.sitemaps) if robots is not None else []

    def robots_of(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            _, page, _ = self.fetch(f"{host}/robots.txt")
            found = page if isinstance(page, TextResponse) and page.status == 200 else None
            self.robots[host] = Protego.parse(found.text) if found is not None else None
        return self.robots[host]


class ReadOnce:
    """Scrapy's duplicate filter for pages read outside the engine: a page two links led to
    (a shortlink's redirect, a copy) counts once."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def first(self, final_url: str) -> bool:
        if final_url in self.seen:
            return False
        self.seen.add(final_url)
        return True


def open_pages(cache: str | None = None, warc: str | None = None) -> CachedPages | WarcPages:
    if cache:
        return CachedPages(cache)
    assert warc is not None, "the page cache or WARC files, one of the two"
    return WarcPages(warc)
