"""Pages of a URL list: each one a record naming its line, or a counted reject; addresses that keep
the query naming a page, internationalised host names, and states written when keys held no query."""

from __future__ import annotations

import io
import json
import random
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urljoin

import pytest

from archive_crawler.navigation.urls import canonical_url, joined, path_key, url_key
from archive_crawler.options import RunOptions, hosts_of, read_url_list
from archive_crawler.sites.profile import load_profile
from archive_crawler.storage.state import ArchiveState, Story
from archive_crawler.storage.store import OutputStore
from tests.crawl import run_crawl
from tests.serving import BackgroundServer, HTTPServer
from tests.wpsite import text
from tests.wpsite.generic_pages import e, paras, shell

IDN_PAGE = "https://xn--bcher-kva.example/rezensionen/der-lange-winter.html"
IDN_LINE = "https://Bücher.example/rezensionen/der-lange-winter.html#kommentare"
IDN_CANONICAL = "https://bücher.example/rezensionen/der-lange-winter.html"
NEWS_VIEW = "https://www.gnnews.example/news/news_view.html"
GONE = "https://www.gnnews.example/news/news_view.html?idx=9999&page=1&bc=03"


def story_page(rng: random.Random, canonical: str, published: str) -> tuple[str, dict]:
    """An article page whose template gives every story one rel=canonical (``canonical``)."""
    topic = rng.choice(text.TOPICS)
    title = text.headline(rng, topic)
    body = text.paragraphs(rng, 8, topic)
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published}
    head = (f'<link rel="canonical" href="{e(canonical)}">\n'
            f'<script type="application/ld+json">{json.dumps(data)}</script>\n')
    page = shell(f"{title} | Gyeongnam News", f"<article><h1>{e(title)}</h1>{paras(body)}</article>", head)
    return page, {"title": title, "published": published}


def news_pages(news_view: str = NEWS_VIEW) -> dict[str, tuple[str, dict]]:
    """The pages of a site, by the URL each is fetched at: three stories told apart by their query
    only, one fetched with tracking parameters, and (with the site's usual address) a page on an
    internationalised host."""
    rng = random.Random(5)
    pages = {f"{news_view}?idx={idx}&page=1&bc=03{extra}": story_page(rng, news_view, f"2021-03-{day:02d}")
             for idx, day, extra in ((8576, 1, ""), (8577, 2, ""), (8578, 3, "&utm_source=feed&fbclid=Zx1"))}
    pages[f"{news_view}?idx=8576&page=1&bc=03&share=twitter"] = pages[f"{news_view}?idx=8576&page=1&bc=03"]
    if news_view == NEWS_VIEW:
        pages[IDN_PAGE] = story_page(rng, IDN_CANONICAL, "2021-04-09")
    return pages


class NewsSite(BackgroundServer):
    """The pages of :func:`news_pages` on 127.0.0.1, each at its path and query; 404 elsewhere."""

    def start(self) -> NewsSite:
        httpd = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        self.news_view = f"http://127.0.0.1:{httpd.server_address[1]}/news/news_view.html"
        pages = {url.split("/", 3)[3]: page for url, (page, _) in news_pages(self.news_view).items()}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.lstrip("/"))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "<html><body>Not found</body></html>").encode())

            def log_message(self, *args) -> None:
                pass

        httpd.RequestHandlerClass = Handler
        self._serve(httpd, "news-site")
        return self


def write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    answers = [(url, "200 OK", page.encode()) for url, (page, _) in news_pages().items()]
    answers.append((GONE, "404 Not Found", shell("Not found", "<h1>No such story</h1>").encode()))
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, status, body in answers:
            host, _, rest = url.split("://", 1)[1].partition("/")
            request = StatusAndHeaders(f"GET /{rest} HTTP/1.1", [("Host", host)], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8"),
                                                ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


LINES = [f"{NEWS_VIEW}?idx=8576&page=1&bc=03", f"{NEWS_VIEW}?idx=8577&page=1&bc=03",
         f"{NEWS_VIEW}?idx=8578&page=1&bc=03&utm_source=feed&fbclid=Zx1",
         f"{NEWS_VIEW}?idx=8576&page=1&bc=03&share=twitter", IDN_LINE, GONE]


def crawl_list(folder: Path, lines: list[str], **arguments: str):
    write_warc(folder / "pages.warc.gz")
    (folder / "urls.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_crawl("http://unused.test", folder, spider_args={
        "site": "generic", "urls": str(folder / "urls.txt"), "replay": str(folder / "pages.warc.gz"), **arguments})


def rejects_of(folder: Path) -> list[dict]:
    path = folder / "archive.rejects.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# -- addresses ------------------------------------------------------------------------------


