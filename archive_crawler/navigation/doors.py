"""The ways into a WordPress site besides its listings: the REST API, sitemaps and feeds.

WordPress offers better doors than listing pages: its REST API returns 100 posts a request with
clean fields, and its sitemaps list every post. Each door here is a small class behind one
protocol (:class:`Door`); the navigator opens them in the order the profile gives, notes what
each announced, and harvests through the best one open (see ``Navigator.harvest``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode, urlsplit

from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.urls import url_key
from archive_crawler.reading.rest import RestIndex, RestPage
from archive_crawler.reading.sitemaps import SitemapPage
from archive_crawler.stats import Stat
from archive_crawler.vocabulary import DoorName

if TYPE_CHECKING:
    from archive_crawler.navigation.navigator import Navigator

logger = logging.getLogger(__name__)

REST_POSTS = "/wp/v2/posts"
INDEX_FIELDS = "timezone_string,gmt_offset"  # what is asked of the API's index (all of it is large)
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


class Door(Protocol):
    """A way into a site. ``open`` gives its probes (none: nothing to probe); ``read`` and ``failed``
    take the answers to what it asked for; ``busy`` says whether answers are still awaited."""

    name: DoorName

    @property
    def busy(self) -> bool: ...

    def open(self) -> list[Fetch]: ...

    def read(self, fetch: Fetch, page) -> list[Fetch]: ...

    def failed(self, fetch: Fetch, reason: str) -> list[Fetch]: ...


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


def roots(nav: Navigator) -> list[str]:
    """The crawled root, then its host's root when the site lives in a subfolder."""
    parts = urlsplit(nav.base_url)
    root = f"{parts.scheme}://{parts.netloc}"
    return [nav.base_url] + ([root] if root != nav.base_url else [])


def index_url(endpoint: str) -> str:
    """The REST API's index beside a posts endpoint, trimmed to the site's time zone.

    >>> index_url("http://x.test/news/wp-json/wp/v2/posts"), index_url("http://x.test/?rest_route=/wp/v2/posts")
    ('http://x.test/news/wp-json/?_fields=timezone_string,gmt_offset', \
'http://x.test/?rest_route=/&_fields=timezone_string,gmt_offset')
    """
    if "?rest_route=" in endpoint:
        return f"{endpoint.split('?rest_route=')[0]}?rest_route=/&_fields={INDEX_FIELDS}"
    return f"{endpoint.removesuffix(REST_POSTS)}/?_fields={INDEX_FIELDS}"


class RestDoor:
    """The WordPress REST API: its index tells whether it is open and names the site's time zone
    (which the posts' dates are checked against); its first page of posts tells how many posts it
    has; the other pages are asked for at once. Its records come straight from its pages."""

    name = DoorName.REST

    def __init__(self, nav: Navigator, memory: DoorMemory | None):
        self.nav = nav
        self.memory = memory
        self.report = nav.report[self.name]
        self.candidates: list[str] = []  # endpoints left to probe
        self.in_flight = 0
        self.endpoint: str | None = None
        self.posts: set[str] = set()  # URL keys of the posts it gave
        self.short = False  # it gave fewer posts than it announced
        self.watermark: str | None = memory.modified if memory else None
        self.zone: str | None = None  # the site's time zone, as the API's index names it

    @property
    def busy(self) -> bool:
        return self.in_flight > 0

    @property
    def open_door(self) -> bool:
        return self.report.get("status") == "open"

    def open(self) -> list[Fetch]:
        if self.memory is not None and self.memory.endpoint:
            self.candidates = [self.memory.endpoint]
        else:
            bases = roots(self.nav)
            self.candidates = [f"{base}/wp-json{REST_POSTS}" for base in bases] + [
                f"{base}/?rest_route={REST_POSTS}" for base in bases]
        self.report["status"] = "closed"
        return self.probe()

    def probe(self) -> list[Fetch]:
        """The index beside the next endpoint to try (the endpoint is taken once its index is read)."""
        if not self.candidates:
            logger.warning("The REST API of %s is closed (%s): trying the next door", self.nav.base_url,
                           self.report.get("note", "no answer"))
            return []
        self.in_flight += 1
        return [Fetch(index_url(self.candidates[0]), PageKind.REST_INDEX, door=self.name, probe=True)]

    def first_page(self, index: RestIndex | None) -> list[Fetch]:
        """After the index (None: it could not be had): the endpoint's first page of posts, unless
        the API refused the index (it refuses its posts alike) or is none (an HTML page)."""
        endpoint = self.candidates.pop(0)
        if index is not None and index.problem and index.answered:
            self.note_closed(index.problem)
            return self.probe()
        if index is not None and index.zone:
            self.zone = index.zone
            logger.info("The REST API of %s names the site's time zone: %s", self.nav.base_url, index.zone)
        self.in_flight += 1
        return [Fetch(self.page_url(endpoint, 1), PageKind.REST, page=1, door=self.name, probe=True, zone=self.zone)]

    def page_url(self, endpoint: str, page: int) -> str:
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
        notes = [note for note in self.report.get("note", "").split("; ") if note]
        self.report["note"] = "; ".join(dict.fromkeys([*notes, problem]))

    def read(self, fetch: Fetch, page: RestPage | RestIndex) -> list[Fetch]:
        """The fetches that follow a page of the REST API (its records are taken by the adapter)."""
        self.in_flight -= 1
        if isinstance(page, RestIndex):
            return self.first_page(page)
        if page.problem:
            if fetch.probe:
                self.note_closed(page.problem)
                return self.probe()
            logger.warning("The REST API stopped at page %d (%s): it gave fewer posts than it announced",
                           fetch.page, page.problem)
            self.short = True
            return []
        fetches = []
        if fetch.probe:
            self.endpoint = fetch.url.split("?rest_route=")[0] + f"?rest_route={REST_POSTS}" \
                if "rest_route=" in fetch.url else fetch.url.split("?")[0]
            self.report.update(status="open", announced=page.total)
            self.nav.stats.set_value(Stat.DOORS_REST_ANNOUNCED, page.total or 0)
            logger.info("The REST API of %s is open: %s posts announced", self.nav.base_url, page.total)
            for number in range(2, (page.pages or 1) + 1):
                self.in_flight += 1
                fetches.append(Fetch(self.page_url(self.endpoint, number), PageKind.REST, page=number,
                                     door=self.name, priority=-number, zone=self.zone))
        for item in page.items:
            key = url_key(item["url"])
            self.posts.add(key)
            self.nav.requested.add(key)  # had through the API: never fetched as a page too
            if item.get("modified"):
                stamp = item["modified"][:19]
                self.watermark = max(self.watermark or stamp, stamp)
        self.report["delivered"] = self.report.get("delivered", 0) + len(page.items)
        self.nav.stats.inc_value(Stat.DOORS_REST_POSTS, len(page.items))
        if page.authors_hidden:
            if not self.nav.stats.get_value(Stat.DOORS_REST_NO_AUTHOR):
                logger.warning("The REST API of %s names no author for some posts (%s), first %s: their records "
                               "have no authors", self.nav.base_url, page.hidden_why or "none embedded",
                               page.authors_hidden[0])
            self.nav.stats.inc_value(Stat.DOORS_REST_NO_AUTHOR, len(page.authors_hidden))
        return fetches

    def failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        self.in_flight -= 1
        if fetch.kind is PageKind.REST_INDEX:  # no index: the posts may answer all the same
            return self.first_page(None)
        if fetch.probe:
            self.note_closed(reason)
            return self.probe()
        self.short = True
        return []

    def remember(self) -> DoorMemory:
        return DoorMemory(self.name, self.endpoint, self.watermark)


