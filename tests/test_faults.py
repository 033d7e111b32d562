"""Faults end to end: the replica misbehaves on chosen URLs and the real ``scrapy crawl archive``
command must reject what cannot be had, say so (log, counter, rejects file, summary), and still
write every other story exactly once.

One crawl carries every article fault and every pagination trap at once (``faulty``); a second
run on a copy of its state, with the faults gone, must fetch and write what the first one lost
(``second_run``). The replica's fault mode itself is checked first, without the crawler.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from tests.crawl import run_crawl
from tests.replica import ReplicaServer, build_site
from tests.test_crawl_e2e import COMPARED_FIELDS, SCHEMA, match_records

RETRIES = 1
MAX_LISTING_PAGES = 6
SETTINGS = {
    "RETRY_TIMES": str(RETRIES),
    "DOWNLOAD_TIMEOUT": "1",
    "ARCHIVE_RETRY_AFTER_MAX": "2",
    "DOWNLOAD_MAXSIZE": "1000000",        # the huge pages are 3 MB, a normal page ~20 KB
    "ARCHIVE_MAX_LISTING_PAGES": str(MAX_LISTING_PAGES),
}
N_STORIES, SEED = 60, 21


@dataclass(frozen=True)
class Case:
    """One fault on one story's article URL, and what the crawler must make of it."""
    name: str
    kind: str
    options: dict = field(default_factory=dict)
    reason: str | None = None     # the reject expected; None: the story must still be written
    status: int | None = None     # the reject's status (None: no HTTP answer to speak of)
    times: int | None = None      # fault on the first N requests only
    non_ascii: bool = False       # needs a story whose text is not plain ASCII


REJECTED = [
    Case("http_404", "status", {"status": 404}, "http_404", 404),
    Case("http_410", "status", {"status": 410}, "http_410", 410),
    Case("http_500_persistent", "status", {"status": 500}, "http_500", 500),
    Case("http_503_persistent", "status", {"status": 503, "retry_after": 1}, "http_503", 503),
    Case("http_429_persistent", "status", {"status": 429, "retry_after": 1}, "http_429", 429),
    Case("connection_reset", "reset", {}, "connection_reset"),
    Case("hang", "hang", {"seconds": 30}, "timeout"),
    Case("body_shorter_than_content_length", "short_body", {}, "truncated"),
    Case("truncated_html", "truncated", {}, "truncated", 200),
    Case("huge_page", "huge", {"size": 3_000_000}, "too_large"),
    Case("huge_page_without_length", "huge", {"size": 3_000_000, "content_length": False}, "too_large"),
    Case("jpeg", "not_html", {"content_type": "image/jpeg"}, "not_html", 200),
    Case("pdf", "not_html", {"content_type": "application/pdf"}, "not_html", 200),
    Case("empty_200", "empty", {}, "empty_page", 200),
    # The headline comes from the listing entry when the page has none: the text is what is missing.
    Case("no_title_no_text", "blank_article", {}, "no_body"),
    Case("attachment_at_article_url", "attachment", {}, "attachment_page", 200),
    Case("listing_at_article_url", "listing", {}, "listing_page", 200),
    Case("soft_404", "soft_404", {}, "not_article", 200),
    Case("redirect_loop", "redirect_loop", {}, "redirect_loop"),
    Case("offsite_redirect", "offsite_redirect", {}, "offsite_redirect"),
]
SURVIVED = [
    Case("charset_declared_latin1", "charset", {"declared": "iso-8859-1"}, non_ascii=True),
    Case("charset_not_declared", "charset", {"declared": None}, non_ascii=True),
    Case("503_retry_after_once", "status", {"status": 503, "retry_after": 1}, times=1),
    Case("reset_once", "reset", {}, times=1),
]
TRAPS = {"backwards": "news-middle-east", "loop": "features", "empty_chain": "opinion", "endless": "sports"}
TRAP_COUNTER = {"backwards": "backwards", "loop": "loop", "empty_chain": "empty_chain", "endless": "too_deep"}

