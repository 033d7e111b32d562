"""WARC reading: third-party files (valid and broken), revisits, encoded payloads."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_crawler.sources.warc import build_index, read_response
from tests.crawl import run_crawl

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "warc-samples"
VALID = {
    "example.arc": 1, "example.arc.gz": 1, "example-space-in-url.arc": 1, "example.warc": 1,
    "example.warc.gz": 1, "example-resource.warc.gz": 1, "example-digest.warc": 0,
    "example-iana.org-chunked.warc": 1, "example-wget-bad-target-uri.warc.gz": 1,
    "example-space-in-target-uri.warc.gz": 1, "post-test.warc.gz": 2, "whirlwind.warc.gz": 1,
}
BROKEN = ["bad.arc", "example-bad-non-chunked.warc.gz", "example-bad.warc.gz.bad", "example-trunc.warc",
          "example-wrong-chunks.warc.gz"]

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared WARC samples are not beside the project")


@contextmanager
def time_limit(seconds: int):
    def give_up(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("name", "at_least"), sorted(VALID.items()))
def test_valid_third_party_files_are_read(name, at_least):
    with time_limit(20):
        index = build_index(SAMPLES / name)
    assert index.errors == []
    assert len(index.records) >= at_least
    for url, location in index.records.items():
        response = read_response(location, url)
        assert response.status == 200


@pytest.mark.parametrize("name", BROKEN)
def test_broken_third_party_files_are_reported_with_file_and_offset(name):
    with time_limit(20):
        index = build_index(SAMPLES / name)
    assert index.errors, "a broken file went unreported"
    assert all(name in error for error in index.errors)
    assert any("offset" in error.lower() for error in index.errors)


def test_chunked_payload_is_decoded():
    index = build_index(SAMPLES / "example-iana.org-chunked.warc")
    response = read_response(index.find("http://www.iana.org/"), "http://www.iana.org/")
    assert response.body.lstrip().lower().startswith(b"<!doctype html>")
    assert response.body.rstrip().endswith(b"</html>")
    assert b"Transfer-Encoding" not in response.headers


def test_common_crawl_capture_is_replayable_as_html():
    index = build_index(SAMPLES / "whirlwind.warc.gz")
    url = "https://an.wikipedia.org/wiki/Escopete"
    response = read_response(index.find(url), url)
    assert response.css("title::text").get()


def write_records(path: Path, records) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, kind, payload, headers, extra in records:
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1") if headers is not None else None
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload), http_headers=http,
                                               warc_headers_dict=extra)
            writer.write_record(record)


def test_revisit_and_gzip_encoded_payloads_are_resolved(tmp_path):
    html = b"<html><head><title>Kept</title></head><body>Same page</body></html>"
    payload = gzip.compress(html, mtime=0)
    digest = "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
    path = tmp_path / "tool.warc.gz"
    write_records(path, [
        ("http://site.test/a", "response", payload,
         [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], {"WARC-Payload-Digest": digest}),
    ])
    # A revisit record as deduplicating tools (Heritrix, Browsertrix) write it.
    with open(path, "ab") as handle:
        writer = WARCWriter(handle, gzip=True)
        revisit = writer.create_revisit_record("http://site.test/b", digest=digest,
                                               refers_to_uri="http://site.test/a",
                                               refers_to_date="2020-01-01T00:00:00Z",
                                               http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                                                             protocol="HTTP/1.1"))
        writer.write_record(revisit)
    index = build_index(path)
    assert index.errors == []
    for url in ("http://site.test/a", "http://site.test/b"):
        response = read_response(index.find(url), url)
        assert response.css("title::text").get() == "Kept"
        assert b"Content-Encoding" not in response.headers


def test_replay_from_third_party_warc_folder_neither_crashes_nor_hangs(tmp_path):
    run = run_crawl("http://example.com", tmp_path, spider_args={"replay": str(SAMPLES)}, timeout=120)
    # No page of these files is a story of the first site: the replay ends saying so, in one line.
    assert run.returncode == 1 and run.stats["finish_reason"] == "nothing_found", run.log[-3000:]
    assert "Traceback" not in run.log
    assert run.stats["archive/replay/warc_files"] == len(VALID) + len(BROKEN)
    assert run.stats["archive/replay/warc_errors"] >= len(BROKEN)
    assert run.stats.get("archive/network/requests", 0) == 0
    for name in BROKEN:
        assert f"WARC problem: {SAMPLES / name}" in run.log or name in run.log
