"""What a run that ends prints: its exit status, one short line per dropped record, no progress bar in a log."""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive_crawler.items import ArticleItem
from archive_crawler.storage.logformatter import ArchiveLogFormatter
from archive_crawler.storage.pipelines import DuplicateStory, IncompleteRecord
from tests.crawl import run_crawl
from tests.replica import ReplicaServer, build_site

DROPPED_LINE = re.compile(r"INFO: Dropped http://\S+ \(story ID \d+\): duplicate, its media_id was written already$")


@pytest.fixture(scope="module")
def server():
    site = build_site(n_stories=120, seed=7)  # stories met under two URLs, and a dead link
    with ReplicaServer(site) as server:
        yield server


@pytest.fixture(scope="module")
def run(server, tmp_path_factory):
    return run_crawl(server.base_url, tmp_path_factory.mktemp("crawl"))


def test_a_run_that_walked_everything_exits_0_even_with_rejected_pages(run):
    assert run.returncode == 0, run.log[-2000:]
    assert run.stats["finish_reason"] == "finished"
    assert run.stats.get("archive/rejected/http_404", 0) >= 1


def test_a_run_stopped_before_the_walk_ended_exits_3(server, tmp_path):
    stopped = run_crawl(server.base_url, tmp_path, settings={"CLOSESPIDER_ITEMCOUNT": "5"})
    assert stopped.returncode == 3, stopped.log[-2000:]
    assert stopped.stats["finish_reason"] == "closespider_itemcount"


def test_a_dropped_duplicate_is_one_short_line_never_the_record(run):
    dropped = [line for line in run.log.splitlines() if "Dropped" in line]
    assert len(dropped) == run.stats["archive/dedupe/dropped/media_id"] > 0
    assert all(DROPPED_LINE.search(line) for line in dropped), dropped
    for dump in ("'body':", '"body"', "{'media_id'", "ArticleItem("):
        assert dump not in run.log


def test_no_progress_bar_in_a_log(run):
    assert "\r" not in run.log and "\x1b[" not in run.log
    assert "stories written," not in run.log
    assert "Crawled 0 pages" in run.log  # Scrapy's line a minute stays


def spider():
    return SimpleNamespace(crawler=get_crawler())


@pytest.mark.parametrize(
    ("exception", "level", "line"),
    [
        (IncompleteRecord("incomplete, no title", url="http://site.test/a/b", story_id=55300001, log_level="WARNING"),
         logging.WARNING, "Dropped http://site.test/a/b (story ID 55300001): incomplete, no title"),
        (DuplicateStory("duplicate, its URL was written already", url="http://site.test/a/b", log_level="INFO"),
         logging.INFO, "Dropped http://site.test/a/b (story ID None): duplicate, its URL was written already"),
    ],
)
def test_log_formatter_drops_the_record_from_the_line(exception, level, line):
    item = ArticleItem(media_id=55300001, url="http://site.test/a/b", body="A long body. " * 50)
    entry = ArchiveLogFormatter().dropped(item, exception, None, spider())
    assert entry["level"] == level
    assert entry["msg"] % entry["args"] == line


def test_log_formatter_leaves_other_drops_as_scrapy_logs_them():
    item = {"name": "kept"}
    entry = ArchiveLogFormatter().dropped(item, DropItem("not ours"), None, spider())
    assert "kept" in entry["msg"] % entry["args"]