def test_a_query_naming_the_page_stays_and_tracking_parameters_go():
    every = load_profile("generic").urls.keep_query
    first = canonical_url(NEWS_VIEW, f"{NEWS_VIEW}?idx=8576&page=1&bc=03&utm_campaign=x&mc_cid=1", every)
    second = canonical_url(NEWS_VIEW, f"{NEWS_VIEW}?idx=8577&page=1&bc=03", every)
    assert first == f"{NEWS_VIEW}?idx=8576&page=1&bc=03" and second == f"{NEWS_VIEW}?idx=8577&page=1&bc=03"
    assert url_key(first) != url_key(second)
    assert url_key(f"{NEWS_VIEW}?bc=03&page=1&idx=8576&gclid=q&ref=home") == url_key(first)
    # A canonical elsewhere (an original the page copies) is still the record's address.
    assert canonical_url("https://other.example/story-8576", f"{NEWS_VIEW}?idx=8576", every) == \
        "https://other.example/story-8576"


def test_a_remembered_join_is_what_urljoin_answers_from_every_base():
    bases = ["https://site.test/world/page/2/", "https://site.test/a/b", "http://site.test/", "https://other.test",
             "https://site.test/x/?q=1#top", "ftp://files.test/dir/", "mailto:desk@site.test"]
    hrefs = ["//site.test/a/b/", "https://site.test/a/../b/", "http://site.test/c", "HTTPS://Site.test/D",
             "../sport/", "./", "?page=3", "#comments", "/category/world/", "story/", " https://site.test/e",
             "https:relative/path", "//", "javascript:void(0)", "mailto:x@site.test", "", "\t//site.test/f\n",
             "ftp://files.test/g", "//other.test:8080/h?i=j#k"]
    for _ in range(2):  # asked again, each answer comes from what was remembered
        for base in bases:
            for href in hrefs:
                assert joined(base, href) == urljoin(base, href), (base, href)
        bases.reverse()


def test_wordpress_and_the_first_site_keep_their_addresses():
    wordpress = load_profile("wordpress").urls
    assert canonical_url(None, "http://site.test/?p=12&share=twitter", wordpress.keep_query) == "http://site.test/?p=12"
    assert canonical_url(None, "http://site.test/2020/05/a-story/?utm_source=x&lang=en", wordpress.keep_query) == \
        "http://site.test/2020/05/a-story/"
    aawsat = load_profile("aawsat").urls
    assert aawsat.article_link("https://eng-archive.aawsat.com/a-b/news-middle-east/talks?share=1&x=2") == \
        "https://eng-archive.aawsat.com/a-b/news-middle-east/talks"
    assert url_key("http://site.test/?p=12&replytocom=4") == "//site.test/?p=12"


def test_an_internationalised_host_is_one_host_in_both_forms(tmp_path):
    (tmp_path / "urls.txt").write_text(f"{IDN_LINE}\n{IDN_PAGE}\n{NEWS_VIEW}?idx=1\n", encoding="utf-8")
    assert read_url_list(str(tmp_path / "urls.txt")) == [IDN_LINE, f"{NEWS_VIEW}?idx=1"]  # one page, listed twice
    assert {"bücher.example", "xn--bcher-kva.example"} <= set(hosts_of([IDN_LINE]))
    options = RunOptions.parse({"site": "generic", "urls": str(tmp_path / "urls.txt")})
    assert options.base_url == "https://xn--bcher-kva.example"
    assert url_key(IDN_CANONICAL) == url_key(IDN_PAGE) == "//xn--bcher-kva.example/rezensionen/der-lange-winter.html"


# -- a URL list, end to end --------------------------------------------------------------------


@pytest.mark.slow
def test_every_listed_page_is_a_record_or_a_reject(tmp_path):
    run = crawl_list(tmp_path, LINES)
    assert run.returncode == 0, run.log[-3000:]
    records = {record["url"]: record for record in run.records()}
    pages = news_pages()
    expected = {f"{NEWS_VIEW}?idx={idx}&page=1&bc=03": pages[line][1] for idx, line in
                ((8576, LINES[0]), (8577, LINES[1]), (8578, LINES[2]))}
    expected[IDN_PAGE] = pages[IDN_PAGE][1]  # the canonical's host written as it is requested
    assert set(records) == set(expected)
    for url, facts in expected.items():
        assert (records[url]["title"], records[url]["published"]) == (facts["title"], facts["published"])
    # Two lines name story 8576 (one with a share parameter): the page read first gives its record.
    first_of_8576 = records[f"{NEWS_VIEW}?idx=8576&page=1&bc=03"]["listed_url"]
    assert first_of_8576 in (LINES[0], LINES[3])
    assert {record["listed_url"] for record in records.values()} == {first_of_8576, LINES[1], LINES[2], IDN_LINE}
    rejects = rejects_of(tmp_path)
    assert sorted(reject["reason"] for reject in rejects) == ["http_404", "same_story"]
    assert len(records) + len(rejects) == len(LINES)  # every line accounted for
    same = next(reject for reject in rejects if reject["reason"] == "same_story")
    assert ({LINES[0], LINES[3]} - {first_of_8576}).pop() in same["detail"]
    assert run.stats.get("archive/rejected/same_story") == 1 and run.stats.get("archive/rejected/http_404") == 1
    assert not run.stats.get("offsite/filtered"), run.log[-3000:]


