"""Callback tests: pages fed straight to the spider, no server."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.crawler import AsyncCrawlerRunner, CrawlerRunner
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_reactor_settings

from archive_crawler.items import ArticleItem
from archive_crawler.messages import ArticleContext
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.urls import canonical_url
from archive_crawler.spiders.archive import ArchiveSpider
from archive_crawler.storage.archive import ArchiveStorage

BASE = "http://archive.test"


def make_spider(tmp_path, **arguments) -> ArchiveSpider:
    """A spider built as ``scrapy crawl`` builds it (spider first, then the settings applied), started."""
    settings = get_project_settings()
    settings.setdict({"ARCHIVE_STATE": str(tmp_path / "state.sqlite3"), "ARCHIVE_OUTPUT": str(tmp_path / "archive.jsonl"),
                      "ARCHIVE_PARSE_WORKERS": 0, "TELNETCONSOLE_ENABLED": False, **get_reactor_settings()},
                     priority="cmdline")
    runner = CrawlerRunner(settings) if is_reactor_installed() else AsyncCrawlerRunner(settings)
    crawler = runner.create_crawler(ArchiveSpider)
    crawler.spider = crawler._create_spider(base_url=BASE, **arguments)
    crawler._apply_settings()
    crawler.stats.open_spider()
    spider = crawler.spider
    assert [request.url for request in collect(spider.start())] == [f"{BASE}/"]
    return spider


@pytest.fixture
def spider(tmp_path):
    spider = make_spider(tmp_path)
    yield spider
    ArchiveStorage.of(spider.crawler).close()


def page(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def article_page(content: str, head: str = "", meta_wrapper: str = "<h1 class='entry-title'>Talks Resume</h1>",
                 after: str = "") -> str:
    return f"""<html><head><title>Talks Resume | ASHARQ AL-AWSAT English Archive 2005 -2017</title>{head}</head>
    <body><div id="et_mobile_nav_menu"><span class="select_page">Select Page</span></div>
    <div id="left-area"><article class="et_pb_post"><div class="et_post_meta_wrapper">{meta_wrapper}</div>
    <div class="entry-content">{content}</div>{after}</article></div>
    <div id="sidebar"><div class="widget"><a href="/tag/oil" rel="tag">Oil</a></div></div></body></html>"""


def collect(generator) -> list:
    """Everything an async callback yields."""
    async def run():
        return [output async for output in generator]

    return asyncio.run(run())


def parse(spider, html: str, url: str = f"{BASE}/a-writer/news-middle-east/talks-resume", listing=None) -> ArticleItem:
    fetch = Fetch(url, PageKind.ARTICLE, context=ArticleContext(**(listing or {})))
    items = collect(spider.parse(page(url, html), fetch=fetch))
    assert len(items) == 1
    return items[0]


def test_home_menu_gives_categories_with_display_names(spider):
    html = f"""<html><body><ul id="top-menu"><li><a href="{BASE}/">Home</a></li>
      <li><a href="{BASE}/category/news-middle-east">Middle East</a></li>
      <li><a href="{BASE}/category/features/">Features</a></li>
      <li><a href="https://english.aawsat.com/category/sports">Sports</a></li>
      <li><a href="{BASE}/members/login">Members</a></li></ul>
      <div class="widget_categories"><a href="{BASE}/category/opinion">Opinion (830)</a></div></body></html>"""
    requests = collect(spider.parse(page(f"{BASE}/", html), fetch=home()))
    assert [request.url for request in requests] == [
        f"{BASE}/category/news-middle-east", f"{BASE}/category/features/", f"{BASE}/category/opinion"]
    assert spider.navigator.categories == {"news-middle-east": "Middle East", "features": "Features",
                                           "opinion": "Opinion"}


def home() -> Fetch:
    return Fetch(f"{BASE}/", PageKind.HOME)


def test_home_without_menu_falls_back_to_known_categories(spider):
    requests = collect(spider.parse(page(f"{BASE}/", "<html><body>Nothing</body></html>"), fetch=home()))
    assert f"{BASE}/category/opinion" in [request.url for request in requests]
    assert spider.navigator.categories["news-middle-east"] == "Middle East"


LISTING = f"""<html><body><div id="left-area">
<article class="et_pb_post"><a class="entry-featured-image-url" href="{BASE}/w/opinion/one/attachment/pic"><img alt=""></a>
 <h2 class="entry-title"><a href="{BASE}/writer-a/opinion/one">One</a></h2>
 <p class="post-meta"> by <span class="author vcard"><a href="{BASE}/author/a">Nayef Al-Rasheed and Caroline Akoum</a></span>
 | <span class="published">Jun 27, 2014</span> | <a href="{BASE}/category/opinion" rel="category tag">Opinion</a></p>
 <p>Excerpt...</p></article>
