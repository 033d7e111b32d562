"""A site plugs in as data: a profile file, no code, for a small site with its own markup and URLs.

The Harbour Ledger (``tests/replica/ledger.py``) is no WordPress site: sections at ``/section/{slug}/``
paged with ``?page=N``, articles at ``/news/{yyyy}/{mm}/{slug}-{id}.html``, a "Story ref" for an ID,
captions with the credit in an element of its own. ``tests/sites/ledger.toml`` describes it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.crawl import run_crawl
from tests.replica import ReplicaServer
from tests.replica.ledger import build_ledger_site

PROFILE = Path(__file__).resolve().parent / "sites" / "ledger.toml"
FIELDS = ("media_id", "title", "published", "authors", "category", "tags", "image_caption", "image_credit",
          "dateline", "source", "body", "word_count")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    site = build_ledger_site(48, seed=5)
    with ReplicaServer(site) as server:
        run = run_crawl(server.base_url, tmp_path_factory.mktemp("ledger"), spider_args={"site": str(PROFILE)})
        return site, run, list(server.requests)


def test_the_whole_site_is_harvested_exactly(crawl):
    site, run, _ = crawl
    assert run.returncode == 0, run.log[-3000:]
    records = run.records()
    expected = site.expected_records()
    by_url = {record["url"]: record for record in records}
    pairs = [(story, next((by_url[url] for url in story["accepted_urls"] if url in by_url), None))
             for story in expected]
    assert [story["url"] for story, record in pairs if record is None] == []
    assert len(records) == len(expected)
    assert not [key for key, count in Counter(r["media_id"] for r in records if r["media_id"]).items() if count > 1]
    wrong = [(field, story["url"], story[field], record[field]) for story, record in pairs for field in FIELDS
             if record[field] != story[field]]
    assert wrong == []
    assert {record["site"] for record in records} == {"ledger"}


def test_nothing_the_profile_forbids_is_fetched(crawl):
    _, run, requests = crawl
    assert "/robots.txt" in requests
    assert not [target for target in requests if target.startswith(("/print/", "/search", "/topic/"))]
    assert not [target for target in requests if "utm_" in target]
    assert run.stats.get("archive/listing/trap/loop") is None
