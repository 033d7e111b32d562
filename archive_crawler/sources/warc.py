"""WARC: write every live response as WARC records, and replay a crawl from WARC files.

Writing (``-s ARCHIVE_WARC=PATH``): a request and a response record per page, with
the status line, headers and body as received, in a ``.warc.gz`` file or, for a
folder, in rolling files. Reading (``-a replay=PATH``): an index of the response,
resource and revisit records of one file or a folder of files, WARC or ARC, from
this crawler or any other tool; broken files are reported with file and offset
and what could be read is kept.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from w3lib.url import canonicalize_url

from archive_crawler import __version__
from archive_crawler.messages import PayloadTooLarge, ReplayMissing, ReplayUnreadable
from archive_crawler.options import RunOptions
from archive_crawler.sources.cache import report_missing
from archive_crawler.sources.middlewares import FETCHED_AT_HEADER
from archive_crawler.sources.responses import build_response
from archive_crawler.sources.wacz import cdxj_line
from archive_crawler.stats import Stat

if TYPE_CHECKING:
    from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# Headers describing the bytes on the wire, not the payload the reader gets back.
TRANSFER_HEADERS = {b"transfer-encoding", b"content-encoding", b"content-length"}


def warc_date(stamp: str | None) -> str:
    """A WARC-Date (WARC/1.1, microseconds) for an ISO time, or for now."""
    moment = datetime.fromisoformat(stamp) if stamp else datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcFileSet:
    """One WARC file, or rolling files in a folder, appended to record by record."""

    def __init__(self, path: str | Path, max_bytes: int):
        from warcio.warcwriter import WARCWriter

        self._writer_class = WARCWriter
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.rolling = not self.path.name.endswith(WARC_SUFFIXES)
        self.handle: io.BufferedWriter | None = None
        self.writer: WARCWriter | None = None
        self.serial = 0
        self.written: list[Path] = []  # every file written to
        self.index: list[str] | None = None  # CDXJ lines of every response, when a WACZ is to be made

    def _open(self) -> tuple[io.BufferedWriter, WARCWriter]:
        if self.rolling:
            self.path.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
            self.serial += 1
            target = self.path / f"archive-crawler-{stamp}-{os.getpid()}-{self.serial:05d}.warc.gz"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            target = self.path
        self.handle = handle = open(target, "ab")  # noqa: SIM115 - stays open across writes until close()
        self.target = target
        self.written.append(target)
        self.writer = writer = self._writer_class(handle, gzip=True, warc_version="1.1")
        info = {"software": f"archive-crawler/{__version__} (Scrapy, warcio)", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(target.name, info))
        return handle, writer

    def write(self, *records_args) -> None:
        handle, writer = self.handle, self.writer  # both set by _open, both cleared by close
        if handle is None or writer is None or (self.rolling and handle.tell() >= self.max_bytes):
            self.close()
            handle, writer = self._open()
        for uri, record_type, payload, http_headers, warc_headers in records_args:
            record = writer.create_warc_record(
                uri, record_type, payload=io.BytesIO(payload), http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            offset = handle.tell()
            writer.write_record(record)
            if self.index is not None and record_type == "response":
                self.index.append(cdxj_line(uri, warc_headers["WARC-Date"], {
                    "mime": (http_headers.get_header("Content-Type") or "").split(";")[0].strip(),
                    "status": http_headers.get_statuscode(),
                    "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                    "length": str(handle.tell() - offset), "offset": str(offset),
                    "filename": self.target.name}))
        handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = self.writer = None


class WarcWriterMiddleware:
    """Downloader middleware next to the network: records each fresh response in WARC."""

    def __init__(self, files: WarcFileSet, stats, wacz: str | None = None):
        self.files = files
        self.stats = stats
        self.wacz = wacz
        self.pages: list[dict] = []  # article pages, for a WACZ

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        path, wacz = settings.get("ARCHIVE_WARC"), settings.get("ARCHIVE_WACZ")
        if not (path or wacz) or RunOptions.of(crawler).replay:
            raise NotConfigured  # no message: switched off is the usual case
        # A WACZ alone is made of rolling files in a folder next to it, removed once packaged.
        files = WarcFileSet(path or f"{wacz}.warcs", settings.getint("ARCHIVE_WARC_MAX_BYTES"))
        middleware = cls(files, crawler.stats, wacz)
        if wacz:
            files.index = []
            crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.close, signal=signals.engine_stopped)
        return middleware

    def item_scraped(self, item, response, spider) -> None:
        fetched = response.headers.get(FETCHED_AT_HEADER)
        stamp = warc_date(fetched.decode() if fetched else None)
        self.pages.append({"id": f"page-{len(self.pages) + 1}", "url": response.url, "ts": stamp,
                           "title": getattr(item, "title", None) or ""})

    def close(self) -> None:
        self.files.close()
        if not self.wacz:
            return
        from archive_crawler.sources.wacz import write_wacz

        try:
            written = write_wacz(self.wacz, self.files.written, self.files.index or [], self.pages,
                                 title=f"archive-crawler harvest ({len(self.pages)} article pages)")
            logger.info("Wrote %s: %d WARC file(s), %d article pages", written, len(self.files.written),
                        len(self.pages))
            self.stats.set_value(Stat.WACZ_PAGES, len(self.pages))
            if not self.files.path.name.endswith(WARC_SUFFIXES) and self.files.path.name.endswith(".warcs"):
                shutil.rmtree(self.files.path, ignore_errors=True)
        except OSError as error:
            logger.error("Cannot write the WACZ %s: %s", self.wacz, error.strerror or error)

    def process_response(self, request, response):
        if "cached" in response.flags or request.meta.get("archive_playback"):
            return response  # a capture's raw playback is recorded as the site's page, under its URL
        from warcio.statusandheaders import StatusAndHeaders

        fetched = response.headers.get(FETCHED_AT_HEADER)
        date = warc_date(fetched.decode() if fetched else None)
        protocol = (response.protocol or "HTTP/1.1").upper()
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        response_headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            if name.lower() not in (FETCHED_AT_HEADER.lower(), b"transfer-encoding")
            for value in values
        ]
        target = request.url.split("://", 1)[-1].split("/", 1)
        path = "/" + (target[1] if len(target) > 1 else "")
        request_headers = [("Host", target[0])] + [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in request.headers.items() for value in values
        ]
        self.files.write(
            (request.url, "request", request.body,
             StatusAndHeaders(f"{request.method} {path} HTTP/1.1", request_headers, is_http_request=True),
             {"WARC-Date": date}),
            (response.url, "response", response.body,
             StatusAndHeaders(f"{response.status} {reason}".strip(), response_headers, protocol=protocol),
             {"WARC-Date": date}),
        )
        self.stats.inc_value(Stat.WARC_RECORDS_WRITTEN, 2)
        return response


@dataclass
class WarcIndex:
    """Where each captured URL's latest response sits: file and offset."""

    records: dict[str, tuple[Path, int, str]] = field(default_factory=dict)  # key -> (file, offset, date)
    errors: list[str] = field(default_factory=list)  # damage, with file and offset
    warnings: list[str] = field(default_factory=list)  # oddities warcio repaired
    files: int = 0

    def add(self, url: str, location: tuple[Path, int, str]) -> None:
        self.records[url_lookup_key(url)] = location

    def find(self, url: str) -> tuple[Path, int, str] | None:
        return self.records.get(url_lookup_key(url))