<article class="et_pb_post"><h2 class="entry-title"><a href="{BASE}/?p=812">Two</a></h2></article>
<article class="et_pb_post"><h2 class="entry-title"><a href="{BASE}/writer-b/opinion/three?share=twitter">Three</a></h2></article>
<article class="et_pb_post"><h2 class="entry-title"><a href="https://elsewhere.test/x/y/z">Off</a></h2></article>
<article class="et_pb_post"><h2 class="entry-title"><a href="{BASE}/writer-b/opinion/three-2/">Three again</a></h2></article>
</div><div class="pagination clearfix"><div class="alignleft"><a href="{BASE}/category/opinion/page/3">« Older Entries</a></div>
<div class="alignright"><a href="{BASE}/category/opinion">Next Entries »</a></div></div></body></html>"""


def listing_fetch(number: int) -> Fetch:
    return Fetch(f"{BASE}/category/opinion/page/{number}", PageKind.LISTING, "opinion", number)


def test_listing_yields_articles_and_the_older_page(spider):
    spider.navigator.categories["opinion"] = "Opinion"
    requests = collect(spider.parse(page(f"{BASE}/category/opinion/page/2", LISTING), fetch=listing_fetch(2)))
    urls = [request.url for request in requests]
    assert urls == [
        f"{BASE}/writer-a/opinion/one",
        f"{BASE}/?p=812",
        f"{BASE}/writer-b/opinion/three",
        f"{BASE}/writer-b/opinion/three-2",
        f"{BASE}/category/opinion/page/3",
    ]
    first = requests[0].cb_kwargs["fetch"].context
    assert (first.title, first.authors, first.published, first.category) == (
        "One", "Nayef Al-Rasheed and Caroline Akoum", "Jun 27, 2014", "Opinion")
    second = requests[1].cb_kwargs["fetch"].context
    assert second.category is None and second.listing_categories == ("opinion",)  # from the listing page itself
    assert requests[3].priority < requests[2].priority
    following = requests[4].cb_kwargs["fetch"]
    assert (following.kind, following.category, following.page) == (PageKind.LISTING, "opinion", 3)


def test_last_listing_page_has_no_next_request(spider):
    spider.navigator.categories["opinion"] = "Opinion"
    html = LISTING.split('<div class="pagination')[0] + "</body></html>"
    requests = collect(spider.parse(page(f"{BASE}/category/opinion/page/9", html), fetch=listing_fetch(9)))
    assert all("/category/" not in request.url for request in requests)


def test_article_with_post_meta_caption_copies_and_share_buttons(spider):
    html = article_page(
        meta_wrapper="""<h1 class="entry-title">Talks &#34Resume&#34</h1>
          <p class="post-meta"> by <span class="author vcard"><a href="/author/x">Mina Haddad</a></span>
          | <span class="published">Mar 3, 2011</span> | <a href="/category/news-middle-east" rel="category tag">Middle East</a></p>""",
        content="""<p>Media ID: 55300123</p>
          <div class="wp-caption"><img alt="Delegates arrive at the &quot;talks&quot; (AFP Photo)">
            <p class="wp-caption-text">Delegates arrive at the \u201ctalks\u201d (AFP Photo)</p></div>
          <p><strong>Caption:</strong> Delegates  arrive at the "talks" (AFP Photo)</p>
          <p>Cairo, Asharq Al-awsat- Delegates\u00a0returned to the table on Monday.</p>
          <p>They spoke for an hour.\u200b</p>
          <div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
            <a href="?share=twitter">Twitter</a></div>
          <div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3><a href="/?p=3">Other</a></div>""",
        after='<div class="et_post_meta_wrapper"><a href="/tag/egypt" rel="tag">Egypt</a></div>',
        head='<link rel="canonical" href="/a-writer/news-middle-east/talks-resume">',
    )
    item = parse(spider, html, url=f"{BASE}/a-writer/news-middle-east/talks-resume?share=facebook")
    assert item.media_id == 55300123
    assert item.url == f"{BASE}/a-writer/news-middle-east/talks-resume"
    assert item.title == 'Talks "Resume"'
    assert item.published == "2011-03-03"
    assert item.authors == ["Mina Haddad"]
    assert item.category == "Middle East"
    assert item.tags == ["Egypt"]
    assert item.image_caption == "Delegates arrive at the \u201ctalks\u201d"
    assert item.image_credit == "AFP"
    assert (item.dateline, item.source) == ("Cairo", "Asharq Al-Awsat")
    assert item.body == "Cairo, Asharq Al-awsat- Delegates returned to the table on Monday.\n\nThey spoke for an hour."
    assert item.word_count == 15


def test_article_metadata_from_meta_tags_and_json_ld(spider):
    head = """<meta property="article:published_time" content="2015-02-01T08:30:00+03:00">
      <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle",
      "headline": "Talks Resume", "author": [{"@type": "Person", "name": "Sam Kerr"},
      {"@type": "Person", "name": "Lina Odeh"}], "articleSection": "Business"}]}</script>"""
    item = parse(spider, article_page("<p>London, Asharq Al-Awsat\u2014Markets rose.</p>", head=head),
                 listing={"authors": "Someone Else", "published": "Jan 31, 2015", "category": "Opinion"})
    assert item.published == "2015-02-01T08:30:00+03:00"
    assert item.authors == ["Sam Kerr", "Lina Odeh"]
    assert item.category == "Business"
    assert (item.dateline, item.source) == ("London", "Asharq Al-Awsat")
    assert item.media_id is None and item.image_caption is None and item.tags == []


def test_article_without_any_metadata_takes_the_listing_entry(spider):
    html = article_page("<p>Khobar- The port reopened.</p>", meta_wrapper="")
    item = parse(spider, html, listing={"title": "Port Reopens", "authors": "A and B",
                                        "published": "Jun 27, 2014", "category": "Features"})
    assert item.title == "Talks Resume"  # from <title>, suffix removed
    assert (item.authors, item.published, item.category) == (["A", "B"], "2014-06-27", "Features")
    assert item.url == f"{BASE}/a-writer/news-middle-east/talks-resume"


@pytest.mark.parametrize(
    ("content", "caption", "credit", "body"),
    [
        # caption only as a labelled paragraph
        ("<p>Caption: Smoke over the city. Reuters</p><p>Mosul \u2013 Troops advanced.</p>",
         "Smoke over the city.", "Reuters", "Mosul \u2013 Troops advanced."),
        # alt text repeated as a plain paragraph with other quotes
        ('<img alt="A \'rare\' meeting in Doha (EPA)"><p>A  \u2018rare\u2019 meeting in Doha (EPA)</p><p>Doha- Text.</p>',
         "A \u2018rare\u2019 meeting in Doha", "EPA", "Doha- Text."),
        # figure/figcaption markup
        ("<figure><img alt='x'><figcaption>Rescuers at work (AP Photo/Hussein Malla)</figcaption></figure><p>Text.</p>",
         "Rescuers at work", "AP", "Text."),
        # no image at all
        ("<p>Media ID: 55300999</p><p>Text only.</p>", None, None, "Text only."),
    ],
)
def test_caption_variants(spider, content, caption, credit, body):
    item = parse(spider, article_page(content))
    assert (item.image_caption, item.image_credit, item.body) == (caption, credit, body)


def test_double_escaped_entities_and_breaks(spider):
    html = article_page("<p>He said &amp;#34no&amp;#34 twice.<br>Then left.</p>",
                        meta_wrapper="<h1 class='entry-title'>A &amp;#34Firm&amp;#34 No</h1>")
    item = parse(spider, html)
    assert item.title == 'A "Firm" No'
    assert item.body == 'He said "no" twice.\n\nThen left.'


def test_author_slug_is_the_last_resort_for_the_byline(spider):
    html = article_page("<p>Khobar- The port reopened.</p>", meta_wrapper="")
    item = parse(spider, html, url=f"{BASE}/nayef-alrasheed-and-caroline-akkoum/features/port-reopens",
                 listing={"published": "Jun 27, 2014"})
    assert item.authors == ["Nayef Alrasheed", "Caroline Akkoum"]


def test_abbreviated_author_link_gives_way_to_its_title(spider):
    html = article_page("<p>Khobar- The port reopened.</p>", meta_wrapper="""<h1 class="entry-title">Port</h1>
      <p class="post-meta"> by <span class="author vcard"><a href="/author/omar-al-shammari"
      title="Posts by Omar Al-Shammari" rel="author">O. Al-Shammari</a></span></p>""")
    assert parse(spider, html).authors == ["Omar Al-Shammari"]


@pytest.mark.parametrize(
    ("canonical", "page_url", "expected"),
    [
        (f"{BASE}/a/cat/story/", f"{BASE}/a/other/story", f"{BASE}/a/cat/story"),
        (f"{BASE}/a/cat/story/", f"{BASE}/a/cat/story/", f"{BASE}/a/cat/story/"),
        (f"{BASE}/a/cat/story?x=1#top", f"{BASE}/a/cat/story", f"{BASE}/a/cat/story"),
        (None, f"{BASE}/a/cat/story?share=twitter", f"{BASE}/a/cat/story"),
    ],
)
def test_canonical_url(canonical, page_url, expected):
    assert canonical_url(canonical, page_url) == expected


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://syndication.example/world/talks-resume", f"{BASE}/a-writer/news-middle-east/talks-resume"),
        ("https://eng-archive.aawsat.com/a-writer/news-middle-east/talks", f"{BASE}/a-writer/news-middle-east/talks"),
        (f"{BASE}/a-writer/opinion/talks-resume", f"{BASE}/a-writer/opinion/talks-resume"),
    ],
    ids=["another-site", "the-real-site-of-a-mirror", "this-site"],
)
def test_a_canonical_elsewhere_is_not_the_pages_address(spider, canonical, expected):
    html = article_page("<p>Khobar- The port reopened.</p>", head=f'<link rel="canonical" href="{canonical}">')
    assert parse(spider, html).url == expected
