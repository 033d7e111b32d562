"""A site's template, learnt across its pages: repeated blocks left out of the body, its text container
first; learnt in a first pass whatever order pages come in, frozen, kept versioned in the state."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace

import lxml.html
import pytest
from scrapy.http import HtmlResponse

from archive_crawler.commands.inspect import site_template
from archive_crawler.messages import ArticleContext, ParsedArticle
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.navigation.templates import TemplatePass
from archive_crawler.reading.extract import select, text_of
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.template import (
    PASS_PAGES,
    TEMPLATE_VERSION,
    PageBlocks,
    SiteTemplate,
    boilerplate_left_out,
    template_host,
)
from archive_crawler.reading.workers import ReadingJob, read_page
from archive_crawler.sites.profile import ProfileError, load_profile
from archive_crawler.sources.responses import build_response
from archive_crawler.stats import Counts
from archive_crawler.storage.state import ArchiveState
from tests.crawl import PROJECT_ROOT, environment
from tests.templatesite import NEWSLETTER, OTHER_STORIES, SHARE_BAR, page, stories

GENERIC = load_profile("generic")
HOST = "gazette.test"
STORIES = stories()


def response_of(url: str, text: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=text.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def url_of(index: int, host: str = HOST) -> str:
    return f"http://{host}/news/{STORIES[index % len(STORIES)].slug}" + (f"-{index}" if index >= len(STORIES) else "")


def blocks_of(index: int) -> PageBlocks:
    """What a page of the site shows when read alone (as the first pass reads it)."""
    article = read_page(ReadingJob("generic", f"http://{HOST}", {}, learning=True), Fetch(url_of(index), PageKind.ARTICLE),
                        payload(index))
    assert isinstance(article, ParsedArticle) and article.blocks is not None
    return article.blocks


def payload(index: int, host: str = HOST):
    """A page of the site as a worker gets it; pages past the last story are copies of the first ones."""
    return (url_of(index, host), 200, [(b"Content-Type", b"text/html; charset=utf-8")],
            page(STORIES[index % len(STORIES)]).encode("utf-8"))


def body_with(template: SiteTemplate | None, index: int) -> str:
    reader = PageReader(GENERIC, f"http://{HOST}", {}, template)
    from archive_crawler.reading.workers import read_article

    return read_article(reader, build_response(*payload(index)), ArticleContext()).item["body"]


@pytest.fixture(scope="module")
def learnt() -> SiteTemplate:
    return SiteTemplate.learn([blocks_of(index) for index in range(8)])


def test_the_repeated_blocks_and_the_text_container_are_learnt(learnt):
    assert learnt.pages == 8 and learnt.container == "article>div.txt#"
    alone = body_with(None, 9)
    assert SHARE_BAR in alone and NEWSLETTER in alone  # read alone, the page keeps them
    for index in range(len(STORIES)):  # pages the template was learnt from and others, read exactly
        assert body_with(learnt, index) == STORIES[index].body


def test_what_is_learnt_does_not_depend_on_the_order_pages_come_in(learnt):
    seen = [blocks_of(index) for index in range(8)]
    for seed in range(4):
        random.Random(seed).shuffle(seen)
        assert SiteTemplate.learn(seen) == learnt


def test_copies_of_one_story_count_once_and_too_few_pages_teach_nothing():
    copies = [blocks_of(0)] * 5 + [blocks_of(1)]
    template = SiteTemplate.learn(copies)
    assert template.pages == 2 and template.empty  # its own paragraphs are no boilerplate
    assert body_with(template, 0) == body_with(None, 0)
    assert not SiteTemplate.learn([blocks_of(index) for index in range(2)]).boilerplate


def test_a_block_on_few_of_the_pages_is_no_boilerplate():
    # The list of other stories is the same on 2 pages of 10 only (under 3 pages and 30%): it stays.
    seen, texts = [], []
    for index in range(10):
        text = page(STORIES[index])
        if index >= 2:
            text = text.replace(OTHER_STORIES[0][0], f"Another story {index}")
        texts.append(text)
        seen.append(PageBlocks.of(lxml.html.fromstring(text), STORIES[index].body))
    template = SiteTemplate.learn(seen)
    assert template.pages == 10
    body = body_with(template, 0)
    assert OTHER_STORIES[0][0] in body and NEWSLETTER not in body and SHARE_BAR not in body


def test_the_page_is_put_back_as_it_was(learnt):
    response = response_of(url_of(3), page(STORIES[3]))
    before = lxml.html.tostring(response.selector.root)
    with boilerplate_left_out(response.selector, learnt) as left_out:
        assert left_out >= 3 and SHARE_BAR not in response.selector.xpath("string(//body)").get()
        assert not select(response, "div.tools p")  # the page's classes read while the bar is out
    assert lxml.html.tostring(response.selector.root) == before
    assert [text_of(found) for found in select(response, "div.tools p")] == [SHARE_BAR]


def test_a_kept_template_of_another_version_is_learnt_again(learnt):
    assert SiteTemplate.load(learnt.dump()) == learnt
    older = json.dumps({**json.loads(learnt.dump()), "version": TEMPLATE_VERSION - 1})
    broken = json.dumps({**json.loads(learnt.dump()), "boilerplate": "not a list"})
    assert SiteTemplate.load(older) is None and SiteTemplate.load(broken) is None
    assert SiteTemplate.load("{not json") is None and SiteTemplate.load(None) is None


@pytest.mark.parametrize("url, host", [
    ("https://Gazette.test/news/a", "gazette.test"),
    ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
    ("https://web.archive.org/web/20190102030405/https://gazette.test/news/a", "gazette.test"),
    ("http://localhost:8080/pywb/20200101000000id_/http://Other.test/a?b=1", "other.test"),
])
def test_the_host_of_a_page_is_the_original_inside_a_playback_address(url, host):
    assert template_host(url) == host


# -- the first pass in the walk ------------------------------------------------------------------


def first_pass(seeds: list[str], order: list[int], ledger: LinkLedger | None = None):
    """(the fetches asked for at the start, those asked for as the first pass's pages came in ``order``,
    the navigator)."""
    nav = Navigator(GENERIC, f"http://{HOST}", Counts(), ledger=ledger, seeds=tuple(seeds))
    started = nav.start()
    learning = [fetch for fetch in started if fetch.learning]
    after = []
    for index in order:
        fetch = nav.to_read(learning[index])
        article = read_page(ReadingJob("generic", f"http://{HOST}", {}, learning=True), fetch,
                            payload(seeds.index(fetch.url)))
        assert nav.records(fetch, article) == []  # no record before the template is frozen
        after += nav.read(fetch, article)
    return started, after, nav


def test_a_hosts_first_pages_learn_its_later_pages_wait_and_all_are_read_again():
    seeds = [url_of(index) for index in range(PASS_PAGES + 2)] + [url_of(0, "other.test"), url_of(1, "other.test")]
    started, after, nav = first_pass(seeds, list(range(PASS_PAGES)))
    assert [fetch.url for fetch in started if fetch.learning] == seeds[:PASS_PAGES]
    assert [fetch.url for fetch in started if not fetch.learning] == seeds[-2:]  # two pages of a host: nothing to learn
    assert [fetch.url for fetch in after] == seeds[:PASS_PAGES + 2]  # read again, then the two that waited
    assert all(fetch.again and fetch.repeatable for fetch in after[:PASS_PAGES])
    template = nav.template_of(after[0])
    assert template is not None and template.container == "article>div.txt#" and template.pages == len(STORIES)
    assert nav.template_of(started[-1]) is None
    assert nav.stats["archive/template/learnt"] == 1 and nav.stats["archive/template/read_again"] == PASS_PAGES


def test_the_first_pass_learns_the_same_in_any_order():
    seeds = [url_of(index) for index in range(6)]
    templates = []
    for seed in range(3):
        order = list(range(6))
        random.Random(seed).shuffle(order)
        _, after, nav = first_pass(seeds, order)
        assert sorted(fetch.url for fetch in after) == sorted(seeds)
        templates.append(nav.template_of(after[0]))
    assert templates[0] is not None and templates[0].boilerplate and templates.count(templates[0]) == 3


def test_a_failed_first_pass_page_is_not_read_again_and_an_unfinished_pass_ends_when_the_walk_is_idle():
    seeds = [url_of(index) for index in range(5)]
    nav = Navigator(GENERIC, f"http://{HOST}", Counts(), seeds=tuple(seeds))
    learning = nav.start()
    assert nav.failed(learning[0], "http_404") == []
    job = ReadingJob("generic", f"http://{HOST}", {}, learning=True)
    for index in (1, 2, 3):  # the fifth page never comes in (dropped unanswered)
        assert nav.read(learning[index], read_page(job, learning[index], payload(index))) == []
    assert nav.idle() == [fetch.learnt for fetch in learning[1:4]]
    assert nav.idle() == []


def test_the_template_is_kept_in_the_state_and_used_by_the_next_run(tmp_path):
    seeds = [url_of(index) for index in range(4)]
    state = ArchiveState(tmp_path / "state.sqlite3")
    try:
        _, after, nav = first_pass(seeds, [3, 1, 0, 2], LinkLedger(state, Counts()))
        kept = SiteTemplate.load(state.get(f"template generic {HOST}"))
        assert kept is not None and kept == nav.template_of(after[0]) and kept.pages == 4
        later = Navigator(GENERIC, f"http://{HOST}", Counts(), ledger=LinkLedger(state, Counts()), seeds=tuple(seeds))
        fetches = later.start()
        assert not any(fetch.learning for fetch in fetches)  # no first pass: the kept template is used at once
        assert later.template_of(fetches[0]) == kept
    finally:
        state.close()


def test_a_replay_reads_no_state_and_learns_again(tmp_path):
    seeds = [url_of(index) for index in range(4)]
    started, _, _ = first_pass(seeds, [0, 1, 2, 3], ledger=None)
    assert all(fetch.learning for fetch in started)


# -- the profile -------------------------------------------------------------------------------


def test_a_profile_pins_the_template_or_switches_learning_off(tmp_path):
    (tmp_path / "pinned.toml").write_text('extends = "generic"\n[template]\nlearn = false\n'
                                          'boilerplate = ["div.tools", "div.box", "div.list"]\n'
                                          'text_container = ["div.txt"]\n')
    pinned = load_profile(str(tmp_path / "pinned.toml"))
    nav = Navigator(pinned, f"http://{HOST}", Counts(), seeds=tuple(url_of(index) for index in range(5)))
    fetches = nav.start()
    assert not any(fetch.learning for fetch in fetches)
    template = nav.template_of(fetches[0])
    assert template is not None and template.pinned_container == ("div.txt",)
    reader = PageReader(pinned, f"http://{HOST}", {}, template)
    from archive_crawler.reading.workers import read_article

    rules: dict[str, str] = {}
    item = read_article(reader, build_response(*payload(5)), ArticleContext(), rules=rules).item
    assert item["body"] == STORIES[5].body and rules["body"].startswith("template: text container")
    (tmp_path / "bad.toml").write_text('extends = "generic"\n[template]\nlearn = "yes"\n')
    with pytest.raises(ProfileError, match=r"\[template\] learn must be true or false"):
        load_profile(str(tmp_path / "bad.toml"))
    off = replace(GENERIC, template=replace(GENERIC.template, learn=False))
    assert not any(fetch.learning for fetch in Navigator(off, f"http://{HOST}", Counts(),
                                                         seeds=tuple(url_of(index) for index in range(5))).start())


def test_inspect_reads_the_template_the_state_keeps_and_shows_the_body_rule_it_gave(tmp_path, learnt):
    state_path = tmp_path / "state.sqlite3"
    state = ArchiveState(state_path)
    try:
        LinkLedger(state, Counts()).remember_template("generic", HOST, learnt.dump())
    finally:
        state.close()
    (tmp_path / "page.html").write_text(page(STORIES[10]), encoding="utf-8")

    def inspect(state_file) -> str:
        completed = subprocess.run(
            [sys.executable, "-m", "scrapy", "inspect", url_of(10), "-a", "site=generic", "--file",
             str(tmp_path / "page.html"), "-s", f"ARCHIVE_STATE={state_file}"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=environment())
        assert completed.returncode == 0, completed.stderr[-2000:]
        return completed.stdout

    kept = inspect(state_path)
    assert f"template of {HOST}: learnt from 8 pages; {len(learnt.boilerplate)} boilerplate blocks; " \
           f"text container article>div.txt# (from the state {state_path})" in kept
    # Left out: the masthead, the footer, the share bar, the newsletter box, the list's heading and its list.
    assert "body           template: text container (the extractor was not needed; 6 boilerplate blocks" in kept
    template, where = site_template(GENERIC, tmp_path / "missing.sqlite3", url_of(10))
    assert template is None and where.startswith("none learnt yet")
    assert not (tmp_path / "missing.sqlite3").exists()  # inspecting writes no state


def test_a_walk_that_finds_few_pages_of_a_host_reads_them_again_with_nothing_learnt():
    # No URL list: how many pages a host has is known only when the walk ends.
    passes = TemplatePass(GENERIC, Counts())
    fetches = passes.route([Fetch(url_of(index), PageKind.ARTICLE) for index in range(2)])
    assert all(fetch.learning for fetch in fetches)
    job = ReadingJob("generic", f"http://{HOST}", {}, learning=True)
    assert [passes.read(fetch, read_page(job, fetch, payload(index))) for index, fetch in enumerate(fetches)] == [[], []]
    again = passes.idle()
    assert [fetch.url for fetch in again] == [url_of(0), url_of(1)] and all(fetch.again for fetch in again)
    template = passes.template_of(again[0])
    assert template is not None and template.empty and template.pages == 2
    assert passes.stats["archive/template/too_few_pages"] == 1 and "archive/template/learnt" not in passes.stats
    assert passes.route([Fetch(url_of(2), PageKind.ARTICLE)])[0].learning is False  # frozen: read at once
