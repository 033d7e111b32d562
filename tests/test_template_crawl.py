"""A harvest of one site with ``-a site=generic -a urls=FILE``: its learnt template raises body scores
over reading each page alone, live, in a replay and in a re-parse (the real commands)."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.crawl import run_crawl, run_reparse
from tests.templatesite import NEWSLETTER, SHARE_BAR, TemplateSite

pytestmark = pytest.mark.slow


def shingles(text: str, size: int = 4) -> Counter:
    words = text.split()
    return Counter(tuple(words[index:index + size]) for index in range(max(1, len(words) - size + 1)))


def body_f1(records: list[dict], truth: dict[str, str]) -> float:
    """4-gram shingle F1 of the bodies against the stories' own text, summed over every story."""
    common = found = expected = 0
    by_url = {record["url"]: record["body"] for record in records}
    for url, text in truth.items():
        mine, theirs = shingles(by_url.get(url, "")), shingles(text)
        common += sum((mine & theirs).values())
        found += sum(mine.values())
        expected += sum(theirs.values())
    precision, recall = common / max(1, found), common / max(1, expected)
    return 2 * precision * recall / max(1e-9, precision + recall)


@pytest.fixture(scope="module")
def harvests(tmp_path_factory):
    """The site crawled with its template learnt, and with learning switched off by a profile."""
    folder = tmp_path_factory.mktemp("template-crawl")
    plain = folder / "plain.toml"
    plain.write_text('extends = "generic"\n[template]\nlearn = false\n')
    with TemplateSite() as site:
        urls = folder / "urls.txt"
        urls.write_text("\n".join(site.urls) + "\n")
        learnt = run_crawl("http://unused.test", folder / "learnt", spider_args={"site": "generic", "urls": str(urls)})
        fetched = list(site.requests)
        alone = run_crawl("http://unused.test", folder / "alone", spider_args={"site": str(plain), "urls": str(urls)})
        truth = {site.url(story): story.body for story in site.stories}
        later = run_crawl("http://unused.test", folder / "learnt", spider_args={"site": "generic", "urls": str(urls)},
                          settings={"HTTPCACHE_DIR": str(folder / "later-cache")})
    return learnt, alone, truth, fetched, urls, later


def test_the_learnt_template_raises_the_body_score_over_single_page_reading(harvests):
    learnt, alone, truth, fetched, *_ = harvests
    assert learnt.returncode == 0 and alone.returncode == 0, learnt.log[-3000:] + alone.log[-3000:]
    assert {record["url"]: record["body"] for record in learnt.records()} == truth  # every story exactly
    assert body_f1(learnt.records(), truth) == 1.0
    assert body_f1(alone.records(), truth) < 1.0
    assert all(SHARE_BAR in record["body"] and NEWSLETTER in record["body"] for record in alone.records())
    assert learnt.stats["archive/template/learnt"] == 1 and learnt.stats["archive/template/read_again"] == len(truth)
    assert "archive/template/learnt" not in alone.stats
    assert len([path for path in fetched if path.startswith("/news/")]) == len(truth)  # read again from the cache


def test_a_replay_and_a_reparse_learn_the_same_template_again(harvests):
    learnt, _, truth, _, urls, _ = harvests
    workdir = learnt.output.parent
    replay = run_crawl("http://unused.test", workdir / "replay", spider_args={
        "site": "generic", "urls": str(urls), "replay": "1"}, settings={"HTTPCACHE_DIR": str(workdir / "httpcache")})
    assert replay.returncode == 0, replay.log[-3000:]
    assert {record["url"]: record["body"] for record in replay.records()} == truth
    assert replay.stats["archive/template/learnt"] == 1 and replay.stats.get("archive/network/requests", 0) == 0
    reparsed = run_reparse("http://unused.test", workdir, spider_args={"site": "generic", "urls": str(urls)})
    assert reparsed.returncode == 0, reparsed.log[-3000:]
    assert {record["url"]: record["body"] for record in reparsed.records()} == truth


def test_a_later_run_takes_the_kept_template_without_a_first_pass(harvests):
    *_, later = harvests
    assert later.returncode == 0, later.log[-3000:]
    assert "archive/template/learnt" not in later.stats and "archive/template/read_again" not in later.stats
    assert "from an earlier run: learnt from 14 pages" in later.log
