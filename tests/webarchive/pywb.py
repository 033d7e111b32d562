"""A real pywb serving WARC files on 127.0.0.1, started for a test and stopped after it.

    with PywbArchive(tmp_path, "site", [warc]) as archive:
        archive.cdx_url    # http://127.0.0.1:PORT/site/cdx
        archive.prefix     # http://127.0.0.1:PORT/site  -> f"{prefix}/{timestamp}id_/{url}"
        archive.requests   # every request that reached the archive through ``prefix``

``wb-manager init`` and ``wb-manager add`` build the collection in ``directory``; ``wayback -b
127.0.0.1 -p PORT`` serves it on a port chosen free beforehand (pywb does not report the port
it took with ``-p 0``). ``prefix`` and ``proxy_url`` lead through a ``RecordingFront`` that
records each request before answering and refuses (and records in ``escaped``) any request
meant for another host; ``direct_prefix`` is pywb itself, for checks of its exact wire format
(the front re-frames bodies with Content-Length). pywb's own output, including gevent's access
log of every request it served and of its internal index requests, is in ``pywb.log``.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from .env import wayback_command, wb_manager_command
from .front import FrontRequest, RecordingFront

STARTUP_TIMEOUT = 60
PORT_ATTEMPTS = 3
# gevent's access log line: 127.0.0.1 - - [2026-11-29 17:26:23] "GET /coll/cdx?url=x HTTP/1.1" 200 1880 0.016
ACCESS_LINE = re.compile(
    r'^\S+ - - \[[^\]]+\] "(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


class PywbError(RuntimeError):
    pass


class PywbArchive:
    def __init__(self, directory: str | Path, collection: str, warc_paths: Iterable[str | Path]):
        if not re.fullmatch(r"[\w-]+", collection):
            raise ValueError(f"pywb collection names are letters, digits, _ and -: {collection!r}")
        self.directory = Path(directory)
        self.collection = collection
        self.warc_paths = [Path(path) for path in warc_paths]
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.front: RecordingFront | None = None
        self.log_path = self.directory / "pywb.log"

    # -- addresses -------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        """``http://127.0.0.1:PORT/COLL`` through the recording front."""
        return f"{self._front().url}/{self.collection}"

    @property
    def cdx_url(self) -> str:
        return f"{self.prefix}/cdx"

    @property
    def proxy_url(self) -> str:
        """An HTTP proxy address: requests for ``prefix`` pass, requests for any other host are refused."""
        return self._front().url

    @property
    def direct_prefix(self) -> str:
        """pywb itself, bypassing the front (not recorded)."""
        if self.port is None:
            raise PywbError("pywb is not running")
        return f"http://127.0.0.1:{self.port}/{self.collection}"

    def replay_url(self, timestamp: str, url: str, modifier: str = "id_") -> str:
        """``{prefix}/{timestamp}{modifier}/{url}``: ``id_`` gives the original bytes, ``""`` the
        rewritten page."""
        return f"{self.prefix}/{timestamp}{modifier}/{url}"

    # -- what was asked --------------------------------------------------------------------------
    @property
    def requests(self) -> list[FrontRequest]:
        return list(self._front().requests)

    @property
    def escaped(self) -> list[str]:
        """Requests sent through ``proxy_url`` for a host other than the archive (refused, never sent)."""
        return list(self._front().escaped)

    def reset_requests(self) -> None:
        self._front().reset()

    def pywb_log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def access_log(self) -> list[tuple[str, str, int]]:
        """(method, target, status) of each request pywb logged, its internal index requests included
        (``GET /COLL/index?...`` for the CDX API, ``POST /COLL/resource/postreq?...`` for replay).
        A line is written only after its answer was sent."""
        return [(m["method"], m["target"], int(m["status"]))
                for m in map(ACCESS_LINE.match, self.pywb_log().splitlines()) if m]

    # -- life ------------------------------------------------------------------------------------
    def __enter__(self) -> PywbArchive:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> PywbArchive:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._manage("init", self.collection)
        if self.warc_paths:
            self._manage("add", self.collection, *map(str, self.warc_paths))
        try:
            self._start_wayback()
            assert self.port is not None  # chosen by _start_wayback
            self.front = RecordingFront("127.0.0.1", self.port).start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.front is not None:
            self.front.stop()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _manage(self, *args: str) -> None:
        completed = subprocess.run([*wb_manager_command(), *args], check=False, cwd=self.directory,
                                   capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        if completed.returncode != 0:
            raise PywbError(f"wb-manager {' '.join(args[:2])} failed (exit {completed.returncode}):\n"
                            f"{completed.stdout}{completed.stderr}")

    def _start_wayback(self) -> None:
        for _ in range(PORT_ATTEMPTS):  # the free port may be taken between choosing and binding it
            self.port = free_port()
            log = self.log_path.open("ab")
            self.process = subprocess.Popen([*wayback_command(), "-b", "127.0.0.1", "-p", str(self.port)],
                                            cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
            log.close()
            if self._wait_until_listening():
                return
        raise PywbError(f"wayback did not start:\n{self.pywb_log()[-3000:]}")

    def _wait_until_listening(self) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        assert self.process is not None  # started by _start_wayback
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True  # pywb loads its app before binding, so a listening port answers requests
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise PywbError(f"wayback not listening on port {self.port} after {STARTUP_TIMEOUT} s:\n"
                        f"{self.pywb_log()[-3000:]}")

    def _front(self) -> RecordingFront:
        if self.front is None:
            raise PywbError("pywb is not running: use PywbArchive as a context manager or call start()")
        return self.front


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
