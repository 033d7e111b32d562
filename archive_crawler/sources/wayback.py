"""Pages from a Wayback-compatible web archive (the Internet Archive, pywb), as if from the site.

With ``-a wayback=PREFIX`` every request for the original site is answered by its best capture
in the archive: :class:`WaybackMiddleware` enumerates the site's captures once through the CDX
API, picks a capture per URL (the latest, the earliest, or the one closest to a date, always a
200 with a real page first), fetches it raw (``{PREFIX}/{timestamp}id_/{url}``, never the
rewritten replay page) and hands it on under its original URL, stamped with its capture time.
Captured redirects are followed inside the archive; captures that are errors (a 200 carrying an
error page included) give way to the next best. Since the rest of the crawl sees the original
site, profiles, navigation, the state, the cache and WARC writing work unchanged, and a replay of
what was written gives the same records. With ``-a fallback=PREFIX`` a live crawl takes from the
archive only the pages the site no longer serves (:class:`FallbackMiddleware`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive_crawler.messages import NotCaptured
from archive_crawler.options import RunOptions
from archive_crawler.sources.middlewares import ARCHIVE_URL_HEADER, FETCHED_AT_HEADER, READ_AT_HEADER
from archive_crawler.sources.responses import build_response
from archive_crawler.stats import Stat

logger = logging.getLogger(__name__)

INNER = "archive_inner"  # meta flag of the requests that go to the archive itself
FROM_ARCHIVE = "from_archive"  # meta flag of a live request to be answered from the archive
PLAYBACK = "archive_playback"  # meta flag of a capture's raw playback (kept as the site's page, not as itself)
CDX_PAGE_ROWS = 50_000  # rows asked per CDX query: a fuller answer may be cut, and is split in time
CDX_MAX_ROWS = 3_000_000  # rows read per run at most: a CDX that never ends is a trap
CDX_MAX_PREFIX = 12  # characters: a URL prefix is not split beyond this
# Characters a URL key (lowercased, as the CDX writes it) goes on with, to split a prefix query.
URL_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%/"
CDX_MAX_QUERIES = 20_000  # CDX queries per run at most
# Headers an archive adds to a capture, or that describe its transfer rather than the capture.
ARCHIVE_HEADERS = {b"memento-datetime", b"link", b"content-location", b"content-encoding", b"transfer-encoding",
                   b"content-length", b"date", b"server", b"set-cookie"}
ERROR_TITLE = re.compile(r"<title[^>]*>[^<]*(?:page not found|not found|404|error|hrm\b|wayback machine)[^<]*</title>",
                         re.IGNORECASE)
ERROR_BODY_CLASS = re.compile(rb"<body[^>]*class=[\"'][^\"']*\berror404\b", re.IGNORECASE)
SHARE_QUERY = re.compile(r"^(?:share|utm_\w+|fbclid|gclid|amp|replytocom|nb)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Capture:
    """One capture of a URL in the archive."""

    timestamp: str  # YYYYMMDDhhmmss, UTC
    url: str  # the URL as captured
    status: int | None  # None for a revisit (the same as an earlier capture)
    mime: str = ""

    @property
    def moment(self) -> datetime:
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def cdx_endpoint(prefix: str) -> str:
    """The CDX API of a playback root: the Internet Archive's own, else ``{PREFIX}/cdx`` (pywb)."""
    parts = urlsplit(prefix)
    if parts.hostname and parts.hostname.endswith("archive.org"):
        return f"{parts.scheme}://{parts.netloc}/cdx/search/cdx"
    return prefix.rstrip("/") + "/cdx"


