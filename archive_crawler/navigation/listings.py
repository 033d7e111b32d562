"""The oldest way into a site: its menus name the category listings, walked page by page.

With the incremental early stop (a complete earlier harvest: a page of links all known
ends the category), the date window, and a guard against pagination that loops, goes
backwards, runs empty or never ends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from archive_crawler.messages import ListingPage, NextPage
from archive_crawler.navigation.fetch import HOME_LISTING, LISTING_PRIORITY, Fetch, PageKind
from archive_crawler.navigation.knowledge import SiteKnowledge
from archive_crawler.navigation.urls import url_key
from archive_crawler.reading.posts import page_position
from archive_crawler.reading.processors import parse_published
from archive_crawler.stats import Stat
from archive_crawler.vocabulary import DoorName

if TYPE_CHECKING:
    from archive_crawler.navigation.navigator import Navigator

logger = logging.getLogger(__name__)

HOME_NAME = "Newest posts (the home page)"  # the home page's listing, as reports name it


class PaginationGuard:
    """Spots next-page chains that go round in circles or never end, per category."""

    def __init__(self, urls, max_pages: int = 5000):
        self.urls = urls
        self.max_pages = max_pages
        self.trail: dict[str, set[str]] = {}  # slug -> listing pages read
        self.empty: dict[str, int] = {}  # slug -> empty listing pages in a row

    def number(self, url: str) -> int | None:
        """A listing page's number: the profile's, or one written as ``?query-0-page=N`` (block themes)."""
        _, number = page_position(url)
        return number if number > 1 else self.urls.listing_page_number(url)

    def page_key(self, url: str) -> str:
        """A listing page's identity: which listing, and its number (pages may differ only in ``?page=N``)."""
        listing, _ = page_position(url)
        return f"{url_key(url)} {listing} {self.number(url)}"

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
        number = self.number(next_url)
        if number is not None and number <= page:
            return "backwards"
        if self.empty.get(slug, 0) >= 2:
            return "empty_chain"
        if page >= self.max_pages:
            return "too_deep"
        return None


class Listings:
    """The listings door: ``categories`` (slug -> display name) grows in menu order."""

    name = DoorName.LISTINGS
    busy = False  # nothing to probe: the listings are walked when no other door gave the articles

    def __init__(self, nav: Navigator, max_pages: int = 5000):
        self.nav = nav
        self.urls = nav.urls
        self.guard = PaginationGuard(nav.urls, max_pages)
        self.categories: dict[str, str] = {}
        self.counts: dict[str, int] = {}  # slug -> posts the site's category widgets say it holds
        self.recognised: dict[str, set[str]] = {}  # slug -> link keys of the posts its listing pages showed
        self.trusted: set[str] = set()  # categories left early because an earlier run read the rest
        # What is learnt of the site's listings: an earlier run's, else the first pass's (the home page's
        # listing and the first page of every category named when the walk starts), read before any
        # post on them is taken.
        ledger = nav.ledger
        self.knowledge = SiteKnowledge.load(ledger.knowledge(nav.profile.name, nav.base_url)
                                            if ledger is not None else nav.kept_knowledge)
        if self.knowledge is not None:
            nav.stats.set_value(Stat.KNOWLEDGE_KEPT, 1)
            logger.info("What an earlier harvest learnt of the listings of %s, from the state: %s", nav.base_url,
                        self.knowledge.dump())
        self.first_pass: dict[str, Fetch] = {}  # listing page key -> its fetch, in the walk's order
        self.held: dict[str, ListingPage | None] = {}  # first pass pages come in (None: failed, or taken at once)

    def open(self) -> list[Fetch]:
        return []

    def walk(self, menu: dict[str, tuple[str, str]], home_read: bool = True) -> list[Fetch]:
        """The listings a home page's menus name; the profile's known ones when it names none."""
        return self.first_pass_of(self.walk_from(menu, home_read))

    def walk_from(self, menu: dict[str, tuple[str, str]], home_read: bool) -> list[Fetch]:
        if menu:
            return self.categories_found(menu)
        home = self.nav.home_listing
        if home is not None and any(entry.url for entry in home.entries) and not self.nav.profile.categories:
            # No category named anywhere (a block theme shows none): the home page lists every post, newest first.
            logger.info("No category links on %s/: walking the listing of its newest posts", self.nav.base_url)
            home_fetch = Fetch(f"{self.nav.base_url}/", PageKind.LISTING, HOME_LISTING, 1, priority=LISTING_PRIORITY)
            self.first_pass_of([home_fetch])
            if self.nav.ledger is not None:
                self.nav.ledger.category_seen(HOME_LISTING, HOME_NAME)
            return self.read(home_fetch, home)
        if home_read:
            logger.warning("No category links in the menu of %s/; using the known categories", self.nav.base_url)
            self.nav.stats.inc_value(Stat.MENU_FALLBACK)
        return self.categories_found({slug: (name, self.urls.listing_for(self.nav.base_url, slug))
                                      for slug, name in self.nav.profile.categories.items()})

    def categories_found(self, menu: dict[str, tuple[str, str]]) -> list[Fetch]:
        """Listing fetches for the categories not met before."""
        fetches = []
        for slug, (name, url) in menu.items():
            if slug in self.categories:
                continue
            self.categories[slug] = name
            if self.nav.ledger is not None:
                self.nav.ledger.category_seen(slug, name)
            fetches.append(Fetch(url, PageKind.LISTING, slug, 1, priority=LISTING_PRIORITY))
        self.tally()
        return fetches

    def first_pass_of(self, fetches: list[Fetch]) -> list[Fetch]:
        """The listing fetches of the walk's start make its first pass, when nothing is known yet."""
        if self.knowledge is None:
            for fetch in fetches:
                if fetch.kind is PageKind.LISTING:
                    self.first_pass.setdefault(pass_key(fetch), fetch)
        return fetches

    def read(self, fetch: Fetch, page: ListingPage) -> list[Fetch]:
        """A listing page read: one whose posts were found by their links is held while the first
        pass goes on; any other is taken at once (see ``take``)."""
        key = pass_key(fetch)
        if self.knowledge is None and key in self.first_pass:
            if any(entry.block for entry in page.entries):
                self.held[key] = page
                return self.release()
            self.held[key] = None  # the profile's selectors found its posts: nothing to learn, nothing to wait for
            return self.take(fetch, page) + self.release()
        return self.take(fetch, page)

    def release(self, anyway: bool = False) -> list[Fetch]:
        """Once every first pass page came in (or ``anyway``: the walk has nothing else left), learn
        from them, freeze what was learnt, and take them in the walk's order."""
        if self.knowledge is not None or not self.first_pass or (
                not anyway and len(self.held) < len(self.first_pass)):
            return []
        pages = [(fetch, page) for key, fetch in self.first_pass.items() if (page := self.held.get(key)) is not None]
        self.knowledge = SiteKnowledge.learn([page for _, page in pages])
        nav = self.nav
        if pages:
            nav.stats.set_value(Stat.KNOWLEDGE_LEARNT, len(pages))
            logger.info("Learnt from %d listing pages of %s: %s", len(pages), nav.base_url, self.knowledge.dump())
        if nav.ledger is not None and not nav.window.limited and self.knowledge.shapes:
            nav.ledger.remember_knowledge(nav.profile.name, nav.base_url, self.knowledge.dump())
        return [follow for fetch, page in pages for follow in self.take(fetch, page)]

    def take(self, fetch: Fetch, page: ListingPage) -> list[Fetch]:
        """Articles to fetch from a listing page, then its next page when paging should go on."""
        nav, slug, url = self.nav, fetch.category, page.url or fetch.url
        assert slug is not None  # a listing's fetch names its category
        nav.stats.inc_value(Stat.LISTING_PAGES)
        if nav.ledger is not None:
            nav.ledger.listing_page_read(slug)
        fetches = self.categories_found(page.categories)
        self.counted(page.counts)
        self.guard.visit(slug, url, len(page.entries))
        if not page.entries:
            nav.stats.inc_value(Stat.LISTING_EMPTY)
            logger.info("Listing page %s holds no entries", url)
        statuses, dates = [], []
        knowledge, taken = self.knowledge or SiteKnowledge(), set()
        known = nav.ledger.link_statuses([url_key(entry.url) for entry in page.entries if entry.url]) \
            if nav.ledger is not None else {}
        for entry in page.entries:
            if not knowledge.accepts(entry):
                nav.stats.inc_value(Stat.LISTING_NOT_LISTED)  # a place every page shows, or no post's link
                continue
            if entry.block is not None and entry.url is not None:
                if entry.url in taken:  # shown in two blocks of the page
                    continue
                taken.add(entry.url)
            if entry.url is None:
                if entry.href:
                    nav.stats.inc_value(Stat.LISTING_LINK_SKIPPED)
                else:
                    nav.stats.inc_value(Stat.LISTING_ENTRY_WITHOUT_LINK)
                    logger.warning("A listing entry on %s links to no article", url)
                continue
            nav.stats.inc_value(Stat.LISTING_POSTS)
            self.recognised.setdefault(slug, set()).add(url_key(entry.url))
            nav.linked(entry.url, slug)
            status = known.get(url_key(entry.url))
            statuses.append(status)
            dates.append(parse_published(entry.context.published))
            if not nav.window.contains(dates[-1]):
                nav.stats.inc_value(Stat.WINDOW_SKIPPED)
                continue
            follow = nav.new_article(entry.url, entry.context, status)
            if follow is not None:
                fetches.append(follow)
        fetches += self.next_page(fetch, url, page, statuses, dates)
        self.tally()
        return fetches

    def counted(self, counts: dict[str, int]) -> None:
        """Category counts a page's widgets print, the first met for each category."""
        for slug, count in counts.items():
            self.counts.setdefault(slug, count)
        self.tally()

    def tally(self) -> None:
        """The door's report: the posts the categories walked are said to hold (``announced``), and
        as many of them as their listings showed (``listed``)."""
        report = self.nav.report.get(DoorName.LISTINGS)
        counted = [slug for slug in self.categories if slug in self.counts]
        if report is None or not counted:
            return
        report["announced"] = sum(self.counts[slug] for slug in counted)
        report["listed"] = sum(self.counts[slug] if slug in self.trusted
                               else min(self.counts[slug], len(self.recognised.get(slug, ()))) for slug in counted)

    def next_page(self, fetch: Fetch, url: str, page: ListingPage, statuses, dates) -> list[Fetch]:
        nav, slug = self.nav, fetch.category
        assert slug is not None  # a listing's fetch names its category
        next_url, trap = self.guard.next_page(slug, fetch.page, page.next_pages)
        if trap:
            nav.stats.inc_value(f"{Stat.LISTING_TRAP}/{trap}")
            logger.warning("Stopped paging %s at %s: pagination %s", slug, url, trap.replace("_", " "))
        elif not next_url:
            if nav.ledger is not None:
                nav.ledger.category_walked(slug, self.categories.get(slug, HOME_NAME if slug == HOME_LISTING else None))
        elif dates and all(nav.window.older_than_since(day) for day in dates):
            logger.info("Stopped paging %s at page %d: listings older than %s", slug, fetch.page, nav.window.since)
            self.trusted.add(slug)
        elif nav.ledger is not None and nav.ledger.may_stop_paging(slug, statuses):
            nav.stats.inc_value(Stat.INCREMENTAL_STOPPED_PAGING)
            self.trusted.add(slug)
            logger.info("Stopped paging %s at page %d: nothing new past it", slug, fetch.page)
        else:
            return [Fetch(next_url, PageKind.LISTING, slug, fetch.page + 1, priority=LISTING_PRIORITY)]
        return []

    def failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        if self.knowledge is None and pass_key(fetch) in self.first_pass:
            self.held[pass_key(fetch)] = None
            return self.release()
        return []


def pass_key(fetch: Fetch) -> str:
    """A first pass page's key: its listing and its address."""
    return f"{fetch.category} {fetch.url}"
