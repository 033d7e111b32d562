"""Fault mode of the replica: chosen URLs answer the way broken sites do.

A fault sits on one request target (path + query, as received) and replaces the answer there,
for every request or only the first ``times`` ones::

    server.inject(story.path, "status", status=503, retry_after=1, times=1)
    server.inject_story(story, "hang", seconds=10)        # the same, on a story's article URL
    server.inject_trap("opinion", "empty_chain")          # a pagination trap, per category
    server.affected_stories(retries=1)                   # stories no crawler can have
    server.expected_records(retries=1)                   # site.expected_records() without them

Kinds [options]: ``status`` [status=500, retry_after=None]; ``reset`` (TCP RST, no answer);
``hang`` [seconds=10] (nothing, then close; ends when the server stops, holds up no other
request); ``short_body`` [fraction=0.5] (cut under the full Content-Length); ``truncated``
[fraction=0.5] (cut, matching Content-Length); ``huge`` [size=3_000_000, content_length=True]
(padded with an inline image); ``charset`` [declared="iso-8859-1"] (UTF-8 bytes declared as
another charset, None: none); ``not_html`` [content_type="image/jpeg"] (a JPEG or a PDF);
``empty`` (200, no body); ``blank_article`` (no title, no text); ``attachment`` (an image
attachment page); ``listing`` (the story's category listing); ``soft_404`` ("No Results Found"
answered 200); ``redirect_loop`` [via=A + "/", status=301] (A -> B -> A); ``offsite_redirect``
[location="http://127.0.0.2:9" + A, status=301] (loopback with nothing listening: even a crawler
that follows it never leaves the machine).

Pagination traps, after the category's last real page N: ``backwards`` (page N's "« Older
Entries" points back to page ``back_to``, default 1 in its /page/1 form), ``loop`` (N -> N+1 ->
N+2 -> N+1 ..., repeating page N's entries), ``empty_chain`` (N -> N+1 -> ... every extra page
empty, endless), ``endless`` (the same, every page repeating page N's entries).

A story is lost to a crawler when its article URL keeps failing: a persistent fault of any kind
but ``charset``, or one lasting longer than the retries when HTTP clients retry it (5xx/408/429
statuses, reset, hang, short body).
"""
from __future__ import annotations

import re
import socket
import struct
import zlib
from dataclasses import dataclass, field

from .article import attachment_page
from .chrome import page
from .model import Story
from .routes import HTML, Page, category_listing, error_page, html_page, listing_html, redirect

KINDS = ("status", "reset", "hang", "short_body", "truncated", "huge", "charset", "not_html", "empty",
         "blank_article", "attachment", "listing", "soft_404", "redirect_loop", "offsite_redirect")
TRAPS = ("backwards", "loop", "empty_chain", "endless")
RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
RETRIED_KINDS = frozenset({"reset", "hang", "short_body"})
HARMLESS_KINDS = frozenset({"charset"})   # a correct crawler still gets the story right
OFFSITE_BASE = "http://127.0.0.2:9"
META_CHARSET = re.compile(rb'<meta charset="[^"]*"\s*/?>', re.IGNORECASE)


@dataclass
class Fault:
    """A fault on ``target`` (and on ``targets[1:]`` for a redirect loop's other end)."""
    kind: str
    targets: tuple[str, ...]
    times: int | None = None          # None: every request; N: the first N, then the real page
    options: dict = field(default_factory=dict)
    story: Story | None = None        # the story whose article URL ``target`` is
    served: int = 0                   # requests answered with the fault so far

    @property
    def target(self) -> str:
        return self.targets[0]

    @property
    def active(self) -> bool:
        return self.times is None or self.served < self.times

    @property
    def retried(self) -> bool:
        """Whether an HTTP client retries this answer (so ``times`` <= retries is survivable)."""
        if self.kind == "status":
            return self.options.get("status", 500) in RETRIED_STATUSES
        return self.kind in RETRIED_KINDS

    def loses_story(self, retries: int = 0) -> bool:
        if self.kind in HARMLESS_KINDS:
            return False
        if self.times is None:
            return True
        return self.times > retries if self.retried else self.times >= 1


