"""The ways into a site, tried in the order its profile gives: REST API, sitemaps, feeds, listings.

WordPress offers better doors than listing pages: its REST API returns 100 posts a request with
clean fields, and its sitemaps list every post. :class:`Doors` probes each door the profile
names, politely and in order, notes how many posts each announced, and harvests through the
cheapest one open. A door that is closed (401, 403, 404, ``rest_login_required``, HTML where
JSON was expected) or that gives fewer posts than another door announced hands over to the
next: posts a sitemap lists but the REST API did not give are fetched as pages, and with no
sitemap to name them the listings are walked. A later run goes through the door the first one
used: the REST API for what was modified since, the sitemaps for addresses not met before.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from archive_crawler.messages import ArticleContext
from archive_crawler.navigation.navigator import Fetch, Navigator, PageKind
from archive_crawler.navigation.urls import url_key
from archive_crawler.reading.rest import RestPage
from archive_crawler.reading.sitemaps import SitemapPage

logger = logging.getLogger(__name__)

REST_POSTS = "/wp/v2/posts"
EMBED = "author,wp:term,wp:featuredmedia"
PER_PAGE = 100
# Where WordPress and its SEO plugins put sitemaps, after those robots.txt names.
SITEMAP_PATHS = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml", "/?sitemap=index")
FEED_PATHS = ("/feed/", "/rss")
# Sitemaps of a WordPress site that list no posts (pages, terms, authors).
NOT_POST_SITEMAPS = re.compile(
    r"(?:^|[/_-])(?:page|category|post_tag|tag|author|product|attachment)-sitemap|wp-sitemap-(?:taxonomies|users)"
    r"|wp-sitemap-posts-(?!post-)|[?&]sitemap=(?:taxonomies|users)|sitemap-subtype=(?!post\b)", re.IGNORECASE)
MAX_SITEMAPS = 2000  # sitemaps followed per run at most: an index that never ends is a trap


@dataclass
class DoorMemory:
    """What the state remembers of a site's doors: the one used, where, and how far it read."""

    door: str
    endpoint: str | None = None
    modified: str | None = None  # REST: the latest ``modified`` (site time) harvested

    @classmethod
    def load(cls, text: str | None) -> DoorMemory | None:
        try:
            data = json.loads(text) if text else None
            return cls(**data) if isinstance(data, dict) and data.get("door") else None
        except (TypeError, ValueError):
            return None

    def dump(self) -> str:
        return json.dumps(self.__dict__)


