"""Every page of the replica rendered up front: request target -> (status, headers, body)."""
from __future__ import annotations

from email.utils import format_datetime

from . import layout, render, render_v1, render_v2, render_v3, variant4
from .markup import escape
from .model import Entry, Story
from .render import attachment_page

Page = tuple[int, list[tuple[str, str]], bytes]
HTML = "text/html; charset=UTF-8"
PER_PAGE = 10


def _renderer(site):
    """The module rendering the site's pages (its variant's markup)."""
    return {1: render_v1, 2: render_v2, 3: render_v3, 4: variant4}.get(site.variant, render)


def html_page(body: str, status: int = 200, extra: tuple = ()) -> Page:
    return status, [("Content-Type", HTML), *extra], body.encode("utf-8")


def redirect(location: str) -> Page:
    body = f'<!DOCTYPE html><html><body><p>Moved: <a href="{location}">{location}</a></p></body></html>'
    return 301, [("Content-Type", HTML), ("Location", location)], body.encode()


def error_page(status: int) -> Page:
    body = (f"<!DOCTYPE html><html><head><title>{status} Internal Server Error</title></head><body>"
            f"<h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>")
    return html_page(body, status)


def robots_txt(site, base: str) -> str:
    return ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
            "Disallow: /?s=\nDisallow: /search/\nDisallow: /feed/\nDisallow: /*?share=\n"
            f"Disallow: /members/\n\nSitemap: {base}/sitemap.xml\n")


def rss_feed(site, base: str) -> str:
    items = "".join(
        f"\n\t<item>\n\t\t<title>{escape(s.title)}</title>\n\t\t<link>{base}{s.path}</link>\n"
        f"\t\t<pubDate>{format_datetime(s.published)}</pubDate>\n"
        f"\t\t<category><![CDATA[{site.categories[s.category]}]]></category>\n"
        f'\t\t<guid isPermaLink="false">{base}/?p={s.post_id}</guid>\n\t</item>'
        for s in site.newest(10))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">\n<channel>\n'
            f"\t<title>{layout.SITE_NAME}</title>\n\t<link>{base}</link>\n"
            f"\t<description>Middle-east Arab News Opinion</description>\n\t<language>en-US</language>"
            f"{items}\n</channel>\n</rss>\n")


def _plain_entries(stories: list[Story]) -> list[Entry]:
    ordered = sorted(stories, key=lambda s: (s.published, s.post_id), reverse=True)
    return [Entry(s, s.post_id, s.path, s.category, "plain", "article", False) for s in ordered]


