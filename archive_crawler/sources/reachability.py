"""A site that cannot be reached at all stops the crawl within seconds, saying why.

Without it, a crawl with no way to the site retries robots.txt, the home page and
every known category listing, and ends "finished" having written nothing. This
downloader middleware watches the crawl's own hosts (``ARCHIVE_HOSTS``) until the
first answer comes back from any of them; from then on it does nothing, so a site
that answers some pages and fails others is never called unreachable.

Until that first answer, a connection that fails for a reason a retry will not mend
(DNS lookup failed, connection refused, no route, TLS handshake failed) is not
retried, and two distinct pages of each host failing so (robots.txt and the home
page, usually) close the spider with the finish reason ``site_unreachable``, the
host and the cause in the stats under ``archive/unreachable``. Failures a retry may
mend (timeouts, dropped connections) count once their retries are spent. Whatever
the cause, a crawl that runs out of pages without any answer closes the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from OpenSSL import SSL
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from archive_crawler.options import RunOptions
from archive_crawler.stats import Stat

logger = logging.getLogger(__name__)

SITE_UNREACHABLE = "site_unreachable"
# Distinct pages of a host failing for good before the host counts as unreachable.
PAGES_TO_GIVE_UP = 2

# Exception class name -> (what a user reads, whether a retry is pointless).
CONNECTION_CAUSES = {
    "CannotResolveHostError": ("DNS lookup failed", True),
    "DNSLookupError": ("DNS lookup failed", True),
    "DownloadConnectionRefusedError": ("connection refused", True),
    "ConnectionRefusedError": ("connection refused", True),
    "NoRouteError": ("no route to host", True),
    "ConnectError": ("cannot connect", True),
    "DownloadTimeoutError": ("timed out", False),
    "TimeoutError": ("timed out", False),
    "TCPTimedOutError": ("timed out", False),
    "DownloadFailedError": ("connection failed", False),
    "ResponseNeverReceived": ("connection failed", False),
    "ResponseFailed": ("connection failed", False),
    "ConnectionLost": ("connection lost", False),
    "ConnectionDone": ("connection lost", False),
}


@dataclass(frozen=True)
class ConnectionCause:
    """Why no answer came: ``text`` for the user, ``definitive`` when retrying cannot help."""

    text: str
    definitive: bool


def connection_cause(exception: BaseException) -> ConnectionCause | None:
    """Why a download got no answer at all, or None for any other failure (an HTTP error, a refusal).

    >>> connection_cause(ConnectionRefusedError())
    ConnectionCause(text='connection refused', definitive=True)
    >>> connection_cause(ValueError()) is None
    True
    """
    if tls_failed(exception):
        return ConnectionCause("TLS handshake failed", True)
    known = CONNECTION_CAUSES.get(type(exception).__name__)
    return ConnectionCause(*known) if known else None


def tls_failed(exception: BaseException | None) -> bool:
    """Whether an OpenSSL error lies behind the exception (Twisted wraps it in ``reasons``)."""
    while exception is not None:
        if isinstance(exception, SSL.Error):
            return True
        if any(getattr(reason, "check", lambda _: False)(SSL.Error) for reason in getattr(exception, "reasons", ())):
            return True
        exception = exception.__cause__
    return False


class SiteReachabilityMiddleware:
    """Closes the spider as ``site_unreachable`` when none of the crawl's hosts ever answers."""

    def __init__(self, crawler, hosts):
        self.crawler = crawler
        self.hosts = set(hosts)
        self.answered = False
        self.stopping = False
        self.failed: dict[str, dict[str, str]] = {}  # host -> {url: cause}, until the first answer

    @classmethod
    def from_crawler(cls, crawler):
        options = RunOptions.of(crawler)
        if not crawler.settings.getbool("ARCHIVE_STOP_UNREACHABLE", True) or options.replay:
            raise NotConfigured  # a replay never touches the network
        hosts = list(options.hosts)
        if options.wayback:  # read from a web archive: it is the host that must answer
            hosts = [host for host in (urlsplit(options.wayback).hostname,) if host]
        middleware = cls(crawler, hosts)
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        return middleware

    def on_site(self, url: str) -> bool:
        return not self.hosts or urlsplit(url).hostname in self.hosts

    def process_response(self, request, response):
        if not self.answered and self.on_site(request.url):
            self.answered = True
            self.failed.clear()
        return response

    def process_exception(self, request, exception):
        if self.answered or not self.on_site(request.url):
            return None
        cause = connection_cause(exception)
        if cause is None:
            return None
        if cause.definitive or self.stopping:
            request.meta["dont_retry"] = True  # nothing ever answered: a retry would only make the wait longer
        if self.stopping or not (cause.definitive or self.last_attempt(request)):
            return None
        host = urlsplit(request.url).hostname or ""
        self.failed.setdefault(host, {})[request.url] = cause.text
        if all(len(self.failed.get(name, ())) >= PAGES_TO_GIVE_UP for name in self.hosts or [host]):
            self.stop(host, cause.text)
        return None

    def last_attempt(self, request) -> bool:
        settings = self.crawler.settings
        if not settings.getbool("RETRY_ENABLED") or request.meta.get("dont_retry"):
            return True
        retries = request.meta.get("max_retry_times", settings.getint("RETRY_TIMES"))
        return request.meta.get("retry_times", 0) >= retries

    def spider_idle(self):
        """Out of pages and not one answer: unreachable, whatever the failures were."""
        if self.answered or self.stopping or not self.failed:
            return
        host, urls = next(iter(self.failed.items()))
        self.note(host, list(urls.values())[-1])
        raise CloseSpider(SITE_UNREACHABLE)

    def stop(self, host: str, cause: str) -> None:
        self.note(host, cause)
        # Pages already waiting in the downloader fail at once instead of one per DOWNLOAD_DELAY.
        for slot in self.crawler.engine.downloader.slots.values():
            slot.delay = 0
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=SITE_UNREACHABLE))

    def note(self, host: str, cause: str) -> None:
        self.stopping = True
        self.crawler.stats.set_value(Stat.UNREACHABLE, {"host": host, "cause": cause})
        tried = "; ".join(f"{urlsplit(url).path or '/'}: {text}" for url, text in self.failed.get(host, {}).items())
        logger.error("No answer from %s (%s): stopping the crawl (%s)", host, tried, SITE_UNREACHABLE)


def unreachable_message(stats: dict) -> str:
    """The one line a user reads when the crawl stopped as ``site_unreachable``.

    >>> unreachable_message({Stat.UNREACHABLE: {"host": "example.org", "cause": "connection refused"}})
    'Cannot reach example.org: connection refused'
    """
    where = stats.get(Stat.UNREACHABLE) or {}
    return f"Cannot reach {where.get('host') or 'the site'}: {where.get('cause') or 'no answer'}"
