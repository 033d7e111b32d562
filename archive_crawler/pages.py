"""Reading the archive's pages: menu, listing entries, pagination, and articles into records.

``ArchiveReader`` knows nothing of Scrapy's engine: the spider uses it for live crawls
and replays, and ``archive_crawler.reparse`` uses it to re-parse cached pages
without the engine. It takes any Scrapy ``TextResponse``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from archive_crawler import site
from archive_crawler.extract import (
    body_paragraphs,
    find_caption,
    first_match,
    first_text,
    select,
    json_ld_article,
    json_ld_names,
    json_ld_text,
    text_blocks,
    text_of,
)
from archive_crawler.items import ArticleItem
from archive_crawler.loaders import ArticleLoader
from archive_crawler.middlewares import fetched_at
from archive_crawler.processors import (
    clean_text,
    count_words,
    find_date,
    names_from_author_slug,
    parse_dateline,
    parse_media_id,
)

WIDGET_COUNT = re.compile(r"\s*\(\d+\)\s*$")
MENU_ONLY = site.MENU_LINKS[:-1]
INITIAL = re.compile(r"^[A-Z]\.\s*\S")  # "O. Al-Shammari"
AUTHOR_TITLE_PREFIX = re.compile(r"^\s*Posts by\s+", re.IGNORECASE)  # the generic "every link" fallback is for the home page only


def page_meta(response) -> dict[str, list[str]]:
    """Every <meta> value by property/name/itemprop, and <link> hrefs by rel, in one pass."""
    found: dict[str, list[str]] = {}
    root = response.selector.root
    for element in root.iter("meta", "link"):
        attributes = element.attrib
        if element.tag == "meta":
            value = attributes.get("content")
            key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        else:
            value = attributes.get("href")
            rel = attributes.get("rel")
            key = f"link:{rel.strip().lower()}" if rel else None
        if key and value is not None:
            found.setdefault(key.strip(), []).append(value)
    return found


def first_value(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            if value and value.strip():
                return value
    return None


def _all_values(response, query: str) -> list[str]:
    return [value.strip() for value in select(response, query).getall() if value and value.strip()]


class PaginationGuard:
    """Spots "Older Entries" chains that go round in circles or never end, per category."""

    def __init__(self, max_pages: int = 5000):
        self.max_pages = max_pages
        self.trail: dict[str, set[str]] = {}  # slug -> listing pages read
        self.empty: dict[str, int] = {}  # slug -> empty listing pages in a row

    def visit(self, slug: str, url: str, entries: int) -> None:
        self.trail.setdefault(slug, set()).add(site.url_key(url))
        self.empty[slug] = 0 if entries else self.empty.get(slug, 0) + 1

    def next_page(self, slug: str, page: int, candidates) -> tuple[str | None, str | None]:
        """(the first candidate that is no trap, else None; the trap of the first candidate that
        says it leads to older entries, if any). A link that only sits where "Older Entries"
        usually sits and goes back ("Next Entries" on the left) is no trap: it is ignored."""
        first_trap = None
        for url, telling in candidates:
            trap = self.trap(slug, page, url)
            if trap is None:
                return url, None
            if telling and first_trap is None:
                first_trap = trap
        return None, first_trap

    def trap(self, slug: str, page: int, next_url: str) -> str | None:
        """Why following ``next_url`` from listing page ``page`` would be a trap, or None."""
        if site.url_key(next_url) in self.trail.get(slug, ()):
            return "loop"
        number = site.listing_page_number(next_url)
        if number is not None and number <= page:
            return "backwards"
        if self.empty.get(slug, 0) >= 2:
            return "empty_chain"
        if page >= self.max_pages:
            return "too_deep"
        return None


class ArchiveReader:
    """Site knowledge applied to pages; ``categories`` (slug -> display name) grows from menus."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.netloc = urlsplit(self.base_url).netloc.lower()
        self.categories: dict[str, str] = {}

    def on_site(self, url: str) -> str | None:
        """The URL when it is on the crawled host (links to the real site rebased onto a mirror)."""
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        if netloc == self.netloc:
            return url
        if netloc == urlsplit(site.DEFAULT_BASE_URL).netloc:
            base = urlsplit(self.base_url)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))
        return None

    # -- navigation ---------------------------------------------------------------------

    def read_menu(self, response, every_link: bool = False) -> dict[str, str]:
        """Category listing URLs in the page's menus (and, for the home page, any link); new ones only."""
        found: dict[str, str] = {}
        for query in site.MENU_LINKS if every_link else MENU_ONLY:
            for link in response.css(query.replace("::attr(href)", "[href*='/category/']")):
                href = link.attrib.get("href")
                url = self.on_site(response.urljoin(href)) if href else None
                slug = site.category_slug(url) if url else None
                if not slug or slug in self.categories:
                    continue
                name = WIDGET_COUNT.sub("", clean_text(text_of(link)) or "")
                self.categories[slug] = name or site.KNOWN_CATEGORIES.get(slug) or slug.replace("-", " ").title()
                found[slug] = site.strip_query(url)
        return found

    def listing_entries(self, response, slug: str) -> list[tuple[str | None, str | None, dict]]:
        """(article URL or None when the link is no article, the link as found, post meta) per entry."""
        entries = []
        for query in site.LISTING_ENTRIES:
            found = response.css(query)
            if found:
                entries = found
                break
        listing_category = self.categories.get(slug)
        result = []
        for entry in entries:
            href = first_text(entry, site.LISTING_LINK)
            url = self.on_site(response.urljoin(href)) if href else None
            target = site.article_link(url) if url else None
            listing = {
                "title": first_text(entry, site.LISTING_TITLE),
                "authors": self.byline(entry),
                "published": first_text(entry, site.POST_META_DATE) or find_date(first_text(entry, site.POST_META)),
                "category": self.link_category(entry.css(site.POST_META_CATEGORY[1]), target or "")
                or listing_category,
            }
            result.append((target, href, listing))
        return result

    def older_entries(self, response) -> list[tuple[str, bool]]:
        """Every on-site "Older Entries" candidate of a listing page, most telling first, each
        with whether the page says it leads to older entries (rather than only sitting where
        the link usually sits)."""
        candidates: dict[str, bool] = {}
        for queries, telling in ((site.OLDER_ENTRIES, True), (site.OLDER_ENTRIES_BY_PLACE, False)):
            for query in queries:
                for href in _all_values(response, query):
                    url = self.on_site(response.urljoin(href))
                    if url and url != response.url and url not in candidates:
                        candidates[url] = telling
        return list(candidates.items())

    # -- articles -----------------------------------------------------------------------

    def article_content(self, response):
        """(article root, its text container or None) of an article page."""
        root = first_match(response, site.ARTICLE_ROOT) or response
        return root, first_match(root, site.ARTICLE_CONTENT)

    def article_item(self, response, listing: dict, root=None, content=None) -> ArticleItem:
        """The record of an article page; the listing entry fills what the page lacks."""
        if root is None:
            root, content = self.article_content(response)
        content = content if content is not None else root
        blocks = text_blocks(content)
        structured = json_ld_article(response)
        meta = page_meta(response)
        url = response.url

        loader = ArticleLoader(selector=response.selector, response=response)
        loader.add_fallbacks(
            "title", first_text(root, site.TITLE), first_value(meta, "og:title", "twitter:title"),
            first_text(response, ["title"]), json_ld_text(structured.get("headline")), listing.get("title"),
        )
        caption = find_caption(root, blocks, loader.get_output_value("title"))
        paragraphs = body_paragraphs(blocks, caption)
        body = "\n\n".join(paragraphs)
        dateline, source = parse_dateline(paragraphs[0] if paragraphs else None)

        loader.add_value("media_id", self.media_id(blocks, root))
        canonical = first_value(meta, "link:canonical", "og:url")
        loader.add_value("url", site.canonical_url(response.urljoin(canonical) if canonical else None, url))
        loader.add_fallbacks(
            "published",
            first_value(meta, "article:published_time", "datePublished", "date", "DC.date.issued")
            or first_text(root, site.TIME_PUBLISHED),
            json_ld_text(structured.get("datePublished")), first_text(root, site.POST_META_DATE),
            find_date(first_text(root, site.POST_META)), listing.get("published"),
        )
        loader.add_fallbacks(
            "authors", self.byline(root), first_value(meta, "author", "article:author"),
            json_ld_names(structured.get("author")), listing.get("authors"),
            names_from_author_slug(site.article_author_slug(url)),
        )
        loader.add_fallbacks(
            "category", self.link_category(root.css(site.POST_META_CATEGORY[1]), url),
            self.named_category(meta.get("article:section", []), url),
            self.named_category(structured.get("articleSection"), url), listing.get("category"),
            self.categories.get(site.article_category_slug(url) or ""),
        )
        loader.add_fallbacks("tags", self.tags(root), meta.get("article:tag", []))
        loader.add_value("image_caption", caption.text)
        loader.add_value("image_credit", caption.credit)
        loader.add_value("dateline", dateline)
        loader.add_value("source", source)
        loader.add_value("body", body)
        loader.add_value("word_count", count_words(body))
        loader.add_value("crawled_at", fetched_at(response))
        return loader.load_item()

    @staticmethod
    def byline(root) -> str | None:
        """The post meta's byline; an author link abbreviated to initials gives way to its full title."""
        text = first_text(root, site.POST_META_AUTHOR)
        link = first_match(root, site.AUTHOR_LINK)
        title = clean_text(AUTHOR_TITLE_PREFIX.sub("", link.attrib.get("title", ""))) if link is not None else None
        if text and title and INITIAL.match(text) and title.split()[-1] == text.split()[-1]:
            return title
        return text

    @staticmethod
    def media_id(blocks: list[str], root) -> int | None:
        for block in blocks:
            if (media_id := parse_media_id(block)) is not None:
                return media_id
        return parse_media_id(text_of(root))

    def link_category(self, links, url: str) -> str | None:
        """Of a post meta's category links, the one whose slug the article URL names, else the first."""
        slug = site.article_category_slug(url)
        for link in links:
            if slug and site.category_slug(link.attrib.get("href", "")) == slug:
                return clean_text(text_of(link))
        return self.named_category([text_of(link) for link in links], url)

    def named_category(self, names, url: str) -> str | None:
        """Of several category names, the one the article URL names, else the first."""
        names = [name for name in map(clean_text, names if isinstance(names, list) else [names])
                 if isinstance(name, str) and name]
        wanted = self.categories.get(site.article_category_slug(url) or "")
        return wanted if wanted in names else (names[0] if names else None)

    @staticmethod
    def tags(root) -> list[str]:
        """The post's tag links (rel="tag"); without any, links to tag pages outside the text."""
        outside_sidebar = ("not(ancestor::*[@id='sidebar' or contains(@class, 'widget')"
                           " or contains(@class, 'tagcloud')])")
        links = root.xpath(
            ".//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ') and not(contains(@rel, 'category'))"
            f" and {outside_sidebar}]"
        ) or root.xpath(
            f".//a[contains(@href, '/tag/') and {outside_sidebar}"
            " and not(ancestor::p[ancestor::*[contains(@class, 'entry-content')]])]"
        )
        return [name for link in links if (name := clean_text(text_of(link)))]
