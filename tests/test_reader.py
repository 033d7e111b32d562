"""The article reader: one table of trust per field, the body chosen by evidence, records for any page."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.http import HtmlResponse

from archive_crawler.messages import ArticleContext, PageRejected, TruncatedPage
from archive_crawler.reading.checks import check_article_page, looks_cut_off
from archive_crawler.reading.fields import EXTRACTOR, FIELDS, MARKUP, STRUCTURED
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.rest import post_item
from archive_crawler.reading.workers import read_article
from archive_crawler.sites.profile import load_profile
from tests.crawl import PROJECT_ROOT, environment

STORY = [
    "The harbour authority reopened the northern quay on Monday after three weeks of repairs to the storm wall.",
    "Fishing crews had moored at the ferry pier since the storm, paying a daily fee the council has now refunded.",
    "Engineers found the old wall cracked along forty metres and rebuilt it on deeper piles, the port said.",
    "The council will review the harbour's flood plan in the spring, when the last of the repair bills are in.",
    "Traders on the quay said the closure had cost them most of the winter season and asked for a rent holiday.",
    "A second phase of work on the southern breakwater is due to start in June and last until the autumn.",
]
SIDEBAR = "".join(f"<li><a href='/other-{n}'>Another story about the town number {n} and its people</a></li>"
                  for n in range(30))


def html(body: str, head: str = "", body_class: str = "") -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Harbour Reopens | The Ledger</title>"
            f"{head}</head><body class='{body_class}'>{body}</body></html>")


def read(site: str, page: str, url: str = "https://ledger.test/news/harbour-reopens"):
    rules: dict[str, str] = {}
    response = HtmlResponse(url=url, body=page.encode("utf-8"), encoding="utf-8")
    reader = PageReader(load_profile(site), "https://ledger.test")
    return read_article(reader, response, ArticleContext(), rules=rules).item, rules


def paragraphs(texts) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


# -- the table of trust -------------------------------------------------------------------

def test_every_field_lists_each_rule_once_in_one_order():
    for field in FIELDS:
        names = [rule.name for rule in field.rules]
        assert len(names) == len(set(names)), field.name
        kinds = [rule.kind for rule in field.rules]
        # guesses come after what the page states about itself
        if EXTRACTOR in kinds:
            assert all(kind != MARKUP for kind in kinds[kinds.index(EXTRACTOR):]), field.name


def test_a_markup_first_profile_tries_its_selectors_before_the_json_ld():
    title = next(field for field in FIELDS if field.name == "title")
    structured_first = [rule.kind for rule in title.ordered(structured_first=True, with_extractor=False)]
    markup_first = [rule.kind for rule in title.ordered(structured_first=False, with_extractor=False)]
    assert structured_first.index(STRUCTURED) < structured_first.index(MARKUP)
    assert markup_first.index(MARKUP) < markup_first.index(STRUCTURED)
    assert sorted(structured_first) == sorted(markup_first)


def test_the_profile_decides_between_json_ld_and_the_headline_markup():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Quay reopens after repairs",'
            ' "datePublished": "2021-03-04T08:00:00+01:00"}</script>')
    page = html(f"<article><h1 class='entry-title'>Harbour Reopens</h1><div class='entry-content'>"
                f"{paragraphs(STORY)}</div></article>", head)
    generic, generic_rules = read("generic", page)
    aawsat, aawsat_rules = read("aawsat", page, "https://eng-archive.aawsat.com/a-writer/news/harbour-reopens")
    assert generic["title"] == "Quay reopens after repairs" and generic_rules["title"] == "json-ld headline"
    assert aawsat["title"] == "Harbour Reopens" and aawsat_rules["title"] == "selectors.title: h1.entry-title"
    assert generic["published"] == aawsat["published"] == "2021-03-04T08:00:00+01:00"


def test_a_date_finder_reads_a_date_only_the_text_gives_on_a_generic_page():
    page = html(f"<article><h1>Harbour Reopens</h1><p class='info'>Veröffentlicht am 04.03.2021</p>"
                f"{paragraphs(STORY)}</article>")
    item, rules = read("generic", page)
    assert item["published"] == "2021-03-04" and rules["published"] == "date finder"


@pytest.mark.parametrize(("byline", "authors"), [
    ("By TOM KRISHER, AP Auto Writer", ["TOM KRISHER"]),
    ("Von Anna Berger und Jonas Weiß", ["Anna Berger", "Jonas Weiß"]),
    ("Staff Reporter", ["Staff Reporter"]),
    ("By Staff Reporter", ["Staff Reporter"]),
    ("View all of Maeve O\u2019Neill's posts.", ["Maeve O'Neill"]),
    ("View all posts by Hana Saleh", ["Hana Saleh"]),
])
def test_bylines_give_people_or_a_desk_as_printed(byline, authors):
    page = html(f"<article><h1>Harbour Reopens</h1><p class='byline'>{byline}</p>{paragraphs(STORY)}</article>")
    item, _ = read("generic", page)
    assert item["authors"] == authors


def test_a_byline_word_on_a_line_of_its_own_is_no_name():
    page = html(f"<article><h1>Harbour Reopens</h1><div class='byline'><span class='label'>By</span>"
                f"<div class='names'>Mara Quist and Lena Fold</div></div>{paragraphs(STORY)}</article>")
    item, rules = read("generic", page)
    assert item["authors"] == ["Mara Quist", "Lena Fold"] and rules["authors"].startswith("selectors.byline")


def test_an_author_that_only_names_the_site_gives_way_to_the_byline():
    head = '<meta name="author" content="The Ledger"><meta property="og:site_name" content="The Ledger">'
    page = html(f"<article><h1>Harbour Reopens</h1><p class='byline'>By Mara Quist</p>{paragraphs(STORY)}</article>",
                head)
    item, rules = read("generic", page)
    assert item["authors"] == ["Mara Quist"] and rules["authors"].startswith("selectors.byline")


# -- WordPress's shared markup -----------------------------------------------------------------

BLOCK_THEME_HEAD = ('<meta property="og:site_name" content="The Ledger">'
                    '<meta property="article:section" content="Harbours">')
BLOCK_THEME_HEADER = '<header><h1 class="site-title"><a href="https://ledger.test/" rel="home">The Ledger</a></h1></header>'


def test_a_block_theme_page_gives_its_post_title_and_every_visible_category():
    terms = ('<div class="taxonomy-category"><a href="https://ledger.test/news/category/harbours/" rel="tag">Harbours</a>'
             '<a href="https://ledger.test/?cat=7" rel="tag">Weather</a></div>'
             '<div class="taxonomy-post_tag"><a href="https://ledger.test/tag/storms/" rel="tag">storms</a></div>')
    page = html(f"{BLOCK_THEME_HEADER}<main><h1>Harbour Reopens</h1>{terms}"
                f"<div class='entry-content'>{paragraphs(STORY)}</div></main>", BLOCK_THEME_HEAD)
    item, rules = read("wordpress", page)
    assert item["title"] == "Harbour Reopens", rules["title"]
    assert (item["category"], item["categories"], item["tags"]) == ("Harbours", ["Harbours", "Weather"], ["storms"])


def test_a_heading_naming_the_site_is_no_title_even_when_the_title_element_names_both():
    page = html(f"{BLOCK_THEME_HEADER.replace('<a ', '<span ').replace('</a>', '</span>')}"
                f"<main><h2>Harbour Reopens</h2><div class='entry-content'>{paragraphs(STORY)}</div></main>",
                '<meta property="og:site_name" content="The Ledger">')
    item, _ = read("wordpress", page)
    assert item["title"] == "Harbour Reopens"


@pytest.mark.parametrize("featured", [
    '<div class="featured-media"><img class="attachment-large wp-post-image" src="/quay.jpg" alt="">'
    '<span class="image-caption">The rebuilt storm wall at dawn.</span></div>',
    '<figure class="post-thumb"><img class="wp-post-image" src="/quay.jpg" alt="">'
    '<div class="thumb-caption">The rebuilt storm wall at dawn.</div></figure>',
    '<div class="hero"><img class="wp-post-image" src="/quay.jpg" alt=""></div>'
    '<p class="hero-caption">The rebuilt storm wall at dawn.</p>',
])
def test_the_featured_image_caption_is_read_wherever_the_theme_puts_it(featured):
    text = paragraphs(STORY[:2]) + ('<div class="wp-caption"><img src="/crane.jpg" alt="">'
                                    '<p class="wp-caption-text">A crane in the text.</p></div>') + paragraphs(STORY[2:])
    item, _ = read("wordpress", html(f"<article><h1 class='entry-title'>Harbour Reopens</h1>{featured}"
                                     f"<div class='entry-content'>{text}</div></article>"))
    assert item["image_caption"] == "The rebuilt storm wall at dawn."


def test_an_author_only_an_author_box_names_joins_the_byline():
    box = ('<div class="co-authors-box"><a href="https://ledger.test/author/mquist/">Mara Quist</a>'
           '<a href="https://ledger.test/author/lfold/"><img src="/lena.jpg" alt=""></a>'
           '<a href="https://ledger.test/?author=9">View all posts by Lena Fold</a></div>')
    page = html(f"<article><h1 class='entry-title'>Harbour Reopens</h1><span class='byline'>By <span class='author vcard'>"
                f"<a href='https://ledger.test/author/mquist/'>Mara Quist</a></span></span>"
                f"<div class='entry-content'>{paragraphs(STORY)}</div>{box}</article>")
    item, _ = read("wordpress", page)
    assert item["authors"] == ["Mara Quist", "Lena Fold"]
    assert "Lena" not in item["body"]


NO_STORY_BLOCKS = [
    '<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3><p>Quay tolls to rise</p></div>',
    '<h3>Related Posts:</h3><ul><li><a href="/quay-tolls">Quay tolls to rise in the spring</a></li></ul>',
    '<div class="yarpp yarpp-related"><p>Ferry timetable changes</p></div>',
    '<div class="author-box"><p>Author: Mara Quist</p><p>Mara Quist covers the port for the paper.</p></div>',
    '<div class="saboxplugin-wrap"><p>Lena Fold</p><p>Lena writes about the coast.</p></div>',
    '<blockquote class="twitter-tweet"><p>The quay is open again!</p>&mdash; Port (@port) '
    '<a href="https://twitter.com/port/status/1">March 1, 2021</a></blockquote>',
    '<blockquote class="instagram-media"><p>A post shared by the port</p></blockquote>',
    '<div class="ad-slot"><span class="ad-label">- Advertisement -</span></div>',
    '<p>- Advertisement -</p>',
    '<div class="newsletter-signup"><p>Get the morning briefing in your inbox</p></div>',
]


@pytest.mark.parametrize("block", NO_STORY_BLOCKS)
def test_blocks_that_are_no_story_leave_a_wordpress_body(block):
    text = paragraphs(STORY[:3]) + block + paragraphs(STORY[3:])
    item, _ = read("wordpress", html(f"<article><h1 class='entry-title'>Harbour Reopens</h1>"
                                     f"<div class='entry-content'>{text}</div></article>"))
    assert item["body"] == "\n\n".join(STORY)


def test_inspection_names_the_blocks_left_out_of_the_body():
    text = paragraphs(STORY[:3]) + "".join(NO_STORY_BLOCKS[1:4]) + paragraphs(STORY[3:])
    page = html(f"<article><h1 class='entry-title'>Harbour Reopens</h1><div class='entry-content'>{text}</div></article>")
    reader = PageReader(load_profile("wordpress"), "https://ledger.test")
    response = HtmlResponse(url="https://ledger.test/harbour-reopens/", body=page.encode(), encoding="utf-8")
    left_out = dict(reader.candidates(response, ArticleContext()))["left out of the body"]
    assert left_out == [("a heading of links to other stories", "Related Posts:"),
                        ("the list under that heading", "Quay tolls to rise in the spring"),
                        ("<div> marked 'yarpp'", "Ferry timetable changes"),
                        ("<div> marked 'author-box'", "Author: Mara Quist Mara Quist covers the port for the paper.")]


def test_a_list_after_an_ordinary_paragraph_stays_in_the_body():
    text = paragraphs(STORY[:3]) + "<p>Related to the repairs, the port listed:</p><ul><li>a new wall</li></ul>"
    item, _ = read("wordpress", html(f"<article><h1 class='entry-title'>Harbour Reopens</h1>"
                                     f"<div class='entry-content'>{text}</div></article>"))
    assert item["body"].endswith("Related to the repairs, the port listed:\n\na new wall")


def test_blocks_that_are_no_story_leave_a_rest_api_post():
    content = paragraphs(STORY[:3]) + "".join(NO_STORY_BLOCKS) + paragraphs(STORY[3:])
    post = {"id": 7, "link": "https://ledger.test/harbour-reopens/", "title": {"rendered": "Harbour Reopens"},
            "content": {"rendered": content}}
    item = post_item(post, load_profile("wordpress"), "2021-03-01T00:00:00+00:00", "en")
    assert item.body == "\n\n".join(STORY)


# -- the body, by evidence --------------------------------------------------------------------

def test_a_container_holding_a_small_block_does_not_win_over_the_extractor():
    page = html(f"<nav><ul>{SIDEBAR}</ul></nav><article><h1>Harbour Reopens</h1>"
                f"<div itemprop='articleBody'><p>{STORY[0]}</p></div>{paragraphs(STORY[1:])}</article>")
    item, rules = read("generic", page)
    assert all(text in item["body"] for text in STORY)
    assert "Another story about the town" not in item["body"]
    assert rules["body"].startswith("extractor (")


def test_a_whole_container_wins_for_a_profile_that_trusts_its_containers():
    page = html(f"<aside class='sidebar'><ul>{SIDEBAR}</ul></aside><article><h1 class='entry-title'>Harbour Reopens"
                f"</h1><div class='entry-content'>{paragraphs(STORY)}<div class='sharedaddy'>Share this:</div></div>"
                "</article>")
    item, rules = read("wordpress", page)
    assert item["body"] == "\n\n".join(STORY)
    assert rules["body"].startswith("selectors.article_content: div.entry-content (the container holds")


def test_the_extractor_checks_a_container_holding_a_small_share_of_the_page():
    teaser = "Harbour works finish early."
    page = html(f"<div id='left-area'><article class='et_pb_post'><h1 class='entry-title'>Harbour Reopens</h1>"
                f"<div class='entry-content'><p>{teaser}</p></div><div class='story'>{paragraphs(STORY)}</div>"
                "</article></div>")
    item, rules = read("aawsat", page, "https://eng-archive.aawsat.com/a-writer/news/harbour-reopens")
    assert all(text in item["body"] for text in STORY)
    assert "holds only" in rules["body"] and rules["body"].startswith("extractor")


def test_a_site_profile_container_holding_the_story_needs_no_extractor():
    page = html(f"<div id='left-area'><article class='et_pb_post'><h1 class='entry-title'>Harbour Reopens</h1>"
                f"<div class='entry-content'>{paragraphs(STORY)}</div></article></div><div id='sidebar'>"
                f"<ul>{SIDEBAR[:600]}</ul></div>")
    item, rules = read("aawsat", page, "https://eng-archive.aawsat.com/a-writer/news/harbour-reopens")
    assert item["body"] == "\n\n".join(STORY)
    assert rules["body"] == "selectors.article_content: div.entry-content (the extractor was not needed)"


def test_a_wrapper_marked_like_a_widget_still_gives_its_text():
    page = html(f"<div class='main section'><div class='widget Blog'><h3 class='post-title'>Harbour Reopens</h3>"
                f"<div class='post-body entry-content'>{paragraphs(STORY)}</div></div></div>"
                f"<div class='sidebar'><div class='widget'>Archive: 2021 (12)</div></div>")
    item, _ = read("wordpress", page)
    assert item["body"] == "\n\n".join(STORY)


# -- a record for every page of a list -----------------------------------------------------------

def test_a_forum_page_without_article_markup_gives_a_record():
    posts = "".join(f"<tr><td class='author'>user{n}</td><td class='post'>{text}</td></tr>"
                    for n, text in enumerate(STORY))
    item, _rules = read("generic", html(f"<table class='forum'>{posts}</table>"))
    assert sum(text in item["body"] for text in STORY) >= 4 and item["title"]


def test_a_listing_page_gives_a_record_for_the_generic_profile_only():
    entries = "".join(f"<article class='post'><h2 class='entry-title'><a href='/s{n}'>Story {n}</a></h2>"
                      f"<p>{text}</p></article>" for n, text in enumerate(STORY))
    page = html(entries, body_class="archive category")
    item, _ = read("generic", page)
    assert STORY[0] in item["body"]
    with pytest.raises(PageRejected) as rejected:
        read("wordpress", page)
    assert rejected.value.reason == "listing_page"


@pytest.mark.parametrize(("ending", "cut"), [
    (b"<p>The harbour reopened</p></body></html>", False),
    (b"<p>The harbour reopened</p></body>\n", False),
    (b"<p>The harbour reopened</p>\n<script src='/a.js'></script>\n", False),
    (b"<p>The harbour reopened</p>\n<!-- cached at 2023-11-06 -->", False),
    (b"<p>The harbour reop", True),
    (b"<div class='entry-content'><p>The harbour reopened</p>", True),
])
def test_a_page_is_cut_off_only_when_it_ends_inside_its_content(ending, cut):
    body = b"<html><head><title>t</title></head><body>" + b"<p>x</p>" * 50 + ending
    assert looks_cut_off(body) is cut
    response = HtmlResponse(url="https://ledger.test/a", body=body, encoding="utf-8")
    if cut:
        with pytest.raises(TruncatedPage):
            check_article_page(response, load_profile("generic"))
    else:
        check_article_page(response, load_profile("generic"))


def test_inspect_shows_every_body_candidate_and_the_winner(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(html(f"<article><h1>Harbour Reopens</h1><div itemprop='articleBody'><p>{STORY[0]}</p></div>"
                         f"{paragraphs(STORY[1:])}</article>"), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "inspect", "https://ledger.test/news/harbour-reopens", "-a", "site=generic",
         "--file", str(page)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=environment())
    assert completed.returncode == 0, completed.stderr[-2000:]
    candidates = [[*line.strip().removeprefix("* ").split(None, 1), line.strip().startswith("*")]
                  for line in completed.stdout.splitlines() if line.endswith(" characters")]
    assert [(rule.split(":")[0], won) for field, rule, won in candidates if field == "body"] == [
        ("selectors.article_content", False), ("extractor", True)]
    filled = completed.stdout.split("rules that filled each field:")[1]
    assert "body           extractor (the container holds" in filled


SELECTED = html("<article class='post  hentry'><h1 class='entry-title'>Harbour <em>Reopens</em></h1>"
                "<p class=\"post-meta\">by <a rel='author' href='/author/ann'>Ann Lee</a> in "
                "<a rel='category tag' href='/category/world/'>World</a></p><!-- a note -->"
                "<div class='entry-content'><p>One.</p><p>Two <b>bold</b>.</p></div>"
                "<span id='kicker' class='tag&#45;line\tkick-er'>Late edition</span></article>")


@pytest.mark.parametrize("query", [
    "h1.entry-title", ".post-meta a[rel~=category]", "a::attr(href)", "p::text", ".entry-content p",
    "xpath://a[re:test(@href, '^/cat')]", "xpath:count(//p)", "xpath:string(//h1)", "article", "nav a",
    # a query that needs a class or an id the page lacks finds nothing without a scan; the others run
    ".absent p", "#nowhere a", "h1.entry-title, .absent", ".absent, .entry-content p", "p:not(.post-meta)",
    "p:not(.absent)", ".post.hentry h1", "#kicker, .entry-content b", "#kicker", ".kick-er", ".kick", "[class~=hentry]",
    ".tag-line::text", "article:not(#gone) .entry-content p::text", "*:is(.absent) p",
])
def test_the_reader_selects_what_parsel_selects(query):
    from archive_crawler.reading.extract import first_hit, select, text_of
    from archive_crawler.reading.processors import clean_text

    response = HtmlResponse(url="https://ledger.test/a", body=SELECTED.encode("utf-8"), encoding="utf-8")
    article = response.css("article")[0]
    for where in (response, article):
        expected = where.xpath(query[6:]) if query.startswith("xpath:") else where.css(query)
        found = select(where, query)
        assert [type(one) for one in found] == [type(one) for one in expected]
        assert found.getall() == expected.getall()
        assert [one.root for one in found] == [one.root for one in expected]
        assert [text_of(one) for one in found] == [text_of(one) for one in expected]
        assert [one.attrib for one in found if hasattr(one.root, "attrib")] == \
            [one.attrib for one in expected if hasattr(one.root, "attrib")]
        inner = [one.xpath(".//text()").getall() for one in found]
        assert inner == [one.xpath(".//text()").getall() for one in expected]
        texts = [text for one in expected
                 if (text := clean_text(one.root if isinstance(one.root, str) else one.xpath("string()").get() or ""))]
        assert first_hit(where, [query]) == ((query, texts[0]) if texts else (None, None))


@pytest.mark.parametrize("query", ["p.post-meta", "xpath://a/@href", "xpath://a[re:test(@href, '^/cat')]"])
def test_running_a_query_keeps_no_memory(query):
    """A long crawl runs every query once or more per page: each run must leave nothing behind."""
    import tracemalloc

    from lxml import html as lxml_html

    from archive_crawler.reading.extract import evaluate

    pages = [lxml_html.document_fromstring(SELECTED.replace("Ann Lee", f"Writer {number}")) for number in range(20)]
    for page in pages:
        assert evaluate(page, query)  # every query finds something; warm up
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(150):
            for page in pages:
                evaluate(page, query)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = [stat for stat in after.compare_to(before, "filename") if "tracemalloc" not in stat.traceback[0].filename]
    # 3,000 runs: lxml 6.1 kept two blocks a run of a query compiled with namespaces
    assert sum(stat.count_diff for stat in kept) < 100


@pytest.mark.parametrize("where", ["article", "nav", "html"])
def test_breadcrumb_and_category_list_links_are_those_their_xpath_finds(where):
    from archive_crawler.reading.fields import BREADCRUMB_MARK, IN_CATEGORY_LIST, breadcrumb_links, in_category_list

    page = html("<nav aria-label='BreadCrumb'><a href='/'>Home</a><a href='/category/world/'>World</a></nav>"
                "<article><p id='breadcrumbs'><a href='/category/a/'>A</a> <span class='x crumbs'>"
                "<a href='/category/b/'>B</a></span></p><ul class='post-categories\tlist'><li>"
                "<a rel='tag' href='/topics/c/'>C</a></li></ul><div class='cat-linksx'><a href='/d/'>D</a></div>"
                "<p><a href='/e/'>E</a></p></article>")
    response = HtmlResponse(url="https://ledger.test/a", body=page.encode("utf-8"), encoding="utf-8")
    root = response if where == "html" else response.css(where)[0]
    expected = root.xpath(f".//a[ancestor::*[{BREADCRUMB_MARK}]]")
    assert [link.root for link in breadcrumb_links(root)] == [link.root for link in expected]
    assert len(expected) == (2 if where == "nav" else 4 if where == "html" else 2)
    for link in root.xpath(".//a"):
        assert in_category_list(link.root) == bool(link.xpath(IN_CATEGORY_LIST))


def test_a_query_is_run_only_on_pages_that_hold_the_classes_and_ids_it_needs():
    from archive_crawler.reading.extract import css_needs, may_match

    assert css_needs(".post-meta #byline a:not(.skip)::text, h1") == (
        (("class", "post-meta"), ("id", "byline")), ())
    assert css_needs("div[") is None  # unreadable: always run
    root = HtmlResponse(url="https://ledger.test/a", body=SELECTED.encode("utf-8"), encoding="utf-8").selector.root
    assert may_match(root, css_needs(".post-meta a")) and may_match(root, css_needs("#kicker"))
    assert not may_match(root, css_needs(".absent a, #kicker .absent"))
    assert may_match(root, css_needs(".absent, #kicker"))
