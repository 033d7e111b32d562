"""The web-archive test tools, and what the pinned pywb and wacz validator really do.

Each test pins one observed behaviour of pywb 2.10.0 (CDX API and ``id_`` playback) or of
``wacz validate`` 0.6.0, so a change of either shows up here first. One pywb serves the whole
module.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.webarchive import env
from tests.webarchive.captures import (
    HTML,
    Capture,
    chunked,
    error,
    gzipped,
    page,
    redirect,
    robots_txt,
    soft_error,
    url_variant,
    write_warc,
)
from tests.webarchive.pywb import PywbArchive, free_port
from tests.webarchive.wacz import validate_wacz, validate_waczs

SITE = "https://example.com"
GOOD = "<html><head><title>Leaders meet</title></head><body>The good article.</body></html>"
ORIGINAL_HEADERS = [
    ("Date", "Sun, 01 Jan 2017 00:00:00 GMT"), ("Server", "nginx"), ("Set-Cookie", "visited=1; path=/"),
    ("ETag", '"abc"'), ("Last-Modified", "Sat, 31 Dec 2016 00:00:00 GMT"), ("Cache-Control", "max-age=60"),
    ("Link", f'<{SITE}/wp-json/>; rel="https://api.w.org/"'),
    ("Content-Security-Policy", "default-src 'self'"), ("X-Custom", "kept"), ("Content-Language", "en")]

CAPTURES = [
    # one article captured five times: a redirect elsewhere, a server error, a soft error, then good twice
    redirect(f"{SITE}/a", "20150101000000", f"{SITE}/b"),
    error(f"{SITE}/a", "20160101000000", 500),
    soft_error(f"{SITE}/a", "20160601000000"),
    page(f"{SITE}/a", "20170101000000", GOOD),
    page(f"{SITE}/a", "20180101000000", GOOD),
    Capture(f"{SITE}/a", "20190101000000", 200, [("Content-Type", HTML)], GOOD, revisit=True),
    page(f"{SITE}/b", "20170101000000", "<html>B</html>"),
    error(f"{SITE}/gone", "20170101000000", 404),
    # captured only under a variant of its URL
    page(url_variant(f"{SITE}/shared", query="share=twitter"), "20170101000000", "<html>shared</html>"),
    page(url_variant(f"{SITE}/plain-http", scheme="http"), "20170101000000", "<html>plain http</html>"),
    page(url_variant(f"{SITE}/with-www", host="www.example.com"), "20170101000000", "<html>www</html>"),
    # http and https captured at the same second, and at different times
    page("http://example.com/both", "20170101000000", "<html>both over http</html>"),
    page(f"{SITE}/both", "20170101000000", "<html>both over https</html>"),
    page("http://example.com/mixed", "20170101000000", "<html>mixed http</html>"),
    page(f"{SITE}/mixed", "20170601000000", "<html>mixed https</html>"),
    # a redirect to itself over https (skipped by pywb), then the page
    redirect("http://example.com/to-https", "20150101000000", f"{SITE}/to-https"),
    page(f"{SITE}/to-https", "20160101000000", "<html>to https</html>"),
    # archive pages of the site
    page(f"{SITE}/tag/syria/", "20170101000000", "<html>tag</html>"),
    page(f"{SITE}/author/bob", "20170101000000", "<html>author</html>"),
    page(f"{SITE}/?attachment_id=123", "20170101000000", "<html>attachment</html>"),
    page(f"{SITE}/Case/Path", "20170101000000", "<html>case</html>"),
    page(f"{SITE}/img.jpg?v=1", "20170101000000", b"JPEG", headers=[("Content-Type", "image/jpeg")]),
    page(f"{SITE}/q", "20170101000000", "<html>Q</html>"),
    gzipped(page(f"{SITE}/gz", "20170101000000", "<html>gzipped body</html>")),
    chunked(page(f"{SITE}/chunked", "20170101000000", "<html>" + "x" * 150 + "</html>"), chunk_size=64),
    page(f"{SITE}/headers", "20170101000000", "<html>headers</html>", headers=ORIGINAL_HEADERS),
    robots_txt(SITE, "20170101000000", "User-agent: *\nDisallow: /wp-admin/\n"),
    page(f"{SITE}/y", "20170101000000", "<html>early 2017</html>"),
    page(f"{SITE}/y", "20171231235959", "<html>end of 2017</html>"),
    page(f"{SITE}/y", "20180101000000", "<html>2018</html>"),
    page("https://other.org/x", "20170101000000", "<html>another host</html>"),
]
MANY = 5100  # captures of distinct URLs on many.example.org


def many_captures() -> list[Capture]:
    return [page(f"https://many.example.org/story/{n:05d}",
                 f"2016{1 + n % 12:02d}{1 + n % 28:02d}{n % 24:02d}{n % 60:02d}{n % 59:02d}", f"<p>{n}</p>")
            for n in range(MANY)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("webarchive")
    version_1_0 = [page("https://v10.example.net/p", "20170101000000", "<p>1.0</p>")]
    warcs = [write_warc(folder / "site.warc.gz", CAPTURES),
             write_warc(folder / "many.warc.gz", many_captures()),
             write_warc(folder / "warc10.warc.gz", version_1_0, warc_version="1.0")]
    with PywbArchive(folder / "pywb", "site", warcs) as running:
        yield running


# -- helpers -----------------------------------------------------------------------------------------

def fetch(url: str, accept_encoding: str | None = "identity") -> tuple[int, list[tuple[str, str]], bytes]:
    """GET without following redirects or decoding anything; headers as a list (Link comes twice)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.putrequest("GET", url[len(f"{parts.scheme}://{parts.netloc}"):], skip_accept_encoding=True)
    if accept_encoding is not None:
        connection.putheader("Accept-Encoding", accept_encoding)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheaders(), body


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def cdx(archive: PywbArchive, **params) -> list[dict]:
    """The rows of a CDX query with ``output=json`` (a list value repeats its parameter)."""
    query = urlencode(params, doseq=True, safe="*:!~=,/")
    with urllib.request.urlopen(f"{archive.cdx_url}?output=json&{query}") as response:
        return [json.loads(line) for line in response.read().decode().splitlines()]


