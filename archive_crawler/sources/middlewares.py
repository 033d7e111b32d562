"""Downloader middlewares of the project."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.core.downloader import Slot
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from archive_crawler.messages import OffsiteRedirect, RedirectLoop, RobotsDisallowed
from archive_crawler.navigation.urls import SiteScope
from archive_crawler.options import RunOptions
from archive_crawler.sources.reachability import connection_cause
from archive_crawler.stats import Stat

logger = logging.getLogger(__name__)

FETCHED_AT_HEADER = b"X-Archive-Fetched-At"


class FetchTimeMiddleware:
    """Stamp each response with the UTC time it came off the network.

    It sits next to the downloader, below the HTTP cache, so the stamp is cached
    with the page: a page served later from the cache keeps its original time.
    """

    def process_response(self, request, response):
        if FETCHED_AT_HEADER not in response.headers:
            response.headers[FETCHED_AT_HEADER] = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        return response


ARCHIVE_URL_HEADER = b"X-Archive-Playback"  # set on pages read from a web archive: the playback URL


READ_AT_HEADER = b"X-Archive-Read-At"  # on pages read from a web archive: when, as the capture time is the record's


def read_at(response) -> str | None:
    """When this crawl read the page, where that is not its record's time (a capture's)."""
    value = response.headers.get(READ_AT_HEADER)
    return value.decode("ascii", "replace") if value else None


def archive_url(response) -> str | None:
    value = response.headers.get(ARCHIVE_URL_HEADER)
    return value.decode("latin-1") if value else None


def fetched_at(response) -> str:
    value = response.headers.get(FETCHED_AT_HEADER)
    if value:
        return value.decode("ascii", "replace")
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429 or 503 answer's ``Retry-After`` asks.

    The wait is capped by ``ARCHIVE_RETRY_AFTER_MAX`` seconds, so a site asking for
    hours cannot stall the crawl; past the retries the page is given up as usual.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 120.0)

    # Scrapy awaits a middleware's coroutine process_response; the base class's is a plain method.
    async def process_response(self, request, response):  # type: ignore[override]
        wait = retry_after_seconds(response) if response.status in (429, 503) else None
        retried = super().process_response(request, response)
        if wait is not None and retried is not response:
            wait = min(wait, self.max_wait)
            self.crawler.stats.inc_value(Stat.RETRY_AFTER_HONOURED)
            logger.info("%s answered %d: waiting %.1f s (Retry-After) before retrying", request.url,
                        response.status, wait)
            await asyncio.sleep(wait)
        return retried


def retry_after_seconds(response) -> float | None:
    """The wait a Retry-After header asks for, in seconds (delta-seconds or an HTTP date)."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class RedirectGuardMiddleware:
    """Refuse redirects that loop or leave the crawled host, so they are rejected, not lost.

    It sits just outside Scrapy's RedirectMiddleware and looks at a redirect before
    that middleware follows it: without it, a loop ends silently in the duplicate
    filter and an off-site target silently in the offsite filter.
    """

    def __init__(self, scope: SiteScope | None):
        self.scope = scope

    @classmethod
    def from_crawler(cls, crawler):
        options = RunOptions.of(crawler)
        return cls(SiteScope(options.base_url, options.profile.urls.mirror_hosts, options.hosts)
                   if options.base_url else None)

    def process_response(self, request, response):
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if self.scope is not None and self.scope.on_site(target) is None:
            raise OffsiteRedirect(f"offsite redirect from {request.url} to {target}")
        chain = {url.split("#")[0] for url in request.meta.get("redirect_urls", [])} | {request.url.split("#")[0]}
        if target.split("#")[0] in chain:
            raise RedirectLoop(f"redirect loop from {request.url} back to {target}")
        return response


class TypedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, refusing with a typed :class:`RobotsDisallowed`.

    A robots.txt that cannot be downloaded is one warning line, not Scrapy's error
    with a traceback: the crawl goes on as if it allowed everything, as Scrapy does.
    """

    async def robot_parser(self, request):
        parts = urlparse_cached(request)
        netloc = parts.netloc
        if netloc not in self._parsers:  # the first request to the host: read its robots.txt, as Scrapy does
            self._parsers[netloc] = Deferred()
            robots = Request(f"{parts.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                             meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
            try:
                await self._parse_robots(await self.crawler.engine.download_async(robots), netloc, request)
            except Exception as error:
                if not isinstance(error, IgnoreRequest):
                    cause = connection_cause(error)
                    logger.warning("Cannot read %s (%s): crawling as if it allowed everything", robots.url,
                                   cause.text if cause else str(error) or type(error).__name__)
                    logger.debug("robots.txt download failure", exc_info=True)
                self._robots_error(error, netloc)
            self.crawler.stats.inc_value("robotstxt/request_count")
        return await super().robot_parser(request)

    def process_request_2(self, rp, request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as refusal:
            raise RobotsDisallowed(str(refusal)) from None


class CrawlDelaySlot(Slot):
    """A download slot that never lets two requests to its host start closer than the host's
    robots.txt ``Crawl-delay`` (``floor``): its delay, however AutoThrottle moves it, counts from
    the larger of the two, and the random jitter only lengthens the gap, up to ``(1 + jitter)`` times.

    Same memory layout as Scrapy's slot, so a slot in use takes this class in place: every part of
    the downloader holding it sees the new rule at once.
    """

    __slots__ = ()
    floor = 0.0

    def download_delay(self) -> float:
        delay = max(self.delay, self.floor)
        return delay * (1 + random.uniform(0, self.jitter)) if self.jitter else delay


@functools.cache
def crawl_delay_slot(floor: float) -> type[CrawlDelaySlot]:
    """The slot class of one Crawl-delay (one class per value met, usually one)."""
    return type(CrawlDelaySlot.__name__, (CrawlDelaySlot,), {"__slots__": (), "floor": floor})


class CrawlDelayMiddleware:
    """robots.txt's ``Crawl-delay`` obeyed: once a host's robots.txt is read, two requests to it
    start at least Crawl-delay seconds apart, at most ``(1 + DOWNLOAD_DELAY_JITTER)`` times that;
    AutoThrottle may lengthen the gap, never shorten it below Crawl-delay.

    A ``DOWNLOAD_DELAY`` given on the command line wins (whoever crawls a local mirror takes that
    responsibility), with one warning naming the Crawl-delay it overrides. A replay, which sends
    nothing to the network, leaves this middleware off.
    """

    def __init__(self, crawler, command_line_delay: float | None = None):
        self.crawler = crawler
        self.command_line_delay = command_line_delay
        self.delays: dict[str, float] = {}  # host -> Crawl-delay

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or RunOptions.of(crawler).replay:
            raise NotConfigured
        given = settings.getpriority("DOWNLOAD_DELAY") >= SETTINGS_PRIORITIES["cmdline"]
        middleware = cls(crawler, settings.getfloat("DOWNLOAD_DELAY") if given else None)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        if not given:
            crawler.signals.connect(middleware.request_reached_downloader, signal=signals.request_reached_downloader)
        return middleware

    def robots_parsed(self, robotparser, request) -> None:
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get("USER_AGENT")
        delay = robotparser.crawl_delay(agent)
        host = urlsplit(request.url).hostname or ""
        if not delay:
            return
        delay = float(delay)
        self.crawler.stats.set_value(Stat.CRAWL_DELAY, delay)
        if self.command_line_delay is not None:
            logger.warning("robots.txt of %s asks for %.1f s between requests: DOWNLOAD_DELAY=%s given on the "
                           "command line overrides it", host, delay, f"{self.command_line_delay:g}")
            return
        self.delays[host] = delay
        logger.info("robots.txt of %s asks for %.1f s between requests", host, delay)
        downloader = self.crawler.engine.downloader
        self.hold(downloader.slots.get(downloader.get_slot_key(request)), delay)

    def request_reached_downloader(self, request, spider=None) -> None:
        """Each request reaches its slot here, just before the slot's queue is looked at."""
        if not self.delays:
            return
        delay = self.delays.get(urlparse_cached(request).hostname or "")
        if delay:
            downloader = self.crawler.engine.downloader
            self.hold(downloader.slots.get(request.meta.get(downloader.DOWNLOAD_SLOT) or ""), delay)

    @staticmethod
    def hold(slot, delay: float) -> None:
        """Make a slot keep its host's Crawl-delay (a slot made since, or a new one after Scrapy dropped
        an idle slot, included)."""
        if isinstance(slot, Slot) and getattr(slot, "floor", None) != delay:
            slot.__class__ = crawl_delay_slot(delay)
            slot.delay = max(slot.delay, delay)
