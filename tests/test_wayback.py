"""Web-archive pieces on their own: CDX answers in both spellings, endless or cut answers, capture choice."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from archive_crawler.sources.wayback import Capture, CaptureIndex, Wayback, cdx_endpoint, parse_cdx, soft_error

SITE = "https://eng-archive.aawsat.com"


def ia_answer(rows, resume=None) -> bytes:
    names = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    body = [names] + [[f"key{i}", stamp, url, "text/html", status, "D", "1"] for i, (stamp, url, status) in
                      enumerate(rows)]
    if resume:
        body += [[], [resume]]
    return json.dumps(body).encode()


def pywb_answer(rows) -> bytes:
    return "\n".join(json.dumps({"urlkey": "k", "timestamp": stamp, "url": url, "mime": "text/html",
                                 "status": status}) for stamp, url, status in rows).encode()


def test_both_spellings_of_the_cdx_are_read():
    rows = [("20170301120000", f"{SITE}/a/b/c", "200"), ("20150101000000", f"http://www.{SITE[8:]}/a/b/c", "-")]
    for body, resume in ((ia_answer(rows, "next-key"), "next-key"), (pywb_answer(rows), None)):
        captures, count, key = parse_cdx(body)
        assert count == 2 and key == resume
        assert captures[0] == Capture("20170301120000", f"{SITE}/a/b/c", 200, "text/html")
        assert captures[1].status is None  # a revisit
    with pytest.raises(ValueError):
        parse_cdx(b"<html>not a CDX</html>")


def test_the_cdx_endpoint_is_derived_from_the_playback_root():
    assert cdx_endpoint("https://web.archive.org/web") == "https://web.archive.org/cdx/search/cdx"
    assert cdx_endpoint("http://127.0.0.1:8080/my-coll/") == "http://127.0.0.1:8080/my-coll/cdx"


def test_captures_of_one_page_under_its_variants_are_one_page():
    index = CaptureIndex(SITE)
    for url in (f"{SITE}/w/opinion/story", "http://www.eng-archive.aawsat.com/w/opinion/story/",
                f"{SITE}/w/opinion/story?share=twitter&utm_source=x", "https://elsewhere.test/w/opinion/story"):
        index.add(Capture("20170101000000" if "share" not in url else "20160101000000", url, 200))
    assert list(index.by_key) == ["eng-archive.aawsat.com/w/opinion/story"]
    assert len(index.candidates(f"{SITE}/w/opinion/story")) == 3
    assert index.pages() == [f"{SITE}/w/opinion/story"]


@pytest.mark.parametrize(("choice", "chosen"), [("latest", "20170301000000"), ("earliest", "20160101000000"),
                                                ("2016-02-01", "20160101000000"), ("2017-02-20", "20170301000000")])
def test_a_real_page_first_then_the_capture_asked_for(choice, chosen):
    index = CaptureIndex(SITE, choice)
    for stamp, status in (("20140101000000", 301), ("20160101000000", 200), ("20170301000000", 200),
                          ("20190101000000", 404), ("20180101000000", None)):
        index.add(Capture(stamp, f"{SITE}/a", status))
    ranked = index.candidates(f"{SITE}/a")
    assert ranked[0].timestamp == chosen
    assert [capture.status for capture in ranked[2:]] == [301, None, 404]


def test_an_error_page_served_with_200_is_told():
    body = b"<html><head><title>Page not found | Site</title></head><body class='error404'></body></html>"
    assert soft_error(HtmlResponse(url=f"{SITE}/a", body=body))
    assert not soft_error(HtmlResponse(url=f"{SITE}/a", body=b"<html><title>Talks go on</title><p>Text</p></html>"))


class CannedArchive(Wayback):
    """An archive whose CDX answers come from a function of the query: no network."""

    def __init__(self, answer, rows=3):
        stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
        super().__init__(None, stats, "http://archive.test/coll", None, "latest", page_rows=rows)
        self.answer, self.asked = answer, []

    async def query(self, url, extra=None):
        self.asked.append((url, dict(extra or {})))
        return self.answer(url, extra or {})


def test_a_cut_answer_is_asked_again_in_pieces():
    everything = [(f"2017010100000{i}", f"{SITE}/{path}", "200") for i, path in enumerate(["a/1", "a/2", "b/1", "c"])]

    def answer(url, extra):
        path = url.split("/", 1)[1] if "/" in url else None
        found = everything if path is None else [row for row in everything
                                                 if row[1][len(SITE) + 1:].startswith(path.rstrip("\\0"))]
        return pywb_answer(found[:3])  # pywb's limit cuts silently

    archive = CannedArchive(answer)
    index = CaptureIndex(SITE)
    asyncio.run(archive.enumerate(index))
    assert sorted(index.by_key) == sorted(f"eng-archive.aawsat.com/{p}" for p in ["a/1", "a/2", "b/1", "c"])
    assert archive.stats.get_value("archive/wayback/cdx_splits") >= 1


def test_a_resume_key_that_never_ends_is_not_followed_forever():
    def answer(url, extra):
        return ia_answer([("20170101000000", f"{SITE}/a", "200")], resume="the-same-key")

    archive = CannedArchive(answer, rows=100)
    index = CaptureIndex(SITE)
    asyncio.run(archive.enumerate(index))
    assert len(archive.asked) == 2  # the first page, then the key once: given again, it is not followed
    assert archive.stats.get_value("archive/wayback/cdx_loops") == 1


def test_a_malformed_answer_is_reported_not_followed():
    archive = CannedArchive(lambda url, extra: b"{not json", rows=100)
    index = CaptureIndex(SITE)
    asyncio.run(archive.enumerate(index))
    assert index.by_key == {} and archive.stats.get_value("archive/wayback/cdx_malformed") == 1
