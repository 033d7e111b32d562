"""Reading a site's pages with its profile: menus, listing pages, and articles into records.

``PageReader`` knows nothing of Scrapy's engine: it takes any Scrapy ``TextResponse``
and returns the typed messages of :mod:`archive_crawler.messages`. The parsing
workers run it for the spider, live or replaying, and for the re-parse tool.
"""

from __future__ import annotations

import posixpath
import re
from functools import partial
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from archive_crawler.items import ArticleItem
from archive_crawler.messages import ArticleContext, ListingEntry, ListingPage, NextPage
from archive_crawler.navigation.urls import (
    MEMO_KEPT,
    SiteScope,
    canonical_url,
    host_key,
    shortlink_id,
    strip_query,
)
from archive_crawler.reading.body import choose_body
from archive_crawler.reading.dates import instant, local_form
from archive_crawler.reading.extract import (
    absolute,
    body_paragraphs,
    find_caption,
    first_match,
    first_nonempty,
    first_text,
    select,
    strings,
    text_blocks,
    text_of,
)
from archive_crawler.reading.fields import (
    CATEGORIES,
    CATEGORY,
    FIELDS,
    IN_CATEGORY_LIST,
    MARKUP,
    META,
    PUBLISHED,
    STRUCTURED,
    TITLE,
    Field,
    Found,
    PageFacts,
    term_line,
)
from archive_crawler.reading.loaders import ArticleLoader
from archive_crawler.reading.posts import category_counts, find_posts, numbered_next, page_position
from archive_crawler.reading.processors import (
    BYLINE_PREFIX,
    clean_text,
    comparison_key,
    count_words,
    find_date,
    normalize_language,
    parse_dateline,
    parse_story_id,
)
from archive_crawler.reading.template import SiteTemplate
from archive_crawler.sites.profile import Profile, UrlRules
from archive_crawler.sources.middlewares import archive_url, fetched_at

