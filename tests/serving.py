"""What the test HTTP servers share: a roomy threading server and its background-thread lifecycle."""
from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Self


class HTTPServer(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections a crawler opens at once (16 in
    # the tests); a dropped SYN is retried after 1 s, as long as the tests' DOWNLOAD_TIMEOUT.
    request_queue_size = 128
    daemon_threads = True


class BackgroundServer:
    """Serves between ``start`` and ``stop``, or in a ``with`` block, from a daemon thread.

    A subclass's ``start`` builds its server, prepares what it serves and hands the server to
    ``_serve``.
    """

    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Self:
        raise NotImplementedError

    def _serve(self, httpd: ThreadingHTTPServer, name: str) -> None:
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            assert self._thread is not None  # started with the server
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
