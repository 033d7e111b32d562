"""Telling bad input from the site apart: failed fetches, pages that are no article, bad charsets."""

from __future__ import annotations

import re

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError


HTML_TYPES = ("text/html", "application/xhtml+xml")
SINGLE_BYTE_CHARSETS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii",
                        "iso-8859-15", "windows-1256", "cp1256", "iso-8859-6"}
IGNORED_REASONS = (
    ("max redirections", "redirect_loop"),
    ("offsite", "offsite_redirect"),
    ("robots.txt", "robots_disallowed"),
    ("Replay never fetches", "replay_no_network"),
    ("not in the cache", "replay_missing"),
    ("Unreadable cache", "replay_unreadable"),
    ("Not in the WARC", "replay_missing"),
    ("Unreadable WARC", "replay_unreadable"),
)
EXCEPTION_REASONS = {
    "DownloadTimeoutError": "timeout",
    "DownloadCancelledError": "too_large",
    "DownloadConnectionRefusedError": "connection_refused",
    "DownloadFailedError": "connection_reset",
    "ResponseDataLossError": "truncated",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "ConnectionLost": "connection_reset",
    "ConnectionDone": "connection_reset",
    "ConnectionRefusedError": "connection_refused",
    "ResponseNeverReceived": "connection_reset",
    "ResponseFailed": "connection_reset",
    "DNSLookupError": "dns_error",
    "CannotResolveHostError": "dns_error",
    "CancelledError": "too_large",
}


def failure_reason(failure) -> tuple[str, int | None]:
    """A short reason and the HTTP status (if any) for a request that failed for good."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status}", status
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        for needle, reason in IGNORED_REASONS:
            if needle.lower() in message.lower():
                return reason, None
        return "ignored", None
    name = failure.type.__name__
    if name == "ResponseFailed" and "PotentialDataLoss" in str(failure.value):
        return "truncated", None
    if "maxsize" in str(failure.value).lower() or "max size" in str(failure.value).lower():
        return "too_large", None
    return EXCEPTION_REASONS.get(name, name), None


def content_type(response) -> str:
    value = response.headers.get(b"Content-Type", b"") or b""
    return value.decode("latin-1").split(";")[0].strip().lower()


def repair_charset(response):
    """Re-read a page as UTF-8 when it was declared single-byte but is valid UTF-8 (mojibake)."""
    if not isinstance(response, TextResponse):
        return response
    declared = (response.encoding or "").lower()
    body = response.body
    if declared not in SINGLE_BYTE_CHARSETS or body.isascii():
        return response
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return response
    return response.replace(cls=HtmlResponse, encoding="utf-8")


def page_problem(response) -> str | None:
    """Why a page linked as an article cannot give a story (cheap checks), or None."""
    kind = content_type(response)
    if not isinstance(response, TextResponse) or (kind and kind not in HTML_TYPES):
        return "not_html"
    if not response.body.strip():
        return "empty_page"
    if not re.search(rb"</html\s*>", response.body[-4096:], re.IGNORECASE):
        return "truncated"
    if "/attachment/" in response.url or b"type-attachment" in response.body:
        return "attachment_page"
    body_classes = set(" ".join(response.xpath("//body/@class").getall()).split())
    if "attachment" in body_classes:
        return "attachment_page"
    if {"archive", "category", "tag", "author", "blog", "search"} & body_classes:
        return "listing_page"
    return None


def missing_content_reason(response) -> str:
    """For a page with no article text: a listing served at an article URL, or no article at all."""
    return "listing_page" if len(response.css("h2.entry-title")) > 1 else "not_article"
