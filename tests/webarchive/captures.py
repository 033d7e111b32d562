"""Web-archive captures as plain data, written to WARC files that pywb (or any reader) can replay.

A test states what an archive holds as a list of ``Capture`` values (the helpers below cover the
usual shapes: a good page, a redirect, an error, a soft error, robots.txt, gzip and chunked
bodies) and ``write_warc`` turns them into request + response records, one pair per capture,
each dated at its capture time (the WARC-Date is what pywb indexes as the CDX timestamp).

    write_warc(tmp_path / "site.warc.gz", [
        redirect("https://example.com/a", "20150101000000", "https://example.com/b"),
        error("https://example.com/a", "20160101000000", 500),
        page("https://example.com/a", "20170101000000", "<html>...</html>"),
        page("https://example.com/b?share=twitter", "20170101000000", "<html>...</html>"),
    ])
"""

from __future__ import annotations

import gzip as gzip_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

HTML = "text/html; charset=UTF-8"
STATUS_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
                  307: "Temporary Redirect", 308: "Permanent Redirect", 403: "Forbidden", 404: "Not Found",
                  410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
                  502: "Bad Gateway", 503: "Service Unavailable"}
Headers = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Capture:
    """One capture of a URL: the HTTP response an archive recorded and when (``YYYYMMDDhhmmss``, UTC).

    ``body`` is stored byte for byte, so a gzip or chunked body must already be encoded (see
    ``gzipped`` and ``chunked``); a ``Content-Length`` header is added when neither it nor
    ``Transfer-Encoding`` is given. ``revisit=True`` writes a revisit record pointing at the
    latest earlier capture of the same URL in the same file, whose body must be identical.
    """

    url: str
    timestamp: str
    status: int = 200
    headers: Headers = ()
    body: bytes | str = b""
    revisit: bool = False
    reason: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        datetime.strptime(self.timestamp, "%Y%m%d%H%M%S")  # a bad timestamp fails here, not inside pywb
        pairs = tuple(self.headers.items()) if isinstance(self.headers, Mapping) else tuple(self.headers)
        object.__setattr__(self, "headers", tuple((str(name), str(value)) for name, value in pairs))
        if isinstance(self.body, str):
            object.__setattr__(self, "body", self.body.encode("utf-8"))

    # What __post_init__ made of the headers and the body given.
    @property
    def header_pairs(self) -> tuple[tuple[str, str], ...]:
        return cast("tuple[tuple[str, str], ...]", self.headers)

    @property
    def payload(self) -> bytes:
        return cast(bytes, self.body)

    @property
    def warc_date(self) -> str:
        stamp = self.timestamp
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:14]}Z"

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.header_pairs if key.lower() == name.lower()), None)

    def http_headers(self) -> list[tuple[str, str]]:
        """The response headers as recorded: the given ones plus Content-Length where none frames the body."""
        headers = list(self.header_pairs)
        if self.header("Content-Length") is None and self.header("Transfer-Encoding") is None:
            headers.append(("Content-Length", str(len(self.payload))))
        return headers

    def status_line(self) -> str:
        return f"{self.status} {self.reason or STATUS_REASONS.get(self.status, 'Unknown')}"


def page(url: str, timestamp: str, html: str | bytes, *, status: int = 200, headers: Headers = ()) -> Capture:
    """A page as a server sent it (an HTML content type unless ``headers`` names one)."""
    return Capture(url, timestamp, status, _with_content_type(headers, HTML), html)


def redirect(url: str, timestamp: str, location: str, *, status: int = 301) -> Capture:
    """A captured redirect (``location`` as the live site sent it, usually an absolute live URL)."""
    body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
    return Capture(url, timestamp, status, [("Content-Type", HTML), ("Location", location)], body)


def error(url: str, timestamp: str, status: int = 404, body: str | bytes | None = None) -> Capture:
    """A captured error page (404, 500, ...)."""
    reason = STATUS_REASONS.get(status, "")
    text = body if body is not None else f"<html><body><h1>{status} {reason}</h1></body></html>"
    return Capture(url, timestamp, status, [("Content-Type", HTML)], text)


def soft_error(url: str, timestamp: str, body: str | bytes | None = None) -> Capture:
    """A 200 answer that is an error in all but status (the 'page not found' page served with 200)."""
    text = body if body is not None else (
        "<html><head><title>Page not found</title></head>"
        "<body><h1>Oops! That page can't be found.</h1></body></html>")
    return Capture(url, timestamp, 200, [("Content-Type", HTML)], text)


