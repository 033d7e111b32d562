"""One navigation for every way of reading a site: what to fetch next, from the pages read so far.

Home page and menus -> category listings -> their next pages -> articles, with the
incremental early stop, the date window and the pagination guard. The navigator
never fetches: the spider feeds it live or cached responses, the re-parse tool
feeds it pages from the cache or WARC files, and both fetch what it asks for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from enum import Enum

from archive_crawler.messages import ArticleContext, ListingPage, NextPage
from archive_crawler.navigation.ledger import NO_WINDOW, DateWindow, LinkLedger
from archive_crawler.navigation.urls import SiteScope, url_key
from archive_crawler.reading.processors import parse_published
from archive_crawler.sites.profile import Profile
from archive_crawler.storage.store import note_edited

logger = logging.getLogger(__name__)

# Articles go before the next listing page, so pending requests stay few on any archive size.
LISTING_PRIORITY = -10


class PageKind(Enum):
    HOME = "home"
    LISTING = "listing"
    ARTICLE = "article"
    REST = "rest"  # a page of the WordPress REST API's posts
    SITEMAP = "sitemap"  # a sitemap, a sitemap index or a feed


@dataclass(frozen=True)
class Fetch:
    """A page the navigator wants read, and why."""

    url: str
    kind: PageKind
    category: str | None = None  # the listing's category slug
    page: int = 1  # the listing page's number
    context: ArticleContext = field(default_factory=ArticleContext)  # for articles: what the listings said
    priority: int = 0
    door: str | None = None  # for REST pages, sitemaps and feeds: the door it belongs to
    probe: bool = False  # whether it tells if its door is open at all

    @property
    def link_key(self) -> str | None:
        return url_key(self.url) if self.kind is PageKind.ARTICLE else None


class PaginationGuard:
    """Spots next-page chains that go round in circles or never end, per category."""

    def __init__(self, urls, max_pages: int = 5000):
        self.urls = urls
        self.max_pages = max_pages
        self.trail: dict[str, set[str]] = {}  # slug -> listing pages read
        self.empty: dict[str, int] = {}  # slug -> empty listing pages in a row

    def page_key(self, url: str) -> str:
        """A listing page's identity: its path and its number (pages may differ only in ``?page=N``)."""
        return f"{url_key(url)} {self.urls.listing_page_number(url)}"

    def visit(self, slug: str, url: str, entries: int) -> None:
        self.trail.setdefault(slug, set()).add(self.page_key(url))
        self.empty[slug] = 0 if entries else self.empty.get(slug, 0) + 1

    def next_page(self, slug: str, page: int, candidates: list[NextPage]) -> tuple[str | None, str | None]:
        """(the first candidate that is no trap, else None; the trap of the first candidate that
        says it leads on, if any). A link that only sits where the next-page link usually sits
        and goes back ("Next Entries" on the left) is no trap: it is ignored."""
        first_trap = None
        for candidate in candidates:
            trap = self.trap(slug, page, candidate.url)
            if trap is None:
                return candidate.url, None
            if candidate.says_so and first_trap is None:
                first_trap = trap
        return None, first_trap

    def trap(self, slug: str, page: int, next_url: str) -> str | None:
        """Why following ``next_url`` from listing page ``page`` would be a trap, or None."""
        if self.page_key(next_url) in self.trail.get(slug, ()):
            return "loop"
        number = self.urls.listing_page_number(next_url)
        if number is not None and number <= page:
            return "backwards"
        if self.empty.get(slug, 0) >= 2:
            return "empty_chain"
        if page >= self.max_pages:
            return "too_deep"
        return None


