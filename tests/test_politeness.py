"""robots.txt's Crawl-delay holds: through the jitter, AutoThrottle, and slots Scrapy drops and makes anew."""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from archive_crawler.sources.middlewares import CrawlDelayMiddleware
from tests.crawl import PROJECT_ROOT, environment, parse_stats
from tests.serving import BackgroundServer, HTTPServer

ROBOTS = b"User-agent: *\nCrawl-delay: 2\n"


PAGE = ("<html><head><title>A slow news day</title></head><body><article><h1>A slow news day</h1>"
        + "".join(f"<p>Paragraph {number} of a story told at an unhurried pace, one sentence after "
                  "another, so that a reader has something to read.</p>" for number in range(6))
        + "</article></body></html>").encode()


class TimedServer(BackgroundServer):
    """Serves robots.txt with a Crawl-delay and a small page for any other path; notes when each request came."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def start(self) -> TimedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server.lock:
                    server.arrivals.append((time.monotonic(), self.path))
                body = ROBOTS if self.path == "/robots.txt" else PAGE
                self.send_response(200)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._serve(httpd, "timed-server")
        return self


def crawl_with_default_politeness(server: TimedServer, workdir, *settings: str) -> subprocess.CompletedProcess:
    """``scrapy crawl archive`` of three listed pages, with the project's own politeness settings."""
    urls = workdir / "urls.txt"
    urls.write_text("".join(f"{server.base_url}/a/news/page-{number}\n" for number in range(3)))
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", "site=generic", "-a", f"urls={urls}",
               "-s", f"ARCHIVE_OUTPUT={workdir / 'archive.jsonl'}", "-s", f"ARCHIVE_STATE={workdir / 'state.sqlite3'}",
               "-s", f"HTTPCACHE_DIR={workdir / 'httpcache'}", *settings]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=environment())


@pytest.mark.slow
def test_requests_to_a_host_keep_its_crawl_delay(tmp_path):
    with TimedServer().start() as server:
        run = crawl_with_default_politeness(server, tmp_path)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    assert len((tmp_path / "archive.jsonl").read_text().splitlines()) == 3
    paths = [path for _, path in server.arrivals]
    assert paths[0] == "/robots.txt" and len(paths) == 4, paths
    times = [moment for moment, _ in server.arrivals]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 1.9, gaps  # Scrapy's jitter alone would draw from 1.0 s (DOWNLOAD_DELAY 2 x 0.5)
    assert max(gaps) <= 2 * 1.5 + 1.0, gaps  # at most (1 + jitter) x Crawl-delay, plus a slow machine's second
    assert parse_stats(log).get("archive/crawl_delay") == 2.0


def crawler_with(priority: str, jitter: float = 0.5):
    """A crawler with just what the middleware uses: settings, signals, stats, a downloader with one slot."""
    settings = Settings({"ROBOTSTXT_OBEY": True, "USER_AGENT": "archive-crawler/1.0"})
    settings.set("DOWNLOAD_DELAY", 0.5, priority=priority)
    slot = Slot(2, 0.5, jitter)
    downloader = SimpleNamespace(slots={"site.test": slot}, get_slot_key=lambda request: "site.test",
                                 DOWNLOAD_SLOT="download_slot")
    signals = SimpleNamespace(connect=lambda *args, **kwargs: None)
    crawler = SimpleNamespace(settings=settings, signals=signals, engine=SimpleNamespace(downloader=downloader))
    crawler.stats = MemoryStatsCollector(crawler)
    return crawler, slot


def test_the_gap_is_drawn_between_crawl_delay_and_its_jittered_length():
    crawler, slot = crawler_with("project")
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    middleware.robots_parsed(ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3\n", None),
                             Request("http://site.test/robots.txt"))
    gaps = [slot.download_delay() for _ in range(2000)]
    assert 3.0 <= min(gaps) < 3.1 and 4.4 < max(gaps) <= 4.5
    slot.delay = 1.0  # AutoThrottle lowering the delay: the gap stays at Crawl-delay at least
    assert min(slot.download_delay() for _ in range(2000)) >= 3.0
    slot.delay = 6.0  # and raising it lengthens the gap
    assert min(slot.download_delay() for _ in range(2000)) >= 6.0


def test_a_slot_made_anew_keeps_the_crawl_delay():
    crawler, _ = crawler_with("project", jitter=0.0)
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    middleware.robots_parsed(ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3\n", None),
                             Request("http://site.test/robots.txt"))
    fresh = Slot(2, 0.5, 0.0)  # as Scrapy makes one after dropping an idle slot
    crawler.engine.downloader.slots["site.test"] = fresh
    request = Request("http://site.test/page", meta={"download_slot": "site.test"})
    middleware.request_reached_downloader(request)
    assert fresh.download_delay() == 3.0
    other = Slot(2, 0.5, 0.0)
    crawler.engine.downloader.slots["other.test"] = other
    middleware.request_reached_downloader(Request("http://other.test/page", meta={"download_slot": "other.test"}))
    assert other.download_delay() == 0.5  # another host keeps its own pace


def test_a_download_delay_from_the_command_line_wins_with_one_warning(caplog):
    crawler, slot = crawler_with("cmdline")
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    with caplog.at_level(logging.WARNING):
        middleware.robots_parsed(ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3\n", None),
                                 Request("http://site.test/robots.txt"))
    assert [record.getMessage() for record in caplog.records] == [
        "robots.txt of site.test asks for 3.0 s between requests: DOWNLOAD_DELAY=0.5 given on the command line "
        "overrides it"]
    assert max(slot.download_delay() for _ in range(200)) <= 0.75  # DOWNLOAD_DELAY's own pace