class Doors:
    def __init__(self, navigator: Navigator, memory: DoorMemory | None = None):
        self.nav = navigator
        self.base_url = navigator.base_url
        parts = urlsplit(self.base_url)
        self.root = f"{parts.scheme}://{parts.netloc}"
        self.memory = memory
        self.pending = list(navigator.profile.crawl.doors)
        if memory is not None and memory.door in self.pending:
            self.pending = [memory.door]  # a later run reads through the door the first one used
        self.report: dict[str, dict] = {door: {"status": "not tried"} for door in navigator.profile.crawl.doors}
        self.used: str | None = None
        self.robots_sitemaps: list[str] = []  # from robots.txt, told by the spider
        self.feed_links: list[str] = []  # from the home page
        self.candidates: list[str] = []  # probes left for the door being opened
        self.in_flight = 0  # door pages asked for and not yet read
        self.rest_endpoint: str | None = None
        self.rest_posts: set[str] = set()  # URL keys of the posts the REST API gave
        self.rest_short = False
        self.rest_watermark: str | None = memory.modified if memory else None
        self.listed: dict[str, tuple[str, str | None]] = {}  # URL key -> (address, lastmod) from sitemaps and feeds
        self.sitemaps_seen: set[str] = set()

    @property
    def stats(self):
        return self.nav.stats

    # -- the sequence of doors -------------------------------------------------------------

    def begin(self) -> list[Fetch]:
        return self.open_next()

    def open_next(self) -> list[Fetch]:
        """Probe the next door; with none left, harvest through the best one found."""
        while self.pending:
            door = self.pending.pop(0)
            fetches = getattr(self, f"open_{door}")()
            if fetches:
                return fetches
        return self.harvest()

    def door_done(self) -> list[Fetch]:
        return self.open_next() if self.in_flight == 0 else []

    def harvest(self) -> list[Fetch]:
        """Everything the doors found, fetched through the one that gave most for least."""
        fetches: list[Fetch] = []
        rest = self.report.get("rest", {})
        if rest.get("status") == "open":
            self.used = "rest"
            if (rest.get("delivered") or 0) < (rest.get("announced") or 0) and self.memory is None:
                self.rest_short = True  # fewer posts than its own total
            missing = {key: entry for key, entry in self.listed.items() if key not in self.rest_posts}
            if missing:
                logger.warning("The REST API gave %d posts; the sitemaps list %d more: fetching their pages",
                               len(self.rest_posts), len(missing))
                self.stats.inc_value("archive/doors/rest_missing", len(missing))
                rest["status"] = "open, short"
            fetches = self.listed_articles(missing)
            if self.rest_short and not missing and "listings" in self.nav.profile.crawl.doors and self.memory is None:
                logger.warning("The REST API gave fewer posts than it announced and no sitemap names the rest: "
                               "walking the listings too")
                fetches = self.nav.listings_from_menu()
        elif self.listed:
            self.used = "sitemaps" if self.report.get("sitemaps", {}).get("status") == "open" else "feeds"
            fetches = self.listed_articles(self.listed)
        elif "listings" in self.report:
            self.used = "listings"
            self.report["listings"]["status"] = "open"
            fetches = self.nav.listings_from_menu()
        else:
            logger.warning("No door of %s gave any article", self.base_url)
        if self.used:
            logger.info("Harvesting %s through its %s (%s)", self.base_url, self.used.replace("rest", "REST API"),
                        "; ".join(f"{door}: {self.describe(door)}" for door in self.report))
            self.stats.set_value("archive/doors/used", self.used)
        self.stats.set_value("archive/doors/report", self.report)
        if self.used and self.used != "listings":
            # Complete when the door gave all it announced, or the posts it did not give were fetched as pages.
            self.stats.set_value("archive/doors/complete", not self.rest_short or self.used != "rest")
        return fetches

    def describe(self, door: str) -> str:
        report = self.report[door]
        announced = report.get("announced")
        return report["status"] + (f", {announced} posts announced" if announced is not None else "") + (
            f" ({report['note']})" if report.get("note") else "")

    def listed_articles(self, entries: dict[str, tuple[str, str | None]]) -> list[Fetch]:
        """Article fetches for addresses a sitemap or feed lists: the date window and the state decide."""
        fetches = []
        for key, (url, lastmod) in entries.items():
            if self.nav.window.older_than_since(lastmod[:10] if lastmod else None):
                self.stats.inc_value("archive/window/skipped")  # modified before the window: published before too
                continue
            status = self.nav.ledger.link_status(key) if self.nav.ledger is not None else None
            if status == "done" and lastmod and self.nav.ledger is not None and self.nav.ledger.edited_since(
                    url, lastmod):
                self.nav.note_edited(url)
            follow = self.nav.new_article(url, ArticleContext(), status)
            if follow is not None:
                fetches.append(follow)
        return fetches

    def remember(self) -> DoorMemory | None:
        """What a later run needs to go through the same door."""
        if not self.used:
            return None
        if self.used == "rest":
            return DoorMemory("rest", self.rest_endpoint, self.rest_watermark)
        return DoorMemory(self.used)

    def open_listings(self) -> list[Fetch]:
        return []  # nothing to probe: the listings are walked when no other door gave the articles

    # -- REST API --------------------------------------------------------------------------

    def open_rest(self) -> list[Fetch]:
        if self.memory is not None and self.memory.endpoint:
            self.candidates = [self.memory.endpoint]
        else:
            bases = [self.base_url] + ([self.root] if self.root != self.base_url else [])
            self.candidates = [f"{base}/wp-json{REST_POSTS}" for base in bases] + [
                f"{base}/?rest_route={REST_POSTS}" for base in bases]
        self.report["rest"]["status"] = "closed"
        return self.rest_probe()

    def rest_probe(self) -> list[Fetch]:
        if not self.candidates:
            logger.warning("The REST API of %s is closed (%s): trying the next door", self.base_url,
                           self.report["rest"].get("note", "no answer"))
            return []
        self.in_flight += 1
        return [Fetch(self.rest_url(self.candidates.pop(0), 1), PageKind.REST, page=1, door="rest", probe=True)]

    def rest_url(self, endpoint: str, page: int) -> str:
        query = {"per_page": PER_PAGE, "page": page, "_embed": EMBED, "orderby": "date", "order": "desc"}
        window = self.nav.window
        if window.since:
            query["after"] = f"{window.since.isoformat()}T00:00:00"
        if window.until:
            query["before"] = f"{(window.until + timedelta(days=1)).isoformat()}T00:00:00"
        if self.memory is not None and self.memory.modified and not self.nav.full:
            query.update({"modified_after": self.memory.modified, "orderby": "modified"})
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(query)}"

    def note_closed(self, problem: str) -> None:
        report = self.report["rest"]
        notes = [note for note in report.get("note", "").split("; ") if note]
        report["note"] = "; ".join(dict.fromkeys([*notes, problem]))

    def rest_read(self, fetch: Fetch, page: RestPage) -> list[Fetch]:
        """The fetches that follow a page of the REST API (records were taken from it already)."""
        self.in_flight -= 1
        report = self.report["rest"]
        if page.problem:
            if fetch.probe:
                self.note_closed(page.problem)
                return self.rest_probe() or self.door_done()
            logger.warning("The REST API stopped at page %d (%s): it gave fewer posts than it announced",
                           fetch.page, page.problem)
            self.rest_short = True
            return self.door_done()
        fetches = []
        if fetch.probe:
            self.rest_endpoint = fetch.url.split("?rest_route=")[0] + f"?rest_route={REST_POSTS}" \
                if "rest_route=" in fetch.url else fetch.url.split("?")[0]
            report.update(status="open", announced=page.total)
            self.stats.set_value("archive/doors/rest_announced", page.total or 0)
            logger.info("The REST API of %s is open: %s posts announced", self.base_url, page.total)
            for number in range(2, (page.pages or 1) + 1):
                self.in_flight += 1
                fetches.append(Fetch(self.rest_url(self.rest_endpoint, number), PageKind.REST, page=number,
                                     door="rest", priority=-number))
        for item in page.items:
            key = url_key(item["url"])
            self.rest_posts.add(key)
            self.nav.requested.add(key)  # had through the API: never fetched as a page too
            if item.get("modified"):
                stamp = item["modified"][:19]
                self.rest_watermark = max(self.rest_watermark or stamp, stamp)
        report["delivered"] = report.get("delivered", 0) + len(page.items)
        self.stats.inc_value("archive/doors/rest_posts", len(page.items))
        return fetches + self.door_done()

    def rest_failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        self.in_flight -= 1
        if fetch.probe:
            self.note_closed(reason)
            return self.rest_probe() or self.door_done()
        self.rest_short = True
        return self.door_done()

    # -- sitemaps and feeds ------------------------------------------------------------------

    def open_sitemaps(self) -> list[Fetch]:
        bases = [self.base_url] + ([self.root] if self.root != self.base_url else [])
        self.candidates = list(dict.fromkeys(self.robots_sitemaps)) or [
            base + path for base in bases for path in SITEMAP_PATHS]
        self.report["sitemaps"]["status"] = "none"
        return self.sitemap_probe("sitemaps")

    def open_feeds(self) -> list[Fetch]:
        if self.listed:  # the sitemaps named the articles already
            return []
        self.candidates = list(dict.fromkeys(self.feed_links)) or [self.base_url + path for path in FEED_PATHS]
        self.report["feeds"]["status"] = "none"
        return self.sitemap_probe("feeds")

    def sitemap_probe(self, door: str) -> list[Fetch]:
        if not self.candidates:
            return []
        self.in_flight += 1
        url = self.candidates.pop(0)
        self.sitemaps_seen.add(url)
        return [Fetch(url, PageKind.SITEMAP, door=door, probe=True)]

    def sitemap_read(self, fetch: Fetch, page: SitemapPage) -> list[Fetch]:
        self.in_flight -= 1
        door = fetch.door
        assert door is not None  # a sitemap's fetch names its door
        report = self.report[door]
        if page.problem:
            self.stats.inc_value("archive/doors/sitemap_unreadable")
            if fetch.probe:
                return self.sitemap_probe(door) or self.door_done()
            logger.warning("Unreadable sitemap %s: %s", fetch.url, page.problem)
            return self.door_done()
        if fetch.probe:
            report["status"] = "open"
            self.candidates = []  # one sitemap (index) that answers is the site's
        fetches = []
        for child in page.sitemaps:
            if child in self.sitemaps_seen or NOT_POST_SITEMAPS.search(child):
                continue
            if len(self.sitemaps_seen) >= MAX_SITEMAPS:
                self.stats.inc_value("archive/doors/sitemaps_over_limit")
                logger.warning("More than %d sitemaps: not following %s", MAX_SITEMAPS, child)
                continue
            self.sitemaps_seen.add(child)
            self.in_flight += 1
            fetches.append(Fetch(child, PageKind.SITEMAP, door=door))
        for address, lastmod in page.entries:
            on_site = self.nav.scope(address)
            target = self.nav.urls.article_link(on_site) if on_site else None
            if target is None:
                self.stats.inc_value("archive/doors/not_article")
                continue
            self.listed.setdefault(url_key(target), (target, lastmod))
        report["announced"] = len(self.listed)
        return fetches + self.door_done()

    def sitemap_failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        return self.sitemap_read(fetch, SitemapPage(problem=reason))
