"""What a walk learns of listings no selector reads: learnt in a first pass, whatever the order pages
come in, frozen, and kept versioned in the state."""

from __future__ import annotations

import json
from itertools import permutations

from archive_crawler.messages import ArticleContext, HomePage, ListingEntry, ListingPage
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.knowledge import KNOWLEDGE_VERSION, SiteKnowledge
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Counts
from archive_crawler.storage.state import ArchiveState

BASE = "http://news.test"
PROFILE = load_profile("wordpress")
SLUGS = ("world", "sport", "arts")
MENU = {slug: (slug.title(), f"{BASE}/category/{slug}/") for slug in SLUGS}
STREAM, PICKS = "html>body>div.stream>div.module", "html>body>div.stream>div.picks>div.pick"
PICKED = [f"{BASE}/2023/05/0{day}/pick-{day}/" for day in (1, 2)]




def post(url: str, block: str, slug: str) -> ListingEntry:
    return ListingEntry(url, url, ArticleContext(title="T", listing_categories=(slug,)), block=block)


def first_page(slug: str) -> ListingPage:
    """A category's first page: its own posts, the picks every page shows, and a heading's link to
    a date archive."""
    own = [post(f"{BASE}/2023/06/0{day}/{slug}-{day}/", STREAM, slug) for day in (1, 2, 3)]
    return ListingPage({}, [*(post(url, PICKS, slug) for url in PICKED), *own,
                            post(f"{BASE}/2023/06/", STREAM, slug)], [])


def test_learnt_places_and_shapes():
    knowledge = SiteKnowledge.learn([first_page(slug) for slug in SLUGS])
    assert knowledge.chrome == {PICKS} and knowledge.shapes == {"Y/N/N/s"}
    assert not knowledge.accepts(post(PICKED[0], PICKS, "world"))
    assert knowledge.accepts(post(PICKED[0], STREAM, "world"))
    assert not knowledge.accepts(post(f"{BASE}/2023/06/", STREAM, "world"))
    assert knowledge.accepts(ListingEntry(f"{BASE}/2023/06/", None))  # the profile's selectors found it
    assert SiteKnowledge.learn([first_page("world"), first_page("sport")]).chrome == frozenset()  # two pages: too few


def test_kept_knowledge_of_another_version_is_learnt_again():
    knowledge = SiteKnowledge.learn([first_page(slug) for slug in SLUGS])
    assert SiteKnowledge.load(knowledge.dump()) == knowledge
    older = json.dumps({**json.loads(knowledge.dump()), "version": KNOWLEDGE_VERSION - 1})
    assert SiteKnowledge.load(older) is None and SiteKnowledge.load("{not json") is None and SiteKnowledge.load(None) is None


def walk(order: tuple[str, ...], ledger: LinkLedger | None = None) -> tuple[list[str], Navigator]:
    """The articles asked for when the first pages come in ``order``."""
    nav = Navigator(PROFILE, BASE, Counts(), ledger=ledger)
    nav.doors = {name: door for name, door in nav.doors.items() if name == "listings"}
    nav.pending = []
    fetches = nav.read(Fetch(f"{BASE}/", PageKind.HOME), HomePage(MENU))
    listings = {fetch.category: fetch for fetch in fetches if fetch.kind is PageKind.LISTING}
    assert set(listings) == set(SLUGS)
    asked = []
    for slug in order:
        asked += [fetch.url for fetch in nav.read(listings[slug], first_page(slug)) if fetch.kind is PageKind.ARTICLE]
    return asked, nav


def test_the_first_pass_is_held_and_gives_the_same_posts_in_any_order():
    results = []
    for order in permutations(SLUGS):
        asked, nav = walk(order)
        results.append(sorted(asked))
        assert nav.stats["archive/listing/not_listed"] == 3 * 3  # the picks twice, the archive once, on each page
    assert all(result == results[0] for result in results)
    assert len(results[0]) == 9 and not set(PICKED) & set(results[0])


def test_the_knowledge_is_kept_in_the_state_and_used_by_the_next_run(tmp_path):
    state = ArchiveState(tmp_path / "state.sqlite3")
    try:
        walk(SLUGS, LinkLedger(state, Counts()))
        kept = SiteKnowledge.load(state.get(f"knowledge wordpress {BASE}"))
        assert kept is not None and kept.chrome == {PICKS}
        nav = Navigator(PROFILE, BASE, Counts(), ledger=LinkLedger(state, Counts(), full=True))
        assert nav.listings.knowledge == kept  # no first pass to wait for
    finally:
        state.close()
