"""The navigator and the category rules: the same pages give the same records in any arrival order."""

from __future__ import annotations

from itertools import permutations

import pytest
from scrapy.http import HtmlResponse

from archive_crawler.messages import ArticleContext, HomePage, ListingEntry, ListingPage, NextPage
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.reading.reader import PageReader
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Counts

BASE = "http://archive.test"
PROFILE = load_profile("aawsat")
MENU = {"news-middle-east": ("Middle East", f"{BASE}/category/news-middle-east"),
        "features": ("Features", f"{BASE}/category/features"),
        "opinion": ("Opinion", f"{BASE}/category/opinion")}


HOME = Fetch(f"{BASE}/", PageKind.HOME)




def navigator() -> Navigator:
    nav = Navigator(PROFILE, BASE, Counts())
    nav.read(HOME, HomePage(MENU))
    return nav


def listing(slug: str, *urls: str, next_url: str | None = None) -> ListingPage:
    entries = [ListingEntry(url, url, ArticleContext(title="T", listing_categories=(slug,))) for url in urls]
    return ListingPage({}, entries, [NextPage(next_url, True)] if next_url else [])


def test_home_menu_gives_listings_in_menu_order_and_never_twice():
    nav = Navigator(PROFILE, BASE, Counts())
    fetches = nav.read(HOME, HomePage(MENU))
    assert [(fetch.kind, fetch.category) for fetch in fetches] == [
        (PageKind.LISTING, "news-middle-east"), (PageKind.LISTING, "features"), (PageKind.LISTING, "opinion")]
    assert nav.listings.categories_found(MENU) == []


def test_an_article_named_by_two_listings_is_asked_for_once_whatever_the_order():
    story = f"{BASE}/a-writer/news-middle-east/talks"
    for order in permutations(["opinion", "features"]):
        nav = navigator()
        fetches = []
        for slug in order:
            fetches += nav.read(Fetch(MENU[slug][1], PageKind.LISTING, slug), listing(slug, story))
        articles = [fetch for fetch in fetches if fetch.kind is PageKind.ARTICLE]
        assert len(articles) == 1
        # Every listing naming it, in the menu's order, not the order they were read in.
        assert nav.to_read(articles[0]).context.listing_categories == ("features", "opinion")


def test_pagination_follows_the_next_page_and_stops_at_a_loop():
    nav = navigator()
    first = Fetch(f"{BASE}/category/opinion", PageKind.LISTING, "opinion", 1)
    fetches = nav.read(first, listing("opinion", f"{BASE}/w/opinion/a",
                                                           next_url=f"{BASE}/category/opinion/page/2"))
    second = fetches[-1]
    assert (second.kind, second.page) == (PageKind.LISTING, 2)
    fetches = nav.read(second, listing("opinion", f"{BASE}/w/opinion/b",
                                                           next_url=f"{BASE}/category/opinion"))
    assert all(fetch.kind is PageKind.ARTICLE for fetch in fetches)
    assert nav.stats["archive/listing/trap/loop"] == 1


ARTICLE = """<html><head><title>Talks | ASHARQ AL-AWSAT English Archive</title>{head}</head><body>
<div id="left-area"><article class="et_pb_post"><h1 class="entry-title">Talks</h1>{meta}
<div class="entry-content"><p>Cairo- The talks went on.</p></div></article></div></body></html>"""


def read(url: str, context: ArticleContext, head: str = "", meta: str = "") -> str | None:
    reader = PageReader(PROFILE, BASE, {slug: name for slug, (name, _) in MENU.items()})
    response = HtmlResponse(url=url, body=ARTICLE.format(head=head, meta=meta).encode(), encoding="utf-8")
    return reader.article(response, context).category


@pytest.mark.parametrize("order", list(permutations(["opinion", "features", "news-middle-east"])))
def test_category_from_the_listings_prefers_the_urls_category_then_the_menus_order(order):
    context = ArticleContext(listing_categories=order)
    assert read(f"{BASE}/a-writer/opinion/talks", context) == "Opinion"  # the URL names it
    assert read(f"{BASE}/?p=12", context) == "Middle East"  # first in the menu


def test_category_named_by_the_page_wins_over_any_listing():
    context = ArticleContext(category="Opinion", listing_categories=("opinion",))
    meta = ('<p class="post-meta"><a href="/category/features" rel="category tag">Features</a>, '
            '<a href="/category/business" rel="category tag">Business</a></p>')
    assert read(f"{BASE}/a-writer/business/talks", context, meta=meta) == "Business"  # the one the URL names
    assert read(f"{BASE}/?p=12", context, meta=meta) == "Features"  # else the first the page lists
    head = '<meta property="article:section" content="Features"><meta property="article:section" content="Opinion">'
    assert read(f"{BASE}/a-writer/opinion/talks", context, head=head) == "Opinion"
    assert read(f"{BASE}/?p=12", ArticleContext(listing_categories=("opinion",)), head=head) == "Features"


