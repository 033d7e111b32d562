"""Documents for machines: robots.txt, core and Yoast sitemaps, RSS feeds."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any, TypedDict

from .answer import Answer
from .site import Post, WpSite
from .themes import esc, excerpt, post_content

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def xml(text: str, content_type: str = "application/xml; charset=UTF-8") -> Answer:
    return Answer(200, text.encode("utf-8"), content_type)


def w3c(moment: datetime) -> str:
    """Yoast's lastmod: the UTC time with an explicit +00:00."""
    return moment.astimezone(UTC).isoformat()


def urlset(entries: list[tuple], stylesheet: str) -> str:
    """``entries``: (loc, lastmod or None, image URL or None)."""
    rows = "".join(f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{w3c(mod)}</lastmod>" if mod else "")
                   + (f"<image:image><image:loc>{image}</image:loc></image:image>" if image else "")
                   + "</url>\n" for loc, mod, image in entries)
    return (f'{XML_HEAD}<?xml-stylesheet type="text/xsl" href="{stylesheet}" ?>\n'
            f'<urlset xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}">\n{rows}</urlset>\n')


def sitemapindex(entries: list[tuple], stylesheet: str) -> str:
    rows = "".join(f"<sitemap><loc>{escape(loc)}</loc>" + (f"<lastmod>{w3c(mod)}</lastmod>" if mod else "")
                   + "</sitemap>\n" for loc, mod in entries)
    return f'{XML_HEAD}<?xml-stylesheet type="text/xsl" href="{stylesheet}" ?>\n<sitemapindex ' \
           f'xmlns="{SITEMAP_NS}">\n{rows}</sitemapindex>\n'


def chunks(items: list, size: int) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def sitemap_groups(site: WpSite, order) -> list[tuple[str, str, list[tuple]]]:
    """(kind, subtype, entries) per kind of sitemap; posts in ``order``, the deleted ones still in."""
    used: dict[int, datetime] = {}  # term ID -> latest modification among its posts
    for post in site.posts:
        for term in post.categories + post.tags:
            used[term.id] = max(used.get(term.id, post.modified), post.modified)
    pages: list[tuple[str, datetime | None, None]] = [(site.home + "/", site.posts[0].modified, None)]
    pages += [(site.page_link(p), None, None) for p in site.pages]
    return [("posts", "post", [(site.permalink(p), p.modified, p.featured and site.media_url(p.featured))
                               for p in sorted(site.posts, key=order)]),
            ("posts", "page", pages),
            ("taxonomies", "category", [(site.term_link(t), used[t.id], None)
                                        for t in site.categories if t.id in used]),
            ("taxonomies", "post_tag", [(site.term_link(t), used[t.id], None)
                                        for t in site.tags if t.id in used]),
            ("users", "", [(site.author_link(u), None, None) for u in site.authors()])]


def core_url(site: WpSite, kind: str, subtype: str, number: int) -> str:
    if site.config.pretty:
        return f"{site.home}/wp-sitemap-{kind}{'-' + subtype if subtype else ''}-{number}.xml"
    subtype = f"&sitemap-subtype={subtype}" if subtype else ""
    return f"{site.home}/?sitemap={kind}{subtype}&paged={number}"


def yoast_url(site: WpSite, kind: str, subtype: str, number: int) -> str:
    name = subtype or "author"
    return f"{site.home}/{name}-sitemap{number if number > 1 else ''}.xml"


class Flavour(TypedDict):
    order: Callable[[Post], Any]  # the sort key of the posts
    size: str  # the WpConfig field of the posts' file size
    other_size: int
    lastmod: bool
    url: Callable[[WpSite, str, str, int], str]
    style: str
    content_type: str


