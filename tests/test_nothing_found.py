"""Honest ends: a harvest that finds nothing exits 1 saying what it tried; one that writes far less
than a door announced says so and is never called complete."""

from __future__ import annotations

import json
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler

import pytest

from tests.crawl import run_crawl
from tests.serving import BackgroundServer, HTTPServer
from tests.wpsite import WpConfig, WpServer, build_wp_site

PAGES = {
    "/": '<html><head><title>Bits and pieces</title></head><body><nav><a href="/about/">About</a> '
         '<a href="/category/notes/">Notes</a></nav><p>Welcome to a page of odds and ends.</p></body></html>',
    "/about/": "<html><body><h1>About</h1><p>Nothing to see.</p></body></html>",
    "/category/notes/": '<html><body><h1>Notes</h1><ul><li><a href="/about/">About</a></li></ul></body></html>',
    "/robots.txt": "User-agent: *\nAllow: /\n",
}


class PlainSite(BackgroundServer):
    """A site of a few pages none of which is a post; answers 404 to anything else, times logged."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def start(self) -> PlainSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.times.append(time.time())
                body = PAGES.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
                self.end_headers()
                self.wfile.write((body or "<html><body>Not found</body></html>").encode())

            def log_message(self, *args) -> None:
                pass

        httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._serve(httpd, "plain-site")
        return self


@pytest.mark.parametrize("profile", ["wordpress", "generic"])
def test_a_site_with_no_post_ends_nothing_found_exit_1_in_one_line(profile, tmp_path):
    with PlainSite() as site:
        run = run_crawl(site.base_url, tmp_path, spider_args={"site": profile}, timeout=120)
        last_page = max(site.times)
    assert run.returncode == 1, run.log[-3000:]
    assert run.stats["finish_reason"] == "nothing_found"
    assert "Traceback" not in run.log
    said = [line for line in run.log.splitlines() if line.startswith("Nothing found at ")]
    assert len(said) == 1, run.log[-3000:]
    assert "listing pages read, 0 posts recognised on them" in said[0]
    if profile == "wordpress":
        assert "rest: closed" in said[0] and "sitemaps: none" in said[0]
    summary = json.loads((tmp_path / "archive.summary.json").read_text())
    assert summary["archive_complete"] is False and summary["stories_written"] == 0
    closed = datetime.fromisoformat(run.log.split("Spider closed (nothing_found)")[0].rsplit("\n", 1)[1][:19])
    assert closed.timestamp() - last_page < 5  # the log's local time, to the second


def test_a_later_run_that_finds_nothing_new_is_no_failure(tmp_path):
    site = build_wp_site(WpConfig(posts=12, theme="classic", rest="open", sitemaps="core"))
    with WpServer(site) as server:
        first = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"})
        second = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"})
    assert first.returncode == 0 and second.returncode == 0, second.log[-3000:]
    assert second.stats["finish_reason"] == "finished" and not second.lines()[len(first.lines()):]


def test_far_fewer_stories_than_a_door_announced_is_said_and_never_complete(tmp_path):
    # The REST API announces every post but serves a third of them; there is no sitemap, and the
    # listings may be read one page deep only: far from the whole archive.
    site = build_wp_site(WpConfig(posts=60, theme="legacy", rest="stops-early", sitemaps="none",
                                  posts_per_page=2, rest_shortfall=40))
    with WpServer(site) as server:
        run = run_crawl(server.base_url, tmp_path, spider_args={"site": "wordpress"},
                        settings={"ARCHIVE_MAX_LISTING_PAGES": "1"})
    summary = json.loads((tmp_path / "archive.summary.json").read_text())
    assert run.returncode == 0, run.log[-3000:]
    assert summary["archive_complete"] is False
    shortfall, announced = summary["shortfall"], summary["doors"]["rest"]["announced"]
    assert shortfall["door"] == "rest" and shortfall["announced"] == announced >= 59
    assert shortfall["stories_known"] == len(run.lines()) < 0.9 * announced
    assert f"Only {len(run.lines())} stories are known of the {announced} posts the rest announced" in run.log