def url_lookup_key(url: str) -> str:
    url = url.strip().strip("<>")
    try:
        return canonicalize_url(url, keep_fragments=False)
    except ValueError:
        return url


def warc_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(child for child in path.rglob("*")
                      if child.is_file() and re.search(r"\.w?arc(?:\.|$)", child.name, re.IGNORECASE))
    return [path]


def build_index(path: str | Path) -> WarcIndex:
    """Index every readable response of the WARC/ARC files at ``path``; report broken ones."""
    index = WarcIndex()
    for file_path in warc_files(path):
        index.files += 1
        warnings = io.StringIO()
        with contextlib.redirect_stderr(warnings):  # warcio prints its complaints to stderr
            _index_file(file_path, index)
        for message in filter(None, (part.strip() for part in warnings.getvalue().split("\n\n"))):
            message = f"{file_path}: {' '.join(message.split())}"
            # warcio repairs spaces in target URIs itself; anything else it says is damage.
            (index.warnings if "Replacing spaces" in message else index.errors).append(message)
    for message in index.warnings:
        logger.info("WARC note: %s", message)
    for message in index.errors:
        logger.warning("WARC problem: %s", message)
    return index


def _index_file(file_path: Path, index: WarcIndex) -> None:
    from warcio.archiveiterator import ArchiveIterator

    by_digest: dict[str, tuple[Path, int, str]] = {}
    by_uri_date: dict[tuple[str, str], tuple[Path, int, str]] = {}
    offset = 0
    try:
        with open(file_path, "rb") as stream:
            iterator = ArchiveIterator(stream, arc2warc=True)
            for record in iterator:
                offset = iterator.get_record_offset()
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type not in ("response", "resource", "revisit") or not uri:
                    continue
                problem = _record_problem(record, uri)
                if problem:
                    index.errors.append(f"{file_path} at offset {offset}: {problem}")
                    continue
                date = record.rec_headers.get_header("WARC-Date") or ""
                location = (file_path, offset, date)
                if record.rec_type == "revisit":
                    location = _resolve_revisit(record, by_digest, by_uri_date, date)
                    if location is None:
                        index.errors.append(f"{file_path} at offset {offset}: revisit of {uri} has no original")
                        continue
                else:
                    digest = record.rec_headers.get_header("WARC-Payload-Digest")
                    if digest:
                        by_digest[digest] = location
                    by_uri_date[(uri, date)] = location
                index.add(uri, location)
    except Exception as error:  # a broken file: keep what was read, say where it broke
        detail = " ".join(str(error).split())
        index.errors.append(f"{file_path} after the record at offset {offset}: {type(error).__name__}: {detail}")


