"""A recording front for a local HTTP server: it forwards each request and remembers it.

The archive under test (pywb) logs what it served only after answering, and mixes in the
requests it sends to its own index server; the front records every request before its answer
leaves, so a test that has its response can count on the record. Used as an HTTP proxy
(``http_proxy=front.url``) it also catches requests meant for any other host: they are recorded
in ``escaped`` and refused with 502, never sent anywhere, which lets a test assert that a crawl
asked the archive and nothing else.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from ..serving import BackgroundServer, HTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
              "te", "trailer", "transfer-encoding", "upgrade"}


@dataclass(frozen=True)
class FrontRequest:
    method: str
    target: str  # path and query as forwarded, e.g. /coll/20170101000000id_/https://example.com/a
    status: int


class RecordingFront(BackgroundServer):
    def __init__(self, upstream_host: str, upstream_port: int, host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.requests: list[FrontRequest] = []
        self.escaped: list[str] = []
        self._lock = threading.Lock()
        self._server = HTTPServer((host, 0), _make_handler(self))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 address; only a Unix socket's would be bytes
        return f"http://{host}:{port}"

    def start(self) -> RecordingFront:
        self._serve(self._server, "recording-front")
        return self

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.escaped.clear()

    def _record(self, request: FrontRequest | None = None, escaped: str | None = None) -> None:
        with self._lock:
            if request is not None:
                self.requests.append(request)
            if escaped is not None:
                self.escaped.append(escaped)


def _make_handler(front: RecordingFront):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._forward()

        do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET

        def do_CONNECT(self) -> None:
            front._record(escaped=f"CONNECT {self.path}")
            self._refuse(f"tunnel to {self.path} refused: only the archive may be asked")

        def _forward(self) -> None:
            target = self.path
            if not target.startswith("/"):
                parts = urlsplit(target)
                # the absolute form: a proxy request, refused unless meant for the front itself
                if parts.netloc != urlsplit(front.url).netloc:
                    front._record(escaped=f"{self.command} {target}")
                    self._refuse(f"{target} refused: only the archive may be asked")
                    return
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
            connection = http.client.HTTPConnection(*front.upstream, timeout=120)
            try:
                connection.request(self.command, target, body=body, headers=headers)
                upstream = connection.getresponse()
                content = upstream.read()
            finally:
                connection.close()
            front._record(FrontRequest(self.command, target, upstream.status))
            self.send_response_only(upstream.status, upstream.reason)  # pywb's Date and Server pass through
            for name, value in upstream.getheaders():
                reframed = name.lower() == "content-length" and self.command != "HEAD"
                if name.lower() not in HOP_BY_HOP and not reframed:
                    self.send_header(name, value)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def _refuse(self, message: str) -> None:
            body = message.encode("utf-8")
            self.send_response(502)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def version_string(self) -> str:
            return "recording-front"

        def log_message(self, format, *args) -> None:
            pass

    return Handler
