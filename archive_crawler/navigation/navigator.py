"""The walk: what to read next, from the pages read so far, for every way of reading a site.

The navigator never fetches. An adapter (the spider, live or replaying; the re-parse tool,
reading stored pages) asks :meth:`Navigator.start` for the first pages, feeds each page it
read to :meth:`Navigator.read` (or its failure to :meth:`Navigator.failed`), asks
:meth:`Navigator.idle` when nothing is left, and reads whatever each returns. The
navigator also records, through the ledger, what became of every article link.

Ways in: a URL list (exactly its pages), else the home page and then the doors the profile
names (:mod:`.doors`: REST API, sitemaps, feeds; :mod:`.listings`: menus and category
listings), and for a harvest from a web archive what its captures hold beyond them
(:mod:`.captures`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from archive_crawler.messages import ArticleContext, HomePage, ListingPage, ParsedArticle
from archive_crawler.navigation.captures import CapturedSite
from archive_crawler.navigation.doors import Door, DoorMemory, ListedDoor, RestDoor
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.ledger import NO_WINDOW, DateWindow, LinkLedger
from archive_crawler.navigation.listings import Listings
from archive_crawler.navigation.templates import TemplatePass
from archive_crawler.navigation.urls import SiteScope, normal_url, url_key
from archive_crawler.reading.rest import RestPage
from archive_crawler.reading.template import SiteTemplate
from archive_crawler.sites.profile import Profile
from archive_crawler.stats import Stat
from archive_crawler.vocabulary import DoorName, LinkStatus

logger = logging.getLogger(__name__)

GONE_REASONS = ("http_404", "http_410")


class Navigator:
    def __init__(self, profile: Profile, base_url: str, stats, *, ledger: LinkLedger | None = None,
                 window: DateWindow = NO_WINDOW, max_listing_pages: int = 5000, full: bool = False,
                 seeds: tuple[str, ...] = (), captures: list[str] | None = None, knowledge: str | None = None):
        self.profile = profile
        self.urls = profile.urls
        self.base_url = base_url.rstrip("/")
        self.scope = SiteScope(self.base_url, profile.urls.mirror_hosts).on_site
        self.stats = stats
        self.ledger = ledger
        self.window = window
        self.full = full
        self.seeds = seeds
        # Without a ledger (a replay, a re-parse): what the harvest learnt of the site's listings, as its
        # state keeps it (see navigation/knowledge.py); with one, the ledger's state gives it.
        self.kept_knowledge = knowledge
        self.language: str | None = None  # the home page's
        self.menu: dict[str, tuple[str, str]] = {}  # the home page's categories
        self.home_ok = True  # whether the home page was read
        self.home_listing: ListingPage | None = None  # the home page as the listing of the newest posts
        self.requested: set[str] = set()  # link keys of the articles asked for in this run
        self.linked_from: dict[str, tuple[str, ...]] = {}  # link key -> slugs of the listings naming it, until read
        # What the doors found: addresses sitemaps and feeds list, and what each door announced.
        self.listed: dict[str, tuple[str, str | None]] = {}  # URL key -> (address, lastmod)
        self.sitemaps_seen: set[str] = set()
        self.robots_sitemaps: list[str] = []
        self.feed_links: list[str] = []
        names = [DoorName(name) for name in profile.crawl.doors]
        self.report: dict[str, dict] = {name: {"status": "not tried"} for name in names}
        self.memory = DoorMemory.load(ledger.door_memory(profile.name, self.base_url)) \
            if ledger is not None and not full else None
        self.listings = Listings(self, max_listing_pages)
        self.doors: dict[DoorName, Door] = {DoorName.LISTINGS: self.listings}
        self.rest = RestDoor(self, self.memory) if DoorName.REST in names else None
        if self.rest is not None:
            self.doors[DoorName.REST] = self.rest
        for name in (DoorName.SITEMAPS, DoorName.FEEDS):
            if name in names:
                self.doors[name] = ListedDoor(self, name)
        self.pending = names
        if self.memory is not None and self.memory.door in names:
            self.pending = [DoorName(self.memory.door)]  # a later run reads through the door the first one used
        self.only_listings = names == [DoorName.LISTINGS]  # no door to weigh: nothing to report
        self.used: DoorName | None = None
        self.harvested = False
        self.captured = CapturedSite(self, captures) if captures is not None else None
        self.kept = 0  # records kept (inside the date window) so far
        self.unanswered: dict[str, Fetch] = {}  # link key -> a listed page's fetch, until its page is handled
        # Each site's template: its first article pages are read to learn it, the others wait (see .templates).
        self.templates = TemplatePass(profile, stats, ledger, seeds, keep=not window.limited)

    @property
    def categories(self) -> dict[str, str]:
        """The categories met so far (slug -> display name), in menu order."""
        return self.listings.categories

    # -- the adapter's side ----------------------------------------------------------------

    def start(self) -> list[Fetch]:
        if self.seeds:  # exactly the pages listed, no discovery
            fetches = [self.article(normal_url(line), ArticleContext(listed_url=line)) for line in self.seeds]
            self.unanswered = {fetch.link_key: fetch for fetch in fetches if fetch.link_key is not None}
            return self.templates.route(fetches)
        return [Fetch(f"{self.base_url}/", PageKind.HOME)]

    def template_of(self, fetch: Fetch) -> SiteTemplate | None:
        """The template of its site a page is read with (None: none)."""
        return self.templates.template_of(fetch)

    def to_read(self, fetch: Fetch) -> Fetch:
        """The fetch as its page is to be read: an article's with every listing met so far that
        links to it, in menu order."""
        link_key = fetch.link_key
        if link_key is None:
            return fetch
        slugs = set(fetch.context.listing_categories) | set(self.linked_from.get(link_key, ()))
        order = {slug: index for index, slug in enumerate(self.categories)}
        ordered = tuple(sorted(slugs, key=lambda slug: order.get(slug, len(order))))
        return replace(fetch, context=replace(fetch.context, listing_categories=ordered))

    def read(self, fetch: Fetch, page) -> list[Fetch]:
        """What to read after a page: ``page`` is what the page reading made of it."""
        return self.templates.route(self.after(fetch, page))

    def after(self, fetch: Fetch, page) -> list[Fetch]:
        if fetch.learning:  # read to learn its site's template: read again once it is learnt
            return self.templates.read(fetch, page if isinstance(page, ParsedArticle) else None)
        if fetch.kind is PageKind.HOME:
            assert isinstance(page, HomePage)
            return self.home_read(page)
        if fetch.kind is PageKind.ARTICLE:
            self.article_done(fetch)
            return []
        if fetch.kind is PageKind.LISTING:
            return self.listings.read(fetch, page)
        door = self.door_of(fetch)
        return self.door_step(door, door.read(fetch, page))

    def failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        """What to read after a page that could not be read (``reason``: http_404, not_html, ...)."""
        return self.templates.route(self.after_failure(fetch, reason))

    def after_failure(self, fetch: Fetch, reason: str) -> list[Fetch]:
        if fetch.kind is PageKind.HOME:
            return self.home_read(None)
        if fetch.kind is PageKind.ARTICLE:
            self.article_done(fetch)
            self.settle(fetch, LinkStatus.GONE if reason in GONE_REASONS else LinkStatus.FAILED)
            return self.templates.read(fetch, None) if fetch.learning else []
        if fetch.kind is PageKind.LISTING:
            return self.listings.failed(fetch, reason)
        door = self.door_of(fetch)
        return self.door_step(door, door.failed(fetch, reason))

    def idle(self) -> list[Fetch]:
        """What to read once every page asked for was read; [] when the walk is over."""
        held = self.listings.release(anyway=True) or self.templates.idle()  # a first pass page that never came in
        if held:
            return self.templates.route(held)
        return self.templates.route(self.captured.idle()) if self.captured is not None and not self.seeds else []

    def records(self, fetch: Fetch, page) -> list[dict]:
        """The records a page gave that the run keeps: an article's (inside the date window), a REST page's."""
        if isinstance(page, RestPage):
            self.stats.inc_value(Stat.ARTICLE_PARSED, len(page.items))
            self.kept += len(page.items)
            return page.items
        if not isinstance(page, ParsedArticle) or fetch.learning:  # (a first pass page gives its record later)
            return []
        self.stats.inc_value(Stat.ARTICLE_PARSED)
        if not self.window.contains(page.item.get("published")):
            self.stats.inc_value(Stat.WINDOW_SKIPPED)
            return []
        self.kept += 1
        return [page.item]

    def unread_listed(self) -> list[Fetch]:
        """The listed pages the run neither read nor saw fail (dropped before they were fetched);
        each is settled as failed, so the caller reports it once."""
        lost = list(self.unanswered.values())
        for fetch in lost:
            self.failed(fetch, "not_fetched")
        return lost

    def robots_read(self, sitemaps) -> None:
        """robots.txt was read: the sitemaps it names are a door."""
        self.robots_sitemaps += [url for url in sitemaps if url not in self.robots_sitemaps]

    def tried(self, store: str | None = None) -> str:
        """What the walk tried, in a few words: each door and how it ended, the listings read and the
        posts recognised on them, and in a replay the pages missing from its ``store``."""
        doors = "; ".join(f"{door}: {self.describe(door)}" for door in self.report) if not self.only_listings \
            else "listings"
        if not self.home_ok:
            doors = f"the home page failed; {doors}"
        missing = (self.stats.get_value(Stat.REPLAY_MISSING) or 0) + (self.stats.get_value(Stat.REPLAY_UNREADABLE) or 0)
        return (f"{doors}; {self.stats.get_value(Stat.LISTING_PAGES, 0)} listing pages read, "
                f"{self.stats.get_value(Stat.LISTING_POSTS, 0)} posts recognised on them"
                + (f"; {missing} pages missing from the {store}" if missing and store else ""))

    def finished(self, reason: str) -> None:
        """A finished run remembers the door it went through, for the next one."""
        memory = self.remember()
        if memory is not None and reason == "finished" and self.ledger is not None and not self.window.limited:
            self.ledger.remember_door(self.profile.name, self.base_url, memory.dump())

    # -- what became of each link ----------------------------------------------------------

    def settle(self, fetch: Fetch, status: LinkStatus, story: tuple[str | None, str] | None = None) -> None:
        if self.ledger is not None:
            self.ledger.settle(fetch.link_key, status, story)

    def written(self, fetch: Fetch, page_url: str, story: tuple[str | None, str] | None) -> None:
        """An article's record was written (or dropped as a copy of a story written already)."""
        self.settle(fetch, LinkStatus.DONE, story)
        if story and url_key(page_url) != fetch.link_key and self.ledger is not None:
            # Reached through a redirect (a shortlink): a link straight to this page is done too, and
            # is not asked for again (the duplicate filter would drop it unanswered).
            self.ledger.page_written(page_url, story)
            self.requested.add(url_key(page_url))

    def redirected_to_read(self, fetch: Fetch) -> None:
        """A redirect to a page this run read already: the link is settled by that page."""
        if fetch.kind is PageKind.ARTICLE:
            self.settle(fetch, LinkStatus.DONE)
            self.article_done(fetch)

    # -- the home page and the doors -------------------------------------------------------

    def home_read(self, page: HomePage | None) -> list[Fetch]:
        """After the home page (None: it failed): the first door to open, then the links an earlier
        run did not finish."""
        self.menu = page.menu if page is not None else {}
        self.home_ok = page is not None
        if page is not None:
            self.language = page.language
            self.feed_links = list(page.feeds)
            self.home_listing = page.listing
            if page.listing is not None:
                self.listings.counted(page.listing.counts)
        return self.open_next() + self.unfinished()

    def door_of(self, fetch: Fetch) -> Door:
        assert fetch.door is not None  # REST pages, sitemaps and feeds belong to a door
        return self.doors[DoorName(fetch.door)]

    def door_step(self, door: Door, fetches: list[Fetch]) -> list[Fetch]:
        """A door's answer read: once it awaits nothing more, the next door opens."""
        if fetches or door.busy or self.harvested:
            return fetches
        return self.open_next()

    def open_next(self) -> list[Fetch]:
        """Probe the next door; with none left, harvest through the best one found."""
        while self.pending:
            fetches = self.doors[self.pending.pop(0)].open()
            if fetches:
                return fetches
        return self.harvest()

    def harvest(self) -> list[Fetch]:
        """Everything the doors found, fetched through the one that gave most for least."""
        self.harvested = True
        if self.only_listings:
            return self.listings.walk(self.menu, self.home_ok)
        fetches: list[Fetch] = []
        rest = self.report.get(DoorName.REST, {})
        if self.rest is not None and rest.get("status") == "open":
            self.used = DoorName.REST
            if (rest.get("delivered") or 0) < (rest.get("announced") or 0) and self.memory is None:
                self.rest.short = True  # fewer posts than its own total
            missing = {key: entry for key, entry in self.listed.items() if key not in self.rest.posts}
            if missing:
                logger.warning("The REST API gave %d posts; the sitemaps list %d more: fetching their pages",
                               len(self.rest.posts), len(missing))
                self.stats.inc_value(Stat.DOORS_REST_MISSING, len(missing))
                rest["status"] = "open, short"
            fetches = self.listed_articles(missing)
            if self.rest.short and not missing and DoorName.LISTINGS in self.report and self.memory is None:
                logger.warning("The REST API gave fewer posts than it announced and no sitemap names the rest: "
                               "walking the listings too")
                fetches = self.listings.walk(self.menu, self.home_ok)
        elif self.listed:
            sitemaps_open = self.report.get(DoorName.SITEMAPS, {}).get("status") == "open"
            self.used = DoorName.SITEMAPS if sitemaps_open else DoorName.FEEDS
            fetches = self.listed_articles(self.listed)
        elif DoorName.LISTINGS in self.report:
            self.used = DoorName.LISTINGS
            self.report[DoorName.LISTINGS]["status"] = "open"
            fetches = self.listings.walk(self.menu, self.home_ok)
        else:
            logger.warning("No door of %s gave any article", self.base_url)
        if self.used:
            logger.info("Harvesting %s through its %s (%s)", self.base_url, self.used.replace("rest", "REST API"),
                        "; ".join(f"{door}: {self.describe(door)}" for door in self.report))
            self.stats.set_value(Stat.DOORS_USED, str(self.used))
        self.stats.set_value(Stat.DOORS_REPORT, {str(door): report for door, report in self.report.items()})
        if self.used and self.used is not DoorName.LISTINGS:
            # Complete when the door gave all it announced, or the posts it did not give were fetched as pages.
            rest_short = self.rest is not None and self.rest.short
            self.stats.set_value(Stat.DOORS_COMPLETE, not rest_short or self.used is not DoorName.REST)
        return fetches

    def describe(self, door: str) -> str:
        report = self.report[door]
        announced = report.get("announced")
        return report["status"] + (f", {announced} posts announced" if announced is not None else "") + (
            f" ({report['note']})" if report.get("note") else "")

    def listed_articles(self, entries: dict[str, tuple[str, str | None]]) -> list[Fetch]:
        """Article fetches for addresses a sitemap or feed lists: the date window and the state decide."""
        fetches = []
        known = self.ledger.link_statuses(list(entries)) if self.ledger is not None else {}
        for key, (url, lastmod) in entries.items():
            if self.window.older_than_since(lastmod[:10] if lastmod else None):
                self.stats.inc_value(Stat.WINDOW_SKIPPED)  # modified before the window: published before too
                continue
            status = known.get(key)
            if status == LinkStatus.DONE and lastmod and self.ledger is not None and self.ledger.edited_since(
                    url, lastmod):
                self.ledger.note_edited(url)
            follow = self.new_article(url, ArticleContext(), status)
            if follow is not None:
                fetches.append(follow)
        return fetches

    def remember(self) -> DoorMemory | None:
        """What a later run needs to go through the same door."""
        if not self.used or self.only_listings:
            return None
        if self.rest is not None and self.used is DoorName.REST:
            return self.rest.remember()
        return DoorMemory(self.used)

    def unfinished(self) -> list[Fetch]:
        if self.ledger is None:
            return []
        links = self.ledger.unfinished_links()
        if links:
            logger.info("Retrying %d article links an earlier run did not finish", len(links))
        return [self.article(url, context) for url, context in links]

    # -- articles ----------------------------------------------------------------------------

    def linked(self, url: str, slug: str) -> None:
        """A listing ``slug`` names the article at ``url``: remembered until its page is read."""
        link_key = url_key(url)
        if link_key in self.linked_from or link_key not in self.requested:
            self.linked_from[link_key] = (*self.linked_from.get(link_key, ()), slug)

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

    def article_done(self, fetch: Fetch) -> None:
        """The article's page was read: the listings naming it need no longer be remembered."""
        if fetch.link_key is not None:
            self.linked_from.pop(fetch.link_key, None)
            self.unanswered.pop(fetch.link_key, None)
