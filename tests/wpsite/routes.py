"""Which answer each request target gets: a table of the site's URLs, rebuilt when the site changes,
plus the few answers that depend on parameters (REST, search, share buttons)."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import groupby
from urllib.parse import parse_qsl, quote, urlencode

from archive_crawler.reading.typography import texturize

from . import feeds, rest
from .answer import Answer, html_answer, redirect
from .site import Post, WpSite
from .themes import THEMES, amp_page, esc

IGNORED_PARAMS = {"utm_source", "utm_medium", "utm_campaign", "fbclid"}
TEXT = "text/plain; charset=UTF-8"
SHARE_TARGETS = {"twitter": "https://twitter.com/intent/tweet?url={url}&text={title}",
                 "facebook": "https://www.facebook.com/sharer.php?u={url}&t={title}"}


def normalize(target: str) -> str:
    """A request target with its query sorted and tracking parameters dropped."""
    path, _, query = target.partition("?")
    pairs = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in IGNORED_PARAMS)
    return path + ("?" + urlencode(pairs) if pairs else "")


def archives(site: WpSite) -> list[tuple[str, str, list[Post]]]:
    """(first page URL, heading, posts) of every archive with posts; cached listings keep deleted posts."""
    posts = site.posts
    found = [(site.home + "/", "Latest news", posts)]
    for term in site.categories + site.tags:
        label = "Category" if term.taxonomy == "category" else "Tag"
        found.append((site.term_link(term), f"{label}: {term.name}",
                      [p for p in posts if term in p.categories + p.tags]))
    # A person's archive holds the joint bylines too (a co-authors plugin).
    found += [(site.author_link(user), f"Author: {user.name}",
               [p for p in posts if p.author is user or any(u is user for u in p.author.people)])
              for user in site.users]
    for pattern in ("%Y", "%Y/%m", "%Y/%m/%d"):
        for key, group in groupby(posts, key=lambda p: p.date.strftime(pattern)):
            found.append((site.date_link(*key.split("/")), f"Archives: {key}", list(group)))
    return [entry for entry in found if entry[2]]


def listing(site: WpSite, heading: str, url: str, posts: list[Post], number: int) -> Answer:
    size = site.config.posts_per_page
    pages = max(1, math.ceil(len(posts) / size))
    page = THEMES[site.config.theme].listing(site, heading, url, posts[(number - 1) * size:number * size],
                                             number, pages)
    return html_answer(page)


class Router:
    def __init__(self, site: WpSite):
        self.site = site
        self.version = -1
        self.table: dict[str, Callable[..., Answer]] = {}
        self.post_at: dict[str, Post] = {}

    def rebuild(self) -> None:
        site, theme = self.site, THEMES[self.site.config.theme]
        table: dict[str, Callable[..., Answer]] = {}

        def add(url: str, make: Callable[..., Answer]) -> None:
            table[normalize(site.target(url))] = make

        aliases = {}  # plain query -> pretty URL, redirected when pretty permalinks are on
        for post in site.live_posts():
            add(site.permalink(post), lambda p=post: html_answer(theme.single(site, p)))
            add(site.amp_link(post), lambda p=post: html_answer(amp_page(site, p)))
            add(site.feed_link(post), lambda p=post: feeds.rss(site, p))
            aliases[f"p={post.id}"] = site.permalink(post)
            for media in filter(None, (post.featured, post.inline)):
                src = site.media_url(media)
                body = f'<p class="attachment"><a href="{src}"><img src="{src}" alt=""></a></p>' \
                       f'<p class="wp-caption-text">{esc(texturize(media.full_caption))}</p>'
                add(site.attachment_link(media),
                    lambda b=body: html_answer(theme.simple(site, "Attachment", b, "attachment")))
                aliases[f"attachment_id={media.id}"] = site.attachment_link(media)
        for url, heading, posts in archives(site):
            for number in range(1, math.ceil(len(posts) / site.config.posts_per_page) + 1):
                add(site.paged(url, number),
                    lambda h=heading, u=url, p=posts, n=number: listing(site, h, u, p, n))
        for page in site.pages:
            body = "".join(f"<p>{esc(text)}</p>" for text in page.paragraphs)
            add(site.page_link(page), lambda t=page.title, b=body: html_answer(theme.simple(site, t, b)))
            aliases[f"page_id={page.id}"] = site.page_link(page)
        aliases.update({f"cat={t.id}": site.term_link(t) for t in site.categories})
        aliases.update({f"author={u.id}": site.author_link(u) for u in site.users})
        add(site.feed_link(), lambda: feeds.rss(site))
        for url, make in feeds.sitemap_routes(site).items():
            add(url, make)
        if site.config.pretty:
            for query, url in aliases.items():
                add(f"{site.home}/?{query}", lambda u=url: redirect(u))
            if feeds.index_urls(site):  # WordPress and Yoast both send /sitemap.xml to their index
                add(f"{site.home}/sitemap.xml", lambda: redirect(feeds.index_urls(site)[-1]))
        table["/robots.txt"] = lambda: Answer(200, feeds.robots_txt(site).encode(), TEXT)
        self.table = table
        self.post_at = {normalize(site.target(site.permalink(p))): p for p in site.live_posts()}

    def rest_route(self, path: str, params: dict) -> str | None:
        folder = self.site.config.subfolder
        if "rest_route" in params and path in (folder + "/", folder or "/"):
            return params["rest_route"]
        api = folder + "/wp-json"
        if self.site.config.pretty and (path == api or path.startswith(api + "/")):
            return path[len(api):] or "/"
        return None

    def fault_key(self, target: str) -> str:
        """``rest:N`` for page N of the REST posts collection; else the normalized target."""
        path, _, query = target.partition("?")
        params = dict(parse_qsl(query, keep_blank_values=True))
        route = self.rest_route(path, params)
        if route is not None and "/" + route.strip("/") == "/wp/v2/posts":
            return f"rest:{params.get('page', '1')}"
        return normalize(target)

    def answer(self, target: str) -> Answer:
        site = self.site
        with site.lock:
            if self.version != site.version:
                self.rebuild()
                self.version = site.version
            path, _, query = target.partition("?")
            params = dict(parse_qsl(query, keep_blank_values=True))
            route = self.rest_route(path, params)
            if route is not None:
                return rest.respond(site, route, {k: v for k, v in params.items() if k != "rest_route"})
            make = self.table.get(normalize(target))
            return make() if make else self.by_parameters(path, query, params)

    def by_parameters(self, path: str, query: str, params: dict) -> Answer:
        site = self.site
        if params.get("share") in SHARE_TARGETS:  # Jetpack sends the reader on to the network
            rest_of = urlencode([(k, v) for k, v in params.items() if k not in ("share", "nb")])
            post = self.post_at.get(normalize(path + ("?" + rest_of if rest_of else "")))
            if post:
                return redirect(SHARE_TARGETS[params["share"]].format(
                    url=quote(site.permalink(post), safe=""), title=quote(post.title)), 302)
        search = re.fullmatch(re.escape(site.config.subfolder) + r"/(?:page/(\d+)/)?", path)
        if "s" in params and search:
            found = [p for p in site.live_posts() if params["s"].lower() in p.title.lower()]
            number = int(search.group(1) or params.get("paged", "1"))
            first_page = site.with_query(site.home + "/", s=params["s"])
            return listing(site, f"Search Results for: {params['s']}", first_page, found, number)
        slashed = normalize(f"{path}/?{query}")
        if site.config.pretty and not path.endswith("/") and slashed in self.table:
            return redirect(site.base_url + slashed)
        theme = THEMES[site.config.theme]
        return html_answer(theme.simple(site, "Page not found", "<p>Nothing was found at this address.</p>",
                                        "error404"), 404)