def robots_txt(origin: str, timestamp: str, text: str) -> Capture:
    """``{origin}/robots.txt`` as captured (``origin`` like ``https://example.com``)."""
    return Capture(origin.rstrip("/") + "/robots.txt", timestamp, 200, [("Content-Type", "text/plain")], text)


def gzipped(capture: Capture) -> Capture:
    """The same capture with its body sent gzip-compressed (``Content-Encoding: gzip``)."""
    headers = [(k, v) for k, v in capture.header_pairs if k.lower() not in ("content-length", "content-encoding")]
    body = gzip_module.compress(capture.payload, mtime=0)
    return replace(capture, headers=[*headers, ("Content-Encoding", "gzip")], body=body)


def chunked(capture: Capture, chunk_size: int = 64) -> Capture:
    """The same capture with its body sent in HTTP/1.1 chunks (``Transfer-Encoding: chunked``)."""
    headers = [(k, v) for k, v in capture.header_pairs if k.lower() not in ("content-length", "transfer-encoding")]
    payload = capture.payload
    body = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + chunk_size]), payload[i:i + chunk_size])
                    for i in range(0, len(payload), chunk_size)) + b"0\r\n\r\n"
    return replace(capture, headers=[*headers, ("Transfer-Encoding", "chunked")], body=body)


def url_variant(url: str, *, scheme: str | None = None, host: str | None = None,
                query: str | None = None) -> str:
    """``url`` with another scheme, host or query: ``url_variant(u, scheme="http")``,
    ``url_variant(u, query="share=twitter")``, ``url_variant(u, host="www.example.com")``."""
    parts = urlsplit(url)
    return parts._replace(scheme=scheme if scheme is not None else parts.scheme,
                          netloc=host if host is not None else parts.netloc,
                          query=query if query is not None else parts.query).geturl()


def write_warc(path: str | Path, captures: Iterable[Capture], *, warc_version: str = "1.1",
               compress: bool | None = None) -> Path:
    """Write ``captures`` as a WARC file (gzip per record when the name ends in ``.gz``); return its path."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = Path(path)
    compress = path.name.endswith(".gz") if compress is None else compress
    written: dict[str, list[tuple[Capture, str]]] = {}  # url -> [(capture, payload digest)]
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress, warc_version=warc_version)
        for capture in captures:
            http_headers = StatusAndHeaders(capture.status_line(), capture.http_headers(),
                                            protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": capture.warc_date}
            if capture.revisit:
                original, digest = _revisited(capture, written.get(capture.url, []))
                response = writer.create_revisit_record(
                    capture.url, digest, original.url, original.warc_date, http_headers=http_headers,
                    warc_headers_dict=warc_headers)
            else:
                response = writer.create_warc_record(
                    capture.url, "response", payload=BytesIO(capture.payload), length=len(capture.payload),
                    http_headers=http_headers, warc_headers_dict=warc_headers)
                digest = response.rec_headers.get_header("WARC-Payload-Digest")
            request = writer.create_warc_record(capture.url, "request", warc_headers_dict=warc_headers,
                                                http_headers=_request_headers(capture.url))
            writer.write_request_response_pair(request, response)
            written.setdefault(capture.url, []).append((capture, digest))
    return path


def _revisited(capture: Capture, earlier: list[tuple[Capture, str]]) -> tuple[Capture, str]:
    candidates = [(c, d) for c, d in earlier if c.timestamp < capture.timestamp and not c.revisit]
    if not candidates:
        raise ValueError(f"revisit of {capture.url} at {capture.timestamp}:"
                         " no earlier capture of it in this file")
    original, digest = max(candidates, key=lambda pair: pair[0].timestamp)
    if original.body != capture.body:
        raise ValueError(f"revisit of {capture.url} at {capture.timestamp}: its body differs from the capture"
                         f" of {original.timestamp}")
    return original, digest


def _request_headers(url: str):
    from warcio.statusandheaders import StatusAndHeaders

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc), ("User-Agent", "archive-test"),
                                                       ("Accept", "*/*")], is_http_request=True)


def _with_content_type(headers: Headers, default: str) -> list[tuple[str, str]]:
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    if not any(name.lower() == "content-type" for name, _ in pairs):
        pairs.insert(0, ("Content-Type", default))
    return pairs