def _add_listing(pages: dict, site, base: str, root: str, name: str, body_class: str,
                 entries: list[Entry]) -> None:
    """All pages of one archive listing, plus the redirects WordPress answers around it."""
    per_page = variant4.per_page(root, len(entries), PER_PAGE) if site.variant == 4 else PER_PAGE
    n_pages = max(1, -(-len(entries) // per_page))
    if site.variant == 1:   # listing URLs end with a slash; the other form redirects to it
        for page_no in range(1, n_pages + 1):
            chunk = entries[(page_no - 1) * PER_PAGE: page_no * PER_PAGE]
            path = root if page_no == 1 else f"{root}/page/{page_no}"
            pages[path + "/"] = html_page(render_v1.listing_page(
                site, base, root, name, body_class, chunk, page_no, n_pages))
            pages[path] = redirect(f"{base}{path}/")
        pages[f"{root}/page/1"] = pages[f"{root}/page/1/"] = redirect(f"{base}{root}/")
        return
    for page_no in range(1, n_pages + 1):
        chunk = entries[(page_no - 1) * per_page: page_no * per_page]
        path = root if page_no == 1 else f"{root}/page/{page_no}"
        pages[path] = html_page(_renderer(site).listing_page(site, base, root, name, body_class, chunk,
                                                             page_no, n_pages))
        pages[path + "/"] = redirect(base + path)
    pages[f"{root}/page/1"] = redirect(base + root)


def category_listing(site, slug: str) -> tuple[str, str, str, list[Entry]]:
    """(root, display name, body class, entries) of a category's archive listing."""
    i = list(site.categories).index(slug)
    return (f"/category/{slug}", site.categories[slug],
            f"archive category category-{slug} category-{3 + i}", site.category_entries(slug))


def listing_target(site, root: str, page_no: int) -> str:
    """The request target that serves page ``page_no`` of a listing (not a redirect)."""
    path = root if page_no == 1 else f"{root}/page/{page_no}"
    return path + "/" if site.variant == 1 else path


def listing_html(site, base: str, slug: str, page_no: int, n_pages: int, entries: list[Entry],
                 older_href: str | None = None) -> Page:
    """Page ``page_no`` of a category listing showing ``entries`` (fault mode: any entries)."""
    root, name, body_class, _ = category_listing(site, slug)
    return html_page(_renderer(site).listing_page(site, base, root, name, body_class, entries, page_no, n_pages,
                                           older_href=older_href))


def _add_listings(pages: dict, site, base: str) -> None:
    for slug in site.categories:
        _add_listing(pages, site, base, *category_listing(site, slug))
    tags: dict[tuple[str, str], list[Story]] = {}
    authors: dict[str, list[Story]] = {}
    for story in site.stories:
        for tag in story.tags:
            tags.setdefault(tag, []).append(story)
        authors.setdefault(story.author_slug, []).append(story)
    for (slug, name), stories in tags.items():
        _add_listing(pages, site, base, f"/tag/{slug}", name, f"archive tag tag-{slug}",
                     _plain_entries(stories))
    for slug, stories in authors.items():
        _add_listing(pages, site, base, f"/author/{slug}", stories[0].byline,
                     f"archive author author-{slug}", _plain_entries(stories))


def _add_articles(pages: dict, site, base: str) -> None:
    for story in site.stories:
        canonical = base + story.path if story.has_canonical else None
        _add_article(pages, site, base, story, story.path, story.post_id, canonical)
        if story.image:
            pages[story.attachment_path] = html_page(attachment_page(site, base, story))
            pages[f"/?p={story.attachment_id}"] = redirect(base + story.attachment_path)
    for copy in site.copies:
        target = copy.story.path if copy.canonical_to_original else copy.path
        _add_article(pages, site, base, copy.story, copy.path, copy.post_id, base + target)


def _add_article(pages: dict, site, base: str, story: Story, path: str, post_id: int,
                 canonical: str | None) -> None:
    """The article at ``path``, the same page at ``path/``, and its shortlink."""
    link = ("Link", f"<{base}/?p={post_id}>; rel=shortlink")
    article_page = _renderer(site).article_page
    page = html_page(article_page(site, base, story, path, post_id, canonical), extra=(link,))
    pages[path] = page
    pages[path + "/"] = page
    pages[f"/?p={post_id}"] = redirect(base + path)
    if site.variant == 3 and path == story.path:
        pages[path + "?amp=1"] = page
        if story.v3.redirect_chain:   # 302 /?p=ID -> path/ -> 301 -> path
            status, headers, body = redirect(base + path + "/")
            pages[f"/?p={post_id}"] = (302, headers, body)
            pages[path + "/"] = redirect(base + path)


def render_site(site, base: str) -> tuple[dict[str, Page], Page]:
    """Return (pages by request target, the 404 page)."""
    pages: dict[str, Page] = {
        "/": html_page(_renderer(site).home_page(site, base)),
        "/robots.txt": (200, [("Content-Type", "text/plain; charset=utf-8")],
                        robots_txt(site, base).encode()),
        "/about-us": html_page(layout.plain_page(site, base, "About Us", [
            "This archive holds the English edition of the newspaper from 2005 to 2017.",
            "It is kept for reference and is no longer updated."], 2, "/about-us")),
        "/members/login": html_page(layout.plain_page(site, base, "Members", [
            "Please log in to continue."], 3, "/members/login")),
    }
    feed = (200, [("Content-Type", "application/rss+xml; charset=UTF-8")],
            rss_feed(site, base).encode("utf-8"))
    pages["/rss"] = pages["/feed/"] = feed
    if site.variant == 1:
        pages["/about-us/"] = pages["/about-us"]
    _add_listings(pages, site, base)
    if site.variant == 4:   # a category in the menu with no posts at all
        empty = f"/category/{variant4.EMPTY_CATEGORY[0]}"
        pages[empty] = html_page(variant4.empty_listing(site, base))
        pages[empty + "/"] = redirect(base + empty)
    _add_articles(pages, site, base)
    return pages, html_page(layout.not_found(site, base), 404)
