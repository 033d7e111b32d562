"""HTTP server of the replica: pre-rendered pages served from a dict, with fault injection."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from ..serving import BackgroundServer, HTTPServer
from . import faults as F
from .model import Story
from .routes import Page, error_page

# Query parameters that do not change the page (Jetpack share buttons, tracking).
IGNORED_PARAMS = {"share", "nb", "utm_source", "utm_medium", "utm_campaign",
                  "relatedposts_hit", "relatedposts_origin", "relatedposts_position"}


class ReplicaServer(BackgroundServer):
    """Serve ``site`` on ``host:port`` (port 0: a free port) in a background thread.

    ``site`` is anything with ``render(base_url)``, ``stories``, ``transient_failures`` and a
    ``base_url`` attribute: the archive (:class:`~tests.replica.site.Site`) or The Harbour Ledger.

    ``faults`` maps a request target (path + query, as received) to statuses returned,
    one per request, before the real page; it starts as a copy of
    ``site.transient_failures`` and tests may add to it.

    Fault mode (:mod:`tests.replica.faults`): ``inject`` / ``inject_story`` put any fault
    kind on a target, ``inject_trap`` a pagination trap on a category;
    ``affected_stories`` and ``expected_records`` say what a crawler can still have.
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
        self.injected: dict[str, F.Fault] = {}   # target -> fault (fault mode)
        self.traps: dict[str, F.Trap] = {}       # category slug -> pagination trap
        self._stopping = threading.Event()       # ends hanging answers when the server stops

    # ----- lifecycle ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ReplicaServer:
        self._stopping.clear()
        httpd = HTTPServer((self.host, self.port), _make_handler(self))
        self.port = httpd.server_address[1]
        self.site.base_url = self.base_url
        self.rerender()
        self.reset_faults()
        self._serve(httpd, "replica-server")
        return self

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    # ----- content -------------------------------------------------------------------
    def rerender(self) -> None:
        """Render every page again (after ``site.add_new_stories``); faults are kept."""
        pages, not_found = self.site.render(self.base_url)
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
        assert self._not_found is not None  # rendered by start()
        return self._not_found

    def handle(self, target: str) -> Page | F.Answer:
        """Record the request, then answer an injected fault, a pending status, a trap or the page."""
        with self._lock:
            self.requests.append(target)
            fault = self.injected.get(target)
            if fault is not None and fault.active:
                fault.served += 1
            else:
                fault = None
            pending = self.faults.get(target) if fault is None else None
            status = pending.pop(0) if pending else None
            if pending is not None and not pending:
                del self.faults[target]
            traps = list(self.traps.values())
        if fault is not None:
            return F.answer(self, fault, target)
        if status is not None:
            return error_page(status)
        for trap in traps:
            page = trap.answer(self.site, self.base_url, target)
            if page is not None:
                return page
        return self.page_for(target)

    # ----- fault mode ----------------------------------------------------------------
    def inject(self, target: str, kind: str, *, times: int | None = None, **options) -> F.Fault:
        """Answer ``target`` with a fault of ``kind`` (see :mod:`tests.replica.faults`).

        ``times=None`` for every request, ``times=N`` for the first N only (then the real
        page). A fault already on the target is replaced.
        """
        if kind not in F.KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(F.KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be None (always) or at least 1")
        targets = F.fault_targets(kind, target, options)
        fault = F.Fault(kind, targets, times, dict(options), self.story_at(target))
        with self._lock:
            for t in targets:
                self._remove_locked(t)
            for t in targets:
                self.injected[t] = fault
        return fault

    def inject_story(self, story: Story, kind: str, *, times: int | None = None, **options) -> F.Fault:
        """``inject`` on the story's article URL (the target a crawler requests for it)."""
        return self.inject(story.path, kind, times=times, **options)

    def inject_trap(self, slug: str, kind: str, *, back_to: int = 1) -> F.Trap:
        """A pagination trap after the last real listing page of category ``slug``."""
        if kind not in F.TRAPS:
            raise ValueError(f"unknown trap {kind!r}; known: {', '.join(F.TRAPS)}")
        if slug not in self.site.categories:
            raise ValueError(f"unknown category {slug!r}")
        trap = F.Trap(slug, kind, back_to)
        with self._lock:
            self.traps[slug] = trap
        return trap

    def remove_fault(self, target: str | F.Fault) -> None:
        """Remove a fault (every target of it: both ends of a redirect loop)."""
        with self._lock:
            self._remove_locked(target if isinstance(target, str) else target.target)

    def _remove_locked(self, target: str) -> None:
        fault = self.injected.get(target)
        if fault is not None:
            for t in fault.targets:
                self.injected.pop(t, None)

    def clear_injected(self) -> None:
        """Back to the normal site: no injected fault, no trap (``faults`` is left alone)."""
        with self._lock:
            self.injected.clear()
            self.traps.clear()

    def story_at(self, target: str) -> Story | None:
        """The story whose article page ``target`` is (its own URL, with or without a slash)."""
        path = urlsplit(target).path.rstrip("/")
        return next((s for s in self.site.stories if s.path == path), None)

    def affected_stories(self, retries: int = 0) -> list[Story]:
        """Stories no crawler can have while the injected faults last.

        A story is lost when its article URL answers a fault for good, or for more
        requests than ``retries`` retries can outlast (only faults clients retry:
        5xx/408/429, reset, hang, short body). A ``charset`` fault loses nothing: a
        correct crawler reads the page right anyway. Only injected faults count.
        """
        with self._lock:
            faults = {id(f): f for f in self.injected.values()}.values()
        lost = {id(f.story) for f in faults if f.story is not None and f.loses_story(retries)}
        return [s for s in self.site.stories if id(s) in lost]

    def expected_records(self, retries: int = 0) -> list[dict]:
        """``site.expected_records()`` without the stories the faults make unobtainable."""
        lost = {self.base_url + s.path for s in self.affected_stories(retries)}
        return [r for r in self.site.expected_records(self.base_url) if r["url"] not in lost]

    def plain_stories(self) -> list[Story]:
        """Stories reached through one plain listing link only and without any other
        oddity of their URL (no duplicate copy, no transient failure, no shortlink or
        share link, not shown in full in the listing): the ones to give a fault."""
        site = self.site
        copied = {id(c.story) for c in site.copies}
        # listed twice (two categories, the sticky post) or linked oddly (utm, '#comments',
        # '?amp=1', a redirect chain)
        multi = {id(s) for s in site.stories if len(s.categories) > 1 or s is site.sticky or s.look.utm
                 or s.look.link_suffix or s.look.redirect_chain}
        return [s for s in site.stories
                if s.link_form == "plain" and s.image_link in ("article", "") and not s.full_in_listing
                and id(s) not in copied and id(s) not in multi
                and s.path not in site.transient_failures and s.path + "/" not in site.transient_failures]

    def trap_requests(self, slug: str) -> list[str]:
        """Requests received for the pages that exist only because of ``slug``'s trap
        (and, for a ``backwards`` trap, for the earlier page it points back to)."""
        trap = self.traps[slug]
        root = f"/category/{slug}"
        back = {root + "/page/1", root + "/page/1/"} if trap.kind == "backwards" else set()
        with self._lock:
            requests = list(self.requests)
        return [t for t in requests if trap.is_trap_page(self.site, t) or t in back]


def _make_handler(server: ReplicaServer):
    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return "Apache"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            answer = server.handle(self.path)
            answer = answer if isinstance(answer, F.Answer) else F.Answer(*answer)
            answer.write(self, with_body, server._stopping)

        def log_message(self, format, *args) -> None:
            pass

    return Handler
