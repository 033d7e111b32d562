"""End to end: ``scrapy crawl archive -a site=wordpress -a base_url=URL`` against WordPress replicas.

Each replica opens other doors (REST API open, closed, lying; core, Yoast or no sitemaps), draws its
posts with another theme and writes its permalinks in another shape; the crawl must find every
post, exactly, through the cheapest door open, and fetch nothing that is not a post.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.crawl import run_crawl
from tests.test_crawl_e2e import SCHEMA
from tests.wpsite import WpConfig, WpServer, build_wp_site

pytestmark = pytest.mark.slow

PRIMARY = ("post_id", "url", "title", "published", "authors", "category", "categories", "tags", "body",
           "image_caption", "image_credit", "image_url", "language", "dateline", "source", "word_count")
SITES = {
    "rest-classic": (WpConfig(posts=300, theme="classic", rest="open", sitemaps="core"), "rest"),
    "sitemaps-magazine-subfolder": (WpConfig(posts=120, theme="magazine", rest="closed-401", sitemaps="yoast",
                                             permalinks="/%postname%/", subfolder="/news"), "sitemaps"),
    "listings-legacy": (WpConfig(posts=90, theme="legacy", rest="html", sitemaps="none",
                                 permalinks="/%category%/%postname%/"), "listings"),
    "listings-plain-permalinks": (WpConfig(posts=60, theme="classic", rest="missing-404", sitemaps="none",
                                           permalinks="plain"), "listings"),
    "listings-modules": (WpConfig(posts=120, theme="modules", rest="closed-403", sitemaps="none"), "listings"),
    "listings-modules-plain": (WpConfig(posts=60, theme="modules", rest="missing-404", sitemaps="none",
                                        permalinks="plain", category_counts=True), "listings"),
    # Posts in <div>s: the section only in a breadcrumb (one section a post), a "Posted by" meta line.
    "listings-bulletin": (WpConfig(posts=60, theme="bulletin", rest="closed-401", sitemaps="none",
                                   second_category_share=0.0), "listings"),
    "rest-lying-total": (WpConfig(posts=150, theme="magazine", rest="lying-total", sitemaps="both"), "rest"),
    "rest-stops-early": (WpConfig(posts=150, theme="classic", rest="stops-early", sitemaps="none"), "rest"),
}
# Fields a theme does not show: the legacy and bulletin themes print no modification time.
UNSHOWN = {"listings-legacy": {"modified"}, "listings-bulletin": {"modified"}}


@pytest.fixture(scope="module", params=list(SITES))
def harvest(request, tmp_path_factory):
    config, door = SITES[request.param]
    site = build_wp_site(config)
    with WpServer(site) as server:
        run = run_crawl(server.base_url, tmp_path_factory.mktemp(request.param), spider_args={"site": "wordpress"})
        return request.param, site, run, list(server.requests), door


def pairs(site, records):
    by_id = {record["post_id"]: record for record in records}
    return [(story, by_id.get(story["post_id"])) for story in site.expected_records()]


def test_every_post_once_and_nothing_else(harvest):
    _, site, run, _, _ = harvest
    assert run.returncode == 0, run.log[-3000:]
    records = run.records()
    for record in records:
        jsonschema.validate(record, SCHEMA)
    assert [story["url"] for story, record in pairs(site, records) if record is None] == []
    assert len(records) == len(site.expected_records())
    assert not [key for key, count in Counter(r["post_id"] for r in records).items() if count > 1]
    assert {record["site"] for record in records} == {"wordpress"}
    assert {record["media_id"] for record in records} == {None}


def test_fields_exactly_right(harvest):
    name, site, run, _, _ = harvest
    fields = [field for field in (*PRIMARY, "modified") if field not in UNSHOWN.get(name, ())]
    wrong = [(field, story["url"], story[field], record[field]) for story, record in pairs(site, run.records())
             if record is not None for field in fields if record[field] != story[field]]
    assert wrong == []


def test_listing_entries_are_the_listings_posts_and_nothing_else(harvest):
    """Every post of every category listing is recognised on it once; the modules theme's picks,
    the same on every listing page, are none of a listing's posts."""
    name, site, run, _, door = harvest
    if door != "listings" or not name.startswith("listings-modules"):
        pytest.skip("the profile's selectors read these listings")
    listed = sum(term in post.categories for post in site.posts for term in site.categories)
    assert run.stats.get("archive/listing/posts") == listed
    assert run.stats.get("archive/listing/not_listed", 0) >= 4 * len(site.categories)