WIDGET_COUNT = re.compile(r"\s*\(\d+\)\s*$")  # "Opinion (830)" in a category widget
INITIAL = re.compile(r"^[A-Z]\.\s*\S")  # "O. Al-Shammari"
AUTHOR_TITLE_PREFIX = re.compile(r"^\s*Posts by\s+", re.IGNORECASE)  # WordPress's author link title
LONGEST_BYLINE = 150  # characters
CATEGORY_ARCHIVE = re.compile(r"/category/[^/?#]+")  # WordPress's default category base, under any site path
POST_ID_CLASS = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")  # WordPress's body class of a single post


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class PageReader:
    """A site's profile applied to pages; ``categories`` (slug -> display name) in menu order."""

    def __init__(self, profile: Profile, base_url: str, categories: dict[str, str] | None = None,
                 template: SiteTemplate | None = None):
        self.profile = profile
        self.template = template  # the site's template, frozen for the run (see :mod:`.template`)
        self.urls: UrlRules = profile.urls
        self.selectors = profile.selectors
        self.base_url = base_url.rstrip("/")
        self.on_site = SiteScope(self.base_url, profile.urls.mirror_hosts).on_site
        self.categories: dict[str, str] = dict(categories or {})
        self._menu_targets: dict[str, tuple[str, str] | None] = {}  # see _menu_target
        self._category_archives: dict[str, bool] = {}  # URL -> is_category_archive (links repeat page after page)

    # -- navigation ---------------------------------------------------------------------

    def read_menu(self, response, home: bool = False) -> dict[str, tuple[str, str]]:
        """Category listings the page's menus link to (any link, on the home page): slug -> (name, URL)."""
        found: dict[str, tuple[str, str]] = {}
        queries = self.selectors.menu + (self.selectors.home_links if home else ())
        for query in queries:
            for link in select(response, self.urls.only_listing_links(query)):
                href = link.attrib.get("href")
                target = self._menu_target(absolute(response, href)) if href else None
                if target is None or target[0] in found:  # (a slug comes from a URL)
                    continue
                slug, listing = target
                name = WIDGET_COUNT.sub("", clean_text(text_of(link)) or "")
                found[slug] = (name or self.profile.categories.get(slug) or slug.replace("-", " ").title(),
                               listing)
        if home:
            for slug, (name, url) in self.marked_categories(response).items():
                found.setdefault(slug, (name, url))
        return found

    def _menu_target(self, address: str) -> tuple[str, str] | None:
        """(category slug, listing address) a menu link leads to; the same links are on every page."""
        if address not in self._menu_targets:
            if len(self._menu_targets) >= MEMO_KEPT:
                self._menu_targets.clear()
            url = self.on_site(address)
            slug = self.urls.category_slug(self.site_relative(url)) if url else None  # (a site in a folder)
            self._menu_targets[address] = (slug, listing_address(url, self.urls.listing_query)) \
                if url and slug else None
        return self._menu_targets[address]

    def marked_categories(self, response) -> dict[str, tuple[str, str]]:
        """Category archives a page marks as such (``rel="category"``, a list of a post's categories)
        under a base of the site's own (``/topics/politics/``), where the profile's rules read none of
        them: slug (the path after the base they share) -> (name, URL)."""
        links = []
        for link in response.xpath(f"//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
                                   f" | //a[{IN_CATEGORY_LIST}]"):
            href = link.attrib.get("href")
            url = self.on_site(absolute(response, href)) if href else None
            if url is None or urlsplit(url).query:
                continue
            if self.urls.category_slug(self.site_relative(url)):
                return {}  # the site's category archives are where the profile looks for them
            links.append((link, url))
        parents = [urlsplit(url).path.rstrip("/").rpartition("/")[0] for _, url in links]
        base = posixpath.commonpath(parents) if parents and all(parents) else ""
        found: dict[str, tuple[str, str]] = {}
        for link, url in links:
            slug = urlsplit(url).path[len(base):].strip("/")
            name = clean_text(text_of(link))
            if slug and name:
                found.setdefault(slug, (name, strip_query(url)))
        return found

    @staticmethod
    def feed_links(response) -> list[str]:
        """The RSS and Atom feeds a page announces."""
        found = response.xpath("//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href")
        return [absolute(response, href) for href in found.getall() if "/comments/" not in href]

    @staticmethod
    def language(response) -> str | None:
        return normalize_language(response.xpath("/html/@lang").get())

    def listing_page(self, response, slug: str) -> ListingPage:
        """The entries of a listing page, the links that may lead on, and the categories its menus name."""
        menu = self.read_menu(response)
        return ListingPage(categories=menu, entries=self.listing_entries(response, slug),
                           next_pages=self.next_pages(response),
                           counts=self.category_counts(response, {*menu, *self.categories}))

    def category_counts(self, response, slugs) -> dict[str, int]:
        """The posts each category of ``slugs`` is said to hold (a category widget's "World (12)")."""
        return category_counts(response, slugs, lambda url: self.urls.category_slug(self.on_site(url) or ""))

    def listing_entries(self, response, slug: str) -> list[ListingEntry]:
        entries = first_nonempty(response, self.selectors.listing_entry)
        result = []
        for entry in entries:
            href = first_text(entry, self.selectors.entry_link)
            url = self.on_site(absolute(response, href)) if href else None
            target = self.urls.article_link(url) if url else None
            context = ArticleContext(
                title=first_text(entry, self.selectors.entry_title),
                authors=", ".join(self.byline(entry)[1]) or None,
                published=first_text(entry, self.selectors.post_meta_date)
                or find_date(first_text(entry, self.selectors.post_meta)),
                category=self.link_category(first_nonempty(entry, self.selectors.category_links), target or ""),
                listing_categories=(slug,),
            )
            result.append(ListingEntry(target, href, context))
        if any(entry.url for entry in result):
            return result
        return self.found_posts(response, slug)

    def found_posts(self, response, slug: str) -> list[ListingEntry]:
        """The posts of a listing page the profile's selectors find none on: the links to the site's
        posts, in the blocks of the page's main area (see :mod:`.posts`)."""
        def article_link(url: str) -> str | None:
            on_site = self.on_site(url)
            return self.urls.article_link(on_site) if on_site else None

        entries = []
        for post in find_posts(response, article_link):
            context = ArticleContext(
                title=post.title, authors=", ".join(self.byline(post.block)[1]) or None,
                published=post.published or first_text(post.block, self.selectors.post_meta_date),
                category=self.link_category(first_nonempty(post.block, self.selectors.category_links), post.url),
                listing_categories=(slug,))
            entries.append(ListingEntry(post.url, post.href, context, block=post.signature))
        return entries

    def next_pages(self, response) -> list[NextPage]:
        """Every on-site candidate for the next listing page, most telling first."""
        candidates: dict[str, bool] = {}
        wanted = str(page_position(response.url)[1] + 1)  # a link to the next page's number names it
        links = [url for href in strings(response, "xpath://a/@href")
                 if wanted in href and (url := self.on_site(absolute(response, href.strip())))]
        for url in numbered_next(response.url, links):  # the same listing's next page by number
            candidates.setdefault(url, True)
        for queries, says_so in ((self.selectors.next_page, True), (self.selectors.next_page_by_place, False)):
            for query in queries:
                for value in select(response, query).getall():
                    url = self.on_site(absolute(response, value.strip())) if value and value.strip() else None
                    if url and url != response.url and url not in candidates:
                        candidates[url] = says_so
        return [NextPage(url, says_so) for url, says_so in candidates.items()]

    # -- articles -----------------------------------------------------------------------

    def article_content(self, response):
        """(article root, the first text container a profile selector finds, or None) of an article page."""
        root = first_match(response, self.selectors.article_root)
        if root is None or root.root == "":  # (not `or`: a selector's truth serializes its element)
            root = response
        return root, first_match(root, self.selectors.article_content)

    def article(self, response, context: ArticleContext, root=None, content=None,
                rules: dict[str, str] | None = None) -> ArticleItem:
        """The record of an article page; the listings' context fills what the page lacks.

        Each field comes from the first rule of its row in :data:`FIELDS` that gives a value; the
        body is chosen by :func:`choose_body`. With ``rules``, it is filled with the rule that gave
        each field and why the body's won (for inspection).
        """
        if root is None:
            root, content = self.article_content(response)
        profile, text = self.profile, self.profile.text
        facts = PageFacts(self, response, root, context)
        site_names = [name for key in ("og:site_name", "application-name")
                      for name in facts.meta.get(key, []) if name.strip()]
        loader = ArticleLoader(selector=response.selector, response=response, title_suffixes=text.title_suffixes,
                               site_names=site_names)
        choice = choose_body(profile, response, root, facts.structured, with_containers=content is not None,
                             template=self.template)
        for field in FIELDS:
            self.fill(loader, field, facts)
            if field is TITLE:
                title = loader.get_output_value("title")
            elif field is CATEGORY:
                facts.category = loader.get_output_value("category")
            elif field is PUBLISHED:
                self.publish_locally(loader, facts)
        blocks = choice.blocks
        if blocks and choice.from_extractor and comparison_key(blocks[0]) == comparison_key(title):
            blocks = blocks[1:]  # the extractor's text opens with the headline
        caption = find_caption(root, blocks, title, profile)
        terms = [*(loader.get_output_value("tags") or []), *(loader.get_output_value("categories") or [])]
        paragraphs = [paragraph for paragraph in body_paragraphs(blocks, caption, text)
                      if not term_line(paragraph, terms)]
        body = "\n\n".join(paragraphs)
        dateline, source = parse_dateline(paragraphs[0] if paragraphs else None, text.dateline_rules)
        loader.add_value("media_id", self.story_id(blocks, root))
        loader.add_value("url", self.record_url(response, facts))
        loader.add_value("image_caption", caption.text)
        loader.add_value("image_credit", caption.credit)
        loader.add_value("dateline", dateline)
        loader.add_value("source", source)
        loader.add_value("body", body)
        loader.add_value("word_count", count_words(body))
        loader.add_value("crawled_at", fetched_at(response))
        loader.add_value("site", profile.name)
        loader.add_value("archive_url", archive_url(response))
        loader.add_value("listed_url", context.listed_url)
        loader.add_value("post_id", post_id(response, facts.meta))
        if rules is not None:
            rules.update(loader.rules)
            rules["body"] = f"{choice.rule} ({choice.why})"
        return loader.load_item()

    def publish_locally(self, loader: ArticleLoader, facts: PageFacts) -> None:
        """A publication time in UTC that the page also writes with its own offset takes that form
        (the day its readers saw); only the page's own markup, meta tags and JSON-LD are compared."""
        published = loader.get_output_value("published")
        if instant(published) is None:
            return
        candidates = (rule.apply(facts)[1] for rule in PUBLISHED.rules if rule.kind in (META, STRUCTURED, MARKUP))
        local = local_form(published, candidates)
        if local is not None:
            loader.replace_value("published", local)

    def fill(self, loader: ArticleLoader, field: Field, facts: PageFacts) -> None:
        """Fill a field from the first of its rules, in the profile's order of trust, that gives a kept value."""
        crawl = self.profile.crawl
        loader.add_fallbacks(field.name, *(partial(rule.apply, facts)
                                           for rule in field.ordered(crawl.structured_first, crawl.main_text)))

    def candidates(self, response, context: ArticleContext) -> list[tuple[str, list[tuple[str, object]]]]:
        """Every field's rules in the profile's order of trust with what each finds (for inspection)."""
        root, _ = self.article_content(response)
        facts = PageFacts(self, response, root, context)
        crawl = self.profile.crawl
        found: list[tuple[str, list[tuple[str, object]]]] = []
        for field in FIELDS:
            if field is CATEGORIES:
                facts.category = next((str(value) for _, value in found[-1][1] if value), None)
            found.append((field.name, [rule.apply(facts) for rule in field.ordered(crawl.structured_first,
                                                                                    crawl.main_text)]))
        choice = choose_body(self.profile, response, root, facts.structured, template=self.template)
        found.append(("body", [(rule, f"{size} characters") for rule, size in choice.compared]))
        if choice.container is not None:
            removed: list[tuple[str, str]] = []
            text_blocks(choice.container, self.profile.text, removed)
            found.append(("left out of the body", list[tuple[str, object]](removed)))
        return found

    def record_url(self, response, facts: PageFacts) -> str | None:
        """The page's canonical address; one on another site (a syndicated copy) is not this page's, and
        one on the real site of a mirror is moved onto the mirror, as its links are."""
        canonical = facts.meta_value("link:canonical", "og:url").value
        if canonical:
            canonical = response.urljoin(canonical)
            if host_key(urlsplit(canonical).netloc) != host_key(urlsplit(response.url).netloc):
                canonical = self.on_site(canonical)
        return canonical_url(canonical, response.url, keep_query=self.urls.keep_query)

    def headline_in_title(self, facts: PageFacts) -> Found:
        """The first headline-like element whose words the page's <title> (or og:title) holds."""
        title = facts.meta_value("og:title", "twitter:title").value
        whole = comparison_key(first_text(facts.response, ["title"]) or "") + " " + comparison_key(title or "")
        # The site's name (its meta tags, the text of its home links) is in the <title> too, and themes
        # print it in a heading of its own: no heading naming the site is the post's title.
        names = [*facts.meta.get("og:site_name", []), *facts.meta.get("application-name", []),
                 *map(text_of, facts.response.css("a[rel~=home]"))]
        site_keys = {key for name in names if (key := comparison_key(name))}
        for query in self.selectors.headline:
            for element in select(facts.response, query):
                text = clean_text(text_of(element))
                if text and len(text.split()) >= 2 and comparison_key(text) in whole \
                        and comparison_key(text) not in site_keys:
                    return Found(query, text)
        return Found(None, None)

    def byline(self, root) -> tuple[str | None, list[str]]:
        """(the selector, the byline's parts: one per author element); an author link abbreviated to
        initials gives way to its full title. A line longer than a byline is a sentence of the text."""
        for query in self.selectors.byline:
            lines = list(dict.fromkeys(first_line(element, self.profile.text) for element in select(root, query)))
            texts = [text for text in lines if text and len(text) <= LONGEST_BYLINE]
            if texts:
                break
        else:
            return None, []
        link = first_match(root, self.selectors.author_link)
        title = clean_text(AUTHOR_TITLE_PREFIX.sub("", link.attrib.get("title", ""))) if link is not None else None
        if len(texts) == 1 and title and INITIAL.match(texts[0]) and title.split()[-1] == texts[0].split()[-1]:
            return f"{query}, title of selectors.author_link", [title]
        return query, texts

    def story_id(self, blocks: list[str], root) -> int | None:
        pattern = self.profile.text.story_id
        for block in blocks:
            if (story_id := parse_story_id(block, pattern)) is not None:
                return story_id
        return parse_story_id(text_of(root), pattern) if pattern is not None else None

    def is_category_archive(self, url: str) -> bool:
        """Whether an address is a category archive: the profile's listing address (under the site's
        path), WordPress's ``/category/`` base or a ``?cat=`` query."""
        known = self._category_archives.get(url)
        if known is None:
            if len(self._category_archives) >= MEMO_KEPT:
                self._category_archives.clear()
            parts = urlsplit(url)
            known = self._category_archives[url] = bool(self.urls.category_slug(self.site_relative(url))) or bool(
                CATEGORY_ARCHIVE.search(parts.path)) or bool(parse_qs(parts.query).get("cat"))
        return known

    def site_relative(self, url: str) -> str:
        """An address's path and query under the crawled root's path (``/news/category/x/`` of a site
        at ``/news``: ``/category/x/``)."""
        parts = urlsplit(url)
        base_path = urlsplit(self.base_url).path.rstrip("/")
        path = parts.path[len(base_path):] if base_path and parts.path.startswith(base_path + "/") else parts.path
        return urlunsplit(("", "", path or "/", parts.query, ""))

    def link_category(self, links, url: str) -> str | None:
        """Of a page's category links, the one whose slug the article URL names, else the first."""
        slug = self.urls.article_part(url, "category")
        for link in links:
            if slug and self.urls.category_slug(link.attrib.get("href", "")) == slug:
                return clean_text(text_of(link))
        return self.named_category([text_of(link) for link in links], url)

    def named_category(self, names, url: str) -> str | None:
        """Of several category names, the one the article URL names, else the first."""
        names = [name for name in map(clean_text, names if isinstance(names, list) else [names])
                 if isinstance(name, str) and name]
        slug = self.urls.article_part(url, "category")
        if slug:
            wanted = self.categories.get(slug) or self.profile.categories.get(slug)
            for name in names:
                if name == wanted or slugify(name) == slug:
                    return name
        return names[0] if names else None

    def listing_category(self, context: ArticleContext, url: str) -> str | None:
        """The category an article's listings give it: the entry's own, else the listing whose slug the
        article URL names, else the first of its listings in the menu's order."""
        if context.category:
            return context.category
        slugs = [slug for slug in context.listing_categories if slug in self.categories]
        if not slugs:
            return None
        wanted = self.urls.article_part(url, "category")
        if wanted in slugs:
            return self.categories[wanted]
        order = {slug: index for index, slug in enumerate(self.categories)}
        return self.categories[min(slugs, key=order.__getitem__)]


