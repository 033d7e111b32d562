"""HTTP server of the replica: pre-rendered pages served from a dict, with fault injection."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .routes import Page, error_page, render_site

# Query parameters that do not change the page (Jetpack share buttons, tracking).
IGNORED_PARAMS = {"share", "nb", "utm_source", "utm_medium", "utm_campaign",
                  "relatedposts_hit", "relatedposts_origin", "relatedposts_position"}


class ReplicaServer:
    """Serve ``site`` on ``host:port`` (port 0: a free port) in a background thread.

    ``faults`` maps a request target (path + query, as received) to statuses returned,
    one per request, before the real page; it starts as a copy of
    ``site.transient_failures`` and tests may add to it.
    """

    def __init__(self, site, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.host = host
        self.port = port
        self.faults: dict[str, list[int]] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._pages: dict[str, Page] = {}
        self._not_found: Page | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ReplicaServer":
        self._httpd = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.site.base_url = self.base_url
        self.rerender()
        self.reset_faults()
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="replica-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ----- content -------------------------------------------------------------------
    def rerender(self) -> None:
        """Render every page again (after ``site.add_new_stories``); faults are kept."""
        pages, not_found = render_site(self.site, self.base_url)
        with self._lock:
            self._pages, self._not_found = pages, not_found

    def reset_faults(self) -> None:
        with self._lock:
            self.faults = {t: list(s) for t, s in self.site.transient_failures.items()}

    def reset_requests(self) -> None:
        with self._lock:
            del self.requests[:]

    def page_for(self, target: str) -> Page:
        """The page answering ``target`` (faults not applied)."""
        pages = self._pages
        if target in pages:
            return pages[target]
        parts = urlsplit(target)
        if parts.query:
            params = parse_qsl(parts.query, keep_blank_values=True)
            if params and all(k in IGNORED_PARAMS for k, _ in params) and parts.path in pages:
                return pages[parts.path]
        return self._not_found

    def handle(self, target: str) -> Page:
        """Record the request, then answer a pending fault or the page."""
        with self._lock:
            self.requests.append(target)
            pending = self.faults.get(target)
            status = pending.pop(0) if pending else None
            if pending is not None and not pending:
                del self.faults[target]
        if status is not None:
            return error_page(status)
        return self.page_for(target)


def _make_handler(server: ReplicaServer):
    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return "Apache"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            status, headers, body = server.handle(self.path)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                try:
                    self.wfile.write(body)
                except ConnectionError:   # the client went away; nothing to do
                    pass

        def log_message(self, format, *args) -> None:  # noqa: A002 - silence stderr logging
            pass

    return Handler
