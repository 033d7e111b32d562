"""A site that cannot be reached stops the crawl within seconds, with one line and exit status 1."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from OpenSSL import SSL
from twisted.internet.error import ConnectionLost, DNSLookupError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from archive_crawler.sources.reachability import ConnectionCause, connection_cause
from tests.crawl import free_port, run_crawl

# Well under the minute the crawl used to take; generous for a loaded machine (a run takes about 3 s).
FAST_ENOUGH = 30


def timed_crawl(base_url, workdir, **options):
    started = time.monotonic()
    run = run_crawl(base_url, workdir, timeout=120, **options)
    return run, time.monotonic() - started


@pytest.mark.parametrize(
    ("base_url", "says"),
    [
        ("http://127.0.0.1:{free_port}", "Cannot reach 127.0.0.1: connection refused"),
        ("http://archive.invalid", "Cannot reach archive.invalid: DNS lookup failed"),  # .invalid never resolves
    ],
    ids=["connection-refused", "dns-lookup-failed"],
)
def test_unreachable_site_stops_within_seconds_with_one_line(tmp_path, base_url, says):
    run, elapsed = timed_crawl(base_url.format(free_port=free_port()), tmp_path)
    assert run.returncode == 1, run.log[-2000:]
    assert elapsed < FAST_ENOUGH
    lines = run.log.strip().splitlines()
    assert lines[-1] == says
    assert [line for line in lines if "Cannot reach" in line] == [says]
    assert "Traceback" not in run.log
    assert run.stats["finish_reason"] == "site_unreachable"
    assert "retry/count" not in run.stats  # no page of a host that never answered is tried twice
    assert run.lines() == []
    summary = json.loads((tmp_path / "archive.summary.json").read_text())
    assert summary["finish_reason"] == "site_unreachable" and summary["archive_complete"] is False


class PartlyAnswering(BaseHTTPRequestHandler):
    """Answers the paths in ``answered`` (robots.txt allows everything); drops every other connection unanswered."""

    answered: frozenset[str] = frozenset()

    def do_GET(self):
        if self.path not in self.answered:
            self.close_connection = True
            return
        body = b"User-agent: *\nAllow: /\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(answered: set[str]) -> str:
        handler = type("Handler", (PartlyAnswering,), {"answered": frozenset(answered)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_site_that_accepts_connections_but_never_answers_is_unreachable(tmp_path, serve):
    run, elapsed = timed_crawl(serve(set()), tmp_path)
    assert run.returncode == 1, run.log[-2000:]
    assert elapsed < FAST_ENOUGH
    assert run.log.strip().splitlines()[-1] == "Cannot reach 127.0.0.1: connection failed"
    assert "Traceback" not in run.log


def test_a_site_that_answers_some_pages_is_not_unreachable(tmp_path, serve):
    run, _ = timed_crawl(serve({"/robots.txt"}), tmp_path)
    # It answered: not unreachable. Its pages gave no post, and that is what it ends with.
    assert run.returncode == 1, run.log[-2000:]
    assert run.stats["finish_reason"] == "nothing_found"
    assert "Cannot reach" not in run.log and "archive/unreachable" not in run.stats
    assert run.stats["archive/rejected/connection_reset"] >= 1  # the pages that failed are rejected as usual
    assert "Traceback" not in run.log


def test_a_replay_never_counts_as_unreachable(tmp_path):
    run, _ = timed_crawl(f"http://127.0.0.1:{free_port()}", tmp_path, spider_args={"replay": "1"},
                         settings={"HTTPCACHE_DIR": str(tmp_path / "empty")})
    assert run.returncode == 1, run.log[-2000:]
    assert run.stats["finish_reason"] == "nothing_found"  # an empty cache, not an unreachable site
    assert "Cannot reach" not in run.log and "pages missing from the page cache" in run.log


def test_robots_txt_that_cannot_be_read_is_one_warning_line(tmp_path):
    run, _ = timed_crawl("http://archive.invalid", tmp_path)
    warnings = [line for line in run.log.splitlines() if "robots.txt" in line and "WARNING" in line]
    assert warnings == [warnings[0]] and "Cannot read http://archive.invalid/robots.txt (DNS lookup failed)" in warnings[0]
    assert "ERROR: Error downloading" not in run.log


def tls_failure() -> ResponseNeverReceived:
    return ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", "wrong version number")]))])


@pytest.mark.parametrize(
    ("exception", "cause"),
    [
        (DNSLookupError("no results"), ConnectionCause("DNS lookup failed", True)),
        (ConnectionRefusedError(), ConnectionCause("connection refused", True)),
        (tls_failure(), ConnectionCause("TLS handshake failed", True)),
        (ConnectionLost(), ConnectionCause("connection lost", False)),
        (ResponseNeverReceived([Failure(ConnectionLost())]), ConnectionCause("connection failed", False)),
        (ValueError("not a connection problem"), None),
    ],
)
def test_connection_cause(exception, cause):
    assert connection_cause(exception) == cause


def test_tls_failure_wrapped_by_scrapy_is_recognised():
    from scrapy.exceptions import DownloadFailedError

    try:
        try:
            raise tls_failure()
        except ResponseNeverReceived as error:
            raise DownloadFailedError(str(error)) from error
    except DownloadFailedError as wrapped:
        assert connection_cause(wrapped) == ConnectionCause("TLS handshake failed", True)