def listing_address(url: str, listing_query) -> str:
    """A category listing's address: no query, but the parameter naming the category at the root
    (``/?cat=3``).

    >>> listing_address("http://x.test/?cat=3&orderby=date", {"cat"}), listing_address("http://x.test/c/?a=1", {"cat"})
    ('http://x.test/?cat=3', 'http://x.test/c/')
    """
    parts = urlsplit(url)
    kept = [(name, value) for name, value in parse_qsl(parts.query) if name in listing_query]
    return strip_query(url) + (f"?{urlencode(kept)}" if kept and parts.path in ("", "/") else "")


def post_id(response, meta: dict[str, list[str]]) -> int | None:
    """The WordPress post ID: the shortlink's ``?p=``, else the ``postid-N`` body class."""
    for link in meta.get("link:shortlink", ()):
        found = shortlink_id(response.urljoin(link))
        if found:
            return int(found)
    body = response.selector.root.find("body")
    match = POST_ID_CLASS.search(body.get("class", "") if body is not None else "")
    return int(match.group(1)) if match else None


def first_line(element, rules) -> str | None:
    """The first line of an element's text as a reader sees it (a <br> or a block ends a line)."""
    if isinstance(element.root, str):
        return clean_text(element.root)
    if len(element.root) == 0:  # text only: no markup can break it into lines
        return clean_text(element.root.text)
    lines = text_blocks(element, rules)
    if len(lines) > 1 and not BYLINE_PREFIX.sub("", lines[0] + " ").strip():
        return f"{lines[0]} {lines[1]}"  # "By" on a line of its own, the names on the next
    return lines[0] if lines else None