@pytest.mark.slow
def test_a_listed_page_outside_the_date_window_is_a_reject(tmp_path):
    run = crawl_list(tmp_path, LINES[:3], since="2021-03-02")
    assert run.returncode == 0, run.log[-3000:]
    assert sorted(record["listed_url"] for record in run.records()) == [LINES[1], LINES[2]]
    rejects = rejects_of(tmp_path)
    assert [(reject["reason"], reject["url"]) for reject in rejects] == [("outside_window", LINES[0])]
    assert rejects[0]["detail"] == "published 2021-03-01"


@pytest.mark.slow
def test_a_state_written_without_queries_is_upgraded(tmp_path):
    """An earlier version wrote the first story of a query-named site under its address bar the
    query: it is not written again, and the stories it took for copies of it are written now."""
    with NewsSite() as site:
        news_view = site.news_view
        lines = [f"{news_view}?idx=8576&page=1&bc=03", f"{news_view}?idx=8577&page=1&bc=03",
                 f"{news_view}?idx=8578&page=1&bc=03&utm_source=feed&fbclid=Zx1"]
        (tmp_path / "urls.txt").write_text("\n".join(lines) + "\n")

        def crawl():
            return run_crawl("http://unused.test", tmp_path, spider_args={"site": "generic",
                                                                         "urls": str(tmp_path / "urls.txt")})

        first = news_pages(news_view)[lines[0]][1]
        write_earlier_state(tmp_path, news_view, first)
        run = crawl()
        assert run.returncode == 0, run.log[-3000:]
        records = run.records()
        assert records[0]["url"] == news_view
        assert sorted(record["url"] for record in records[1:]) == [f"{news_view}?idx=8577&page=1&bc=03",
                                                                   f"{news_view}?idx=8578&page=1&bc=03"]
        assert [reject["reason"] for reject in rejects_of(tmp_path)] == ["same_story"]
        # A third run writes nothing: every story is known under its query now.
        run = crawl()
    assert run.returncode == 0, run.log[-3000:]
    assert len(run.records()) == 3 and run.stats.get("archive/rejected/same_story") == 3


def write_earlier_state(folder: Path, news_view: str, first: dict) -> None:
    """The output and state a run of the earlier version left: the first story of the list written
    without its query, keyed by its address bar the query."""
    old_url = news_view  # the record's URL as the earlier version wrote it
    state = ArchiveState(folder / "state.sqlite3")
    state.connection.execute("DELETE FROM ledger WHERE name = 'url_keys'")  # as a state of that version
    store = OutputStore(folder / "archive.jsonl", state, site="generic")
    store.open()
    store.write({"url": old_url, "title": first["title"], "published": first["published"], "site": "generic",
                 "body": "...", "listed_url": None})
    store.close()
    state.connection.execute("UPDATE stories SET url_key = ?", (path_key(old_url),))
    state.close()


def test_the_upgrade_gives_a_discovered_story_the_query_of_its_link(tmp_path):
    """A link met on a listing was kept with its query: the story written from it under the key
    without the query takes the link's key, and the link keeps leading to it."""
    state = ArchiveState(tmp_path / "state.sqlite3")
    state.connection.execute("DELETE FROM ledger WHERE name = 'url_keys'")
    old_key = path_key(NEWS_VIEW)  # what the earlier version keyed the link and its story by
    state.record(Story("generic", None, old_key, NEWS_VIEW, None))
    state.connection.execute("INSERT INTO links (link_key, url, status, story_url_key, updated_at)"
                             " VALUES (?, ?, 'done', ?, '2021-03-01T00:00:00+00:00')",
                             (old_key, f"{NEWS_VIEW}?idx=8576&utm_source=home", old_key))
    state.close()
    state = ArchiveState(tmp_path / "state.sqlite3")
    new_key = url_key(f"{NEWS_VIEW}?idx=8576")
    assert [row[0] for row in state.connection.execute("SELECT url_key FROM stories")] == [new_key]
    assert list(state.connection.execute("SELECT link_key, status, story_url_key FROM links")) == [
        (new_key, "done", new_key)]
    # Its neighbour is a story of its own (the date tells nothing here: the old story had none).
    neighbour = f"{NEWS_VIEW}?idx=8577"
    assert state.written_as(Story("generic", None, url_key(neighbour), neighbour, None)) is None
    assert state.written_as(Story("generic", None, new_key, f"{NEWS_VIEW}?idx=8576", None)) == "url"
    state.close()