def get(server, target, method="GET", timeout=5):
    """One request without following redirects: (status, headers, body bytes)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request(method, target)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def read_rejects(workdir: Path) -> list[dict]:
    path = workdir / "archive.rejects.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def is_plain_text(story) -> bool:
    return (story.title + "".join(story.body)).isascii()


# ----- the replica's fault mode, without the crawler ---------------------------------------------
@pytest.fixture()
def replica():
    with ReplicaServer(build_site(N_STORIES, seed=SEED)) as server:
        server.faults.clear()
        yield server


def test_uninjected_pages_unchanged_by_fault_mode(replica):
    before = {target: replica.handle(target) for target in replica._pages}
    stories = replica.plain_stories()
    for story, kind in zip(stories, ["status", "reset", "huge", "charset", "redirect_loop", "listing"], strict=False):
        replica.inject_story(story, kind)
    replica.inject_trap("opinion", "loop")
    faulted = set(replica.injected)
    trap = replica.traps["opinion"]
    changed = 0
    for target, page in before.items():
        if target in faulted or trap.answer(replica.site, replica.base_url, target) is not None:
            changed += 1
            continue
        assert replica.handle(target) == page, target
    assert changed == len(faulted) + 1   # the faulted targets and the trap's last real page
    replica.clear_injected()
    assert {target: replica.handle(target) for target in replica._pages} == before


def test_status_faults_with_times_and_retry_after(replica):
    story, other = replica.plain_stories()[:2]
    replica.inject_story(story, "status", status=503, retry_after=1, times=2)
    answers = [get(replica, story.path) for _ in range(3)]
    assert [status for status, _, _ in answers] == [503, 503, 200]
    assert answers[0][1]["Retry-After"] == "1" and "Retry-After" not in answers[2][1]
    assert story.path not in replica.injected or not replica.injected[story.path].active
    replica.inject_story(other, "status", status=404)
    status, _, body = get(replica, other.path)
    assert status == 404 and b"No Results Found" in body
    assert get(replica, other.path)[0] == 404   # no ``times``: for good
    replica.remove_fault(other.path)
    assert get(replica, other.path)[0] == 200


def test_body_faults(replica):
    stories = iter(replica.plain_stories())
    real = lambda s: replica.page_for(s.path)[2]   # noqa: E731
    s = next(stories)
    replica.inject_story(s, "truncated")
    status, headers, body = get(replica, s.path)
    assert status == 200 and int(headers["Content-Length"]) == len(body) < len(real(s))
    assert real(s).startswith(body) and b"</html>" not in body
    s = next(stories)
    replica.inject_story(s, "short_body")
    with pytest.raises(http.client.IncompleteRead):
        get(replica, s.path)
    s = next(stories)
    replica.inject_story(s, "huge", size=3_000_000)
    status, headers, body = get(replica, s.path)
    assert len(body) == int(headers["Content-Length"]) >= 3_000_000 and body.rstrip().endswith(b"</html>")
    s = next(stories)
    replica.inject_story(s, "huge", size=2_000_000, content_length=False)
    status, headers, body = get(replica, s.path)
    assert "Content-Length" not in headers and len(body) >= 2_000_000
    s = next(stories)
    replica.inject_story(s, "charset")
    status, headers, body = get(replica, s.path)
    assert headers["Content-Type"] == "text/html; charset=iso-8859-1" and b'<meta charset="iso-8859-1" />' in body
    assert body.replace(b'<meta charset="iso-8859-1" />', b'<meta charset="UTF-8" />') == real(s)
    s = next(stories)
    replica.inject_story(s, "charset", declared=None)
    status, headers, body = get(replica, s.path)
    assert headers["Content-Type"] == "text/html" and b"charset" not in body[:2000].lower()
    for content_type, magic in [("image/jpeg", b"\xff\xd8\xff"), ("application/pdf", b"%PDF-")]:
        s = next(stories)
        replica.inject_story(s, "not_html", content_type=content_type)
        status, headers, body = get(replica, s.path)
        assert status == 200 and headers["Content-Type"] == content_type and body.startswith(magic)
    s = next(stories)
    replica.inject_story(s, "empty")
    assert get(replica, s.path)[::2] == (200, b"")
    s = next(stories)
    replica.inject_story(s, "blank_article")
    body = get(replica, s.path)[2].decode()
    assert "<title></title>" in body and '<h1 class="entry-title"></h1>' in body and s.body[0][:40] not in body
    s = next(stories)
    replica.inject_story(s, "attachment")
    assert b"single-attachment" in get(replica, s.path)[2]
    s = next(stories)
    replica.inject_story(s, "listing")
    assert f"archive category category-{s.category} ".encode() in get(replica, s.path)[2]
    s = next(stories)
    replica.inject_story(s, "soft_404")
    status, _, body = get(replica, s.path)
    assert status == 200 and b"No Results Found" in body


def test_connection_faults(replica):
    stories = replica.plain_stories()
    replica.inject_story(stories[0], "reset")
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        get(replica, stories[0].path)
    replica.inject_story(stories[1], "redirect_loop")
    a, b = stories[1].path, stories[1].path + "/"
    assert get(replica, a)[1]["Location"] == replica.base_url + b
    assert get(replica, b)[1]["Location"] == replica.base_url + a
    replica.remove_fault(a)
    assert get(replica, a)[0] == get(replica, b)[0] == 200
    replica.inject_story(stories[2], "offsite_redirect")
    status, headers, _ = get(replica, stories[2].path)
    assert status == 301 and headers["Location"] == "http://127.0.0.2:9" + stories[2].path


def test_hang_blocks_nothing_and_ends_when_the_server_stops():
    server = ReplicaServer(build_site(N_STORIES, seed=SEED)).start()
    try:
        story = server.plain_stories()[0]
        server.inject_story(story, "hang", seconds=60)
        result = {}

        def hang():
            sock = socket.create_connection((server.host, server.port), timeout=10)
            sock.sendall(f"GET {story.path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            try:
                result["data"] = sock.recv(1024)
            except ConnectionResetError:
                result["data"] = b""
            result["ended"] = time.monotonic()
            sock.close()

        thread = threading.Thread(target=hang)
        thread.start()
        while story.path not in server.requests:
            time.sleep(0.01)
        began = time.monotonic()
        assert get(server, "/", timeout=2)[0] == 200          # served while the other one hangs
        assert get(server, story.path + "/", timeout=2)[0] == 200
        assert time.monotonic() - began < 1
        time.sleep(0.2)
        assert thread.is_alive()                                # still hanging, nothing answered
    finally:
        stopped = time.monotonic()
        server.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and result["data"] == b""
    assert result["ended"] - stopped < 2


def test_pagination_traps_served(replica):
    site = replica.site
    slug = next(c for c in site.categories if site.listing_page_count(c) >= 2)
    n = site.listing_page_count(slug)
    root = f"/category/{slug}"
    older = lambda body: re.search(rb'<div class="alignleft"><a href="([^"]+)" >&laquo; Older', body)  # noqa: E731
    replica.inject_trap(slug, "backwards")
    assert older(get(replica, f"{root}/page/{n}")[2]).group(1).decode() == f"{replica.base_url}{root}/page/1"
    replica.inject_trap(slug, "loop")
    assert older(get(replica, f"{root}/page/{n + 1}")[2]).group(1).decode().endswith(f"/page/{n + 2}")
    assert older(get(replica, f"{root}/page/{n + 2}")[2]).group(1).decode().endswith(f"/page/{n + 1}")
    assert get(replica, f"{root}/page/{n + 3}")[0] == 404
    replica.inject_trap(slug, "empty_chain")
    replica.reset_requests()
    body = get(replica, f"{root}/page/{n + 40}")[2]
    assert b'class="et_pb_post' not in body and older(body).group(1).decode().endswith(f"/page/{n + 41}")
    assert replica.trap_requests(slug) == [f"{root}/page/{n + 40}"]
    replica.clear_injected()
    assert older(get(replica, f"{root}/page/{n}")[2]) is None


def test_affected_stories(replica):
    stories = replica.plain_stories()
    replica.inject_story(stories[0], "status", status=404, times=1)      # never retried: lost
    replica.inject_story(stories[1], "status", status=503, times=1)      # retried: survives one retry
    replica.inject_story(stories[2], "reset", times=2)
    replica.inject_story(stories[3], "charset")                          # harmless
    replica.inject_story(stories[4], "truncated")
    assert replica.affected_stories(retries=0) == [s for s in replica.site.stories if s in stories[:3] + stories[4:5]]
    assert set(map(id, replica.affected_stories(retries=1))) == {id(stories[0]), id(stories[2]), id(stories[4])}
    assert set(map(id, replica.affected_stories(retries=2))) == {id(stories[0]), id(stories[4])}
    expected = replica.expected_records(retries=2)
    assert len(expected) == len(replica.site.stories) - 2
    assert replica.base_url + stories[4].path not in {r["url"] for r in expected}


# ----- one crawl with every fault ---------------------------------------------------------------
@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    site = build_site(N_STORIES, seed=SEED)
    with ReplicaServer(site) as server:
        server.faults.clear()   # the built-in transient 500s are the e2e tests' business
        pool = server.plain_stories()
        non_ascii = [s for s in pool if not s.title.isascii()] + [s for s in pool if not is_plain_text(s)]
        chosen = {}
        for case in REJECTED + SURVIVED:
            candidates = non_ascii if case.non_ascii else pool
            story = next(s for s in candidates if id(s) not in {id(c) for c in chosen.values()})
            chosen[case.name] = story
            server.inject_story(story, case.kind, times=case.times, **case.options)
        for trap, slug in TRAPS.items():
            server.inject_trap(slug, trap)
        lost = server.affected_stories(RETRIES)
        expected = server.expected_records(RETRIES)
        workdir = tmp_path_factory.mktemp("faulty")
        started = time.monotonic()
        run = run_crawl(server.base_url, workdir, settings=SETTINGS)
        elapsed = time.monotonic() - started
        yield SimpleNamespace(site=site, server=server, run=run, workdir=workdir, stories=chosen, lost=lost,
                              expected=expected, requests=list(server.requests), elapsed=elapsed,
                              rejects=read_rejects(workdir), base=server.base_url)


def url_of(faulty, case) -> str:
    return faulty.base + faulty.stories[case.name].path


def expected_rejects(faulty) -> list[tuple[str, str, int | None]]:
    """(url, reason, status) of every reject the crawl must make: the faults and the dead links."""
    out = [(url_of(faulty, c), c.reason, c.status) for c in REJECTED]
    out += [(faulty.base + ghost.path, "http_404", 404) for ghost in faulty.site.ghosts]
    return out


def test_lost_stories_are_the_rejected_cases(faulty):
    assert {id(s) for s in faulty.lost} == {id(faulty.stories[c.name]) for c in REJECTED}


def test_crawl_exits_cleanly(faulty):
    run = faulty.run
    assert run.returncode == 0, run.log[-3000:]
    assert "Traceback" not in run.log, run.log[run.log.index("Traceback") - 2000:][:5000]
    assert run.stats.get("finish_reason") == "finished"
    assert faulty.elapsed < 30


def test_every_line_is_valid_json(faulty):
    lines = faulty.run.lines()
    assert lines
    for line in lines:
        record = json.loads(line)
        jsonschema.validate(record, SCHEMA)
        assert "\\u" not in line


def test_every_unaffected_story_written_once_and_right(faulty):
    records = faulty.run.records()
    expected = faulty.expected
    pairs = match_records(expected, records)
    missing = [story["url"] for index, story in enumerate(expected) if index not in pairs]
    assert not missing, f"{len(missing)} unaffected stories missing: {missing}"
    assert len(records) == len(expected), "extra records were written"
    assert not [u for u, n in Counter(r["url"] for r in records).items() if n > 1]
    assert not [m for m, n in Counter(r["media_id"] for r in records if r["media_id"]).items() if n > 1]
    wrong = [(expected[i]["url"], name, expected[i][name], record[name])
             for i, record in pairs.items() for name in COMPARED_FIELDS
             if not (record[name] in expected[i]["accepted_urls"] if name == "url" else record[name] == expected[i][name])]
    assert not wrong, wrong[:5]


def test_no_request_left_the_replica(faulty):
    run = faulty.run
    assert run.stats.get("archive/network/requests") == len(faulty.requests)
    assert not re.search(r"(Crawled|Retrying|Gave up retrying) \(?\S*\)? ?<GET http://127\.0\.0\.2", run.log)


@pytest.mark.parametrize("case", REJECTED, ids=lambda case: case.name)
def test_fault_is_rejected(faulty, case):
    run, url = faulty.run, url_of(faulty, case)
    assert url not in {r["url"] for r in run.records()}
    wanted = sum(1 for _, reason, _ in expected_rejects(faulty) if reason == case.reason)
    assert run.stats.get(f"archive/rejected/{case.reason}") == wanted, \
        {k: v for k, v in run.stats.items() if k.startswith("archive/rejected/")}
    lines = [r for r in faulty.rejects if r["url"].rstrip("/") == url]
    assert len(lines) == 1, lines
    assert (lines[0]["reason"], lines[0]["status"], lines[0]["kind"]) == (case.reason, case.status, "article")
    assert f"Rejected article page {lines[0]['url']}: {case.reason}" in run.log


def test_rejects_file_names_only_what_is_missing(faulty):
    allowed = {url for url, _, _ in expected_rejects(faulty)}
    for line in faulty.rejects:
        assert set(line) >= {"url", "reason", "status", "kind", "time"}
        assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0
        assert line["url"].rstrip("/") in allowed, line
    for case in SURVIVED:
        assert url_of(faulty, case) not in {line["url"] for line in faulty.rejects}


def test_status_faults_retried_as_configured(faulty):
    counts = Counter(faulty.requests)
    for case in REJECTED:
        target = faulty.stories[case.name].path
        retried = case.kind in ("reset", "hang", "short_body") or case.options.get("status") in (500, 503, 429)
        assert counts[target] == (1 + RETRIES if retried else 1), (case.name, counts[target])


def test_charset_faults_give_the_right_text(faulty):
    records = {r["url"]: r for r in faulty.run.records()}
    by_url = {r["url"]: r for r in faulty.site.expected_records(faulty.base)}
    assert faulty.run.stats.get("archive/charset/repaired", 0) >= 1
    for case in SURVIVED[:2]:
        story = faulty.stories[case.name]
        assert not is_plain_text(story)
        record, expected = records.get(url_of(faulty, case)), by_url[url_of(faulty, case)]
        assert record is not None, f"{case.name}: story not written"
        for name in ("title", "body", "image_caption", "dateline", "word_count"):
            assert record[name] == expected[name], (case.name, name, record[name])
        assert not re.search("[ÂÃâ][\u0080-\u00bf€™œž]", record["title"] + record["body"])


def test_503_with_retry_after_then_success_is_written(faulty):
    case = next(c for c in SURVIVED if c.name == "503_retry_after_once")
    url = url_of(faulty, case)
    assert url in {r["url"] for r in faulty.run.records()}
    assert faulty.requests.count(faulty.stories[case.name].path) == 2
    assert faulty.run.stats.get("archive/retry_after/honoured", 0) >= 1
    assert re.search(re.escape(url) + r" answered 503: waiting 1\.0 s \(Retry-After\)", faulty.run.log)


def test_reset_once_is_retried_and_written(faulty):
    case = next(c for c in SURVIVED if c.name == "reset_once")
    assert url_of(faulty, case) in {r["url"] for r in faulty.run.records()}
    assert faulty.requests.count(faulty.stories[case.name].path) == 2


@pytest.mark.parametrize("trap", list(TRAPS))
def test_pagination_trap_stops_paging(faulty, trap):
    slug, server, run = TRAPS[trap], faulty.server, faulty.run
    counter = TRAP_COUNTER[trap]
    assert run.stats.get(f"archive/listing/trap/{counter}") == 1, \
        {k: v for k, v in run.stats.items() if "/trap/" in k}
    assert re.search(rf"Stopped paging {slug} at \S+: pagination {counter.replace('_', ' ')}", run.log)
    requests = [t for t in faulty.requests if server.traps[slug].is_trap_page(faulty.site, t)
                or (trap == "backwards" and t.startswith(f"/category/{slug}/page/1"))]
    bound = {"backwards": 0, "loop": 2, "empty_chain": 2, "endless": MAX_LISTING_PAGES - 1}[trap]
    assert len(requests) <= bound, requests
    listing = [t for t in faulty.requests if t.startswith(f"/category/{slug}/page/")]
    assert not [t for t, n in Counter(listing).items() if n > 1], listing
    on_listing = {faulty.base + e.story.path for e in faulty.site.category_entries(slug)}
    expected = [r for r in faulty.expected if r["url"] in on_listing]
    pairs = match_records(expected, run.records())
    assert expected and len(pairs) == len(expected), "stories of the trapped category missing"


def test_summary_counts_rejects_by_reason(faulty):
    summary = json.loads((faulty.workdir / "archive.summary.json").read_text(encoding="utf-8"))
    stats = faulty.run.stats
    by_reason = {k[len("archive/rejected/"):]: v for k, v in stats.items() if k.startswith("archive/rejected/")}
    assert summary["rejects"] == by_reason
    assert Counter(line["reason"] for line in faulty.rejects) == Counter(by_reason)
    assert summary["finish_reason"] == "finished" and summary["archive_complete"] is False
    assert summary["stories_written"] == len(faulty.run.records())
    for case in REJECTED:
        assert summary["rejects"].get(case.reason, 0) >= 1, case.reason


# ----- a second run once the faults are gone -----------------------------------------------------
@pytest.fixture(scope="module")
def second_run(faulty, tmp_path_factory):
    server = faulty.server
    workdir = tmp_path_factory.mktemp("second") / "run"
    shutil.copytree(faulty.workdir, workdir)
    injected, traps = dict(server.injected), dict(server.traps)
    server.clear_injected()
    server.reset_requests()
    try:
        run = run_crawl(server.base_url, workdir, settings=SETTINGS)
        return SimpleNamespace(run=run, requests=list(server.requests), workdir=workdir)
    finally:
        server.injected.update(injected)
        server.traps.update(traps)


def test_second_run_fetches_and_writes_what_failed(faulty, second_run):
    run = second_run.run
    assert run.returncode == 0, run.log[-3000:]
    records = run.records()   # the first run's lines, then the second's
    expected = faulty.site.expected_records(faulty.base)
    pairs = match_records(expected, records)
    missing = [story["url"] for index, story in enumerate(expected) if index not in pairs]
    assert not missing, missing
    assert len(records) == len(expected)
    assert not [u for u, n in Counter(r["url"] for r in records).items() if n > 1]
    assert run.stats.get("archive/written") == len(faulty.lost)
    for story in faulty.lost:
        assert story.path in second_run.requests, story.path
    lost = {id(s) for s in faulty.lost}
    refetched = [s.path for s in faulty.site.stories if id(s) not in lost and s.path in second_run.requests]
    assert not refetched, f"stories written by the first run fetched again: {refetched[:5]}"
