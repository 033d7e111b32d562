"""Every page of the archive replica written up front: request target -> (status, headers, body)."""
from __future__ import annotations

from email.utils import format_datetime
from http import HTTPStatus

from . import article, chrome, listing
from .model import Entry, Story
from .text import escape

Page = tuple[int, list[tuple[str, str]], bytes]
HTML = "text/html; charset=UTF-8"


def html_page(body: str, status: int = 200, extra: tuple = ()) -> Page:
    return status, [("Content-Type", HTML), *extra], body.encode("utf-8")


def redirect(location: str, status: int = 301) -> Page:
    body = f'<!DOCTYPE html><html><body><p>Moved: <a href="{location}">{location}</a></p></body></html>'
    return status, [("Content-Type", HTML), ("Location", location)], body.encode()


def error_page(status: int) -> Page:
    """A server's plain error page for ``status``."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return html_page(f"<!DOCTYPE html><html><head><title>{status} {phrase}</title></head><body><h1>{phrase}</h1>"
                     f"<p>The server cannot answer this request now.</p></body></html>", status)


def text_page(body: str, content_type: str = "text/plain; charset=utf-8") -> Page:
    return 200, [("Content-Type", content_type)], body.encode("utf-8")


def robots_txt(site, base: str) -> str:
    return ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
            "Disallow: /?s=\nDisallow: /search/\nDisallow: /feed/\nDisallow: /*?share=\n"
            f"Disallow: /members/\n\nSitemap: {base}/sitemap.xml\n")


def rss_feed(site, base: str) -> str:
    items = "".join(
        f"\n\t<item>\n\t\t<title>{escape(s.title)}</title>\n\t\t<link>{base}{s.path}</link>\n"
        f"\t\t<pubDate>{format_datetime(s.published)}</pubDate>\n"
        f"\t\t<category><![CDATA[{site.categories[s.category]}]]></category>\n"
        f'\t\t<guid isPermaLink="false">{base}/?p={s.post_id}</guid>\n\t</item>' for s in site.newest(10))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">\n<channel>\n\t<title>{chrome.SITE_NAME}</title>'
            f"\n\t<link>{base}</link>\n\t<description>Middle-east Arab News Opinion</description>{items}\n"
            "</channel>\n</rss>\n")


def category_listing(site, slug: str) -> tuple[str, str, str, list[Entry]]:
    """(root, display name, body class, entries) of a category's archive listing."""
    i = list(site.categories).index(slug)
    return (f"/category/{slug}", site.categories[slug], f"archive category category-{slug} category-{3 + i}",
            site.category_entries(slug))


def listing_html(site, base: str, slug: str, page_no: int, n_pages: int, entries: list[Entry],
                 older_href: str | None = None) -> Page:
    """Page ``page_no`` of a category listing showing ``entries`` (fault mode: any entries)."""
    root, name, body_class, _ = category_listing(site, slug)
    return html_page(listing.listing_page(site, base, root, name, body_class, entries, page_no, n_pages, older_href))


def add_listing(pages: dict, site, base: str, root: str, name: str, body_class: str, entries: list[Entry]) -> None:
    """All pages of one archive listing, plus the redirects WordPress answers around them."""
    slug = root.rsplit("/", 1)[-1] if root.startswith("/category/") else ""
    per_page = site.per_page(slug, len(entries))
    n_pages = max(1, -(-len(entries) // per_page))
    for page_no in range(1, n_pages + 1):
        target = site.listing_target(root, page_no)
        chunk = entries[(page_no - 1) * per_page: page_no * per_page]
        pages[target] = html_page(listing.listing_page(site, base, root, name, body_class, chunk, page_no, n_pages))
        other = target.rstrip("/") if site.markup.slash else target + "/"
        pages[other] = redirect(base + target)
    pages[f"{root}/page/1"] = redirect(base + site.listing_target(root, 1))
    if site.markup.slash:
        pages[f"{root}/page/1/"] = pages[f"{root}/page/1"]


def _add_article(pages: dict, site, base: str, story: Story, path: str, post_id: int, canonical: str | None) -> None:
    """The article at ``path``, the same page at ``path/``, and its shortlink."""
    link = ("Link", f"<{base}/?p={post_id}>; rel=shortlink")
    page = html_page(article.article_page(site, base, story, path, post_id, canonical), extra=(link,))
    pages[path] = pages[path + "/"] = page
    pages[f"/?p={post_id}"] = redirect(base + path)
    if path == story.path and site.markup.amp:
        pages[path + "?amp=1"] = pages[path]
    if path == story.path and story.look.redirect_chain:   # 302 /?p=ID -> path/ -> 301 -> path
        pages[f"/?p={post_id}"] = redirect(base + path + "/", 302)
        pages[path + "/"] = redirect(base + path)


def render_site(site, base: str, crawl_only: bool = False) -> tuple[dict[str, Page], Page]:
    """(pages by request target, the 404 page); ``crawl_only``: only what a crawl of the archive
    asks for (home, robots.txt, category listings, articles), as the benchmarks serve."""
    slash = "/" if site.markup.slash else ""
    pages: dict[str, Page] = {"/": html_page(listing.home_page(site, base)),
                              "/robots.txt": text_page(robots_txt(site, base))}
    for slug in site.categories:
        add_listing(pages, site, base, *category_listing(site, slug))
    if site.markup.empty_category:   # in the menu, with no posts at all
        empty = f"/category/{site.markup.empty_category[0]}"
        pages[empty], pages[empty + "/"] = html_page(chrome.empty_listing(site, base)), redirect(base + empty)
    if not crawl_only:
        pages["/about-us" + slash] = pages["/about-us"] = html_page(chrome.plain_page(site, base, "About Us", [
            "This archive holds the English edition of the newspaper from 2005 to 2017.",
            "It is kept for reference and is no longer updated."], 2, "/about-us" + slash))
        pages["/members/login"] = html_page(chrome.plain_page(site, base, "Members", ["Please log in to continue."], 3,
                                                         "/members/login"))
        pages["/rss"] = pages["/feed/"] = text_page(rss_feed(site, base), "application/rss+xml; charset=UTF-8")
        by_tag: dict[tuple[str, str], list[Story]] = {}
        by_author: dict[str, list[Story]] = {}
        for story in site.stories:
            for tag in story.tags:
                by_tag.setdefault(tag, []).append(story)
            by_author.setdefault(story.author_slug, []).append(story)
        lists = [(f"/tag/{slug}", name, f"archive tag tag-{slug}", stories) for (slug, name), stories in by_tag.items()]
        lists += [(f"/author/{slug}", stories[0].byline, f"archive author author-{slug}", stories)
                  for slug, stories in by_author.items()]
        for root, name, body_class, stories in lists:
            ordered = sorted(stories, key=lambda s: (s.published, s.post_id), reverse=True)
            add_listing(pages, site, base, root, name, body_class,
                        [Entry(s, s.post_id, s.path, s.category) for s in ordered])
    for story in site.stories:
        _add_article(pages, site, base, story, story.path, story.post_id,
                     base + story.path if story.has_canonical else None)
        if story.image:
            pages[story.attachment_path] = html_page(article.attachment_page(site, base, story))
            pages[f"/?p={story.attachment_id}"] = redirect(base + story.attachment_path)
    for copy in site.copies:
        to_original = copy.canonical_to_original
        canonical = base + (copy.story.path if to_original else copy.path)
        _add_article(pages, site, base, copy.story, copy.path, copy.post_id,
                     canonical + ("/" if to_original and site.markup.copy_canonical_slash else ""))
    return pages, html_page(chrome.not_found(site, base), 404)