def parse_cdx(body: bytes) -> tuple[list[Capture], int, str | None]:
    """(captures, rows read, a resume key) of a CDX answer in either JSON form: one object per line
    (pywb) or a list of rows under a row of field names (the Internet Archive). Raises ValueError."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], 0, None
    if text.startswith("["):
        rows = json.loads(text)
        if not rows:
            return [], 0, None
        names, rows = rows[0], rows[1:]
        resume = None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:  # showResumeKey: an empty row, then the key
            resume, rows = rows[-1][0], rows[:-2]
        records = [dict(zip(names, row, strict=False)) for row in rows if isinstance(row, list)]
    else:
        records, resume = [], None
        for line in text.splitlines():
            if line.strip():
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("a CDX line is no JSON object")
                records.append(record)
    captures = []
    for record in records:
        url = record.get("original") or record.get("url")
        stamp = str(record.get("timestamp") or "")
        if not url or not stamp.isdigit():
            continue
        status = str(record.get("statuscode") or record.get("status") or "")
        mime = record.get("mimetype") or record.get("mime") or ""
        captures.append(Capture(stamp, url, int(status) if status.isdigit() else None, mime))
    return captures, len(records), resume


class CaptureIndex:
    """Every capture of the site, by the canonical form of the URL captured."""

    def __init__(self, base_url: str, choice: str = "latest"):
        base = urlsplit(base_url)
        self.scheme, self.host = base.scheme, bare_host(base.netloc)
        self.choice = choice
        self.by_key: dict[str, list[Capture]] = {}
        self.rows = 0

    def canonical(self, url: str) -> str | None:
        """The URL on the crawled site's scheme and host (any scheme, ``www.`` or not), no share or
        tracking query; None for another site."""
        parts = urlsplit(url.strip())
        if bare_host(parts.netloc) != self.host:
            return None
        query = "&".join(pair for pair in parts.query.split("&")
                         if pair and not SHARE_QUERY.match(pair.split("=", 1)[0]))
        return urlunsplit((self.scheme, urlsplit(f"//{self.host}").netloc, parts.path or "/", query, ""))

    def add(self, capture: Capture) -> None:
        url = self.canonical(capture.url)
        if url is not None:
            captures = self.by_key.setdefault(self.key(url), [])
            if capture not in captures:
                captures.append(capture)

    @staticmethod
    def key(url: str) -> str:
        """Host, path without its trailing slash, and the query: how captures of one page are matched."""
        parts = urlsplit(url)
        return f"{bare_host(parts.netloc)}{parts.path.rstrip('/') or '/'}" + (f"?{parts.query}" if parts.query else "")

    def pages(self) -> list[str]:
        """The canonical URL of every page with a real capture (a 200, not a redirect), in URL order."""
        return sorted(url for captures in self.by_key.values()
                      if any(capture.status == 200 for capture in captures)
                      and (url := self.canonical(captures[0].url)) is not None)  # never None: see add()

    def candidates(self, url: str) -> list[Capture]:
        """The captures of a URL, best first: real pages (200) in the order of ``choice``, then
        redirects, then revisits, then errors."""
        captures = self.by_key.get(self.key(url), [])
        return sorted(captures, key=lambda capture: (self.rank(capture), self.distance(capture)))

    @staticmethod
    def rank(capture: Capture) -> int:
        if capture.status == 200:
            return 0
        if capture.status in (301, 302, 303, 307, 308):
            return 1
        if capture.status is None:
            return 2
        return 3

    def distance(self, capture: Capture) -> float:
        if self.choice == "latest":
            return -capture.moment.timestamp()
        if self.choice == "earliest":
            return capture.moment.timestamp()
        wanted = datetime.combine(date.fromisoformat(self.choice), datetime.min.time(), timezone.utc)
        return abs((capture.moment - wanted).total_seconds())


def bare_host(netloc: str) -> str:
    host = netloc.lower().split("@")[-1]
    return host[4:] if host.startswith("www.") else host


def soft_error(response) -> bool:
    """A 200 that carries an error page (the site's "not found", or the archive's own)."""
    head = response.body[:4096]
    return bool(ERROR_BODY_CLASS.search(response.body[:65536]) or ERROR_TITLE.search(
        head.decode("utf-8", "replace")))


class Wayback:
    """Reads captures from one archive: its CDX API, and raw captures through ``id_`` playback."""

    def __init__(self, download, stats, prefix: str, cdx_url: str | None, choice: str,
                 page_rows: int = CDX_PAGE_ROWS):
        self.fetch = download  # async (request) -> response: the crawl's downloader, or stored pages
        self.stats = stats
        self.prefix = prefix.rstrip("/")
        self.cdx_url = cdx_url or cdx_endpoint(prefix)
        self.choice = choice
        self.page_rows = page_rows

    async def download(self, url: str, **meta):
        """A request to the archive, through the downloader's middlewares (retries, Retry-After,
        decompression capped by DOWNLOAD_MAXSIZE). CDX answers are kept in the cache and in WARC
        like any page, so a replay finds the same captures; a capture is kept under its original URL."""
        request = Request(url, meta={INNER: True, "dont_obey_robotstxt": True, "dont_redirect": True,
                                     "allow_offsite": True, "handle_httpstatus_all": True, **meta})
        return await self.fetch(request)

    async def query(self, url: str, extra: dict | None = None) -> bytes | None:
        query = {"url": url, "output": "json", "limit": self.page_rows, **(extra or {})}
        try:
            response = await self.download(f"{self.cdx_url}?{urlencode(query)}")
        except Exception as error:  # the archive's failures are counted and logged where they happen
            self.stats.inc_value(Stat.WAYBACK_CDX_ERRORS)
            logger.warning("The archive's CDX gave no answer to %s: %s", url, type(error).__name__)
            return None
        if response.status != 200:
            logger.warning("The archive's CDX answered %d to %s", response.status, response.url)
            self.stats.inc_value(Stat.WAYBACK_CDX_ERRORS)
            return None
        return response.body

    async def captures_of(self, url: str, index: CaptureIndex) -> None:
        """Every capture of one URL (fallback mode asks page by page)."""
        body = await self.query(url, {"allowFuzzy": "false"})
        try:
            captures, _, _ = parse_cdx(body or b"")
        except ValueError as error:
            logger.warning("Malformed CDX answer for %s: %s", url, error)
            return
        for capture in captures:
            index.add(capture)

    async def enumerate(self, index: CaptureIndex) -> None:
        """Every capture of the site. An answer as long as the rows asked for may have been cut (pywb
        cuts silently, and pages only its own indexes): it is asked again split by URL prefix. An
        archive that gives a resume key (the Internet Archive) is read on with it, never twice."""
        host = index.host
        prefixes: list[str | None] = [None]  # None: the whole site; else a path prefix
        queries = 0
        while prefixes and index.rows < CDX_MAX_ROWS and queries < CDX_MAX_QUERIES:
            prefix = prefixes.pop(0)
            resume, seen_keys = None, set()
            while True:
                if prefix is None:
                    url, extra = host, {"matchType": "domain"}
                else:
                    url, extra = f"{host}/{prefix}", {"matchType": "exact" if prefix.endswith("\0") else "prefix"}
                    url = url.rstrip("\0")
                extra["showResumeKey"] = "true"
                if resume:
                    extra["resumeKey"] = resume
                queries += 1
                try:
                    captures, rows, next_resume = parse_cdx(await self.query(url, extra) or b"")
                except ValueError as error:
                    self.stats.inc_value(Stat.WAYBACK_CDX_MALFORMED)
                    logger.warning("Malformed CDX answer for %s: %s", url, error)
                    break
                self.stats.inc_value(Stat.WAYBACK_CDX_ROWS, rows)
                honoured = prefix is None or any(  # an archive that ignores the prefix is not asked deeper
                    urlsplit(capture.url).path.lower().lstrip("/").startswith(prefix.rstrip("\0"))
                    for capture in captures)
                if rows >= self.page_rows and not next_resume and len(prefix or "") < CDX_MAX_PREFIX and honoured:
                    # Perhaps cut: the page itself, then every longer prefix.
                    base = prefix or ""
                    prefixes[:0] = ([f"{base}\0"] if base else []) + [base + char for char in URL_CHARACTERS]
                    self.stats.inc_value(Stat.WAYBACK_CDX_SPLITS)
                    break
                index.rows += rows
                for capture in captures:
                    index.add(capture)
                if not next_resume or next_resume in seen_keys or index.rows >= CDX_MAX_ROWS:
                    if next_resume in seen_keys:
                        self.stats.inc_value(Stat.WAYBACK_CDX_LOOPS)
                        logger.warning("The CDX gave the same resume key twice: stopped reading %s", url)
                    break
                seen_keys.add(next_resume)
                resume = next_resume
        if index.rows >= CDX_MAX_ROWS or queries >= CDX_MAX_QUERIES:
            self.stats.set_value(Stat.WAYBACK_CDX_BOUNDED, True)
            logger.warning("Stopped reading the CDX after %d queries and %d rows: the rest is left", queries,
                           index.rows)
        logger.info("The archive holds %d pages of %s (%d captures)", len(index.by_key), host, index.rows)

    def playback(self, capture: Capture) -> str:
        return f"{self.prefix}/{capture.timestamp}id_/{capture.url}"

    async def best_response(self, request, index: CaptureIndex, archived: str | None = None):
        """The response of the best capture of the request's URL (as the archive knows it:
        ``archived``), under the URL requested; None when the archive holds none."""
        fallback = None
        for capture in index.candidates(archived or request.url)[:8]:
            inner = await self.download(self.playback(capture), dont_cache=True, **{PLAYBACK: True})
            if inner.status == 404 and b"could not be found in this collection" in inner.body[:2048]:
                continue  # pywb's own "URL Not Found": not the site's answer
            response = self.as_original(request, capture, inner, index)
            if response.status == 200 and soft_error(response):
                self.stats.inc_value(Stat.WAYBACK_SOFT_ERRORS)
                fallback = fallback or response
                continue
            if response.status < 400:
                return response
            fallback = fallback or response
        return fallback

    def as_original(self, request, capture: Capture, inner, index: CaptureIndex):
        """A capture as the site answered it: the original status, headers and body, the URL
        requested, the capture time as the fetch time, and the playback URL used."""
        headers = [(name, value) for name, values in inner.headers.items()
                   if name.lower() not in ARCHIVE_HEADERS and not name.lower().startswith(b"x-archive-")
                   for value in values]
        # The record's time is the capture's; when this harvest read it orders a replay's writing,
        # so a replay keeps the same copy of a story read twice.
        stamp = capture.moment.isoformat(timespec="microseconds")
        read_at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        headers += [(FETCHED_AT_HEADER, stamp.encode()), (ARCHIVE_URL_HEADER, inner.url.encode()),
                    (READ_AT_HEADER, read_at.encode())]
        location = inner.headers.get(b"Location")
        if location:
            # A captured redirect names the live site (or the archive's playback of it): back onto the
            # crawled site, where the next request is answered from the archive again.
            target = urljoin(request.url, location.decode("latin-1"))
            target = target.split("id_/", 1)[-1] if "id_/" in urlsplit(target).path else target
            headers = [(name, value) for name, value in headers if name.lower() != b"location"]
            headers.append((b"Location", (index.canonical(target) or target).encode("latin-1")))
        return build_response(request.url, inner.status, headers, inner.body, flags=["wayback"])


class WaybackMiddleware:
    """Answer requests for the site with their best capture: every request with ``-a wayback=PREFIX``,
    the requests :class:`FallbackMiddleware` sends back with ``-a fallback=PREFIX``.

    It sits next to the network, below the page cache and the WARC writer, so what they keep is
    the capture under its original URL, dated at its capture time.
    """

    def __init__(self, crawler, wayback: Wayback, base_url: str, every_request: bool, archived_base: str | None):
        self.stats = crawler.stats
        self.wayback = wayback
        self.base_url = base_url
        self.every_request = every_request
        # A mirror of a site the archive knows under its real address (the profile's base_url).
        self.archived_base = archived_base if archived_base and bare_host(urlsplit(archived_base).netloc) != \
            bare_host(urlsplit(base_url).netloc) else None
        self.index = CaptureIndex(base_url, wayback.choice)
        self.enumerated: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings, options = crawler.settings, RunOptions.of(crawler)
        if options.archive_url is None:
            raise NotConfigured
        wayback = Wayback(lambda request: crawler.engine.download_async(request), crawler.stats, options.archive_url,
                          settings.get("ARCHIVE_CDX_URL"), options.capture,
                          settings.getint("ARCHIVE_CDX_PAGE_ROWS", CDX_PAGE_ROWS))
        return cls(crawler, wayback, options.base_url, options.wayback is not None, options.profile.base_url)

    def archived(self, url: str) -> str:
        """A URL as the archive knows it: a mirror's pages under the real site's address."""
        if self.archived_base is None:
            return url
        parts, base = urlsplit(url), urlsplit(self.archived_base)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))

    async def captures(self) -> CaptureIndex:
        """The index, read from the CDX on first need (every request waits for the one reading)."""
        if self.enumerated is None:
            self.enumerated = asyncio.ensure_future(self.wayback.enumerate(self.index))
        await asyncio.shield(self.enumerated)
        return self.index

    async def process_request(self, request):
        if request.meta.get(INNER):
            return None
        if self.every_request:
            index = await self.captures()
        elif request.meta.get(FROM_ARCHIVE):
            archived = self.archived(request.url)
            index = CaptureIndex(archived, self.wayback.choice)
            await self.wayback.captures_of(archived, index)
            response = await self.wayback.best_response(request, index, archived)
            if response is None or response.status >= 400:  # the archive has nothing better than the site
                self.stats.inc_value(Stat.WAYBACK_FALLBACK_MISSED)
                raise NotCaptured(f"No capture of {request.url} in {self.wayback.prefix}")
            self.stats.inc_value(Stat.WAYBACK_FALLBACKS)
            logger.info("Gone from the site, taken from the archive: %s", request.url)
            request.meta["dont_retry"] = True
            return response
        else:
            return None
        response = await self.wayback.best_response(request, index)
        if response is None:
            self.stats.inc_value(Stat.WAYBACK_NOT_CAPTURED)
            raise NotCaptured(f"No capture of {request.url} in {self.wayback.prefix}")
        self.stats.inc_value(Stat.WAYBACK_CAPTURES_USED)
        request.meta["dont_retry"] = True  # a captured error stays what it was
        return response


class FallbackMiddleware:
    """A live crawl of a half-dead site (``-a fallback=PREFIX``): a page that is gone (404, 410) or
    fails after the retries is asked for again, to be answered from the archive."""

    @classmethod
    def from_crawler(cls, crawler):
        options = RunOptions.of(crawler)
        if options.fallback is None or options.replay:
            raise NotConfigured
        return cls()

    @staticmethod
    def from_archive(request):
        if request.meta.get(INNER) or request.meta.get(FROM_ARCHIVE):
            return None
        return request.replace(meta={**request.meta, FROM_ARCHIVE: True}, dont_filter=True)

    def process_response(self, request, response):
        if response.status in (404, 410) or response.status >= 500:
            return self.from_archive(request) or response
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest):  # refused on purpose (robots.txt, off the site): not lost
            return None
        return self.from_archive(request)
