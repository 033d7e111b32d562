"""Telling pages that are no article apart, and repairing pages declared in the wrong charset."""

from __future__ import annotations

import re

from scrapy.http import HtmlResponse, TextResponse

from archive_crawler.messages import (
    AttachmentPage,
    EmptyPage,
    ListingAtArticleUrl,
    NotArticle,
    NotHtml,
    TruncatedPage,
)
from archive_crawler.reading.extract import select
from archive_crawler.sites.profile import Profile

HTML_TYPES = ("text/html", "application/xhtml+xml")
SINGLE_BYTE_CHARSETS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii",
                        "iso-8859-15", "windows-1256", "cp1256", "iso-8859-6"}


def content_type(response) -> str:
    value = response.headers.get(b"Content-Type", b"") or b""
    return value.decode("latin-1").split(";")[0].strip().lower()


def is_html(response) -> bool:
    return isinstance(response, TextResponse) and content_type(response) in ("", *HTML_TYPES)


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


# How a page that ends without </html> may still end whole: </body>, or the scripts, styles and
# comments that some sites write after it.
CLOSES_DOCUMENT = re.compile(rb"</(?:html|body)\s*>")
CLOSES_TRAILER = re.compile(rb"</(?:script|style|noscript)\s*>")


def looks_cut_off(body: bytes) -> bool:
    """A page whose last 4 KiB close neither the document (``</html>``, ``</body>``) nor end on a
    script, style or comment closed (then only spaces)."""
    tail = body[-4096:].lower()
    for opening in (b"</html", b"</body"):
        at = tail.find(opening)
        while at != -1:
            if CLOSES_DOCUMENT.match(tail, at):
                return False
            at = tail.find(opening, at + 1)
    end = tail.rstrip()
    if end.endswith(b"-->"):
        return False
    return not (end.endswith(b">") and CLOSES_TRAILER.fullmatch(end, end.rfind(b"</")))


def check_article_page(response, profile: Profile) -> None:
    """Raise the :class:`PageRejected` that says why a page linked as an article gives no story (cheap checks)."""
    if not is_html(response):
        raise NotHtml
    if not response.body.strip():
        raise EmptyPage
    if looks_cut_off(response.body):
        raise TruncatedPage
    checks = profile.checks
    if f"/{checks.attachment_segment}/" in response.url or any(
            marker.encode() in response.body for marker in checks.attachment_markers):
        raise AttachmentPage
    body_classes = {name for body in response.selector.root.iter("body") for name in (body.get("class") or "").split()}
    if checks.attachment_body_classes & body_classes:
        raise AttachmentPage
    if checks.listing_body_classes & body_classes:
        raise ListingAtArticleUrl


def no_content_rejection(response, profile: Profile) -> Exception:
    """For a page with no article text: a listing served at an article URL, or no article at all."""
    for query in profile.checks.listing_marker:
        if len(select(response, query)) > 1:
            return ListingAtArticleUrl()
    return NotArticle()
