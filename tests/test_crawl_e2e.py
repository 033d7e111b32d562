"""End to end: the real ``scrapy crawl archive`` against the replica on 127.0.0.1."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.crawl import run_crawl
from tests.replica import ReplicaServer, build_site

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "archive_crawler/schema/record.schema.json").read_text()
)
COMPARED_FIELDS = ("media_id", "url", "title", "published", "authors", "category", "tags", "image_caption",
                   "image_credit", "dateline", "source", "body", "word_count")


@pytest.fixture(scope="module", params=[(0, 120, 7), (1, 300, 11), (2, 120, 3), (3, 120, 7), (4, 120, 3)],
                ids=["variant0-120", "variant1-300", "variant2-120", "variant3-120", "variant4-120"])
def replica(request):
    variant, stories, seed = request.param
    site = build_site(n_stories=stories, seed=seed, variant=variant)
    with ReplicaServer(site) as server:
        yield site, server


@pytest.fixture(scope="module")
def crawl(replica, tmp_path_factory):
    _site, server = replica
    server.reset_requests()
    run = run_crawl(server.base_url, tmp_path_factory.mktemp("crawl"))
    return run, list(server.requests)


def match_records(expected: list[dict], records: list[dict]) -> dict[int, dict]:
    """Pair each expected story (by index) with the output record for it."""
    by_media_id = {record["media_id"]: record for record in records if record["media_id"] is not None}
    by_url = {record["url"]: record for record in records}
    pairs = {}
    for index, story in enumerate(expected):
        record = by_media_id.get(story["media_id"]) if story["media_id"] is not None else None
        if record is None:
            record = next((by_url[url] for url in story["accepted_urls"] if url in by_url), None)
        if record is not None:
            pairs[index] = record
    return pairs


def test_crawl_exits_cleanly_and_every_line_is_a_valid_record(crawl):
    run, _ = crawl
    assert run.returncode == 0, run.log[-3000:]
    lines = run.lines()
    assert lines, run.log[-3000:]
    for line in lines:
        record = json.loads(line)
        jsonschema.validate(record, SCHEMA)
        assert "\\u" not in line
        assert datetime.fromisoformat(record["crawled_at"]).utcoffset().total_seconds() == 0


def test_every_story_written_once_and_nothing_else(replica, crawl):
    site, _ = replica
    run, _ = crawl
    records = run.records()
    expected = site.expected_records()
    pairs = match_records(expected, records)
    missing = [story["url"] for index, story in enumerate(expected) if index not in pairs]
    assert not missing, f"{len(missing)} stories missing, e.g. {missing[:5]}"
    assert len(records) == len(expected), "extra records were written"
    media_ids = Counter(record["media_id"] for record in records if record["media_id"] is not None)
    assert not [media_id for media_id, count in media_ids.items() if count > 1]
    urls = Counter(record["url"] for record in records)
    assert not [url for url, count in urls.items() if count > 1]


@pytest.mark.parametrize("field_name", COMPARED_FIELDS)
def test_field_exactly_right_on_every_story(replica, crawl, field_name):
    site, _ = replica
    run, _ = crawl
    expected = site.expected_records()
    pairs = match_records(expected, run.records())
    wrong = []
    for index, record in pairs.items():
        story = expected[index]
        ok = record["url"] in story["accepted_urls"] if field_name == "url" else record[field_name] == story[field_name]
        if not ok:
            wrong.append((story["url"], story[field_name], record[field_name]))
    assert not wrong, f"{len(wrong)} of {len(pairs)} wrong; first: {wrong[:3]}"


def test_no_disallowed_or_avoidable_page_fetched(replica, crawl):
    site, _ = replica
    _, requests = crawl
    assert "/robots.txt" in requests
    for target in requests:
        assert not any(target.startswith(prefix) for prefix in site.disallowed_prefixes), target
        assert "share=" not in target, target
        assert "/attachment/" not in target, target
        path = urlsplit(target).path
        assert not path.startswith(("/tag/", "/author/", "/feed", "/rss", "/search", "/members")), target


def test_no_article_page_fetched_twice_except_retries(replica, crawl):
    site, _ = replica
    _, requests = crawl
    retried = set(site.transient_failures)
    counts = Counter(requests)
    assert not [target for target, count in counts.items() if count > 1 and target not in retried]


def test_dead_link_and_retries_are_counted(crawl):
    run, _ = crawl
    assert run.stats.get("archive/rejected/http_404", 0) >= 1, run.stats
    assert run.stats.get("retry/count", 0) >= 1
    assert "Rejected article page" in run.log and "http_404 (HTTP 404)" in run.log
    rejects = [json.loads(line) for line in (run.output.parent / "archive.rejects.jsonl").read_text().splitlines()]
    assert [(reject["reason"], reject["status"]) for reject in rejects] == [("http_404", 404)]
