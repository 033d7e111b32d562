"""Sitemaps (XML, plain or gzipped) and feeds (RSS, Atom): the addresses a site says it has."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps protocol's own limit, uncompressed


@dataclass(frozen=True)
class SitemapPage:
    """What one sitemap (or feed) lists."""

    sitemaps: list[str] = field(default_factory=list)  # an index's sitemaps
    entries: list[tuple[str, str | None]] = field(default_factory=list)  # (address, lastmod)
    problem: str | None = None  # why it is no sitemap


def read_sitemap(response) -> SitemapPage:
    """The sitemaps an index names, or the addresses (with lastmod) a sitemap or feed lists."""
    body = response.body
    if gzip_magic_number(response):
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, ValueError) as error:
            return SitemapPage(problem=f"unreadable gzip: {error}")
    if response.status != 200:
        return SitemapPage(problem=f"HTTP {response.status}")
    head = body.lstrip()[:512].lower()
    if b"<rss" in head or b"<feed" in head:
        return read_feed(body)
    if not head.startswith(b"<?xml") and b"<urlset" not in head and b"<sitemapindex" not in head:
        return SitemapPage(problem="no sitemap XML")
    try:
        sitemap = Sitemap(body)
    except Exception as error:  # lxml raises several kinds on bad XML
        return SitemapPage(problem=f"unreadable XML: {error}")
    found = [(entry.get("loc", "").strip(), (entry.get("lastmod") or "").strip() or None) for entry in sitemap]
    found = [(loc, lastmod) for loc, lastmod in found if loc]
    if sitemap.type == "sitemapindex":
        return SitemapPage(sitemaps=[loc for loc, _ in found])
    if sitemap.type != "urlset":
        return SitemapPage(problem=f"no sitemap XML ({sitemap.type})")
    return SitemapPage(entries=found)


def read_feed(body: bytes) -> SitemapPage:
    """The item links of an RSS or Atom feed, with their publication or update times."""
    from parsel import Selector

    document = Selector(text=body.decode("utf-8", "replace"), type="xml")
    document.remove_namespaces()
    entries = []
    for item in document.xpath("//item | //entry"):
        link = item.xpath("./link/@href").get() or item.xpath("./link/text()").get() or ""
        stamp = item.xpath("./updated/text() | ./pubDate/text() | ./published/text()").get()
        if link.strip():
            entries.append((link.strip(), stamp.strip() if stamp else None))
    return SitemapPage(entries=entries)
