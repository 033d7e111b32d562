"""Page reading in worker processes, so parsing uses every core.

Scrapy runs callbacks in one thread; parsing and cleaning a page is most of the CPU
a crawl spends. ``ParsePool`` sends each page (URL, status, headers, body) with a
:class:`ReadingJob` to a process pool and gets back a typed message, or the
:class:`PageRejected` that says why the page is no article. With
``ARCHIVE_PARSE_WORKERS = 0`` the same functions run inline. The re-parse tool
(``archive_crawler.reparse``) calls them too.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace

from archive_crawler.messages import ArticleContext, HomePage, ListingPage, NotHtml, ParsedArticle
from archive_crawler.navigation.fetch import HOME_LISTING, Fetch, PageKind
from archive_crawler.reading.checks import check_article_page, is_html, no_content_rejection, repair_charset
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.rest import read_rest_index, read_rest_page
from archive_crawler.reading.sitemaps import read_sitemap
from archive_crawler.reading.template import PageBlocks, SiteTemplate
from archive_crawler.sites.profile import load_profile
from archive_crawler.sources.responses import build_response

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def page_payload(response) -> tuple[str, int, list[tuple[bytes, bytes]], bytes]:
    """What a worker needs of a response, in picklable form."""
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    return response.url, response.status, headers, response.body


@dataclass(frozen=True)
class ReadingJob:
    """Who reads a page: the site's profile (by name or path), the crawled root, the categories known,
    the site's language (the home page's), and for an article the template of its site (frozen) or
    whether it is read to learn that template."""

    site: str
    base_url: str
    categories: dict[str, str]
    language: str | None = None
    template: SiteTemplate | None = None
    learning: bool = False

    def reader(self) -> PageReader:
        """The reader of this job's pages: one per process for equal jobs (jobs travel pickled, page
        by page; a reader holds nothing of the pages it read but what their addresses are)."""
        key = (self.site, self.base_url, tuple(self.categories.items()), self.template)
        found = _readers.get(key)
        if found is None:
            if len(_readers) >= 8:
                _readers.clear()
            found = _readers[key] = PageReader(load_profile(self.site), self.base_url, self.categories,
                                               self.template)
        return found

    def for_page(self, template: SiteTemplate | None, learning: bool) -> ReadingJob:
        """This job for one page: with its site's template, or read to learn it."""
        if template is self.template and learning == self.learning:
            return self
        return replace(self, template=template, learning=learning)

    def following(self, categories: dict[str, str], language: str | None) -> ReadingJob:
        """This job, or a new one when the walk has met more categories (or the language) since."""
        if categories == self.categories and language == self.language:
            return self
        return ReadingJob(self.site, self.base_url, dict(categories), language, self.template, self.learning)


_readers: dict[tuple, PageReader] = {}


def read_page(job: ReadingJob, fetch: Fetch, payload):
    """What a page is to the walk (see ``page_of``), from a picklable response."""
    return page_of(job.reader(), fetch, build_response(*payload), job.language, job.learning)


def page_of(reader: PageReader, fetch: Fetch, response, language: str | None = None, learning: bool = False):
    """What a fetched page is to the walk: a :class:`HomePage`, a :class:`ListingPage`, a
    :class:`ParsedArticle` (with its blocks, when ``learning`` its site's template), a :class:`RestPage`,
    a :class:`RestIndex` or a :class:`SitemapPage`. Raises :class:`PageRejected` for a page that gives
    none (a listing or home page that is no HTML)."""
    kind = fetch.kind
    if kind is PageKind.ARTICLE:
        article = read_article(reader, response, fetch.context)
        if learning:
            article = replace(article, blocks=PageBlocks.of(response.selector.root, article.item.get("body")))
        return article
    if kind is PageKind.REST:
        return read_rest_page(response, reader.profile, language, fetch.zone)
    if kind is PageKind.REST_INDEX:
        return read_rest_index(response)
    if kind is PageKind.SITEMAP:
        return read_sitemap(response)
    if not is_html(response):
        raise NotHtml(response.headers.get(b"Content-Type", b"").decode("latin-1"))
    if kind is PageKind.HOME:
        menu = reader.read_menu(response, home=True)
        listing = listing_from_response(reader, response, HOME_LISTING)
        return HomePage(menu, reader.feed_links(response), reader.language(response),
                        listing=replace(listing, counts=reader.category_counts(response, menu)))
    assert fetch.category is not None  # a listing's fetch names its category
    return listing_from_response(reader, response, fetch.category)


def read_article(reader: PageReader, response, context: ArticleContext,
                 rules: dict[str, str] | None = None) -> ParsedArticle:
    """The record of an article page; raises :class:`PageRejected` when the page gives none
    (``rules``: see ``PageReader.article``)."""
    check_article_page(response, reader.profile)
    repaired = repair_charset(response)
    root, content = reader.article_content(repaired)
    if content is None and not reader.profile.crawl.main_text:
        raise no_content_rejection(repaired, reader.profile)
    item = reader.article(repaired, context, root, content, rules=rules)
    return ParsedArticle(asdict(item), charset_repaired=repaired is not response)


def listing_from_response(reader: PageReader, response, slug: str) -> ListingPage:
    """A listing page's menu categories, entries and next-page candidates."""
    repaired = repair_charset(response)
    page = reader.listing_page(repaired, slug)
    return replace(page, charset_repaired=repaired is not response, url=response.url)


def _warm_up() -> int:
    return os.getpid()


def _prepare_worker(parent: int) -> None:
    """Workers ignore Ctrl-C (the crawl process decides when they stop) and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:  # Linux: the kernel kills this worker when the crawl process dies, even by SIGKILL
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the crawl process died before the line above
        os._exit(0)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


class ParsePool:
    """A pool of extraction processes, started on first use and stopped with the crawl."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    @classmethod
    def for_crawl(cls, settings, replay: bool) -> ParsePool:
        """The pool ``ARCHIVE_PARSE_WORKERS`` asks for (default: one per core but one, at most 4;
        every core in a replay, which waits on no network), started."""
        workers = settings.get("ARCHIVE_PARSE_WORKERS")
        if workers in (None, ""):
            workers = (os.cpu_count() or 1) if replay else default_workers()
        pool = cls(int(workers))
        pool.start()
        return pool

    def start(self) -> None:
        """Start the workers; called before the reactor runs, so forking copies a quiet process."""
        if self.workers > 0 and self.executor is None:
            context = multiprocessing.get_context("fork")
            self.executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                initializer=_prepare_worker, initargs=(os.getpid(),))
            for future in [self.executor.submit(_warm_up) for _ in range(self.workers)]:
                future.result()

    async def read(self, job: ReadingJob, fetch: Fetch, response):
        """What a fetched page is to the walk (see ``page_of``)."""
        return await self._run(read_page, job, fetch, page_payload(response))

    async def _run(self, function, *arguments):
        if self.workers <= 0:
            return function(*arguments)
        self.start()
        assert self.executor is not None  # started just above: workers > 0
        return await asyncio.wrap_future(self.executor.submit(function, *arguments))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