def cdx_response(archive: PywbArchive, query: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(f"{archive.cdx_url}?{query}") as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as failure:
        return failure.code, dict(failure.headers), failure.read().decode()


def timestamps(rows: list[dict]) -> list[str]:
    return [row["timestamp"] for row in rows]


# -- CDX API -----------------------------------------------------------------------------------------

def test_cdx_json_is_one_object_per_line_with_pywb_field_names(archive):
    status, headers, text = cdx_response(archive, "url=example.com/b&output=json")
    assert status == 200 and headers["Content-Type"] == "text/x-ndjson"
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 1  # no header row naming the fields, unlike the Internet Archive
    assert list(rows[0]) == ["urlkey", "timestamp", "url", "mime", "status", "digest", "length", "offset",
                             "filename", "source", "source-coll", "access"]
    assert rows[0]["urlkey"] == "com,example)/b" and rows[0]["status"] == "200"
    assert rows[0]["filename"] == "site.warc.gz" and rows[0]["source-coll"] == "site"


def test_cdx_text_output_is_cdxj(archive):
    _, headers, text = cdx_response(archive, "url=example.com/b")
    assert headers["Content-Type"] == "text/x-cdxj"
    key, stamp, fields = text.splitlines()[0].split(" ", 2)
    assert (key, stamp, json.loads(fields)["url"]) == ("com,example)/b", "20170101000000", f"{SITE}/b")


def test_revisit_rows_have_mime_warc_revisit_and_no_status(archive):
    revisit = cdx(archive, url=f"{SITE}/a")[-1]
    assert revisit["timestamp"] == "20190101000000"
    assert revisit["mime"] == "warc/revisit" and "status" not in revisit


def test_fl_keeps_only_the_names_pywb_knows(archive):
    assert cdx(archive, url=f"{SITE}/b", fl="original,timestamp,statuscode,mimetype") == [
        {"timestamp": "20170101000000"}]
    assert cdx(archive, url=f"{SITE}/b", fl="url,status,mime,urlkey") == [
        {"url": f"{SITE}/b", "status": "200", "mime": "text/html", "urlkey": "com,example)/b"}]


def test_every_way_of_asking_for_a_host_gives_the_same_rows(archive):
    wanted = cdx(archive, url="example.com/*", fl="url,timestamp")
    assert len(wanted) == len(CAPTURES) - 1  # all but other.org
    ways = [{"url": "example.com", "matchType": "prefix"}, {"url": "example.com/", "matchType": "prefix"},
            {"url": "example.com", "matchType": "host"}, {"url": "example.com", "matchType": "domain"},
            {"url": "*.example.com"}, {"url": "https://www.example.com/*"}, {"url": "http://example.com/*"}]
    for params in ways:
        assert cdx(archive, fl="url,timestamp", **params) == wanted, params


def test_rows_sorted_by_urlkey_then_timestamp_with_scheme_www_and_trailing_slash_folded(archive):
    rows = cdx(archive, url="example.com/*", fl="urlkey,timestamp,url")
    assert rows == sorted(rows, key=lambda row: (row["urlkey"], row["timestamp"]))
    keys = {row["url"]: row["urlkey"] for row in rows}
    assert keys["http://example.com/plain-http"] == "com,example)/plain-http"
    assert keys["https://www.example.com/with-www"] == "com,example)/with-www"
    assert keys[f"{SITE}/tag/syria/"] == "com,example)/tag/syria"
    assert keys[f"{SITE}/Case/Path"] == "com,example)/case/path"
    assert keys[f"{SITE}/?attachment_id=123"] == "com,example)/?attachment_id=123"
    both = [row["url"] for row in rows if row["urlkey"] == "com,example)/both"]
    assert both == ["http://example.com/both", f"{SITE}/both"]  # same second: http sorts first


def test_exact_url_query_ignores_scheme_and_www_but_not_the_query(archive):
    everything = timestamps(cdx(archive, url=f"{SITE}/a"))
    assert timestamps(cdx(archive, url="http://www.example.com/a")) == everything
    assert cdx(archive, url=f"{SITE}/shared") == []
    assert len(cdx(archive, url=f"{SITE}/shared?share=twitter")) == 1


def test_url_never_captured_gives_200_and_no_rows(archive):
    assert cdx_response(archive, "url=example.com/nothing-here&output=json")[:1] == (200,)
    assert cdx(archive, url=f"{SITE}/nothing-here") == []


def test_bad_queries_answer_400_with_a_json_message(archive):
    assert cdx_response(archive, "fl=url")[0::2] == (400, '{"message": "The \\"url\\" param is required"}')
    assert cdx_response(archive, "url=example.com/a&matchType=bogus")[0::2] == (
        400, '{"message": "Invalid match_type: bogus"}')


def test_limit_truncates_silently_and_paging_parameters_are_ignored(archive):
    _, headers, full = cdx_response(archive, "url=many.example.org/*&output=json")
    assert len(full.splitlines()) == MANY  # no limit given: everything (pywb's default limit is 100000)
    _, limited_headers, limited = cdx_response(archive, "url=many.example.org/*&output=json&limit=1000")
    assert limited.splitlines() == full.splitlines()[:1000]
    assert set(limited_headers) == set(headers)  # nothing tells that rows were left out
    for ignored in ("page=1", "page=4", "showResumeKey=true", "pageSize=1"):
        assert cdx_response(archive, f"url=many.example.org/*&output=json&limit=1000&{ignored}")[2] == limited
    assert cdx_response(archive, "url=many.example.org/*&output=json&showNumPages=true")[2] == full
    assert cdx(archive, url=f"{SITE}/a", limit="-2") == []  # no "last N" as at the Internet Archive


def test_default_limit_is_100000():
    code = "from pywb.warcserver.index.query import CDXQuery; print(CDXQuery({'url': 'example.com'}).limit)"
    assert subprocess.run([str(env.webarchive_python()), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "100000"


def test_prefix_and_time_ranges_split_a_large_query(archive):
    total = sum(len(cdx(archive, url=f"many.example.org/story/{digits}*", fl="timestamp"))
                for digits in ("00", "01", "02", "03", "04", "05"))
    assert total == MANY
    halves = [cdx(archive, url="many.example.org/*", fl="timestamp", **{"from": start, "to": end})
              for start, end in (("2016", "201606"), ("201607", "2016"))]
    assert len(halves[0]) + len(halves[1]) == MANY
    assert max(timestamps(halves[0])) < "20160701" <= min(timestamps(halves[1]))


def test_collapse_urlkey_is_ignored(archive):
    assert len(cdx(archive, url=f"{SITE}/a", collapse="urlkey")) == 6


def test_filter_is_a_substring_match_on_field_aliases(archive):
    def stamps(*filters):
        return timestamps(cdx(archive, url=f"{SITE}/a", filter=list(filters)))

    good = ["20160601000000", "20170101000000", "20180101000000"]
    assert stamps("statuscode:200") == stamps("status:200") == good
    not_revisits = timestamps(cdx(archive, url=f"{SITE}/a"))[:-1]
    assert stamps("!mimetype:warc/revisit") == stamps("!mime:warc/revisit") == not_revisits
    assert stamps("statuscode:0") == ["20150101000000", "20160101000000", *good]  # "0" is in 301, 500 and 200
    assert stamps("=status:200") == good  # "=" for an exact match
    assert stamps("~status:5.*") == ["20160101000000"]  # "~" for a regex
    assert stamps("statuscode:200", "!mimetype:warc/revisit") == good  # several filters: all must hold


def test_exact_query_whose_filters_leave_nothing_returns_every_capture_unless_allow_fuzzy_false(archive):
    everything = timestamps(cdx(archive, url=f"{SITE}/a"))
    for no_match in ("statuscode:418", "=status:20", "mimetype:image/"):
        # the fuzzy-match fallback repeats the query without its filters
        assert timestamps(cdx(archive, url=f"{SITE}/a", filter=no_match)) == everything
        assert cdx(archive, url=f"{SITE}/a", filter=no_match, allowFuzzy="false") == []
    assert cdx(archive, url="example.com/*", filter="statuscode:418") == []  # prefix queries: no fallback
    assert cdx(archive, url=f"{SITE}/a", **{"from": "2020"}) == []  # from/to are kept by the fallback
    assert timestamps(cdx(archive, url=f"{SITE}/a?utm_source=feed")) == everything  # it also drops utm_* etc.
    assert timestamps(cdx(archive, url=f"{SITE}/a", limit="0")) == everything  # limit=0 is no limit


def test_from_and_to_take_any_timestamp_prefix_padded_to_whole_periods(archive):
    assert timestamps(cdx(archive, url=f"{SITE}/y", **{"from": "2017", "to": "2017"})) == [
        "20170101000000", "20171231235959"]
    assert timestamps(cdx(archive, url=f"{SITE}/a", **{"from": "20160601", "to": "20170101000000"})) == [
        "20160601000000", "20170101000000"]


def test_sort_reverse_and_closest(archive):
    assert timestamps(cdx(archive, url=f"{SITE}/y", sort="reverse")) == [
        "20180101000000", "20171231235959", "20170101000000"]
    assert timestamps(cdx(archive, url=f"{SITE}/y", closest="20171231", limit="1")) == ["20171231235959"]


def test_a_warc_1_0_file_is_indexed_like_a_warc_1_1_file(archive):
    [row] = cdx(archive, url="https://v10.example.net/p")
    assert (row["timestamp"], row["status"], row["filename"]) == ("20170101000000", "200", "warc10.warc.gz")
    assert fetch(archive.replay_url("20170101000000", "https://v10.example.net/p"))[2] == b"<p>1.0</p>"


# -- id_ playback --------------------------------------------------------------------------------------

def test_exact_capture_gives_the_original_body_and_memento_headers(archive):
    status, headers, body = fetch(archive.replay_url("20170101000000", f"{SITE}/a"))
    assert (status, body) == (200, GOOD.encode())
    assert header(headers, "Content-Type") == HTML
    assert header(headers, "Content-Length") == str(len(GOOD))
    assert header(headers, "Memento-Datetime") == "Sun, 01 Jan 2017 00:00:00 GMT"
    assert header(headers, "Content-Location") == archive.replay_url("20170101000000", f"{SITE}/a")
    link = header(headers, "Link")
    assert f'<{SITE}/a>; rel="original"' in link
    assert f'<{archive.prefix}/20170101000000mp_/{SITE}/a>; rel="memento"' in link


def test_original_headers_pass_or_are_renamed_x_archive_orig(archive):
    _, headers, _ = fetch(archive.replay_url("20170101000000", f"{SITE}/headers"))
    names = [name for name, _ in headers]
    for renamed in ("Date", "Server", "ETag", "Last-Modified", "Cache-Control", "Content-Security-Policy"):
        assert header(headers, f"X-Archive-Orig-{renamed}") == dict(ORIGINAL_HEADERS)[renamed]
    for kept in ("Set-Cookie", "X-Custom", "Content-Language"):
        assert header(headers, kept) == dict(ORIGINAL_HEADERS)[kept]
    assert header(headers, "Date") != dict(ORIGINAL_HEADERS)["Date"]  # pywb's own Date
    links = [value for name, value in headers if name == "Link"]
    assert links[0] == dict(ORIGINAL_HEADERS)["Link"] and 'rel="original"' in links[1]  # two Link headers
    assert names.count("Link") == 2


@pytest.mark.parametrize(("accept_encoding", "passed_through"), [
    ("gzip", True), ("gzip, deflate, br", True), ("identity", False), (None, False), ("br", False)])
def test_gzip_body_passes_only_to_a_client_accepting_gzip(archive, accept_encoding, passed_through):
    _, headers, body = fetch(archive.direct_prefix + f"/20170101000000id_/{SITE}/gz", accept_encoding)
    if passed_through:
        assert header(headers, "Content-Encoding") == "gzip"
        assert gzip.decompress(body) == b"<html>gzipped body</html>"
        assert header(headers, "Content-Length") == str(len(body))
    else:
        assert body == b"<html>gzipped body</html>"
        assert header(headers, "Content-Encoding") is None
        assert header(headers, "X-Archive-Orig-Content-Encoding") == "gzip"
        assert header(headers, "Transfer-Encoding") == "chunked"


def test_chunked_capture_is_sent_decoded(archive):
    _, headers, body = fetch(archive.direct_prefix + f"/20170101000000id_/{SITE}/chunked")
    assert body == b"<html>" + b"x" * 150 + b"</html>"
    assert header(headers, "X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert header(headers, "Transfer-Encoding") == "chunked"  # pywb's own framing on the wire


@pytest.mark.parametrize(("asked", "served", "body"), [
    ("20170301000000", "20170101000000", GOOD.encode()),
    ("20150301000000", "20150101000000", None),  # the 301, three months before
    ("201606", "20160601000000", None),  # the soft error
    ("20990101000000", "20190101000000", GOOD.encode()),  # the revisit, replayed with the original's body
])
def test_inexact_timestamp_serves_the_nearest_capture_directly(archive, asked, served, body):
    status, headers, content = fetch(archive.replay_url(asked, f"{SITE}/a"))
    assert status != 307 and status != 302
    assert header(headers, "Content-Location") == archive.replay_url(served, f"{SITE}/a")
    if body is not None:
        assert content == body


def test_partial_timestamp_is_padded_to_the_end_of_its_period(archive):
    assert fetch(archive.replay_url("2017", f"{SITE}/y"))[2] == b"<html>end of 2017</html>"


@pytest.mark.parametrize(("stamp", "status", "marker"), [
    ("20160101000000", 500, b"500 Internal Server Error"), ("20160601000000", 200, b"can't be found")])
def test_captured_errors_keep_their_status(archive, stamp, status, marker):
    answer, _, body = fetch(archive.replay_url(stamp, f"{SITE}/a"))
    assert answer == status and marker in body
    assert fetch(archive.replay_url("20170101000000", f"{SITE}/gone"))[0] == 404


def test_captured_301_is_replayed_with_the_live_location(archive):
    status, headers, _ = fetch(archive.replay_url("20150101000000", f"{SITE}/a"))
    assert status == 301
    assert header(headers, "Location") == f"{SITE}/b"  # the live site: follow it inside the archive yourself


def test_a_redirect_to_the_same_url_is_skipped_for_the_next_capture(archive):
    status, headers, body = fetch(archive.replay_url("20150101000000", f"{SITE}/to-https"))
    assert (status, body) == (200, b"<html>to https</html>")
    assert header(headers, "Content-Location") == archive.replay_url("20160101000000", f"{SITE}/to-https")


def test_missing_trailing_slash_redirects_307_inside_the_archive(archive):
    status, headers, _ = fetch(archive.replay_url("20170101000000", f"{SITE}/tag/syria"))
    assert status == 307
    assert header(headers, "Location") == archive.replay_url("20170101000000", f"{SITE}/tag/syria/")
    assert fetch(archive.replay_url("20170101000000", f"{SITE}/author/bob/"))[2] == b"<html>author</html>"


def test_url_never_captured_is_a_404_html_page(archive):
    status, headers, body = fetch(archive.replay_url("20170101000000", f"{SITE}/nothing-here"))
    assert status == 404 and header(headers, "Content-Type") == "text/html"
    assert b"<title>URL Not Found</title>" in body
    assert f"The url <b>{SITE}/nothing-here</b> could not be found in this collection.".encode() in body


@pytest.mark.parametrize(("asked", "captured"), [
    ("http://example.com/a", f"{SITE}/a"),
    ("https://www.example.com/a", f"{SITE}/a"),
    (f"{SITE}/plain-http", "http://example.com/plain-http"),
    (f"{SITE}/with-www", "https://www.example.com/with-www"),
    (f"{SITE}/case/path", f"{SITE}/Case/Path"),
    (f"{SITE}/q?utm_source=feed", f"{SITE}/q"),  # utm_*, cache busters and fbclid are dropped
    (f"{SITE}/img.jpg?v=2", f"{SITE}/img.jpg?v=1"),  # a file name: the query is ignored
    (f"{SITE}/img.jpg", f"{SITE}/img.jpg?v=1"),
    (f"{SITE}/both", "http://example.com/both"),  # a tie: the first row in the index wins
    (f"{SITE}/mixed", "http://example.com/mixed"),
])
def test_variants_of_a_url_replay_the_capture_of_the_same_key(archive, asked, captured):
    status, headers, _ = fetch(archive.replay_url("20170101000000", asked))
    assert status == 200
    assert header(headers, "Content-Location") == archive.replay_url("20170101000000", captured)


@pytest.mark.parametrize("asked", [
    f"{SITE}/shared", f"{SITE}/shared?share=facebook", f"{SITE}/q?share=twitter"])
def test_other_query_strings_are_not_matched(archive, asked):
    assert fetch(archive.replay_url("20170101000000", asked))[0] == 404


def test_captured_robots_txt_is_served(archive):
    status, headers, body = fetch(archive.replay_url("20170101000000", f"{SITE}/robots.txt"))
    assert (status, header(headers, "Content-Type")) == (200, "text/plain")
    assert b"Disallow: /wp-admin/" in body


# -- what reached the archive --------------------------------------------------------------------------

def test_each_request_is_recorded_before_its_answer(archive):
    archive.reset_requests()
    url = archive.replay_url("20170101000000", f"{SITE}/b")
    fetch(url)
    fetch(archive.cdx_url + "?url=example.com/b")
    assert [(r.method, r.target, r.status) for r in archive.requests] == [
        ("GET", urlsplit(url).path, 200), ("GET", "/site/cdx?url=example.com/b", 200)]
    assert archive.escaped == []


def test_pywb_access_log_shows_internal_index_requests_too(archive):
    fetch(archive.replay_url("20170101000000", f"{SITE}/author/bob"))
    deadline = time.monotonic() + 10  # gevent writes the line just after the answer
    while not any(target.endswith("/author/bob") for _, target, _ in archive.access_log()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    log = archive.access_log()
    assert ("GET", f"/site/20170101000000id_/{SITE}/author/bob", 200) in log
    assert any(method == "POST" and target.startswith("/site/resource/postreq?url=https%3A%2F%2Fexample.com"
                                                      "%2Fauthor%2Fbob") for method, target, _ in log)


def test_as_a_proxy_requests_for_other_hosts_are_refused_and_recorded(archive, monkeypatch):
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    archive.reset_requests()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": archive.proxy_url}))
    with opener.open(archive.replay_url("20170101000000", f"{SITE}/b")) as response:
        assert response.read() == b"<html>B</html>"
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open("http://example.com/a")
    assert refused.value.code == 502
    assert archive.escaped == ["GET http://example.com/a"]
    assert [r.target for r in archive.requests] == [f"/site/20170101000000id_/{SITE}/b"]


# -- the venv ----------------------------------------------------------------------------------------

def test_pywb_never_installed_beside_scrapy():
    assert importlib.util.find_spec("pywb") is None
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("brotlipy")


def test_tools_report_their_pinned_versions():
    versions = subprocess.run(
        [str(env.webarchive_python()), "-c",
         "import importlib.metadata as m; print(m.version('pywb'), m.version('wacz'), m.version('warcio'))"],
        capture_output=True, text=True, check=True).stdout.split()
    assert versions == ["2.10.0", "0.6.0", "1.8.1"]


def test_concurrent_callers_create_the_venv_once(tmp_path):
    venv, created, start = tmp_path / "venv", [], threading.Barrier(3)

    def create():
        created.append(threading.get_ident())
        venv.mkdir()
        time.sleep(0.2)  # keeps the lock held while the other callers arrive

    def call():
        start.wait()
        env.ensure_venv(venv, "stamp 1", create)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == 1
    assert env.ensure_venv(venv, "stamp 1", create) is False


def test_half_built_or_outdated_venv_is_built_again(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "leftover").write_text("from a build that died")
    assert env.ensure_venv(venv, "stamp 1", lambda: venv.mkdir()) is True
    assert not (venv / "leftover").exists()
    assert env.ensure_venv(venv, "stamp 2", lambda: venv.mkdir()) is True


def test_unreachable_pypi_fails_with_a_clear_message(tmp_path, monkeypatch):
    for name, value in {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": f"http://127.0.0.1:{free_port()}/simple",
                        "PIP_FIND_LINKS": str(tmp_path), "PIP_RETRIES": "0", "PIP_TIMEOUT": "5",
                        "PIP_CACHE_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    with pytest.raises(env.WebArchiveToolsError) as failure:
        env._create(tmp_path / "venv")
    message = str(failure.value)
    assert "pip install failed" in message and "is PyPI reachable?" in message
    assert str(tmp_path / "venv") in message and env.VENV_VARIABLE in message


# -- WACZ --------------------------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def wacz_parts(tmp_path_factory):
    """The files of a minimal WACZ: one WARC, its CDXJ index (by the venv's cdxj-indexer) and pages."""
    folder = tmp_path_factory.mktemp("wacz")
    warc = write_warc(folder / "data.warc.gz", [page(f"{SITE}/a", "20170101000000", GOOD)])
    indexer = env.webarchive_python().parent / "cdxj-indexer"
    index = subprocess.run([str(indexer), str(warc)], capture_output=True, check=True).stdout
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"},
             {"id": "a", "url": f"{SITE}/a", "ts": "2017-01-01T00:00:00Z", "title": "Leaders meet"}]
    return {"archive/data.warc.gz": warc.read_bytes(), "indexes/index.cdxj": index,
            "pages/pages.jsonl": "".join(json.dumps(line) + "\n" for line in pages).encode()}


def write_wacz(path: Path, files: dict[str, bytes], *, edit=None, digest: str | None = "right",
               deflate: tuple[str, ...] = (), unlisted: dict[str, bytes] | None = None) -> Path:
    """A WACZ by hand: WARCs stored, datapackage.json listing every file with sha256 and bytes,
    datapackage-digest.json. ``edit`` changes the datapackage dict before it is written."""
    datapackage = {
        "profile": "data-package", "wacz_version": "1.1.1", "title": "Test collection",
        "created": "2026-01-01T00:00:00Z", "software": "archive-crawler tests",
        "resources": [{"name": Path(name).name, "path": name, "hash": sha256(data), "bytes": len(data)}
                      for name, data in files.items()]}
    if edit:
        edit(datapackage)
    datapackage_bytes = json.dumps(datapackage, indent=2).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in {**files, **(unlisted or {})}.items():
            package.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED)
        package.writestr("datapackage.json", datapackage_bytes, compress_type=zipfile.ZIP_DEFLATED)
        if digest is not None:
            hashed = datapackage_bytes if digest == "right" else b"something else"
            digest_file = {"path": "datapackage.json", "hash": sha256(hashed)}
            package.writestr("datapackage-digest.json", json.dumps(digest_file))
    return path


def test_minimal_hand_made_wacz_passes_the_validator(tmp_path, wacz_parts):
    path = write_wacz(tmp_path / "minimal.wacz", wacz_parts)
    with zipfile.ZipFile(path) as package:
        assert package.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
    ok, output = validate_wacz(path)
    assert ok, output
    assert "Version detected as 1.1.1" in output
    assert "Validation succeeded, the passed WACZ is valid" in output


def _first_resource(**changes):
    return lambda datapackage: datapackage["resources"][0].update(changes)


VALIDATOR_VERDICTS = {
    "as built": (True, {}, "Validation succeeded, the passed WACZ is valid"),
    # accepted although not what the spec asks for: the validator does not check these
    "warc deflated": (True, {"deflate": ("archive/data.warc.gz",)}, ""),
    "no digest file": (True, {"digest": None}, ""),
    "no profile": (True, {"edit": lambda d: d.pop("profile")}, ""),
    "no bytes": (True, {"edit": lambda d: [r.pop("bytes") for r in d["resources"]]}, ""),
    "no pages.jsonl": (True, {"files_without": "pages/pages.jsonl"}, ""),
    "no index": (True, {"files_without": "indexes/index.cdxj"}, ""),
    "no warc": (True, {"files_without": "archive/data.warc.gz"}, ""),
    "index not cdxj": (True, {"replace": ("indexes/index.cdxj", b"nonsense")}, ""),
    "pages without url and ts": (True, {"replace": ("pages/pages.jsonl", b'{"title": "x"}\n')}, ""),
    "unlisted file without a dot": (True, {"unlisted": {"logs/README": b"x"}}, ""),
    # refused
    "wacz_version 1.2.0": (False, {"edit": lambda d: d.update(wacz_version="1.2.0")},
                           "Version detected as 1.2.0"),
    "no wacz_version": (False, {"edit": lambda d: d.pop("wacz_version")},
                        "Version missing from datapackage.json"),
    "wrong digest": (False, {"digest": "wrong"}, "datapackage.json hash mismatch to datapackage-digest.json"),
    "wrong hash": (False, {"edit": _first_resource(hash=sha256(b"other"))}, "hash-count"),
    "wrong bytes": (False, {"edit": _first_resource(bytes=1)}, "byte-count"),
    "unlisted file": (False, {"unlisted": {"logs/crawl.log": b"x"}}, "file logs/crawl.log is not listed"),
    "listed file missing": (False, {"edit": lambda d: d["resources"].append(
        {"name": "gone.warc.gz", "path": "archive/gone.warc.gz", "hash": sha256(b""), "bytes": 0})},
        "scheme-error"),
    "warc not gzip": (False, {"replace": ("archive/data.warc.gz", b"nonsense")}, "compression-error"),
    "pages not json": (False, {"replace": ("pages/pages.jsonl", b"not json\n")}, "source-error"),
    "upper-case resource name": (False, {"edit": _first_resource(name="Data.warc.gz")}, "errors {}"),
    "duplicate resource names": (False, {"edit": lambda d: [r.update(name="same") for r in d["resources"]]},
                                 "errors {}"),
    "created not a date": (False, {"edit": lambda d: d.update(created="yesterday")}, "errors {}"),
    "warc one folder deeper": (False, {"move": ("archive/data.warc.gz", "archive/2017/data.warc.gz")},
                               "file 2017/data.warc.gz is not listed"),
}


def test_what_the_validator_checks(tmp_path, wacz_parts):
    paths, expected = [], []
    for name, (valid, options, marker) in VALIDATOR_VERDICTS.items():
        files, options = dict(wacz_parts), dict(options)
        files.pop(options.pop("files_without", None), None)
        if "replace" in options:
            replaced, data = options.pop("replace")
            files[replaced] = data
        if "move" in options:
            old, new = options.pop("move")
            files[new] = files.pop(old)
        paths.append(write_wacz(tmp_path / f"{name.replace(' ', '-')}.wacz", files, **options))
        expected.append((name, valid, marker))
    for (name, valid, marker), (ok, output) in zip(expected, validate_waczs(paths), strict=False):
        assert ok is valid, f"{name}: {output}"
        assert marker in output, f"{name}: {output}"


def test_an_invalid_wacz_fails_on_the_command_line_too(tmp_path, wacz_parts):
    ok, output = validate_wacz(write_wacz(tmp_path / "bad.wacz", wacz_parts, digest="wrong"))
    assert not ok and "Validation failed, the passed WACZ is invalid" in output


def test_no_datapackage_or_not_a_zip_crashes_the_validator(tmp_path):
    not_zip = tmp_path / "not-a-zip.wacz"
    not_zip.write_bytes(b"hello")
    bare = tmp_path / "bare.wacz"
    with zipfile.ZipFile(bare, "w") as package:
        package.writestr("webarchive.yaml", "title: the 0.1.0 layout\n")  # crashes before the 0.1.0 branch
    (zip_ok, zip_output), (bare_ok, bare_output) = validate_waczs([not_zip, bare])
    assert not zip_ok and "BadZipFile" in zip_output
    assert not bare_ok and "FileNotFoundError" in bare_output and "datapackage.json" in bare_output


def test_pywb_loads_a_wacz_only_when_its_index_is_named_cdx(tmp_path, wacz_parts):
    index = wacz_parts["indexes/index.cdxj"]
    paths = []
    for name, (index_name, data) in {"named-cdxj": ("indexes/index.cdxj", index),
                                     "named-cdx": ("indexes/index.cdx", index),
                                     "named-cdx-gz": ("indexes/index.cdx.gz", gzip.compress(index))}.items():
        files = {name: part for name, part in wacz_parts.items() if not name.startswith("indexes/")}
        paths.append(write_wacz(tmp_path / f"{name}.wacz", {**files, index_name: data}))
    subprocess.run([*env.wb_manager_command(), "init", "coll"], cwd=tmp_path, check=True, capture_output=True)
    added = subprocess.run([*env.wb_manager_command(), "add", "--unpack-wacz", "coll", *map(str, paths)],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert f"WACZ {paths[0]} does not contain any indices." in added.stderr
    index_file = tmp_path / "collections" / "coll" / "indexes" / "index.cdxj"
    rows = [line.split(" ", 2) for line in index_file.read_text().splitlines()]
    assert sorted((key, stamp, json.loads(fields)["filename"]) for key, stamp, fields in rows) == [
        ("com,example)/a", "20170101000000", "named-cdx-0.warc.gz"),
        ("com,example)/a", "20170101000000", "named-cdx-gz-0.warc.gz")]
