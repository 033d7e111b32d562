"""``published``: the instant a page gives in UTC is written with the site's own offset when the page
gives that form too; a time of another story never replaces it."""

from __future__ import annotations

import random

from scrapy.http import HtmlResponse

from archive_crawler.messages import ArticleContext
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.workers import read_article
from archive_crawler.sites.profile import load_profile
from tests.wpsite import text

URL = "https://eveningpost.test/news/2022/05/quay-vote"


def page(head: str, times: str) -> HtmlResponse:
    rng = random.Random(3)
    story = "".join(f"<p>{paragraph}</p>" for paragraph in text.paragraphs(rng, 6, "the port expansion"))
    html = (f'<html lang="en"><head><title>Quay vote passes | Evening Post</title>{head}</head><body>'
            f'<article><h1>Quay vote passes</h1>{times}{story}</article></body></html>')
    return HtmlResponse(URL, body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def published(response: HtmlResponse, site: str = "generic") -> str:
    reader = PageReader(load_profile(site), "https://eveningpost.test")
    return read_article(reader, response, ArticleContext()).item["published"]


UTC_META = '<meta property="article:published_time" content="2022-05-04T03:37:37+00:00">'


def test_a_utc_time_takes_the_offset_the_page_shows_its_readers():
    shown = '<time class="entry-date published" datetime="2022-05-03T23:37:37-04:00">May 3, 2022</time>'
    assert published(page(UTC_META, shown)) == "2022-05-03T23:37:37-04:00"
    assert published(page(UTC_META, shown), "wordpress") == "2022-05-03T23:37:37-04:00"
    json_ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
               '"headline": "Quay vote passes", "datePublished": "2022-05-04T03:37:37Z"}</script>')
    mail_form = '<meta name="date" content="Tue, 03 May 2022 23:37:37 -0400">'
    assert published(page(json_ld + mail_form, "")) == "2022-05-03T23:37:37-04:00"


def test_another_instant_on_the_page_is_not_taken():
    other_story = '<time datetime="2022-05-02T09:00:00-04:00">May 2</time>'  # a related story's time
    assert published(page(UTC_META, other_story)) == "2022-05-04T03:37:37+00:00"
    modified = '<meta property="article:modified_time" content="2022-05-03T23:50:00-04:00">'
    assert published(page(UTC_META + modified, "")) == "2022-05-04T03:37:37+00:00"
