"""The generic reader on saved real pages, against trafilatura on the same pages (``../shared/realpages-dev``).

Forty pages (the first by key) are read in process with the code a crawl's workers run, and scored
by the pages' README metric; the whole set goes through ``benchmarks/extraction.py``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse

from archive_crawler.messages import ArticleContext
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.workers import read_article
from archive_crawler.sites.profile import load_profile
from benchmarks.extraction import DEFAULT_PAGES, Page, Scores, author_set, fetched_url, load_pages, match_records

PAGES = 40


@pytest.fixture(scope="module")
def pages():
    if not (DEFAULT_PAGES / "truth.json").is_file():
        pytest.skip(f"no saved real pages at {DEFAULT_PAGES}")
    return load_pages(DEFAULT_PAGES, PAGES)


@pytest.fixture(scope="module")
def scores(pages):
    import trafilatura
    from trafilatura.metadata import extract_metadata

    reader, extractor = Scores("generic reader"), Scores("trafilatura")
    profile = load_profile("generic")
    for page in pages:
        content_type = f"text/html; charset={page.charset}" if page.charset else "text/html"
        response = HtmlResponse(url=fetched_url(page.url), body=page.html, headers={"Content-Type": content_type})
        parts = urlsplit(page.url)
        item = read_article(PageReader(profile, f"{parts.scheme}://{parts.netloc}"), response, ArticleContext()).item
        reader.records += bool(item["body"] and item["title"])
        reader.add(page.truth, item["body"], item["title"], item["published"], item["authors"])
        text = trafilatura.extract(page.html, include_comments=False, include_tables=True, include_formatting=False)
        metadata = extract_metadata(page.html.decode(page.charset or "utf-8", "replace"), default_url=page.url)
        extractor.records += text is not None
        extractor.add(page.truth, text, metadata.title, metadata.date, [metadata.author] if metadata.author else [])
    return reader, extractor


def test_every_page_gives_a_record(pages, scores):
    reader, _ = scores
    assert reader.records == len(pages)


def test_the_body_is_at_least_as_good_as_the_extractor_alone(scores):
    reader, extractor = scores
    precision, recall, f1, _ = reader.body()
    assert f1 >= extractor.body()[2] and f1 >= 0.9
    assert precision >= 0.85 and recall >= 0.9


def test_title_date_and_authors_are_at_least_as_good_as_the_extractor(scores):
    reader, extractor = scores
    for name in ("title", "date", "author"):
        assert reader.accuracy(name) >= extractor.accuracy(name), name
    assert reader.accuracy("date") >= 0.9 and reader.accuracy("author") >= 0.8


# -- the metric itself ---------------------------------------------------------------------------

@pytest.mark.parametrize(("annotated", "found", "same"), [
    ("Anna Berger und Jonas Weiß", ["Anna Berger", "Jonas Weiß"], True),
    ("Von Roland Brockmann", ["roland  brockmann"], True),
    ("Michael L. Anderson, PhD; Carlos Dobkin, PhD", ["Michael L. Anderson", "Carlos Dobkin"], True),
    ("dpa/lno", ["dpa"], False),
    ("Anna Berger", [], False),
])
def test_author_names_compare_as_the_readme_says(annotated, found, same):
    assert (author_set([annotated]) == author_set(found)) is same


def test_segments_count_as_the_readme_says():
    scores = Scores("x")
    truth = {"with": ["first  part", "missing"], "without": ["menu item", "footer"], "title": "T", "date": "2021-03-04",
             "author": ""}
    scores.add(truth, "The first part\nof the text, then a menu item.", "T", "2021-03-04T10:00:00+01:00", ["Someone"])
    assert (scores.true_positives, scores.false_negatives, scores.false_positives, scores.true_negatives) == (1, 1, 1, 1)
    assert scores.accuracy("title") == scores.accuracy("date") == 1.0 and scores.asked["author"] == 0


def test_records_find_their_pages_by_listed_or_canonical_address():
    head = b'<link rel="canonical" href="https://www.site.test/story/">'
    pages = [Page("a", "https://site.test/story?utm=1", head, {}), Page("b", "https://other.test/p.php?id=4", b"", {})]
    records = [{"url": "https://www.site.test/story"}, {"url": "https://other.test/p.php"}]
    found = match_records(pages, records)
    assert found == {"a": records[0], "b": records[1]}
