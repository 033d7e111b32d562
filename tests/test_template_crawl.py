"""A harvest of one site with ``-a site=generic -a urls=FILE``: its learnt template raises body scores
over reading each page alone, in the crawl and in a re-parse of what it kept (the real commands)."""
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
    """The site harvested with its template learnt; then its page cache re-parsed with the template
    learnt again, and with learning switched off by a profile (each page read alone)."""
    folder = tmp_path_factory.mktemp("template-crawl")
    plain = folder / "plain.toml"
    plain.write_text('extends = "generic"\n[template]\nlearn = false\n')
    with TemplateSite() as site:
        urls = folder / "urls.txt"
        urls.write_text("\n".join(site.urls) + "\n")
        learnt = run_crawl("http://unused.test", folder, spider_args={"site": "generic", "urls": str(urls)})
        fetched = list(site.requests)
        truth = {site.url(story): story.body for story in site.stories}
    again = run_reparse("http://unused.test", folder, "--output", str(folder / "again.jsonl"),
                        spider_args={"site": "generic", "urls": str(urls)})
    alone = run_reparse("http://unused.test", folder, "--output", str(folder / "alone.jsonl"),
                        spider_args={"site": str(plain), "urls": str(urls)})
    return learnt, again, alone, truth, fetched


def test_the_learnt_template_raises_the_body_score_over_single_page_reading(harvests):
    learnt, _, alone, truth, fetched = harvests
    assert learnt.returncode == 0 and alone.returncode == 0, learnt.log[-3000:] + alone.log[-3000:]
    assert {record["url"]: record["body"] for record in learnt.records()} == truth  # every story exactly
    assert body_f1(learnt.records(), truth) == 1.0
    assert sorted(record["url"] for record in alone.records()) == sorted(truth)
    assert body_f1(alone.records(), truth) < 1.0
    assert all(SHARE_BAR in record["body"] and NEWSLETTER in record["body"] for record in alone.records())
    assert learnt.stats["archive/template/learnt"] == 1 and learnt.stats["archive/template/read_again"] == len(truth)
    assert len([path for path in fetched if path.startswith("/news/")]) == len(truth)  # read again from the cache
    assert "learnt from 14 pages; " in learnt.log


def test_a_reparse_learns_the_same_template_again(harvests):
    _, again, _, truth, _ = harvests
    assert again.returncode == 0, again.log[-3000:]
    assert {record["url"]: record["body"] for record in again.records()} == truth