@dataclass
class Answer:
    """What the server writes for one request; a plain page is ``Answer(*page)``."""
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_length: int | None = -1   # -1: len(body); None: no header (end = connection close)
    send: int | None = None           # bytes of the body actually sent (then the connection closes)
    reset: bool = False               # close at once with a TCP RST, no answer
    hang: float | None = None         # seconds to wait before closing without an answer

    def write(self, handler, with_body: bool, stopping) -> None:
        if self.hang is not None:
            stopping.wait(self.hang)
            abort(handler)
            return
        if self.reset:
            abort(handler)
            return
        handler.send_response(self.status)
        for name, value in self.headers:
            handler.send_header(name, value)
        length = len(self.body) if self.content_length == -1 else self.content_length
        if length is not None:
            handler.send_header("Content-Length", str(length))
        handler.end_headers()
        if with_body:
            body = self.body if self.send is None else self.body[:self.send]
            try:
                handler.wfile.write(body)
            except ConnectionError:   # the client went away; nothing to do
                pass
        handler.close_connection = True


def abort(handler) -> None:
    """Drop the connection with a TCP reset, nothing answered."""
    sock = handler.connection
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    handler.close_connection = True
    sock.close()          # the read buffer still holds a reference ...
    handler.rfile.close()  # ... dropping it closes the socket now, with RST


