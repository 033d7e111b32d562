"""``-a site=generic -a urls=FILE``: article pages of any site, read from a list, live or from WARC."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.crawl import run_crawl
from tests.wpsite import WpConfig, WpServer, build_wp_site
from tests.wpsite.generic_pages import NOT_FOUND_URL, PDF_URL, generic_pages, write_pages_warc

pytestmark = pytest.mark.slow


def shingles(text: str, size: int = 4) -> Counter:
    words = text.split()
    return Counter(tuple(words[index:index + size]) for index in range(max(1, len(words) - size + 1)))


def precision_recall(found: str, truth: str) -> tuple[float, float]:
    """4-gram shingle precision and recall of a body, as article-extraction benchmarks count them."""
    mine, theirs = shingles(found), shingles(truth)
    common = sum((mine & theirs).values())
    return common / max(1, sum(mine.values())), common / max(1, sum(theirs.values()))


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generic")
    urls = write_pages_warc(folder / "pages.warc.gz")
    (folder / "urls.txt").write_text("# pages of ten sites, a dead one and a PDF\n" + "\n".join(urls) + "\n\n")
    run = run_crawl("http://unused.test", folder, spider_args={
        "site": "generic", "urls": str(folder / "urls.txt"), "replay": str(folder / "pages.warc.gz")})
    return run, urls


def test_every_article_page_gives_a_record_offline(offline):
    run, _ = offline
    assert run.returncode == 0, run.log[-3000:]
    assert run.stats.get("archive/network/requests", 0) == 0
    pages = generic_pages()
    records = {record["url"]: record for record in run.records()}
    assert set(records) == {page.url for page in pages}
    assert run.stats.get("archive/rejected/http_404") == 1 and run.stats.get("archive/rejected/not_html") == 1
    assert NOT_FOUND_URL in run.log and PDF_URL in run.log


def test_body_f1_and_metadata(offline):
    run, _ = offline
    records = {record["url"]: record for record in run.records()}
    scores = [precision_recall(records[page.url]["body"], page.expected["body"]) for page in generic_pages()]
    precision = sum(score[0] for score in scores) / len(scores)
    recall = sum(score[1] for score in scores) / len(scores)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    wrong = [(page.url, field, records[page.url][field], page.expected[field]) for page in generic_pages()
             for field in ("title", "published", "authors") if records[page.url][field] != page.expected[field]]
    assert wrong == []


def test_a_list_of_urls_is_crawled_exactly_live(tmp_path):
    site = build_wp_site(WpConfig(posts=30, theme="magazine"))
    with WpServer(site) as server:
        stories = site.expected_records()[:5]  # addresses on the server's port
        listed = [story["url"] for story in stories] + [stories[0]["url"] + "?share=twitter"]
        (tmp_path / "urls.txt").write_text("\n".join(listed) + "\n")
        run = run_crawl("http://ignored.test", tmp_path, spider_args={"site": "wordpress",
                                                                      "urls": str(tmp_path / "urls.txt")})
        requests = list(server.requests)
    assert run.returncode == 0, run.log[-3000:]
    assert sorted(record["url"] for record in run.records()) == sorted(story["url"] for story in stories)
    assert not [target for target in requests if "wp-json" in target or "sitemap" in target or "/category/" in target]
    assert all(record["post_id"] == story["post_id"] for record, story in
               zip(sorted(run.records(), key=lambda r: r["url"]), sorted(stories, key=lambda s: s["url"]), strict=True))