# How each sitemap generator differs: post order, file size, lastmod, names, whether empty files exist.
FLAVOURS: dict[str, Flavour] = {
    "core": {"order": lambda p: p.id, "size": "core_sitemap_size", "other_size": 2000, "lastmod": False,
             "url": core_url, "style": "wp-sitemap.xsl", "content_type": "application/xml; charset=UTF-8"},
    "yoast": {"order": lambda p: (p.modified, p.id), "size": "yoast_sitemap_size", "other_size": 1000,
              "lastmod": True, "url": yoast_url, "style": "main-sitemap.xsl",
              "content_type": "text/xml; charset=UTF-8"},
}


def flavours(site: WpSite) -> list[str]:
    return {"core": ["core"], "yoast": ["yoast"], "both": ["core", "yoast"], "none": []}[site.config.sitemaps]


def index_urls(site: WpSite) -> list[str]:
    core = f"{site.home}/wp-sitemap.xml" if site.config.pretty else f"{site.home}/?sitemap=index"
    return [core if name == "core" else f"{site.home}/sitemap_index.xml" for name in flavours(site)]


def sitemap_routes(site: WpSite) -> dict[str, Callable[..., Answer]]:
    """URL -> answer maker for every sitemap the configuration switches on (deleted posts still listed)."""
    routes = {}
    for name, index_url in zip(flavours(site), index_urls(site), strict=False):
        flavour = FLAVOURS[name]
        files = {}
        for kind, subtype, entries in sitemap_groups(site, flavour["order"]):
            size = getattr(site.config, flavour["size"]) if subtype == "post" else flavour["other_size"]
            entries = entries if flavour["lastmod"] else [(loc, None, None) for loc, _, _ in entries]
            for number, chunk in enumerate(chunks(entries, size), 1):
                files[flavour["url"](site, kind, subtype, number)] = chunk
        style, content_type = f"{site.home}/{flavour['style']}", flavour["content_type"]
        index = [(url, max((mod for _, mod, _ in e if mod), default=None)) for url, e in files.items()]
        routes[index_url] = lambda i=index, s=style, t=content_type: xml(sitemapindex(i, s), t)
        routes.update({url: (lambda e=entries, s=style, t=content_type: xml(urlset(e, s), t))
                       for url, entries in files.items()})
    return routes


def robots_txt(site: WpSite) -> str:
    c, folder = site.config, site.config.subfolder
    lines = ["User-agent: *", f"Disallow: {folder}/wp-admin/", f"Allow: {folder}/wp-admin/admin-ajax.php"]
    if c.crawl_delay:
        lines.append(f"Crawl-delay: {c.crawl_delay:g}")
    if c.robots_sitemaps and index_urls(site):
        lines += [""] + [f"Sitemap: {url}" for url in index_urls(site)]
    return "\n".join(lines) + "\n"


def rss(site: WpSite, post: Post | None = None) -> Answer:
    """The site's feed (newest ten posts), or a post's comments feed (no comments)."""
    items = "".join(
        f"<item><title>{esc(p.title)}</title><link>{site.permalink(p)}</link><dc:creator><![CDATA["
        f"{p.author.name}]]></dc:creator><pubDate>{format_datetime(p.date.astimezone(UTC))}</pubDate>"
        + "".join(f"<category><![CDATA[{esc(t.name)}]]></category>" for t in p.categories + p.tags)
        + f'<guid isPermaLink="false">{site.shortlink(p)}</guid><description><![CDATA[{excerpt(p)}]]>'
        f"</description><content:encoded><![CDATA[{post_content(site, p)}]]></content:encoded></item>\n"
        for p in ([] if post else site.live_posts()[:10]))
    title = f"Comments on: {esc(post.title)}" if post else esc(site.config.title)
    link = site.permalink(post) if post else site.home + "/"
    return xml(f'{XML_HEAD}\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
               f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>'
               f'<title>{title}</title><atom:link href="{escape(site.feed_link(post))}" rel="self" '
               f'type="application/rss+xml" /><link>{escape(link)}</link>'
               f'<description>{esc(site.config.tagline)}</description>'
               f'<language>{site.config.language}</language>\n{items}</channel></rss>\n',
               "application/rss+xml; charset=UTF-8")
