"""The walk without Scrapy's engine: each way into a site fed fake pages, and the fetches it asks for next.

Closed doors, short doors, doors remembered from an earlier run, the incremental early stop, URL
lists and a web archive's captures, each checked through the navigator's four calls (``start``,
``read``, ``failed``, ``idle``) alone.
"""

from __future__ import annotations

import pytest

from archive_crawler.messages import ArticleContext, HomePage, ListingEntry, ListingPage, NextPage
from archive_crawler.navigation.doors import DoorMemory
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.navigation.urls import url_key
from archive_crawler.reading.rest import RestIndex, RestPage
from archive_crawler.reading.sitemaps import SitemapPage
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Counts
from archive_crawler.storage.state import ArchiveState
from archive_crawler.vocabulary import LinkStatus

BASE = "http://news.test"
WORDPRESS = load_profile("wordpress")
GENERIC = load_profile("generic")
AAWSAT = load_profile("aawsat")




def post(number: int) -> str:
    return f"{BASE}/2023/06/post-{number}/"


def rest_page(numbers, total: int | None = None, pages: int | None = None) -> RestPage:
    return RestPage(items=[{"url": post(number), "modified": f"2023-06-{10 + number % 10:02d}T10:00:00"}
                           for number in numbers], total=total, pages=pages)


def kinds(fetches: list[Fetch]) -> list[tuple[PageKind, str]]:
    return [(fetch.kind, fetch.url) for fetch in fetches]


def home(nav: Navigator, menu=None) -> list[Fetch]:
    [first] = nav.start()
    assert first.kind is PageKind.HOME and first.url == f"{BASE}/"
    return nav.read(first, HomePage(menu or {}, [], "en"))


def index_read(nav: Navigator, fetches: list[Fetch], zone: str | None = None) -> list[Fetch]:
    """The REST API's index asked for and answered (naming ``zone``): its first page of posts follows."""
    [index] = fetches
    assert index.kind is PageKind.REST_INDEX and index.any_status and index.label == "rest"
    [first] = nav.read(index, RestIndex(zone=zone))
    assert first.kind is PageKind.REST and first.page == 1 and first.zone == zone
    return [first]


def test_rest_closed_everywhere_then_sitemaps_give_the_posts():
    nav = Navigator(WORDPRESS, BASE, Counts())
    nav.robots_read([f"{BASE}/wp-sitemap.xml"])
    probe = home(nav)
    assert kinds(probe) == [(PageKind.REST_INDEX, f"{BASE}/wp-json/?_fields=timezone_string,gmt_offset")]
    assert probe[0].any_status and probe[0].label == "rest"
    # Every REST candidate refuses: /wp-json (its index refuses: its posts are not asked for), then ?rest_route=.
    second = nav.read(probe[0], RestIndex(problem="HTTP 401, rest_login_required"))
    assert kinds(second) == [(PageKind.REST_INDEX, f"{BASE}/?rest_route=/&_fields=timezone_string,gmt_offset")]
    posts = nav.failed(second[0], "connection_refused")  # no index: the posts may answer all the same
    assert posts[0].kind is PageKind.REST and posts[0].url.startswith(f"{BASE}/?rest_route=/wp/v2/posts&")
    sitemap = nav.read(posts[0], RestPage(problem="HTTP 404, rest_no_route"))
    assert kinds(sitemap) == [(PageKind.SITEMAP, f"{BASE}/wp-sitemap.xml")]  # robots.txt's sitemap first
    child = nav.read(sitemap[0], SitemapPage(sitemaps=[f"{BASE}/wp-sitemap-posts-post-1.xml",
                                                       f"{BASE}/wp-sitemap-taxonomies-category-1.xml"]))
    assert kinds(child) == [(PageKind.SITEMAP, f"{BASE}/wp-sitemap-posts-post-1.xml")]  # no term sitemaps
    articles = nav.read(child[0], SitemapPage(entries=[(post(n), "2023-06-01") for n in range(3)] + [
        (f"{BASE}/about/", None), ("http://elsewhere.test/2023/06/x/", None)]))
    assert sorted(fetch.url for fetch in articles) == sorted(post(n) for n in range(3))
    assert all(fetch.kind is PageKind.ARTICLE for fetch in articles)
    assert nav.stats["archive/doors/used"] == "sitemaps"
    assert nav.report["rest"]["status"] == "closed" and "rest_login_required" in nav.report["rest"]["note"]
    assert nav.idle() == []


