"""Scheduled crawls end to end: later runs fetch only what is new; kills, locks, windows."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.crawl import run_crawl, start_crawl, wait_for_lines
from tests.replica import ReplicaServer, build_site

SLOW = {"DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}


def story_keys(records: list[dict]) -> list:
    return [record["media_id"] if record["media_id"] is not None else record["url"] for record in records]


def expected_keys(site) -> set:
    return {story["media_id"] if story["media_id"] is not None else story["url"]
            for story in site.expected_records()}


def assert_complete_once(site, records: list[dict]) -> None:
    keys = story_keys(records)
    duplicated = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicated, f"written twice: {duplicated[:5]}"
    expected = expected_keys(site)
    missing = expected - set(keys)
    assert not missing, f"{len(missing)} stories missing"
    assert len(keys) == len(expected)


@pytest.fixture
def replica():
    site = build_site(n_stories=120, seed=21)
    with ReplicaServer(site) as server:
        yield site, server


def test_second_run_fetches_and_writes_only_the_new_stories(replica, tmp_path):
    site, server = replica
    first = run_crawl(server.base_url, tmp_path)
    assert first.returncode == 0, first.log[-2000:]
    old_records = first.records()
    assert_complete_once(site, old_records)
    old_paths = {urlsplit(record["url"]).path for record in old_records}

    site.add_new_stories(20, seed=5)
    server.rerender()
    server.reset_faults()
    server.reset_requests()
    second = run_crawl(server.base_url, tmp_path)
    assert second.returncode == 0, second.log[-2000:]

    records = second.records()
    assert records[: len(old_records)] == old_records  # appended, nothing rewritten
    new_records = records[len(old_records):]
    assert sorted(record["url"] for record in new_records) == sorted(site.new_story_urls)
    assert_complete_once(site, records)

    requests = list(server.requests)
    assert not [target for target in requests if urlsplit(target).path in old_paths], "an old article was fetched"
    listing_pages = Counter(target.split("/page/")[0].rstrip("/")
                            for target in set(requests) if target.startswith("/category/"))
    assert all(count <= 3 for count in listing_pages.values()), listing_pages
    budget = 20 + 4 * len(site.categories) + 10
    assert len(requests) <= budget, (len(requests), requests)
    assert "Run summary" in second.log and "new stories written               20" in second.log
    assert second.stats["archive/incremental/skipped_seen"] > 0


def test_a_third_run_with_nothing_new_writes_nothing(replica, tmp_path):
    site, server = replica
    assert run_crawl(server.base_url, tmp_path).returncode == 0
    server.reset_requests()
    again = run_crawl(server.base_url, tmp_path)
    assert again.returncode == 0
    assert_complete_once(site, again.records())
    assert again.stats.get("archive/written", 0) == 0
    pages_per_category = 2  # robots.txt, home, one listing page per category, the dead link, redirects
    assert len(server.requests) <= 2 + pages_per_category * len(site.categories) + 2


def test_full_run_walks_everything_and_writes_no_duplicate(replica, tmp_path):
    site, server = replica
    assert run_crawl(server.base_url, tmp_path).returncode == 0
    server.reset_requests()
    full = run_crawl(server.base_url, tmp_path, spider_args={"full": "1"})
    assert full.returncode == 0
    assert_complete_once(site, full.records())
    article_requests = [t for t in server.requests if not t.startswith(("/category/", "/robots.txt"))]
    assert len(article_requests) >= len(site.expected_records())


def test_killed_first_crawl_is_completed_by_the_next_run(replica, tmp_path):
    site, server = replica
    process = start_crawl(server.base_url, tmp_path, settings=SLOW)
    written = wait_for_lines(tmp_path / "archive.jsonl", 30, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < written < len(site.expected_records()), "the crawl was not killed partway"

    resumed = run_crawl(server.base_url, tmp_path)
    assert resumed.returncode == 0, resumed.log[-2000:]
    for line in resumed.lines():
        json.loads(line)
    assert_complete_once(site, resumed.records())


def test_second_run_on_the_same_state_exits_at_once_naming_the_first(replica, tmp_path):
    site, server = replica
    first = start_crawl(server.base_url, tmp_path, settings=SLOW)
    try:
        wait_for_lines(tmp_path / "archive.jsonl", 1, first)
        started = time.monotonic()
        second = run_crawl(server.base_url, tmp_path, timeout=60)
        assert time.monotonic() - started < 30
        assert second.returncode == 1  # could not run
        assert "Another crawl is already running" in second.log
        assert f'"pid": {first.pid}' in second.log
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # The killed run's lock is gone with its process: the next run goes ahead.
    after = run_crawl(server.base_url, tmp_path)
    assert after.returncode == 0, after.log[-2000:]
    assert_complete_once(site, after.records())


def test_date_window_limits_the_run_and_stops_paging(replica, tmp_path):
    site, server = replica
    published = sorted(story["published"][:10] for story in site.expected_records())
    since, until = published[len(published) // 2], published[-10]
    run = run_crawl(server.base_url, tmp_path, spider_args={"since": since, "until": until})
    assert run.returncode == 0, run.log[-2000:]
    records = run.records()
    inside = {(s["media_id"], s["url"]) for s in site.expected_records() if since <= s["published"][:10] <= until}
    assert {(r["media_id"], r["url"]) for r in records} == inside
    total_pages = sum(site.listing_page_count(slug) for slug in site.categories)
    assert run.stats["archive/listing/pages"] < total_pages


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ({"since": "2014-13-01"}, "since must be a date written YYYY-MM-DD"),
        ({"until": "yesterday"}, "until must be a date written YYYY-MM-DD"),
        ({"since": "2015-01-01", "until": "2014-01-01"}, "is later than until"),
        ({"full": "maybe"}, "full must be 1 or 0"),
        ({"base_url": "ftp://example.org"}, "base_url must be an http(s) URL"),
    ],
)
def test_bad_arguments_fail_at_once_with_a_clear_message(tmp_path, argument, message):
    base_url = argument.pop("base_url", "http://127.0.0.1:9")
    run = run_crawl(base_url, tmp_path, spider_args=argument, timeout=60)
    assert run.returncode == 2  # bad arguments
    assert message in run.log
    assert not (tmp_path / "archive.jsonl").exists()
