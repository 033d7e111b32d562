"""The archive spider: menu -> category listings (all pages) -> articles."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.http import TextResponse

from archive_crawler import site
from archive_crawler.checks import HTML_TYPES, content_type, failure_reason
from archive_crawler.incremental import DateWindow, IncrementalCrawl
from archive_crawler.items import ArticleItem
from archive_crawler.pages import ArchiveReader, PaginationGuard
from archive_crawler.processors import parse_published
from archive_crawler.rejects import RejectsLog
from archive_crawler.workers import ParsePool, default_workers

logger = logging.getLogger(__name__)

FLAG_WORDS = {"1": True, "true": True, "yes": True, "on": True,
              "0": False, "false": False, "no": False, "off": False, "": False}
# A replay needs no politeness: nothing goes to the site.
REPLAY_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "RETRY_ENABLED": False}
# Articles go before the next listing page, so pending requests stay few on any archive size.
LISTING_PRIORITY = -10


def validate_base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL such as {site.DEFAULT_BASE_URL}, got {value!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def parse_flag(name: str, value) -> bool:
    text = str(value).strip().lower()
    if text in FLAG_WORDS:
        return FLAG_WORDS[text]
    raise ValueError(f"{name} must be 1 or 0, got {value!r}")


class ArchiveSpider(scrapy.Spider):
    """Walk every category listing of the archive and extract each story it links to."""

    name = "archive"

    def __init__(self, *args, base_url: str = site.DEFAULT_BASE_URL, full="0", since=None, until=None,
                 replay="0", **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = validate_base_url(base_url)
        self.full = parse_flag("full", full)
        self.replay_warc = replay if str(replay).strip().lower() not in FLAG_WORDS else None
        self.replay = bool(self.replay_warc) or parse_flag("replay", replay)
        if self.replay_warc and not Path(self.replay_warc).exists():
            raise ValueError(f"replay must be 1, 0, or a WARC file or folder; {replay!r} does not exist")
        self.window = DateWindow.parse(since, until)
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        self.reader = ArchiveReader(self.base_url)
        self.categories = self.reader.categories  # slug -> display name, from the menus

    @classmethod
    def check_arguments(cls, **arguments) -> None:
        """Raise ValueError naming the first bad spider argument."""
        cls(**arguments)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.replay:
            spider.configure_replay(crawler.settings)
        spider.ledger = IncrementalCrawl(crawler, full=spider.full, window=spider.window, enabled=not spider.replay)
        spider.pagination = PaginationGuard(crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000))
        workers = crawler.settings.get("ARCHIVE_PARSE_WORKERS")
        if workers in (None, ""):
            # A replay waits on no network: its parsing may take every core.
            workers = (os.cpu_count() or 1) if spider.replay else default_workers()
        spider.parse_pool = ParsePool(int(workers))
        spider.parse_pool.start()
        crawler.signals.connect(spider.parse_pool.close, signal=signals.spider_closed)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def request_dropped(self, request, spider) -> None:
        """A redirect to a page this run fetched already: the link is settled by that page."""
        if request.meta.get("redirect_urls") and request.meta.get("archive_link"):
            self.ledger.link_redirected(request.meta["archive_link"])

    @property
    def rejects(self) -> RejectsLog:
        return RejectsLog.for_crawler(self.crawler)

    def configure_replay(self, settings) -> None:
        """Serve every page from the cache (or WARC files), and never from the network."""
        settings.set("ARCHIVE_REPLAY", True, priority="cmdline")
        if self.replay_warc:
            settings.set("ARCHIVE_REPLAY_WARC", self.replay_warc, priority="cmdline")
            settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")
        else:
            settings.set("HTTPCACHE_ENABLED", True, priority="cmdline")
            settings.set("HTTPCACHE_IGNORE_MISSING", True, priority="cmdline")
        for name, value in REPLAY_SPEED.items():
            settings.set(name, value, priority="spider")

    async def start(self):
        yield scrapy.Request(
            f"{self.base_url}/", callback=self.parse_home, errback=self.home_failed, dont_filter=True
        )
        unfinished = self.ledger.unfinished_links()
        if unfinished:
            logger.info("Retrying %d article links an earlier run did not finish", len(unfinished))
        for url, listing in unfinished:
            yield self.article_request(url, listing)

    # -- navigation -------------------------------------------------------------------

    def parse_home(self, response):
        found = self.reader.read_menu(response, every_link=True)
        if not found:
            logger.warning("No category links in the menu of %s; using the known categories", response.url)
            self.crawler.stats.inc_value("archive/menu/fallback")
            found = {slug: f"{self.base_url}/category/{slug}" for slug in site.KNOWN_CATEGORIES}
            self.categories.update({slug: name for slug, name in site.KNOWN_CATEGORIES.items()
                                    if slug not in self.categories})
        for slug, url in found.items():
            yield self.listing_request(url, slug)

    def home_failed(self, failure):
        self.count_failure(failure, "home")
        self.categories.update(site.KNOWN_CATEGORIES)
        for slug in site.KNOWN_CATEGORIES:
            yield self.listing_request(f"{self.base_url}/category/{slug}", slug)

    def listing_request(self, url: str, slug: str, page: int = 1) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"slug": slug, "page": page},
            priority=LISTING_PRIORITY,
        )

    async def parse_listing(self, response, slug: str, page: int):
        if not isinstance(response, TextResponse) or content_type(response) not in ("", *HTML_TYPES):
            self.rejects.reject(response.url, "not_html", response.status, "listing")
            return
        try:
            listing_page = await self.parse_pool.read_listing(self.base_url, self.categories, response, slug)
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not parse %s", response.url)
            self.rejects.reject(response.url, "parse_error", response.status, "listing",
                                detail=f"{type(error).__name__}: {error}")
            return
        self.note_charset(listing_page, response)
        self.crawler.stats.inc_value("archive/listing/pages")
        for slug_found, (name, url) in listing_page["menu"].items():
            if slug_found not in self.categories:
                self.categories[slug_found] = name
                yield self.listing_request(url, slug_found)
        entries = listing_page["entries"]
        self.pagination.visit(slug, response.url, len(entries))
        if not entries:
            self.crawler.stats.inc_value("archive/listing/empty")
            logger.info("Listing page %s holds no entries", response.url)
        statuses, dates = [], []
        for url, href, listing in entries:
            if url is None:
                if href:
                    self.crawler.stats.inc_value("archive/listing/link_skipped")
                else:
                    self.crawler.stats.inc_value("archive/listing/entry_without_link")
                    logger.warning("A listing entry on %s links to no article", response.url)
                continue
            link_key = site.url_key(url)
            statuses.append(self.ledger.link_status(link_key))
            dates.append(parse_published(listing["published"]))
            if not self.window.contains(dates[-1]):
                self.crawler.stats.inc_value("archive/window/skipped")
                continue
            if self.ledger.should_fetch(link_key, url, listing, statuses[-1]):
                yield self.article_request(url, listing)
        next_url, trap = self.pagination.next_page(slug, page, listing_page["older"])
        if trap:
            self.crawler.stats.inc_value(f"archive/listing/trap/{trap}")
            logger.warning("Stopped paging %s at %s: pagination %s", slug, response.url, trap.replace("_", " "))
        elif not next_url:
            self.ledger.category_walked(slug, self.categories.get(slug))
        elif dates and all(self.window.older_than_since(day) for day in dates):
            logger.info("Stopped paging %s at page %d: listings older than %s", slug, page, self.window.since)
        elif self.ledger.may_stop_paging(slug, statuses):
            self.crawler.stats.inc_value("archive/incremental/stopped_paging")
            logger.info("Stopped paging %s at page %d: nothing new past it", slug, page)
        else:
            yield self.listing_request(next_url, slug, page + 1)

    def listing_failed(self, failure):
        self.count_failure(failure, "listing")

    def article_request(self, url: str, listing: dict) -> scrapy.Request:
        # A "-2" slug is usually a second copy of a story: fetch the original first.
        segments = site.path_segments(url)
        priority = -1 if segments and site.DUPLICATE_SLUG.search(segments[-1]) else 0
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"listing": listing},
            meta={"archive_link": site.url_key(url)},
            priority=priority,
        )

    # -- articles -----------------------------------------------------------------------

    async def parse_article(self, response, listing: dict):
        try:
            outcome = await self.parse_pool.extract(self.base_url, self.categories, response, listing)
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not parse %s", response.url)
            outcome = {"reject": "parse_error", "detail": f"{type(error).__name__}: {error}"}
        if "reject" in outcome:
            self.rejects.reject(response.url, outcome["reject"], response.status, detail=outcome.get("detail", ""))
            self.ledger.link_failed(response.meta.get("archive_link"))
            return
        self.note_charset(outcome, response)
        item = ArticleItem(**outcome["item"])
        self.crawler.stats.inc_value("archive/article/parsed")
        if not self.window.contains(item.published):
            self.crawler.stats.inc_value("archive/window/skipped")
            return
        yield item

    def note_charset(self, outcome: dict, response) -> None:
        if outcome.get("charset_repaired"):
            self.crawler.stats.inc_value("archive/charset/repaired")
            logger.info("Read %s as UTF-8: its declared charset did not fit", response.url)

    def article_failed(self, failure):
        reason = self.count_failure(failure, "article")
        self.ledger.link_failed(failure.request.meta.get("archive_link"), gone=reason in ("http_404", "http_410"))

    # -- failures -----------------------------------------------------------------------

    def count_failure(self, failure, kind: str) -> str:
        reason, status = failure_reason(failure)
        if reason == "robots_disallowed":
            self.crawler.stats.inc_value("archive/skipped/robots_disallowed")
            logger.debug("robots.txt forbids %s", failure.request.url)
        else:
            self.rejects.reject(failure.request.url, reason, status, kind)
        return reason