def test_rest_open_reads_every_page_then_fetches_what_only_the_sitemaps_list():
    nav = Navigator(WORDPRESS, BASE, Counts())
    probe = index_read(nav, home(nav), zone="Europe/Berlin")
    more = nav.read(probe[0], rest_page(range(2), total=5, pages=3))
    assert [fetch.page for fetch in more] == [2, 3] and all(fetch.kind is PageKind.REST for fetch in more)
    assert {fetch.zone for fetch in more} == {"Europe/Berlin"}  # every page's dates checked against the zone
    assert nav.read(more[0], rest_page(range(2, 4))) == []  # page 3 still awaited: no door opens yet
    sitemaps = nav.read(more[1], rest_page(range(4, 5)))
    assert [fetch.kind for fetch in sitemaps] == [PageKind.SITEMAP]  # the REST door done: the next door
    articles = nav.read(sitemaps[0], SitemapPage(entries=[(post(n), None) for n in range(7)]))
    assert sorted(fetch.url for fetch in articles) == [post(5), post(6)]  # the REST API gave the rest
    assert nav.stats["archive/doors/used"] == "rest" and nav.report["rest"]["status"] == "open, short"
    assert nav.remember() == DoorMemory("rest", f"{BASE}/wp-json/wp/v2/posts", "2023-06-14T10:00:00")


def test_rest_that_stops_short_with_no_sitemap_walks_the_listings_too():
    nav = Navigator(WORDPRESS, BASE, Counts())
    probe = index_read(nav, home(nav, {"world": ("World", f"{BASE}/category/world/")}))
    more = nav.read(probe[0], rest_page(range(2), total=6, pages=3))
    assert nav.failed(more[0], "http_500") == []
    sitemaps = nav.read(more[1], rest_page(range(4, 6)))
    # No sitemap anywhere: each usual place answers nothing.
    fetches = sitemaps
    for _ in range(10):
        if not fetches or fetches[0].kind is not PageKind.SITEMAP:
            break
        fetches = nav.read(fetches[0], SitemapPage(problem="HTTP 404"))
    assert kinds(fetches) == [(PageKind.LISTING, f"{BASE}/category/world/")]
    assert nav.stats["archive/doors/complete"] is False


def test_a_later_run_goes_through_the_remembered_door_for_what_was_modified_since(tmp_path):
    state = ArchiveState(tmp_path / "state.sqlite3")
    ledger = LinkLedger(state, Counts())
    ledger.remember_door("wordpress", BASE, DoorMemory("rest", f"{BASE}/?rest_route=/wp/v2/posts",
                                                        "2023-06-19T10:00:00").dump())
    nav = Navigator(WORDPRESS, BASE, Counts(), ledger=ledger)
    [probe] = index_read(nav, home(nav))
    assert probe.url.startswith(f"{BASE}/?rest_route=/wp/v2/posts&") and "modified_after=2023-06-19" in probe.url
    assert nav.read(probe, rest_page([1], total=1, pages=1)) == []  # no other door is tried
    assert nav.stats["archive/doors/used"] == "rest"
    state.close()


def test_feeds_when_no_sitemap_answers():
    nav = Navigator(GENERIC, BASE, Counts())
    [first] = nav.start()
    fetches = nav.read(first, HomePage({}, [f"{BASE}/feed/"], "en"))
    probes = 0
    while fetches and fetches[0].door == "sitemaps":
        probes += 1
        fetches = nav.failed(fetches[0], "http_404")
    assert probes == 4  # the usual places, one after the other
    assert kinds(fetches) == [(PageKind.SITEMAP, f"{BASE}/feed/")] and fetches[0].door == "feeds"
    articles = nav.read(fetches[0], SitemapPage(entries=[(post(1), None), (post(2), None)]))
    assert [fetch.url for fetch in articles] == [post(1), post(2)]
    assert nav.stats["archive/doors/used"] == "feeds"


