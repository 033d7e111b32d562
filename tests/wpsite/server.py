"""HTTP server of the replica: 127.0.0.1, a free port, one thread per connection, requests recorded."""
from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler
from typing import Self

from ..serving import BackgroundServer, HTTPServer
from .answer import Answer
from .routes import Router
from .site import WpSite

SERVER_ERROR = (b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>"
                b"<h1>Internal Server Error</h1></body></html>\n")


class WpServer(BackgroundServer):
    """Serve ``site`` while in a ``with`` block (or between ``start`` and ``stop``).

    ``requests`` lists the request targets (path and query) in order of arrival. The targets of
    ``site.transient_targets()`` answer 500 to their first request only (``pending_failures``).
    """

    def __init__(self, site: WpSite, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.host, self.port = host, port
        self.router = Router(site)
        self.requests: list[str] = []
        self.pending_failures: set[str] = set()
        self._lock = threading.Lock()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Where WordPress lives: the host root plus the install folder, no trailing slash."""
        return self.root_url + self.site.config.subfolder

    def start(self) -> Self:
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.replica = self
        self.port = httpd.server_address[1]
        with self.site.lock:
            self.site.base_url = self.root_url
            self.site.version += 1
            self.pending_failures = self.site.transient_targets()
        self._serve(httpd, "wpsite-server")
        return self

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def answer(self, target: str) -> Answer:
        with self._lock:
            self.requests.append(target)
            key = self.router.fault_key(target)
            failing = key in self.pending_failures
            self.pending_failures.discard(key)
        return Answer(500, SERVER_ERROR) if failing else self.router.answer(target)


class _HTTPServer(HTTPServer):
    replica: WpServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer  # the one that made the handler
    protocol_version = "HTTP/1.1"
    server_version, sys_version = "nginx", ""

    def do_GET(self) -> None:
        self.send_answer(with_body=True)

    def do_HEAD(self) -> None:
        self.send_answer(with_body=False)

    def send_answer(self, with_body: bool) -> None:
        answer = self.server.replica.answer(self.path)
        self.send_response(answer.status)
        for name, value in [("Content-Type", answer.content_type), *answer.headers,
                            ("Content-Length", str(len(answer.body)))]:
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            with contextlib.suppress(ConnectionError):  # the client went away
                self.wfile.write(answer.body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass
