"""The archive spider: feeds pages to the navigator and the page reader, and yields the records."""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import scrapy
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from archive_crawler.items import ArticleItem
from archive_crawler.messages import ArticleContext, PageRejected, ParseError
from archive_crawler.navigation.ledger import DateWindow, LinkLedger
from archive_crawler.navigation.navigator import LISTING_PRIORITY, Fetch, Navigator, PageKind
from archive_crawler.navigation.urls import url_key
from archive_crawler.reading.checks import is_html
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.rest import RestPage
from archive_crawler.reading.sitemaps import read_sitemap
from archive_crawler.reading.workers import ParsePool, ReadingJob, default_workers
from archive_crawler.sites.profile import load_profile
from archive_crawler.sources.failures import failure_reason
from archive_crawler.sources.middlewares import read_at
from archive_crawler.sources.wayback import WaybackMiddleware
from archive_crawler.spiders.arguments import check_known_arguments
from archive_crawler.storage.archive import ArchiveStorage
from archive_crawler.storage.pipelines import DuplicateStory

if TYPE_CHECKING:
    from archive_crawler.navigation.doors import Doors
    from archive_crawler.sites.profile import Profile

logger = logging.getLogger(__name__)

FLAG_WORDS = {"1": True, "true": True, "yes": True, "on": True,
              "0": False, "false": False, "no": False, "off": False, "": False}
# A replay needs no politeness: nothing goes to the site.
REPLAY_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "RETRY_ENABLED": False}


def validate_base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL such as https://example.org, got {value!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


# An archive's pace when reading from it (overridden by the usual settings on the command line).
ARCHIVE_POLITENESS = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True}


def validate_archive(name: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be a web archive's playback root such as https://web.archive.org/web "
                         f"or http://127.0.0.1:8080/my-coll, got {value!r}")
    return value.strip().rstrip("/")


def validate_capture(value: str) -> str:
    text = str(value).strip().lower()
    if text in ("latest", "earliest"):
        return text
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"capture must be latest, earliest or a date written YYYY-MM-DD, got {value!r}") from None


# '#' at the start of a line or after white space starts a comment; a URL's own fragment '#' stays.
URL_LIST_COMMENT = re.compile(r"(?:^|\s)#")