def test_the_cheapest_open_door_is_used_and_reported(harvest):
    name, site, run, requests, door = harvest
    summary = json.loads((run.output.parent / "archive.summary.json").read_text())
    assert summary["door_used"] == door
    assert summary["finish_reason"] == "finished"
    assert f"through its {'REST API' if door == 'rest' else door}" in run.log
    posts = len(site.expected_records())
    if door == "rest":
        assert summary["doors"]["rest"]["announced"] > 0
        if name == "rest-stops-early":  # short of its own total, with no sitemap to name the rest
            assert "walking the listings too" in run.log
        else:  # robots.txt, the home page and every probe included
            assert len(requests) / posts < 0.1, requests
    if door == "sitemaps":
        assert summary["doors"]["rest"]["status"] == "closed"
        assert summary["doors"]["sitemaps"]["announced"] == posts + 1  # the dead post too
        assert "is closed (HTTP 401, rest_login_required" in run.log


def test_nothing_but_posts_is_fetched(harvest):
    _, site, run, requests, _ = harvest
    folder = site.config.subfolder
    for target in requests:
        path = urlsplit(target).path[len(folder):] if target.startswith(folder) else urlsplit(target).path
        query = urlsplit(target).query
        assert not path.startswith(("/wp-admin/", "/tag/", "/author/", "/feed", "/about-us", "/contact")), target
        assert not re.search(r"/(?:amp|feed|attachment)/|\?s=|share=|attachment_id|replytocom", target), target
        assert not re.match(r"/\d{4}/(?:\d{2}/)?(?:\d{2}/)?$", path), target  # date archives
        assert not re.search(r"(?:^|&)(?:page_id|tag|author|m|feed|s)=", query), target
    assert run.stats.get("archive/rejected/http_404") == 1  # the dead post, nothing else


@pytest.mark.parametrize("config", [
    WpConfig(posts=80, theme="classic", rest="open", sitemaps="core"),
    WpConfig(posts=80, theme="magazine", rest="closed-401", sitemaps="yoast"),
    WpConfig(posts=80, theme="legacy", rest="closed-403", sitemaps="none"),
], ids=["rest", "sitemaps", "listings"])
def test_a_later_run_fetches_only_what_is_new_through_the_same_door(config, tmp_path):
    site = build_wp_site(config)
    with WpServer(site) as server:
        first = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"})
        assert first.returncode == 0, first.log[-3000:]
        server.reset_requests()
        site.add_new_posts(3)
        edited = site.live_posts()[20]
        site.edit_post(edited.id)
        second = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"})
        requests = list(server.requests)
    assert second.returncode == 0, second.log[-3000:]
    records = second.records()
    assert len(records) == len(site.expected_records())  # the 3 new posts, nothing twice
    assert second.stats.get("archive/written") == 3
    summary = json.loads((tmp_path / "archive.summary.json").read_text())
    old_pages = {urlsplit(story["url"]).path for story in site.expected_records()[3:]} - {
        urlsplit(site.permalink(edited)).path}
    assert not [target for target in requests if urlsplit(target).path in old_pages]
    assert len(requests) < 20, requests
    if summary["door_used"] != "listings":  # a listing shows no edit
        assert summary["edited_since_written"] == 1
        assert summary["edited_urls"] == [site.permalink(edited)]


def test_a_listings_walk_that_stops_while_the_categories_announce_more_says_so(tmp_path):
    """Category widgets print how many posts each category holds: a walk that reads a category's
    first page only falls short of them, and the summary says so; a whole walk does not, though
    a post filed in two categories is counted in both."""
    site = build_wp_site(WpConfig(posts=60, theme="modules", rest="closed-403", sitemaps="none",
                                  category_counts=True, second_category_share=0.5))
    live = site.live_posts()
    announced = sum(sum(term in post.categories for post in live) for term in site.categories)
    assert announced > len(live)  # posts in two categories
    with WpServer(site) as server:
        whole = run_crawl(server.base_url, tmp_path / "whole", spider_args={"site": "wordpress"})
        short = run_crawl(server.base_url, tmp_path / "short", spider_args={"site": "wordpress"},
                          settings={"ARCHIVE_MAX_LISTING_PAGES": "1"})
    summaries = [json.loads((run.output.parent / "archive.summary.json").read_text()) for run in (whole, short)]
    assert [summary["doors"]["listings"]["announced"] for summary in summaries] == [announced, announced]
    assert summaries[0]["shortfall"] is None
    assert len(whole.records()) == len(site.expected_records())
    shortfall = summaries[1]["shortfall"]
    assert shortfall["door"] == "listings" and shortfall["announced"] == announced
    assert shortfall["missing"] > 0 and summaries[1]["archive_complete"] is False
    assert f"listings: open, {announced} posts announced" in short.log
    assert f"posts the listings announced ({shortfall['missing']} missing)" in short.log