def test_no_door_gives_anything_and_the_walk_ends():
    nav = Navigator(GENERIC, BASE, Counts())
    [first] = nav.start()
    fetches = nav.failed(first, "http_500")
    while fetches:
        assert all(fetch.kind is PageKind.SITEMAP for fetch in fetches)
        fetches = nav.failed(fetches[0], "http_404")
    assert "archive/doors/used" not in nav.stats
    assert nav.idle() == []


def listing(slug: str, urls, next_url: str | None = None) -> ListingPage:
    return ListingPage({}, [ListingEntry(url, url, ArticleContext(title="T")) for url in urls],
                       [NextPage(next_url, True)] if next_url else [], url=f"{BASE}/category/{slug}/")


def test_listings_stop_paging_once_a_complete_category_shows_nothing_new(tmp_path):
    state = ArchiveState(tmp_path / "state.sqlite3")
    known = [f"{BASE}/w/opinion/old-{number}" for number in range(3)]
    for url in known:
        state.add_link(url_key(url), url, {})
        state.mark_link(url_key(url), LinkStatus.DONE, (None, url_key(url)))
    state.mark_category_complete("opinion", "Opinion")
    nav = Navigator(AAWSAT, BASE, Counts(), ledger=LinkLedger(state, Counts()))
    [first] = home(nav, {"opinion": ("Opinion", f"{BASE}/category/opinion")})
    fresh = f"{BASE}/w/opinion/new"
    fetches = nav.read(first, listing("opinion", [fresh, *known[:1]], next_url=f"{BASE}/category/opinion/page/2"))
    assert kinds(fetches) == [(PageKind.ARTICLE, fresh), (PageKind.LISTING, f"{BASE}/category/opinion/page/2")]
    assert nav.read(fetches[1], listing("opinion", known[1:], next_url=f"{BASE}/category/opinion/page/3")) == []
    assert nav.stats["archive/incremental/stopped_paging"] == 1
    nav.failed(fetches[0], "http_404")  # what became of the new link is kept
    assert state.link_status(url_key(fresh)) == LinkStatus.GONE
    state.close()


def test_a_url_list_is_read_exactly_with_no_discovery():
    seeds = (f"{BASE}/one", "http://other.test/two?id=3")
    nav = Navigator(GENERIC, BASE, Counts(), seeds=seeds)
    fetches = nav.start()
    assert kinds(fetches) == [(PageKind.ARTICLE, seeds[0]), (PageKind.ARTICLE, seeds[1])]
    assert nav.read(fetches[0], None) == [] and nav.failed(fetches[1], "http_404") == []
    assert nav.idle() == []


@pytest.mark.parametrize("named_by_tag", [True, False])
def test_a_web_archive_harvest_reads_what_its_captures_hold_beyond_the_category_walk(named_by_tag):
    captured = [f"{BASE}/", f"{BASE}/category/opinion", f"{BASE}/w/opinion/walked", f"{BASE}/w/opinion/unnamed"]
    if named_by_tag:
        captured.append(f"{BASE}/tag/oil")
    nav = Navigator(AAWSAT, BASE, Counts(), captures=sorted(captured))
    [first] = home(nav, {"opinion": ("Opinion", f"{BASE}/category/opinion")})
    nav.read(first, listing("opinion", [f"{BASE}/w/opinion/walked"]))
    follows = nav.idle()
    if named_by_tag:  # first the other captured listings, whose entries carry dates and bylines
        assert kinds(follows) == [(PageKind.LISTING, f"{BASE}/tag/oil")]
        nav.read(follows[0], listing("~tag/oil", []))
        follows = nav.idle()
    assert kinds(follows) == [(PageKind.ARTICLE, f"{BASE}/w/opinion/unnamed")]
    assert nav.idle() == []
