"""Harvests from a real pywb serving captures of the replica, WACZ packages, and untrusted archives.

The collection (``tests/webarchive/collection.py``) holds pages captured several times (an older
redirect or server error, a newer soft error or 404, the best one a 200 in between), articles
captured only under a share copy or over ``http://``, listing pages never captured, tag, author
and attachment pages, and a page of another site. The CDX is asked for few rows at a time, so
the crawler must split its queries as it would on a large site.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.crawl import PROJECT_ROOT, crawl_command, environment, run_crawl, run_reparse
from tests.replica import ReplicaServer, build_site
from tests.webarchive.captures import write_warc
from tests.webarchive.collection import EARLY, ORIGINAL, archive_captures
from tests.webarchive.pywb import PywbArchive
from tests.webarchive.wacz import validate_wacz

pytestmark = pytest.mark.slow

FIELDS = ("media_id", "title", "published", "authors", "category", "tags", "image_caption", "image_credit",
          "dateline", "source", "body", "word_count")
SMALL_CDX = {"ARCHIVE_CDX_PAGE_ROWS": "120"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    site = build_site(n_stories=80, seed=5)
    plan = archive_captures(site)
    folder = tmp_path_factory.mktemp("webarchive")
    write_warc(folder / "captures.warc.gz", plan.captures)
    with PywbArchive(folder / "pywb", "aawsat", [folder / "captures.warc.gz"]) as served:
        yield site, plan, served, folder


@pytest.fixture(scope="module")
def harvest(archive, tmp_path_factory):
    _site, _plan, served, _ = archive
    served.reset_requests()
    workdir = tmp_path_factory.mktemp("harvest")
    run = run_archive_crawl(served, workdir, {"wayback": served.prefix},
                            {**SMALL_CDX, "ARCHIVE_WARC": str(workdir / "harvest.warc.gz"),
                             "ARCHIVE_WACZ": str(workdir / "harvest.wacz")})
    return run, list(served.requests), list(served.escaped), workdir


def run_archive_crawl(served, workdir: Path, spider_args: dict, settings: dict):
    """The real command, every request through the archive's recording proxy: a request to any
    other host is refused there and listed as escaped."""
    command, output, state = crawl_command(ORIGINAL, workdir, settings=settings, spider_args=spider_args)
    env = {**environment(), "http_proxy": served.proxy_url, "https_proxy": served.proxy_url}
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=env)
    from tests.crawl import CrawlRun, parse_stats

    log = completed.stdout + completed.stderr
    return CrawlRun(completed.returncode, log, output, state, parse_stats(log))


def by_story(site, records):
    by_url = {record["url"]: record for record in records}
    return [(story, next((by_url[url] for url in story["accepted_urls"] if url in by_url), None))
            for story in site.expected_records(ORIGINAL)]


def test_every_captured_story_once_and_exactly(archive, harvest):
    site, _, _, _ = archive
    run, _, _, _ = harvest
    assert run.returncode == 0, run.log[-3000:]
    records = run.records()
    pairs = by_story(site, records)
    assert [story["url"] for story, record in pairs if record is None] == []
    assert len(records) == len(pairs)
    assert len({record["url"] for record in records}) == len(records)
    for field in FIELDS:
        # A page that names no date or byline takes them from its listing; a listing page never
        # captured cannot give them: a few such stories may lack them, no more than 2% of any field.
        wrong = [(story["url"], story[field], record[field]) for story, record in pairs if record[field] != story[field]]
        assert len(wrong) <= 0.02 * len(pairs), (field, wrong)
        assert all(found is None for _, _, found in wrong), (field, wrong)  # missing, never wrong


def test_the_best_capture_is_read_and_said(archive, harvest):
    site, plan, served, _ = archive
    run, _, _, _ = harvest
    for _, record in by_story(site, run.records()):
        read = urlsplit(record["archive_url"].split("id_/", 1)[1]).path  # the page read: the story's, or a copy's
        stamp = plan.best[read]
        assert record["archive_url"].startswith(f"{served.prefix}/{stamp}id_/"), record["archive_url"]
        assert record["crawled_at"].startswith(f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:"
                                               f"{stamp[12:14]}.")
    assert run.stats["archive/wayback/soft_errors"] >= 1


def test_stories_whose_listing_was_never_captured_are_found_through_the_cdx(archive, harvest):
    _site, plan, _, _ = archive
    run, _, _, _ = harvest
    assert plan.uncaptured_listings
    # Named by the captured tag and author listings, with the dates and bylines their entries carry.
    assert run.stats["archive/wayback/other_listings"] >= 1
    assert run.stats["archive/wayback/cdx_splits"] >= 1  # the CDX answered in pieces


def test_every_request_goes_to_the_archive(harvest):
    _, requests, escaped, _ = harvest
    assert escaped == []
    assert requests and all(request.target.startswith(("/aawsat/", "/aawsat?")) for request in requests), requests[:5]
    assert not [request for request in requests if "id_/" not in request.target and "/cdx" not in request.target]


def test_a_replay_of_the_harvest_gives_the_same_records_offline(archive, harvest, tmp_path):
    _, _, served, _ = archive
    run, _, _, workdir = harvest
    for source in (str(workdir / "harvest.warc.gz"), str(workdir / "harvest.wacz")):
        replay = run_crawl(ORIGINAL, tmp_path / Path(source).suffix[1:],
                           spider_args={"wayback": served.prefix, "replay": source}, settings=SMALL_CDX)
        assert replay.returncode == 0, replay.log[-3000:]
        assert replay.stats.get("archive/network/requests", 0) == 0
        assert sorted(replay.lines()) == sorted(run.lines())
        # The re-parse reads the same captures (and the CDX answers kept with them) without the engine.
        reparsed = run_reparse(ORIGINAL, tmp_path / Path(source).suffix[1:],
                               spider_args={"wayback": served.prefix, "replay": source}, settings=SMALL_CDX)
        assert reparsed.returncode == 0, reparsed.log[-3000:]
        assert sorted(reparsed.lines()) == sorted(replay.lines())


def test_a_later_run_reads_no_capture_it_already_turned_into_a_record(archive, harvest, tmp_path):
    _, _, served, _ = archive
    run, _, _, workdir = harvest
    served.reset_requests()
    again = run_archive_crawl(served, workdir, {"wayback": served.prefix}, SMALL_CDX)
    assert again.returncode == 0, again.log[-3000:]
    assert again.stats.get("archive/written", 0) == 0
    story_paths = {urlsplit(record["url"]).path for record in run.records()}
    replayed = [request.target for request in served.requests if "id_/" in request.target]
    assert not [path for path in replayed if urlsplit(path.split("id_/", 1)[1]).path in story_paths]


def test_the_wacz_is_valid_and_complete(archive, harvest):
    _site, _, _, _ = archive
    run, _, _, workdir = harvest
    wacz = workdir / "harvest.wacz"
    valid, report = validate_wacz(wacz)
    assert valid, report
    with zipfile.ZipFile(wacz) as package:
        names = package.namelist()
        warcs = [name for name in names if name.startswith("archive/")]
        assert warcs and all(package.getinfo(name).compress_type == zipfile.ZIP_STORED for name in warcs)
        index = package.read("indexes/index.cdxj").decode().splitlines()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]
        for line in index:  # every index line leads to its WARC record
            _key, _stamp, fields = line.split(" ", 2)
            fields = json.loads(fields)
            raw = package.read(f"archive/{fields['filename']}")
            start, length = int(fields["offset"]), int(fields["length"])
            record = gzip.decompress(raw[start:start + length]).decode("utf-8", "replace")
            assert record.startswith("WARC/1.1") and f"WARC-Target-URI: {fields['url']}" in record
    assert pages[0]["format"] == "json-pages-1.0"
    # One line per article page read (a story may be read from a copy of its page).
    read = {record["archive_url"].split("id_/", 1)[1] for record in run.records()}
    assert {page["url"].replace("http://", "https://", 1) for page in pages[1:]} == {
        url.replace("http://", "https://", 1).split("?share=")[0] for url in read}
    assert all(page["title"] for page in pages[1:])
    assert index == sorted(index)


@pytest.mark.parametrize(("capture", "chosen"), [("earliest", EARLY), ("2016-06-01", EARLY), ("2018-01-01", None),
                                               ("latest", None)])
def test_the_capture_asked_for_is_read(archive, tmp_path, capture, chosen):
    """Articles with two real captures (2016 and 2017) among redirects and errors: the one asked for."""
    _, plan, served, _ = archive
    urls = [ORIGINAL + path for path in sorted(plan.twice)]
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")
    run = run_archive_crawl(served, tmp_path, {"wayback": served.prefix, "capture": capture,
                                               "urls": str(tmp_path / "urls.txt")}, SMALL_CDX)
    assert run.returncode == 0, run.log[-3000:]
    records = run.records()
    assert len(records) == len(urls)
    for record in records:
        stamp = chosen or plan.best[urlsplit(record["url"]).path]
        assert f"/{stamp}id_/" in record["archive_url"], (capture, record["archive_url"])


def test_fallback_takes_lost_pages_from_the_archive(archive, tmp_path):
    """A live crawl of a half-dead site: pages that answer 404 come from their captures."""
    _, _, served, _ = archive
    site = build_site(n_stories=80, seed=5)
    with ReplicaServer(site) as server:
        stories = site.expected_records(server.base_url)
        lost = [story for story in stories if story["media_id"]][:3]
        for story in lost:
            server.inject(urlsplit(story["url"]).path, "status", status=404)
        run = run_crawl(server.base_url, tmp_path, spider_args={"fallback": served.prefix})
    assert run.returncode == 0, run.log[-3000:]
    records = {record["media_id"]: record for record in run.records() if record["media_id"]}
    for story in lost:
        record = records.get(story["media_id"])
        assert record is not None and record["archive_url"] and record["archive_url"].startswith(served.prefix)
        assert record["body"] == story["body"]
    assert sum(1 for record in run.records() if record["archive_url"]) == len(lost)
    arguments = {"fallback": served.prefix}
    replay = run_crawl(server.base_url, tmp_path / "replay", spider_args={**arguments, "replay": "1"},
                       settings={"HTTPCACHE_DIR": str(tmp_path / "httpcache")})
    assert replay.returncode == 0, replay.log[-3000:]
    reparsed = run_reparse(server.base_url, tmp_path, spider_args=arguments)
    assert reparsed.returncode == 0, reparsed.log[-3000:]
    assert sorted(reparsed.lines()) == sorted(replay.lines())
    assert sum(1 for line in reparsed.lines() if '"archive_url": "http' in line) == len(lost)


def test_a_decompression_bomb_in_a_warc_is_rejected_in_flat_memory(tmp_path):
    """Two records whose 2 MB gzip body decodes to 2 GiB: rejected as too_large, memory stays low."""
    from tests.webarchive.captures import Capture

    block = b" " * (1024 * 1024)
    bomb_path = tmp_path / "bomb.gz"
    with gzip.open(bomb_path, "wb", compresslevel=9) as handle:
        for _ in range(2048):
            handle.write(block)
    bomb = bomb_path.read_bytes()
    site = build_site(n_stories=20, seed=3)
    with ReplicaServer(site) as server:
        base = server.base_url
        live = run_crawl(base, tmp_path / "live", settings={"ARCHIVE_WARC": str(tmp_path / "live.warc.gz")})
        # Stories with a single page (a story with a copy would be written from the copy).
        single = {base + story.path for story in site.stories} - {base + copy.story.path for copy in site.copies}
        victims = [record["url"] for record in live.records() if record["url"] in single][:2]
    from warcio.archiveiterator import ArchiveIterator

    with open(tmp_path / "live.warc.gz", "rb") as stream:  # every address the crawl read the victims under
        read = [record.rec_headers.get_header("WARC-Target-URI") for record in ArchiveIterator(stream)
                if record.rec_type == "response" and record.http_headers.get_statuscode() == "200"]
    captures = [Capture(url, "20170101000000", 200, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                        bomb) for url in read if url.rstrip("/") in victims]
    folder = tmp_path / "warcs"  # the live crawl's WARC, then the bombs: the later capture of a URL wins
    folder.mkdir()
    (tmp_path / "live.warc.gz").rename(folder / "a-live.warc.gz")
    write_warc(folder / "z-bombs.warc.gz", captures)
    with zipfile.ZipFile(tmp_path / "bombs.wacz", "w") as package:
        for path in sorted(folder.iterdir()):
            package.write(path, f"archive/{path.name}", compress_type=zipfile.ZIP_STORED)
    for source in (folder, tmp_path / "bombs.wacz"):
        command, output, _ = crawl_command(base, tmp_path / f"replay-{source.name}",
                                           spider_args={"replay": str(source)}, settings={"ARCHIVE_PARSE_WORKERS": "1"})
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=environment())
        _, status, usage = os.wait4(process.pid, 0)
        log = process.stdout.read().decode("utf-8", "replace")
        assert os.waitstatus_to_exitcode(status) == 0, log[-3000:]
        assert usage.ru_maxrss < 300 * 1024, usage.ru_maxrss  # KiB: the largest process of the crawl
        written = {json.loads(line)["url"] for line in output.read_text().splitlines()}
        assert written == {record["url"] for record in live.records()} - set(victims)
        rejects = [json.loads(line) for line in (output.parent / "archive.rejects.jsonl").read_text().splitlines()]
        assert sorted(reject["url"] for reject in rejects if reject["reason"] == "too_large") == sorted(victims)
    assert len(bomb) < 3 * 1024 * 1024  # about 2 MB that decode to 2 GiB