# ----- answers ---------------------------------------------------------------------------------
def answer(server, fault: Fault, target: str) -> Answer:
    """The faulty answer to ``target`` (a request the fault is active for)."""
    site, base, o = server.site, server.base_url, fault.options
    story = fault.story
    match fault.kind:
        case "status":
            status = o.get("status", 500)
            _, headers, body = server._not_found if status == 404 else error_page(status)
            retry = [("Retry-After", str(o["retry_after"]))] if o.get("retry_after") is not None else []
            return Answer(status, [*headers, *retry], body)
        case "reset":
            return Answer(reset=True)
        case "hang":
            return Answer(hang=o.get("seconds", 10.0))
        case "short_body":   # the full Content-Length, then the connection closes
            status, headers, body = server.page_for(target)
            return Answer(status, list(headers), body, send=int(len(body) * o.get("fraction", 0.5)))
        case "truncated":
            status, headers, body = server.page_for(target)
            return Answer(status, list(headers), body[:int(len(body) * o.get("fraction", 0.5))])
        case "huge":   # the real page with a pasted-in inline image big enough to make it ``size`` bytes
            status, headers, body = server.page_for(target)
            at = body.find(b'<div class="entry-content">')
            at = at + len(b'<div class="entry-content">') if at >= 0 else body.rfind(b"</body>")
            frame = b'\n<p><img src="data:image/png;base64," alt="" /></p>\n'
            noise = bytes(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(i * 7) % 64]
                          for i in range(4096))
            n = max(0, o.get("size", 3_000_000) - len(body) - len(frame))
            image = frame.replace(b"base64,", b"base64," + (noise * (n // len(noise) + 1))[:n])
            return Answer(status, list(headers), body[:at] + image + body[at:],
                          content_length=-1 if o.get("content_length", True) else None)
        case "charset":   # UTF-8 bytes declared as another charset (None: no charset at all)
            declared = o.get("declared", "iso-8859-1")
            status, headers, body = server.page_for(target)
            kind = "text/html" + (f"; charset={declared}" if declared else "")
            headers = [(k, kind if k.lower() == "content-type" else v) for k, v in headers]
            meta = f'<meta charset="{declared}" />'.encode() if declared else b""
            return Answer(status, headers, META_CHARSET.sub(meta, body, count=1))
        case "not_html":
            content_type = o.get("content_type", "image/jpeg")
            if content_type == "application/pdf":
                body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages "
                        b"/Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
            else:   # a JPEG: JFIF header, some scan data, end marker
                body = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xda\x00"
                        b"\x08\x01\x01\x00\x00?\x00" + zlib.compress(target.encode() * 64) + b"\xff\xd9")
            return Answer(200, [("Content-Type", content_type)], body)
        case "empty":
            return Answer(200, [("Content-Type", HTML)], b"")
        case "blank_article":   # a single-post page whose headline, <title> and text are all empty
            post_id = story.post_id if story else 0
            left = (f'<article id="post-{post_id}" class="et_pb_post post-{post_id} post type-post hentry">\n'
                    f'<div class="et_post_meta_wrapper">\n<h1 class="entry-title"></h1>\n</div>\n'
                    f'<div class="entry-content">\n</div> <!-- .entry-content -->\n</article>')
            return Answer(*html_page(page(site, base, "", f"single single-post postid-{post_id}", left)))
        case "attachment":
            shown = story if story and story.image else next(s for s in site.stories if s.image)
            return Answer(*html_page(attachment_page(site, base, shown)))
        case "listing":
            slug = story.category if story else next(iter(site.categories))
            return Answer(*server.page_for(site.listing_target(category_listing(site, slug)[0], 1)))
        case "soft_404":
            _, headers, body = server._not_found
            return Answer(200, list(headers), body)
        case "redirect_loop":
            a, b = fault.targets
            _, headers, body = redirect(base + (b if target == a else a))
            return Answer(o.get("status", 301), list(headers), body)
        case "offsite_redirect":   # 127.0.0.2:9: loopback with nothing listening
            _, headers, body = redirect(o.get("location") or OFFSITE_BASE + target)
            return Answer(o.get("status", 301), list(headers), body)
    raise ValueError(fault.kind)


def fault_targets(kind: str, target: str, options: dict) -> tuple[str, ...]:
    """Every target a fault answers: a redirect loop has two ends."""
    if kind != "redirect_loop":
        return (target,)
    via = options.get("via") or (target.rstrip("/") if target.endswith("/") else target + "/")
    if via == target:
        raise ValueError("a redirect loop needs two different targets")
    return target, via


# ----- pagination traps ------------------------------------------------------------------------
_PAGE_NO = re.compile(r"^/page/(\d+)/?$")


@dataclass
class Trap:
    """A pagination trap after the last real page of category ``slug``."""
    slug: str
    kind: str
    back_to: int = 1

    def _listing(self, site):
        root, _, _, entries = category_listing(site, self.slug)
        return root, entries, site.listing_page_count(self.slug)

    def page_number(self, site, target: str) -> int | None:
        """N when ``target`` is the served form of page N of this category, else None."""
        root, _, _ = self._listing(site)
        if target == site.listing_target(root, 1):
            return 1
        if not target.startswith(root + "/page/"):
            return None
        match = _PAGE_NO.match(target[len(root):])
        if not match or int(match.group(1)) < 2:
            return None
        n = int(match.group(1))
        return n if target == site.listing_target(root, n) else None

    def is_trap_page(self, site, target: str) -> bool:
        """A page that exists only because of the trap (past the last real page)."""
        number = self.page_number(site, target)
        return number is not None and number > self._listing(site)[2]

    def answer(self, site, base: str, target: str) -> Page | None:
        number = self.page_number(site, target)
        root, entries, n = self._listing(site)
        if number is None or number < n:
            return None
        last = entries[(n - 1) * site.per_page(self.slug, len(entries)):]
        href = lambda k: base + site.listing_target(root, k)   # noqa: E731
        if number == n:
            older = href(n + 1)
            if self.kind == "backwards":   # page 1 in its /page/1 form, not the root the crawl read
                older = (base + site.listing_target(root + "/page/1", 1)
                         if self.back_to == 1 else href(self.back_to))
            return listing_html(site, base, self.slug, n, n, last, older)
        if self.kind == "backwards":
            return None
        if self.kind == "loop":
            if number > n + 2:
                return None
            older = href(n + 2 if number == n + 1 else n + 1)
            return listing_html(site, base, self.slug, number, n + 2, last, older)
        shown = [] if self.kind == "empty_chain" else last
        return listing_html(site, base, self.slug, number, number + 1, shown, href(number + 1))