class Navigator:
    """Decides what to fetch next; ``categories`` (slug -> display name) grows in menu order."""

    def __init__(self, profile: Profile, base_url: str, stats, *, ledger: LinkLedger | None = None,
                 window: DateWindow = NO_WINDOW, max_listing_pages: int = 5000, full: bool = False):
        self.profile = profile
        self.urls = profile.urls
        self.base_url = base_url.rstrip("/")
        self.scope = SiteScope(self.base_url, profile.urls.mirror_hosts).on_site
        self.stats = stats
        self.ledger = ledger
        self.window = window
        self.full = full
        self.menu: dict[str, tuple[str, str]] = {}  # the home page's categories
        self.language: str | None = None  # the home page's
        self.doors = None
        if tuple(profile.crawl.doors) != ("listings",):
            from archive_crawler.navigation.doors import DoorMemory, Doors

            memory = DoorMemory.load(ledger.door_memory(profile.name, self.base_url)) if ledger and not full else None
            self.doors = Doors(self, memory)
        self.guard = PaginationGuard(profile.urls, max_listing_pages)
        self.categories: dict[str, str] = {}
        self.requested: set[str] = set()  # link keys of the articles asked for in this run
        self.linked_from: dict[str, tuple[str, ...]] = {}  # link key -> slugs of the listings naming it, until read

    def start(self) -> list[Fetch]:
        return [Fetch(f"{self.base_url}/", PageKind.HOME)]

    # -- the home page and menus -------------------------------------------------------

    def home_read(self, menu: dict[str, tuple[str, str]], feeds=(), language: str | None = None) -> list[Fetch]:
        """After the home page: the listings its menus name (the profile's known ones when it names
        none), or the first door to probe; then the links an earlier run did not finish."""
        self.menu, self.language = menu, language
        if self.doors is None:
            return self.listings_from_menu() + self.unfinished()
        self.doors.feed_links = list(feeds)
        return self.doors.begin() + self.unfinished()

    def home_failed(self) -> list[Fetch]:
        if self.doors is not None:
            return self.doors.begin() + self.unfinished()
        return self.known_categories() + self.unfinished()

    def listings_from_menu(self) -> list[Fetch]:
        if self.menu:
            return self.categories_found(self.menu)
        logger.warning("No category links in the menu of %s/; using the known categories", self.base_url)
        self.stats.inc_value("archive/menu/fallback")
        return self.known_categories()

    def note_edited(self, url: str) -> None:
        note_edited(self.stats, url)

    def known_categories(self) -> list[Fetch]:
        return self.categories_found({slug: (name, self.urls.listing_for(self.base_url, slug))
                                      for slug, name in self.profile.categories.items()})

    def categories_found(self, menu: dict[str, tuple[str, str]]) -> list[Fetch]:
        """Listing fetches for the categories not met before."""
        fetches = []
        for slug, (name, url) in menu.items():
            if slug in self.categories:
                continue
            self.categories[slug] = name
            if self.ledger is not None:
                self.ledger.category_seen(slug, name)
            fetches.append(Fetch(url, PageKind.LISTING, slug, 1, priority=LISTING_PRIORITY))
        return fetches

    def unfinished(self) -> list[Fetch]:
        if self.ledger is None:
            return []
        links = self.ledger.unfinished_links()
        if links:
            logger.info("Retrying %d article links an earlier run did not finish", len(links))
        return [self.article(url, context) for url, context in links]

    # -- listings -----------------------------------------------------------------------

    def listing_read(self, fetch: Fetch, url: str, page: ListingPage) -> list[Fetch]:
        """Articles to fetch from a listing page, then its next page when paging should go on."""
        slug = fetch.category
        assert slug is not None  # a listing's fetch names its category
        self.stats.inc_value("archive/listing/pages")
        if self.ledger is not None:
            self.ledger.listing_page_read(slug)
        fetches = self.categories_found(page.categories)
        self.guard.visit(slug, url, len(page.entries))
        if not page.entries:
            self.stats.inc_value("archive/listing/empty")
            logger.info("Listing page %s holds no entries", url)
        statuses, dates = [], []
        for entry in page.entries:
            if entry.url is None:
                if entry.href:
                    self.stats.inc_value("archive/listing/link_skipped")
                else:
                    self.stats.inc_value("archive/listing/entry_without_link")
                    logger.warning("A listing entry on %s links to no article", url)
                continue
            link_key = url_key(entry.url)
            if link_key in self.linked_from or link_key not in self.requested:
                self.linked_from[link_key] = (*self.linked_from.get(link_key, ()), slug)
            status = self.ledger.link_status(link_key) if self.ledger is not None else None
            statuses.append(status)
            dates.append(parse_published(entry.context.published))
            if not self.window.contains(dates[-1]):
                self.stats.inc_value("archive/window/skipped")
                continue
            follow = self.new_article(entry.url, entry.context, status)
            if follow is not None:
                fetches.append(follow)
        next_url, trap = self.guard.next_page(slug, fetch.page, page.next_pages)
        if trap:
            self.stats.inc_value(f"archive/listing/trap/{trap}")
            logger.warning("Stopped paging %s at %s: pagination %s", slug, url, trap.replace("_", " "))
        elif not next_url:
            if self.ledger is not None:
                self.ledger.category_walked(slug, self.categories.get(slug))
        elif dates and all(self.window.older_than_since(day) for day in dates):
            logger.info("Stopped paging %s at page %d: listings older than %s", slug, fetch.page, self.window.since)
        elif self.ledger is not None and self.ledger.may_stop_paging(slug, statuses):
            self.stats.inc_value("archive/incremental/stopped_paging")
            logger.info("Stopped paging %s at page %d: nothing new past it", slug, fetch.page)
        else:
            fetches.append(Fetch(next_url, PageKind.LISTING, slug, fetch.page + 1, priority=LISTING_PRIORITY))
        return fetches

    # -- articles -----------------------------------------------------------------------

    def new_article(self, url: str, context: ArticleContext, status: str | None = None) -> Fetch | None:
        """The fetch of an article link met in a listing, a sitemap or a feed, unless this run asked for
        it already or the state says it is written (``status``: where the link stood before this run)."""
        link_key = url_key(url)
        if link_key in self.requested:
            return None
        if self.ledger is not None and not self.ledger.should_fetch(link_key, url, context, status):
            return None
        return self.article(url, context)

    def article(self, url: str, context: ArticleContext) -> Fetch:
        self.requested.add(url_key(url))
        # A "-2" slug is usually a second copy of a story: fetch the original first.
        return Fetch(url, PageKind.ARTICLE, context=context, priority=-1 if self.urls.is_second_copy(url) else 0)

    def article_context(self, fetch: Fetch) -> ArticleContext:
        """The article's context with every listing met so far that links to it, in menu order."""
        link_key = fetch.link_key
        assert link_key is not None  # an article's fetch
        slugs = set(fetch.context.listing_categories) | set(self.linked_from.get(link_key, ()))
        order = {slug: index for index, slug in enumerate(self.categories)}
        ordered = tuple(sorted(slugs, key=lambda slug: order.get(slug, len(order))))
        return replace(fetch.context, listing_categories=ordered)

    def article_done(self, fetch: Fetch) -> None:
        """The article's page was read: the listings naming it need no longer be remembered."""
        link_key = fetch.link_key
        assert link_key is not None  # an article's fetch
        self.linked_from.pop(link_key, None)
