"""``scrapy reparse``: whatever door a harvest went through, its re-parse writes the replay's lines.

Each harvest here is a real ``scrapy crawl archive`` against a replica; its replay (``-a replay=...``)
and its re-parse read what it kept, with no network, and must write the same lines, byte for byte
(``crawled_at`` included). The first site's listings, web archives, WACZ and fallback harvests are
re-parsed in ``test_replay.py`` and ``test_webarchive.py``, beside their replays.
"""

from __future__ import annotations

import json

import pytest

from tests.crawl import run_crawl, run_reparse
from tests.wpsite import WpConfig, WpServer, build_wp_site
from tests.wpsite.generic_pages import write_pages_warc

pytestmark = pytest.mark.slow

HARVESTS = {
    "rest": (WpConfig(posts=40, theme="classic", rest="open", sitemaps="core"), "wordpress"),
    "sitemaps": (WpConfig(posts=40, theme="magazine", rest="closed-401", sitemaps="yoast", subfolder="/news",
                          permalinks="/%postname%/"), "wordpress"),
    "listings": (WpConfig(posts=40, theme="legacy", rest="html", sitemaps="none",
                          permalinks="/%category%/%postname%/"), "wordpress"),
    # Posts found by their links, not by selectors: what is learnt of the listings is learnt again alike.
    "listings-modules": (WpConfig(posts=40, theme="modules", rest="closed-403", sitemaps="none",
                                  category_counts=True), "wordpress"),
    "feeds": (WpConfig(posts=40, theme="classic", rest="closed-401", sitemaps="none"), "generic"),
}


def assert_same_lines(reparsed, replayed) -> None:
    assert reparsed.returncode == 0, reparsed.log[-3000:]
    assert replayed.returncode == 0, replayed.log[-3000:]
    assert replayed.lines(), "the replay wrote nothing to compare with"
    assert sorted(reparsed.lines()) == sorted(replayed.lines())


@pytest.mark.parametrize("door", list(HARVESTS))
def test_a_reparse_writes_the_replays_lines_whatever_the_door(door, tmp_path):
    config, profile = HARVESTS[door]
    door = door.partition("-")[0]
    site = build_wp_site(config)
    with WpServer(site) as server:
        live = run_crawl(server.base_url, tmp_path, spider_args={"site": profile})
        base_url = server.base_url
    assert live.returncode == 0, live.log[-3000:]
    assert json.loads((tmp_path / "archive.summary.json").read_text())["door_used"] == door
    replayed = run_crawl(base_url, tmp_path / "replay", spider_args={"site": profile, "replay": "1"},
                         settings={"HTTPCACHE_DIR": str(tmp_path / "httpcache")})
    reparsed = run_reparse(base_url, tmp_path, "--workers", "2", spider_args={"site": profile})
    assert_same_lines(reparsed, replayed)
    summary = json.loads((tmp_path / "archive.reparsed.summary.json").read_text())
    assert summary["door"] == door and summary["stories_written"] == len(reparsed.lines())
    assert live.lines() == (tmp_path / "archive.jsonl").read_text(encoding="utf-8").splitlines()  # left alone


def test_a_reparse_of_a_url_list_from_warc(tmp_path):
    urls = write_pages_warc(tmp_path / "pages.warc.gz")
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")
    arguments = {"site": "generic", "urls": str(tmp_path / "urls.txt"), "replay": str(tmp_path / "pages.warc.gz")}
    replayed = run_crawl("http://unused.test", tmp_path / "replay", spider_args=arguments)
    reparsed = run_reparse("http://unused.test", tmp_path, spider_args=arguments)
    assert_same_lines(reparsed, replayed)
    rejects = [json.loads(line) for line in (tmp_path / "archive.reparsed.rejects.jsonl").read_text().splitlines()]
    assert sorted(reject["reason"] for reject in rejects) == ["http_404", "not_html"]
