"""What a walk learns of listings no selector reads: learnt in a first pass, whatever the order pages
come in, frozen, and kept versioned in the state."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from itertools import permutations

import pytest

from archive_crawler.messages import ArticleContext, HomePage, ListingEntry, ListingPage
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.knowledge import KNOWLEDGE_VERSION, SiteKnowledge
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Counts
from archive_crawler.storage.state import ArchiveState, kept_knowledge
from tests.crawl import PROJECT_ROOT, environment, run_crawl, run_reparse
from tests.wpsite import WpConfig, WpServer, build_wp_site

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


@pytest.mark.slow
def test_replay_and_reparse_take_the_knowledge_from_the_harvests_state_without_writing(tmp_path):
    """A harvest learns the listings of a theme whose posts only their links give; its replay and its
    re-parse read what it learnt from its state (nothing learnt again, the state left as it was) and
    write its records. With no state, a replay learns the same again from the pages it replays."""
    site = build_wp_site(WpConfig(posts=40, theme="modules", rest="closed-403", sitemaps="none"))
    with WpServer(site) as server:
        live = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"})
        base_url = server.base_url
        listing = f"{base_url}/category/{site.categories[0].slug}/"
        (tmp_path / "listing.html").write_bytes(urllib.request.urlopen(listing, timeout=30).read())
    assert live.returncode == 0, live.log[-3000:]
    assert live.stats["archive/knowledge/learnt"] >= 3 and "archive/knowledge/kept" not in live.stats
    state = tmp_path / "state.sqlite3"
    kept = SiteKnowledge.load(kept_knowledge(state, "wordpress", base_url))
    assert kept is not None and kept.chrome and kept.shapes
    # scrapy inspect shows it, and the entries of a listing page it leaves out (the editors' picks).
    inspected = subprocess.run(
        [sys.executable, "-m", "scrapy", "inspect", listing, "--file", str(tmp_path / "listing.html"), "-a",
         "site=wordpress", "-a", f"base_url={base_url}", "-s", f"ARCHIVE_STATE={state}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=environment())
    assert inspected.returncode == 0, inspected.stderr[-2000:]
    assert f"learnt knowledge (version {KNOWLEDGE_VERSION}, from {state})" in inspected.stdout
    assert all(place in inspected.stdout for place in kept.chrome)
    left_out = [line for line in inspected.stdout.splitlines() if "(left out: learnt knowledge)" in line]
    assert any(place in line for line in left_out for place in kept.chrome)
    before = state.read_bytes()
    cache = {"HTTPCACHE_DIR": str(tmp_path / "httpcache")}

    replayed = run_crawl(base_url, tmp_path / "replay", spider_args={"site": "wordpress", "replay": "1"},
                         settings={**cache, "ARCHIVE_STATE": str(state)})
    assert replayed.returncode == 0, replayed.log[-3000:]
    assert replayed.stats["archive/knowledge/kept"] == 1 and "archive/knowledge/learnt" not in replayed.stats
    assert sorted(replayed.lines()) == sorted(live.lines())

    reparsed = run_reparse(base_url, tmp_path, "--workers", "1", spider_args={"site": "wordpress"})
    assert reparsed.returncode == 0, reparsed.log[-3000:]
    assert "What an earlier harvest learnt of the listings" in reparsed.log and "Learnt from" not in reparsed.log
    assert sorted(reparsed.lines()) == sorted(live.lines())
    assert state.read_bytes() == before

    relearnt = run_crawl(base_url, tmp_path / "no-state", spider_args={"site": "wordpress", "replay": "1"},
                         settings=cache)
    assert relearnt.stats["archive/knowledge/learnt"] == live.stats["archive/knowledge/learnt"]
    assert "archive/knowledge/kept" not in relearnt.stats
    assert sorted(relearnt.lines()) == sorted(live.lines())