class ListedDoor:
    """Sitemaps (robots.txt's, else WordPress's and its SEO plugins' usual places) or feeds (the home
    page's, else the usual places): the first that answers is the site's; what they list goes to
    the navigator's ``listed`` addresses."""

    def __init__(self, nav: Navigator, name: DoorName):
        self.nav = nav
        self.name = name
        self.report = nav.report[name]
        self.candidates: list[str] = []
        self.in_flight = 0
        self.seen: set[str] = nav.sitemaps_seen  # shared: a sitemap is read once whichever door names it

    @property
    def busy(self) -> bool:
        return self.in_flight > 0

    def open(self) -> list[Fetch]:
        nav = self.nav
        if self.name is DoorName.FEEDS:
            if nav.listed:  # the sitemaps named the articles already
                return []
            self.candidates = list(dict.fromkeys(nav.feed_links)) or [nav.base_url + path for path in FEED_PATHS]
        else:
            self.candidates = list(dict.fromkeys(nav.robots_sitemaps)) or [
                base + path for base in roots(nav) for path in SITEMAP_PATHS]
        self.report["status"] = "none"
        return self.probe()

    def probe(self) -> list[Fetch]:
        if not self.candidates:
            return []
        self.in_flight += 1
        url = self.candidates.pop(0)
        self.seen.add(url)
        return [Fetch(url, PageKind.SITEMAP, door=self.name, probe=True)]

    def read(self, fetch: Fetch, page: SitemapPage) -> list[Fetch]:
        self.in_flight -= 1
        nav = self.nav
        if page.problem:
            nav.stats.inc_value(Stat.DOORS_SITEMAP_UNREADABLE)
            if fetch.probe:
                return self.probe()
            logger.warning("Unreadable sitemap %s: %s", fetch.url, page.problem)
            return []
        if fetch.probe:
            self.report["status"] = "open"
            self.candidates = []  # one sitemap (index) that answers is the site's
        fetches = []
        for child in page.sitemaps:
            if child in self.seen or NOT_POST_SITEMAPS.search(child):
                continue
            if len(self.seen) >= MAX_SITEMAPS:
                nav.stats.inc_value(Stat.DOORS_SITEMAPS_OVER_LIMIT)
                logger.warning("More than %d sitemaps: not following %s", MAX_SITEMAPS, child)
                continue
            self.seen.add(child)
            self.in_flight += 1
            fetches.append(Fetch(child, PageKind.SITEMAP, door=self.name))
        for address, lastmod in page.entries:
            on_site = nav.scope(address)
            target = nav.urls.article_link(on_site) if on_site else None
            if target is None:
                nav.stats.inc_value(Stat.DOORS_NOT_ARTICLE)
                continue
            nav.listed.setdefault(url_key(target), (target, lastmod))
        self.report["announced"] = len(nav.listed)
        return fetches

    def failed(self, fetch: Fetch, reason: str) -> list[Fetch]:
        return self.read(fetch, SitemapPage(problem=reason))
