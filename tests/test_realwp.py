"""End to end against a real WordPress: ``scrapy crawl archive -a site=wordpress -a base_url=URL``.

Debian's WordPress 6.1 with its packaged themes, filled through WordPress's own functions and
served by PHP's built-in server (tests/realwp/). Each site leaves another door open (its REST
API; else its core sitemaps; else only its listings), draws its pages with another theme and
writes its links in another shape. The harvest must hold every published post once, nothing
else, and each field exactly as WordPress holds it.

Where the harvest falls short today, the test of that site and field is an expected failure
that fails the day it passes, so that the gap is measured and its closing noticed.
"""
from __future__ import annotations

import html
import itertools
import json
import os
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.realwp.lab import INSTANCES, Harvest, Lab, harvest
from tests.realwp.truth import FIELDS, THEMES_PRINTING_CAPTIONS, extras, matched, mismatches, other_addresses
from tests.realwp.wordpress import missing_software
from tests.test_crawl_e2e import SCHEMA

pytestmark = [pytest.mark.slow, pytest.mark.realwp]

NAMES = [instance.name for instance in INSTANCES]
INSTANCE = {instance.name: instance for instance in INSTANCES}
# Known shortfalls of the harvest, by site and field.
GAPS: dict[tuple[str, str], str] = {}
MISSING_POSTS: dict[str, str] = {}
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def known(name: str, gaps: dict[str, str]):
    """The site's name as a test parameter, an expected failure where ``gaps`` names it."""
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=gaps[name])) if name in gaps else name


