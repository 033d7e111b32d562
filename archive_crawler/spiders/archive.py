"""The archive spider: a thin adapter between Scrapy and the walk.

It hands the navigator the pages Scrapy fetched (live, from the page cache, WARC files or a web
archive), has each read in the parse pool, yields the records to the pipelines, and tells the
navigator what became of them; the navigator decides every page read next.
"""

from __future__ import annotations

import logging

import scrapy
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider

from archive_crawler.items import ArticleItem
from archive_crawler.messages import PageRejected, ParsedArticle, ParseError
from archive_crawler.navigation.fetch import Fetch
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.navigation.urls import url_key
from archive_crawler.options import RunOptions
from archive_crawler.reading.workers import ParsePool, ReadingJob
from archive_crawler.sources.cache import READ_AGAIN
from archive_crawler.sources.failures import failure_reason
from archive_crawler.sources.middlewares import read_at
from archive_crawler.sources.wayback import WaybackMiddleware
from archive_crawler.stats import Stat
from archive_crawler.storage.archive import ArchiveStorage
from archive_crawler.storage.pipelines import DuplicateStory
from archive_crawler.storage.state import kept_knowledge

logger = logging.getLogger(__name__)


class ArchiveSpider(scrapy.Spider):
    """Harvest a site's stories as its profile and the run's options say (see ``RunOptions``)."""

    name = "archive"
    allowed_domains: list[str]
    options: RunOptions
    navigator: Navigator
    parse_pool: ParsePool
    job: ReadingJob

    @classmethod
    def check_arguments(cls, arguments: dict, default_site: str = "aawsat") -> RunOptions:
        """The options the ``-a`` arguments make; ValueError naming the first bad one."""
        return RunOptions.parse(arguments, default_site)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.options = options = RunOptions.parse(kwargs, crawler.settings["ARCHIVE_SITE"])
        options.apply(crawler.settings)  # the crawl's components read the options from the settings
        spider.allowed_domains = list(options.hosts)
        spider.job = ReadingJob(options.site, options.base_url, {})
        spider.parse_pool = ParsePool.for_crawl(crawler.settings, options.replay)
        for handler, signal in ((spider.parse_pool.close, signals.spider_closed),
                                (spider.request_dropped, signals.request_dropped),
                                (spider.item_scraped, signals.item_scraped),
                                (spider.item_dropped, signals.item_dropped),
                                (spider.robots_parsed, signals.robots_parsed),
                                (spider.spider_idle, signals.spider_idle)):
            crawler.signals.connect(handler, signal=signal)
        return spider

    @property
    def storage(self) -> ArchiveStorage:
        return ArchiveStorage.of(self.crawler)

    async def start(self):
        options = self.options
        # A replay neither reads nor updates the state's stories and links...
        ledger = None if options.replay else LinkLedger(self.storage.state, self.crawler.stats, options.full,
                                                        options.window)
        captures = None
        if options.wayback:  # the archive's captures of the site, before its home page is read from them
            middleware = self.crawler.get_downloader_middleware(WaybackMiddleware)
            assert middleware is not None  # enabled whenever -a wayback is given
            captures = (await middleware.captures()).pages()
        # ...but takes what the harvest learnt of the site's listings from it, read only.
        knowledge = kept_knowledge(self.settings.get("ARCHIVE_STATE"), options.profile.name, options.base_url) \
            if options.replay else None
        self.navigator = Navigator(
            options.profile, options.base_url, self.crawler.stats, ledger=ledger, window=options.window,
            max_listing_pages=self.settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000), full=options.full,
            seeds=options.seeds, captures=captures, knowledge=knowledge)
        for fetch in self.navigator.start():
            yield self.request(fetch)

    def request(self, fetch: Fetch) -> scrapy.Request:
        # A page read again once its site's template is learnt comes from the page cache, not the site.
        meta = {"handle_httpstatus_all": True} if fetch.any_status else {READ_AGAIN: True} if fetch.again else {}
        return scrapy.Request(fetch.url, callback=self.parse, errback=self.failed, cb_kwargs={"fetch": fetch},
                              meta=meta, priority=fetch.priority, dont_filter=fetch.repeatable)

    async def parse(self, response, fetch: Fetch):
        navigator = self.navigator
        fetch = navigator.to_read(fetch)
        self.job = self.job.following(navigator.categories, navigator.language)
        try:
            job = self.job.for_page(navigator.template_of(fetch), fetch.learning)
            page = await self.parse_pool.read(job, fetch, response)
        except PageRejected as rejection:
            follows = self.rejected(response, fetch, rejection)
        except Exception as error:  # a page that breaks the parser must not stop the crawl
            logger.exception("Could not read %s", response.url)
            follows = self.rejected(response, fetch, ParseError(f"{type(error).__name__}: {error}"))
        else:
            if getattr(page, "charset_repaired", False):
                self.crawler.stats.inc_value(Stat.CHARSET_REPAIRED)
                logger.info("Read %s as UTF-8: its declared charset did not fit", response.url)
            records = navigator.records(fetch, page)
            for record in records:
                item = ArticleItem(**record)
                item.read_at = read_at(response)  # not a field: orders a replay's writing (see OutputStore.add)
                yield item
            if not records and fetch.context.listed_url and isinstance(page, ParsedArticle) and not fetch.learning:
                self.storage.rejects.reject(response.url, "outside_window", response.status, fetch.label,
                                            detail=f"published {page.item.get('published') or 'on no date'}")
            follows = navigator.read(fetch, page)
        for follow in follows:
            yield self.request(follow)

    def rejected(self, response, fetch: Fetch, rejection: PageRejected) -> list[Fetch]:
        self.storage.rejects.reject(response.url, rejection.reason, response.status, fetch.label,
                                    detail=rejection.detail)
        return self.navigator.failed(fetch, rejection.reason)

    def failed(self, failure):
        """A page that could not be fetched: counted (a door's probes are told to their door only)."""
        fetch = failure.request.cb_kwargs["fetch"]
        reason, status = failure_reason(failure)
        if reason == "robots_disallowed" and not fetch.context.listed_url:  # a listed page is accounted for
            self.crawler.stats.inc_value(Stat.SKIPPED_ROBOTS_DISALLOWED)
            logger.debug("robots.txt forbids %s", failure.request.url)
        elif fetch.door is None:
            self.storage.rejects.reject(failure.request.url, reason, status, fetch.label)
        for follow in self.navigator.failed(fetch, reason):
            yield self.request(follow)

    # -- what Scrapy tells of the crawl ---------------------------------------------------

    def robots_parsed(self, robotparser, request) -> None:
        parser = getattr(robotparser, "rp", None)
        if hasattr(self, "navigator") and parser is not None and hasattr(parser, "sitemaps"):
            self.navigator.robots_read(parser.sitemaps)

    def spider_idle(self) -> None:
        """Nothing left to read: what the navigator asks for next, else the walk is over. A walk that
        kept no post, wrote none and knows none from before ends as ``nothing_found``."""
        if not hasattr(self, "navigator"):
            return
        follows = self.navigator.idle()
        for follow in follows:
            self.crawler.engine.crawl(self.request(follow))
        if follows:
            raise DontCloseSpider
        for lost in self.navigator.unread_listed():  # dropped unanswered (an offsite filter, a duplicate request)
            self.storage.rejects.reject(lost.url, "not_fetched", None, lost.label,
                                        detail=f"listed as {lost.context.listed_url}")
        stats = self.crawler.stats
        if not self.navigator.kept and not stats.get_value(Stat.WRITTEN) and not self.storage.state.story_count():
            tried = self.navigator.tried(self.options.store)
            stats.set_value(Stat.NOTHING_FOUND, f"Nothing found at {self.options.base_url}: {tried}")
            raise CloseSpider("nothing_found")

    def request_dropped(self, request, spider) -> None:
        fetch = request.cb_kwargs.get("fetch")
        if request.meta.get("redirect_urls") and isinstance(fetch, Fetch):
            self.navigator.redirected_to_read(fetch)
            if fetch.context.listed_url:  # a listed page that is another listed page: one record for both
                self.storage.rejects.reject(fetch.url, "same_page", None, fetch.label,
                                            detail=f"redirects to {request.url}, read already")

    def item_scraped(self, item, response, spider) -> None:
        self.settle(item, response, written=True)

    def item_dropped(self, item, response, exception, spider) -> None:
        # A duplicate settles its link; a record rejected as incomplete is tried again.
        self.settle(item, response, written=isinstance(exception, DuplicateStory))
        listed = ItemAdapter(item).get("listed_url")
        if listed and isinstance(exception, DuplicateStory):  # a listed page with no record of its own
            self.storage.rejects.reject(response.url, "same_story", response.status, "article",
                                        detail=f"listed as {listed}: {exception}")

    def settle(self, item, response, written: bool) -> None:
        request = getattr(response, "request", None)
        fetch = request.cb_kwargs.get("fetch") if request is not None else None
        if not isinstance(fetch, Fetch) or fetch.link_key is None:
            return
        adapter = ItemAdapter(item)
        story_id = adapter.get(self.options.profile.crawl.story_key)
        story = (None if story_id is None else str(story_id), url_key(adapter["url"])) if adapter.get("url") else None
        if written:
            self.navigator.written(fetch, response.url, story)
        else:
            self.navigator.failed(fetch, "incomplete")

    def closed(self, reason: str) -> None:
        if hasattr(self, "navigator"):
            self.navigator.finished(reason)