def read_url_list(path: str) -> list[str]:
    """The http(s) URLs of a file, one per line, ``#`` starting a comment; a bad file raises ValueError."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"urls must be a readable file of URLs; {path}: {getattr(error, 'strerror', error)}") from None
    urls = []
    for number, line in enumerate(lines, 1):
        text = URL_LIST_COMMENT.split(line, 1)[0].strip()
        if not text:
            continue
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"urls: line {number} of {path} is no http(s) URL: {text!r}")
        urls.append(text)
    if not urls:
        raise ValueError(f"urls: {path} lists no URL")
    return list(dict.fromkeys(urls))


def root_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_flag(name: str, value) -> bool:
    text = str(value).strip().lower()
    if text in FLAG_WORDS:
        return FLAG_WORDS[text]
    raise ValueError(f"{name} must be 1 or 0, got {value!r}")


class ArchiveSpider(scrapy.Spider):
    """Walk every category listing of a site and extract each story it links to."""

    name = "archive"
    # Set by __init__ (profile: when a site is given), from_crawler and start.
    profile: Profile
    allowed_domains: list[str]
    job: ReadingJob
    parse_pool: ParsePool
    archive_stage: int
    navigator: Navigator

    def __init__(self, *args, site: str | None = None, base_url: str | None = None, full="0", since=None,
                 until=None, replay="0", urls: str | None = None, wayback: str | None = None,
                 capture: str = "latest", fallback: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        if site is not None:
            self.profile = load_profile(site)
        self.urls = read_url_list(urls) if urls else None
        # A list of URLs needs no root: its hosts are the ones allowed.
        self.base_url = validate_base_url(base_url) if base_url and not self.urls else None
        if self.urls:
            self.base_url = root_of(self.urls[0])
        self.full = parse_flag("full", full)
        self.replay_warc = replay if str(replay).strip().lower() not in FLAG_WORDS else None
        self.replay = bool(self.replay_warc) or parse_flag("replay", replay)
        if self.replay_warc and not Path(self.replay_warc).exists():
            raise ValueError(f"replay must be 1, 0, or a WARC file or folder; {replay!r} does not exist")
        self.window = DateWindow.parse(since, until)
        self.wayback = validate_archive("wayback", wayback) if wayback else None
        self.fallback = validate_archive("fallback", fallback) if fallback else None
        if self.wayback and self.fallback:
            raise ValueError("wayback and fallback exclude each other: harvest from the archive, or from the site")
        self.capture = validate_capture(capture)

    @classmethod
    def check_arguments(cls, **arguments) -> ArchiveSpider:
        """The spider the arguments make; ValueError naming the first bad one (a bad profile included)."""
        check_known_arguments(cls, arguments)
        spider = cls(**arguments)
        profile = spider.profile if spider.site else None
        if profile is not None and not spider.base_url and not profile.base_url:
            raise ValueError(f"site {spider.site} has no base_url of its own: give -a base_url=URL "
                             "(or -a urls=FILE)")
        spider.base_url = spider.base_url or (profile.base_url if profile else None)
        return spider

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.site is None:
            spider.site = settings["ARCHIVE_SITE"]
            spider.profile = load_profile(spider.site)
        spider.base_url = spider.base_url or validate_base_url(spider.profile.base_url or "")
        # Every URL here was checked to name a host (validate_base_url, read_url_list).
        hosts = sorted({host for url in spider.urls or [spider.base_url] if (host := urlsplit(url).hostname)})
        spider.allowed_domains = hosts
        if not settings.frozen:  # the crawl's other components read what they need from the settings
            settings.set("ARCHIVE_SITE", spider.site, priority="cmdline")
            settings.set("ARCHIVE_BASE_URL", spider.base_url, priority="cmdline")
            settings.set("ARCHIVE_HOSTS", hosts, priority="cmdline")
            if spider.wayback or spider.fallback:
                spider.configure_archive(settings)
            if spider.replay:
                spider.configure_replay(settings)
        spider.job = ReadingJob(spider.site, spider.base_url, {})
        workers = settings.get("ARCHIVE_PARSE_WORKERS")
        if workers in (None, ""):
            # A replay waits on no network: its parsing may take every core.
            workers = (os.cpu_count() or 1) if spider.replay else default_workers()
        spider.parse_pool = ParsePool(int(workers))
        spider.parse_pool.start()
        crawler.signals.connect(spider.parse_pool.close, signal=signals.spider_closed)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        spider.archive_stage = 0  # a web archive's harvest: 1 other listings read, 2 the rest
        return spider

    def configure_archive(self, settings) -> None:
        """Read pages from a web archive: where, which capture, and politely (an archive answers
        bursts with 429): one request at a time, a second apart, unless the command line says otherwise."""
        settings.set("ARCHIVE_WAYBACK", self.wayback, priority="cmdline")
        settings.set("ARCHIVE_FALLBACK", self.fallback, priority="cmdline")
        settings.set("ARCHIVE_CAPTURE", self.capture, priority="cmdline")
        if self.wayback:
            for name, value in ARCHIVE_POLITENESS.items():
                settings.set(name, value, priority="spider")

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

    @property
    def storage(self) -> ArchiveStorage:
        return ArchiveStorage.of(self.crawler)

    async def start(self):
        stats = self.crawler.stats
        assert self.base_url is not None  # set by from_crawler
        # A replay neither reads nor updates the state.
        ledger = None if self.replay else LinkLedger(self.storage.state, stats, self.full, self.window)
        self.navigator = Navigator(self.profile, self.base_url, stats, ledger=ledger, window=self.window,
                                   max_listing_pages=self.settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000),
                                   full=self.full)
        if self.wayback:  # the archive's captures of the site, before its home page is read from them
            await self.wayback_middleware().captures()
        if self.urls:  # exactly the pages listed, no discovery
            fetches = [self.navigator.article(url, ArticleContext()) for url in self.urls]
        else:
            fetches = self.navigator.start()
        for fetch in fetches:
            yield self.request(fetch)

    def request(self, fetch: Fetch) -> scrapy.Request:
        callback, errback = {
            PageKind.HOME: (self.parse_home, self.home_failed),
            PageKind.LISTING: (self.parse_listing, self.page_failed),
            PageKind.ARTICLE: (self.parse_article, self.article_failed),
            PageKind.REST: (self.parse_rest, self.door_failed),
            PageKind.SITEMAP: (self.parse_sitemap, self.door_failed),
        }[fetch.kind]
        # A door's probe reads any answer: a 401 or 404 says the door is closed.
        meta = {"handle_httpstatus_all": True} if fetch.door else {}
        return scrapy.Request(fetch.url, callback=callback, errback=errback, cb_kwargs={"fetch": fetch}, meta=meta,
                              priority=fetch.priority, dont_filter=fetch.kind is PageKind.HOME)

    def reading_job(self) -> ReadingJob:
        if self.job.categories != self.navigator.categories:
            assert self.site is not None and self.base_url is not None  # set by from_crawler
            self.job = ReadingJob(self.site, self.base_url, dict(self.navigator.categories))
        return self.job

    # -- navigation -------------------------------------------------------------------

    def wayback_middleware(self) -> WaybackMiddleware:
        middleware = self.crawler.get_downloader_middleware(WaybackMiddleware)
        assert middleware is not None  # enabled whenever -a wayback or -a fallback is given
        return middleware

    def doors(self) -> Doors:
        """The navigator's doors: REST pages and sitemaps are only asked for through them."""
        doors = self.navigator.doors
        assert doors is not None
        return doors

    def parse_home(self, response, fetch: Fetch):
        assert self.base_url is not None  # set by from_crawler
        reader = PageReader(self.profile, self.base_url)
        if is_html(response):
            follows = self.navigator.home_read(reader.read_menu(response, home=True), reader.feed_links(response),
                                               reader.language(response))
        else:
            follows = self.navigator.home_failed()
        for follow in follows:
            yield self.request(follow)

    def robots_parsed(self, robotparser, request) -> None:
        """robots.txt read: the sitemaps it names are a door."""
        doors = getattr(getattr(self, "navigator", None), "doors", None)
        parser = getattr(robotparser, "rp", None)
        if doors is not None and parser is not None and hasattr(parser, "sitemaps"):
            doors.robots_sitemaps += [url for url in parser.sitemaps if url not in doors.robots_sitemaps]

    async def parse_rest(self, response, fetch: Fetch):
        try:
            page = await self.parse_pool.read_rest(self.reading_job(), response, self.navigator.language)
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not read the REST answer %s", response.url)
            page = RestPage(problem=f"{type(error).__name__}: {error}")
        for record in page.items:
            self.crawler.stats.inc_value("archive/article/parsed")
            item = ArticleItem(**record)
            item.read_at = read_at(response)
            yield item
        for follow in self.doors().rest_read(fetch, page):
            yield self.request(follow)

    def parse_sitemap(self, response, fetch: Fetch):
        for follow in self.doors().sitemap_read(fetch, read_sitemap(response)):
            yield self.request(follow)

    def door_failed(self, failure):
        fetch = failure.request.cb_kwargs["fetch"]
        reason, _ = failure_reason(failure)
        doors = self.doors()
        failed = doors.rest_failed if fetch.kind is PageKind.REST else doors.sitemap_failed
        for follow in failed(fetch, reason):
            yield self.request(follow)

    def spider_idle(self) -> None:
        """A harvest from a web archive, its walk done. Articles the archive holds that no captured
        category listing named are read too, once: first through the other captured listings that
        name them (tags, authors: their entries carry the dates and bylines pages may lack), then
        whatever is left, on its own."""
        if not self.wayback or self.urls or self.archive_stage >= 2:
            return
        index = self.wayback_middleware().index
        urls = self.profile.urls
        ledger = self.navigator.ledger
        unnamed: dict[str, str | None] = {}  # article URL -> where its link stood before this run
        for url in index.pages():
            target = urls.article_link(url)
            if target is None or urls.listing_page_number(target) is not None:
                continue
            key = url_key(target)
            if key in self.navigator.requested:
                continue
            status = ledger.link_status(key) if ledger else None
            if self.full or status != "done":
                unnamed[target] = status
        self.archive_stage += 1
        if not unnamed:
            return
        if self.archive_stage == 1:
            follows = [Fetch(url, PageKind.LISTING, f"~{urlsplit(url).path.strip('/')}", 1,
                             priority=LISTING_PRIORITY) for url in index.pages()
                       if urls.other_listing(url) and urls.listing_page_number(url) in (None, 1)]
            if follows:
                logger.info("%d articles the archive holds were named by no captured category listing: "
                            "reading %d other captured listings first", len(unnamed), len(follows))
                self.crawler.stats.set_value("archive/wayback/other_listings", len(follows))
        else:
            follows = []
            for target, status in unnamed.items():
                follow = self.navigator.new_article(target, ArticleContext(), status)
                if follow is not None:
                    follows.append(follow)
            if follows:
                logger.info("%d articles the archive holds were named by no captured listing: reading them",
                            len(follows))
                self.crawler.stats.set_value("archive/wayback/cdx_only_articles", len(follows))
        for follow in follows:
            self.crawler.engine.crawl(self.request(follow))
        if follows or self.archive_stage < 2:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        """A finished run remembers the door it went through, for the next one."""
        doors = getattr(getattr(self, "navigator", None), "doors", None)
        memory = doors.remember() if doors is not None else None
        if memory is not None and reason == "finished" and self.navigator.ledger is not None and \
                not self.window.limited:
            assert self.base_url is not None  # set by from_crawler
            self.navigator.ledger.remember_door(self.profile.name, self.base_url, memory.dump())

    def home_failed(self, failure):
        self.count_failure(failure, "home")
        for follow in self.navigator.home_failed():
            yield self.request(follow)

    async def parse_listing(self, response, fetch: Fetch):
        if not is_html(response):
            self.storage.rejects.reject(response.url, "not_html", response.status, "listing")
            return
        assert fetch.category is not None  # a listing's fetch names its category
        try:
            page = await self.parse_pool.read_listing(self.reading_job(), response, fetch.category)
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not parse %s", response.url)
            self.storage.rejects.reject(response.url, "parse_error", response.status, "listing",
                                        detail=f"{type(error).__name__}: {error}")
            return
        self.note_charset(page.charset_repaired, response)
        for follow in self.navigator.listing_read(fetch, response.url, page):
            yield self.request(follow)

    def page_failed(self, failure):
        self.count_failure(failure, "listing")

    # -- articles -----------------------------------------------------------------------

    async def parse_article(self, response, fetch: Fetch):
        context = self.navigator.article_context(fetch)
        try:
            parsed = await self.parse_pool.extract(self.reading_job(), response, context)
        except PageRejected as rejection:
            self.article_rejected(response, fetch, rejection)
            return
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not parse %s", response.url)
            self.article_rejected(response, fetch, ParseError(f"{type(error).__name__}: {error}"))
            return
        finally:
            self.navigator.article_done(fetch)
        self.note_charset(parsed.charset_repaired, response)
        item = ArticleItem(**parsed.item)
        item.read_at = read_at(response)  # not a field: orders a replay's writing (see OutputStore.add)
        self.crawler.stats.inc_value("archive/article/parsed")
        if not self.window.contains(item.published):
            self.crawler.stats.inc_value("archive/window/skipped")
            return
        yield item

    def article_rejected(self, response, fetch: Fetch, rejection: PageRejected) -> None:
        self.storage.rejects.reject(response.url, rejection.reason, response.status, detail=rejection.detail)
        self.settle(fetch.link_key, "failed")

    def note_charset(self, repaired: bool, response) -> None:
        if repaired:
            self.crawler.stats.inc_value("archive/charset/repaired")
            logger.info("Read %s as UTF-8: its declared charset did not fit", response.url)

    def article_failed(self, failure):
        reason = self.count_failure(failure, "article")
        fetch = failure.request.cb_kwargs.get("fetch")
        self.settle(fetch.link_key if fetch else None, "gone" if reason in ("http_404", "http_410") else "failed")

    # -- what became of each link -------------------------------------------------------

    def settle(self, link_key: str | None, status: str, story=None) -> None:
        if self.navigator.ledger is not None:
            self.navigator.ledger.settle(link_key, status, story)

    def request_dropped(self, request, spider) -> None:
        """A redirect to a page this run fetched already: the link is settled by that page."""
        fetch = request.cb_kwargs.get("fetch")
        if request.meta.get("redirect_urls") and isinstance(fetch, Fetch) and fetch.kind is PageKind.ARTICLE:
            self.settle(fetch.link_key, "done")

    def item_scraped(self, item, response, spider) -> None:
        self.settle_item(response, "done", item)

    def item_dropped(self, item, response, exception, spider) -> None:
        # A duplicate settles its link; a record rejected as incomplete is tried again.
        self.settle_item(response, "done" if isinstance(exception, DuplicateStory) else "failed", item)

    def settle_item(self, response, status: str, item) -> None:
        request = getattr(response, "request", None)
        fetch = request.cb_kwargs.get("fetch") if request is not None else None
        if not isinstance(fetch, Fetch):
            return
        adapter = ItemAdapter(item)
        story_id = adapter.get(self.profile.crawl.story_key)
        story = (None if story_id is None else str(story_id), url_key(adapter["url"])) if adapter.get("url") else None
        self.settle(fetch.link_key, status, story)
        if status == "done" and story and url_key(response.url) != fetch.link_key and self.navigator.ledger:
            # Reached through a redirect (a shortlink): a link straight to this page is done too, and
            # is not asked for again (the duplicate filter would drop it unanswered).
            self.navigator.ledger.page_written(response.url, story)
            self.navigator.requested.add(url_key(response.url))

    # -- failures -----------------------------------------------------------------------

    def count_failure(self, failure, kind: str) -> str:
        reason, status = failure_reason(failure)
        if reason == "robots_disallowed":
            self.crawler.stats.inc_value("archive/skipped/robots_disallowed")
            logger.debug("robots.txt forbids %s", failure.request.url)
        else:
            self.storage.rejects.reject(failure.request.url, reason, status, kind)
        return reason