def known_field(name: str, field: str):
    gap = GAPS.get((name, field))
    return pytest.param(name, field, marks=pytest.mark.xfail(strict=True, reason=gap)) if gap else (name, field)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """The session's WordPress sites (one MariaDB), served until the session ends; ``harvests``
    sets them up."""
    if missing := missing_software():
        message = f"a real WordPress needs {', '.join(missing)} (Debian packages; see .ci/run)"
        if os.environ.get("ARCHIVE_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with Lab(INSTANCES, tmp_path_factory.mktemp("realwp-sites")) as running:
        yield running


@pytest.fixture(scope="session")
def harvests(lab, tmp_path_factory) -> dict[str, Harvest]:
    """Each site set up and harvested once, a few at a time."""
    crawls = tmp_path_factory.mktemp("realwp-crawls")
    return lab.map(lambda site: harvest(site, crawls / site.instance.name))


def fetch(url: str) -> tuple[int, str, str]:
    """(status, content type, text) of a GET that follows redirects."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8", "replace")


@pytest.mark.parametrize("name", NAMES)
def test_the_sites_doors_are_open_and_closed_as_set_up(lab, harvests, name):
    """What the harvests are judged against: the REST API, sitemaps and robots.txt answer as each
    site was set up to."""
    site = lab.sites[name]
    instance, base = site.instance, site.base_url
    pretty = instance.permalinks == "pretty"
    status, kind, body = fetch(base + ("/wp-json/wp/v2/posts?per_page=1" if pretty else "/?rest_route=/wp/v2/posts&per_page=1"))
    if instance.door == "rest":
        assert (status, kind.split(";")[0]) == (200, "application/json")
        assert json.loads(body)[0]["id"] == site.truth["posts"][0]["post_id"]
        index = fetch(base + ("/wp-json/?" if pretty else "/?rest_route=/&") + "_fields=timezone_string")[2]
        assert json.loads(index)["timezone_string"] == site.truth["timezone"]  # what dates are checked against
    else:
        assert (status, json.loads(body)["code"]) == (401, "rest_login_required")
    status, kind, body = fetch(base + ("/wp-sitemap.xml" if pretty else "/?sitemap=index"))
    if instance.door == "listings":  # a 404 page, or the home page where links are plain
        assert "xml" not in kind and "sitemapindex" not in body
    else:
        assert (status, kind.split(";")[0]) == (200, "application/xml")
        assert "wp-sitemap-posts-post-1.xml" in body or "sitemap=posts" in html.unescape(body)
    robots = fetch(f"http://127.0.0.1:{site.port}/robots.txt")
    if pretty and not instance.folder:  # WordPress answers robots.txt only at a root install with pretty links
        assert robots[0] == 200
        assert ("Crawl-delay: 0.2" in robots[2]) == (instance.crawl_delay == 0.2)
    assert len(site.truth["posts"]) == instance.posts


@pytest.mark.parametrize("name", NAMES)
def test_block_themes_print_no_featured_caption(lab, harvests, name):
    """The expected captions of page harvests follow what the theme prints."""
    site = lab.sites[name]
    post = next(post for post in site.truth["posts"] if post["caption"])
    page = html.unescape(fetch(post["url"])[2])
    assert post["title"] and html.unescape(post["title"]) in page
    assert (post["caption"] in page) == (site.instance.theme in THEMES_PRINTING_CAPTIONS)


@pytest.mark.parametrize("name", [known(name, MISSING_POSTS) for name in NAMES])
def test_the_cheapest_open_door_is_used(harvests, name):
    result = harvests[name]
    assert result.run.returncode == 0, result.run.log[-3000:]
    assert result.summary["door_used"] == INSTANCE[name].door
    assert result.summary["finish_reason"] == "finished"


@pytest.mark.parametrize("name", [known(name, MISSING_POSTS) for name in NAMES])
def test_every_post_is_harvested(harvests, name):
    result = harvests[name]
    assert [story["url"] for story, record in matched(result.records, result.expected) if record is None] == []


@pytest.mark.parametrize("name", NAMES)
def test_nothing_but_posts_once_each(harvests, name):
    """No page, attachment, draft, pending, private, scheduled or trashed post, and no post twice."""
    result = harvests[name]
    records = result.records
    for record in records:
        VALIDATOR.validate(record)
    assert extras(records, result.expected) == []
    other_ids, other_urls = other_addresses(result.site.truth)
    assert [record["url"] for record in records if record["post_id"] in other_ids or record["url"] in other_urls] == []
    assert {record["site"] for record in records} <= {"wordpress"}


@pytest.mark.parametrize("name", NAMES)
def test_nothing_but_posts_is_fetched(harvests, name):
    """Pages, attachments, posts no reader may see, feeds, author and tag archives, images and
    scripts are never fetched; no post page twice; none at all through the REST API."""
    result = harvests[name]
    truth = result.site.truth
    post_pages = {target(post["url"]) for post in truth["posts"]}
    others = {target(other["url"]) for other in truth["others"]}
    requests = result.requests
    assert [request for request in requests if request in others] == []
    assert [request for request in requests if re.search(
        r"/feed/|[?&]feed=|/author/|[?&]author=|/tag/|[?&]tag=|attachment|/wp-admin/|/wp-content/|/wp-includes/|[?&]s=",
        request)] == []
    fetched_posts = [request for request in requests if request in post_pages]
    assert len(fetched_posts) == len(set(fetched_posts))
    if INSTANCE[name].door == "rest":
        assert fetched_posts == []


def target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize(("name", "field"), [known_field(name, field) for name in NAMES for field in FIELDS])
def test_field_is_exact(harvests, name, field):
    result = harvests[name]
    assert result.records, f"no records: {result.run.log[-2000:]}"
    assert mismatches(result.records, result.expected, field) == []


def test_robots_txt_crawl_delay_is_obeyed(harvests):
    """The site whose robots.txt asks for 0.2 s between requests is harvested with no delay on the
    command line: its requests after robots.txt come at least that far apart."""
    name = next(instance.name for instance in INSTANCES if instance.crawl_delay)
    result = harvests[name]
    assert result.run.stats.get("archive/crawl_delay") == 0.2
    assert "asks for 0.2 s between requests" in result.run.log
    times = sorted(when for when, request in result.timed_requests if request != "/robots.txt")
    assert len(times) >= 3
    # The server notes a request when a worker takes it up, a few milliseconds late at times: the
    # gaps may shrink a little, their sum may not.
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.15
    assert times[-1] - times[0] >= 0.2 * (len(times) - 1) - 0.02