def _record_problem(record, uri: str) -> str | None:
    length = record.rec_headers.get_header("Content-Length") or "0"
    if not length.strip().isdigit():
        return f"invalid Content-Length {length!r} for {uri}"
    if record.rec_type == "response" and uri.startswith("http") and record.http_headers is None:
        return f"no HTTP status line in the response for {uri}"
    return None


def _resolve_revisit(record, by_digest, by_uri_date, date):
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    refers_uri = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
    refers_date = record.rec_headers.get_header("WARC-Refers-To-Date")
    original = by_uri_date.get((refers_uri, refers_date)) if refers_uri else None
    original = original or (by_digest.get(digest) if digest else None)
    return (original[0], original[1], date) if original else None


DEFAULT_MAX_SIZE = 8 * 1024 * 1024  # Scrapy's DOWNLOAD_MAXSIZE of this project
READ_CHUNK = 1024 * 1024


def read_payload(stream, max_size: int, url: str) -> bytes:
    """A decoded payload (chunked, gzip, deflate, brotli), read piece by piece and given up past
    ``max_size`` bytes, as Scrapy gives up a live response: a decompression bomb never fills memory."""
    pieces, size = [], 0
    while piece := stream.read(READ_CHUNK):
        size += len(piece)
        if max_size and size > max_size:
            raise PayloadTooLarge(f"{url}: more than {max_size} bytes once decoded")
        pieces.append(piece)
    return b"".join(pieces)


def read_response(location: tuple[Path, int, str], url: str, max_size: int = DEFAULT_MAX_SIZE):
    """The Scrapy response stored at ``location``: payload decoded (chunked, gzip), original status;
    :class:`PayloadTooLarge` past ``max_size`` bytes once decoded."""
    from warcio.archiveiterator import ArchiveIterator

    file_path, offset, date = location
    with open(file_path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream, arc2warc=True)))
        body = read_payload(record.content_stream(), max_size, url)
        status, headers = 200, []
        if record.http_headers is not None:
            code = record.http_headers.get_statuscode()
            status = int(code) if code and code.isdigit() else 200
            headers = [(name, value) for name, value in record.http_headers.headers
                       if name.lower().encode("latin-1") not in TRANSFER_HEADERS]
        elif record.rec_headers.get_header("Content-Type"):
            headers = [("Content-Type", record.rec_headers.get_header("Content-Type"))]
    if date:
        stamp = datetime.fromisoformat(date.replace("Z", "+00:00")).astimezone(timezone.utc)
        headers.append((FETCHED_AT_HEADER, stamp.isoformat(timespec="microseconds")))
    return build_response(url, status, headers, body, flags=["warc"])


class WarcReplayMiddleware:
    """Serve every request of a replay from WARC files; never from the network."""

    def __init__(self, path: str, crawler):
        self.path = path
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE", DEFAULT_MAX_SIZE)
        self.index: WarcIndex | None = None

    @classmethod
    def from_crawler(cls, crawler):
        path = RunOptions.of(crawler).stored
        if not path:
            raise NotConfigured
        middleware = cls(path, crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider) -> None:
        path: str | Path = self.path
        if str(path).lower().endswith(".wacz"):
            from archive_crawler.sources.wacz import unpack_warcs

            path = self.unpacked = unpack_warcs(path)
            self.crawler.signals.connect(self.remove_unpacked, signal=signals.engine_stopped)
        self.index = build_index(path)
        self.stats.set_value(Stat.REPLAY_WARC_FILES, self.index.files)
        self.stats.set_value(Stat.REPLAY_WARC_RESPONSES, len(self.index.records))
        self.stats.set_value(Stat.REPLAY_WARC_ERRORS, len(self.index.errors))
        logger.info("Replaying from %d WARC file(s): %d captured URLs, %d problem(s)",
                    self.index.files, len(self.index.records), len(self.index.errors))

    def remove_unpacked(self) -> None:
        shutil.rmtree(self.unpacked, ignore_errors=True)

    def process_request(self, request):
        location = self.index.find(request.url) if self.index else None
        if location is None:
            report_missing(self.crawler, request.url, "missing", "Not in the WARC files, skipped: %s")
            raise ReplayMissing(f"Not in the WARC files: {request.url}")
        try:
            return read_response(location, request.url, self.max_size)
        except PayloadTooLarge:
            self.stats.inc_value(Stat.REPLAY_TOO_LARGE)
            raise
        except Exception as error:
            report_missing(self.crawler, request.url, "unreadable",
                           f"Unreadable WARC record for %s in {location[0]} at offset {location[1]}: {error}")
            raise ReplayUnreadable(f"Unreadable WARC record for {request.url}") from None
