"""WordPress terms and bylines wherever a theme puts them: categories and tags under bases of a
site's own (``/topics/politics/``), the home page's category links walked under them, categories
only a breadcrumb names, authors and categories only a meta line links to."""
from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from archive_crawler.messages import ArticleContext
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.workers import read_article
from archive_crawler.sites.profile import load_profile
from tests.test_reader import BLOCK_THEME_HEAD, BLOCK_THEME_HEADER, STORY, html, paragraphs, read
from tests.wpsite import WpConfig, build_wp_site
from tests.wpsite.themes import THEMES

BASE = "https://ledger.test/news"


def test_a_block_themes_term_lists_name_their_taxonomy_whatever_the_bases():
    """The post-terms block marks every link rel="tag"; its class says which are categories."""
    terms = (f'<div class="taxonomy-category wp-block-post-terms"><a href="{BASE}/topics/harbours/" rel="tag">Harbours'
             f'</a><span class="wp-block-post-terms__separator">, </span>'
             f'<a href="{BASE}/topics/world/weather/" rel="tag">Weather</a></div>'
             f'<div class="taxonomy-post_tag wp-block-post-terms"><a href="{BASE}/subjects/storms/" rel="tag">storms</a>'
             f'<a href="{BASE}/subjects/quay/" rel="tag">quay</a></div>')
    page = html(f"{BLOCK_THEME_HEADER}<main><h1>Harbour Reopens</h1>{terms}"
                f"<div class='entry-content'>{paragraphs(STORY)}</div></main>", BLOCK_THEME_HEAD)
    item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
    assert (item["category"], item["categories"], item["tags"]) == ("Harbours", ["Harbours", "Weather"],
                                                                     ["storms", "quay"]), rules


def test_a_themes_list_of_categories_marked_rel_tag_gives_categories():
    footer = (f'<footer class="entry-footer"><span class="cat-links">Filed under <a href="{BASE}/section/harbours/" '
              f'rel="tag">Harbours</a></span> <span class="tags-links"><a href="{BASE}/keyword/storms/" rel="tag">'
              f'storms</a></span></footer>')
    page = html(f"<article class='post'><h1 class='entry-title'>Harbour Reopens</h1><div class='entry-content'>"
                f"{paragraphs(STORY)}</div>{footer}</article>")
    item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
    assert (item["category"], item["categories"], item["tags"]) == ("Harbours", ["Harbours"], ["storms"]), rules


def home_menu(links: str) -> dict[str, tuple[str, str]]:
    page = html(f"<main>{links}</main>")
    response = HtmlResponse(url=f"{BASE}/", body=page.encode(), encoding="utf-8")
    return PageReader(load_profile("wordpress"), BASE).read_menu(response, home=True)


def test_the_home_pages_category_links_are_walked_under_the_sites_own_base():
    entries = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{BASE}/2023/06/post-{n}/">Post {n}</a></h2>'
        f'<span class="cat-links"><a href="{BASE}/section/{path}/" rel="category tag">{name}</a></span>'
        f'<span class="tags-links"><a href="{BASE}/keyword/storms/" rel="tag">storms</a></span></article>'
        for n, (path, name) in enumerate([("world/middle-east", "Middle East"), ("uncategorized", "Uncategorized"),
                                          ("world", "World")]))
    assert home_menu(entries) == {"world/middle-east": ("Middle East", f"{BASE}/section/world/middle-east/"),
                                  "uncategorized": ("Uncategorized", f"{BASE}/section/uncategorized/"),
                                  "world": ("World", f"{BASE}/section/world/")}


def test_category_links_where_the_profile_looks_for_them_are_read_as_before():
    entries = (f'<span class="cat-links"><a href="{BASE}/category/world/" rel="category tag">World</a>'
               f'<a href="{BASE}/elsewhere/odd/" rel="category tag">Odd</a></span>')
    assert home_menu(entries) == {"world": ("World", f"{BASE}/category/world/")}


def post_page(inside: str, before: str = "") -> str:
    return html(f"{before}<div class='story-module'><h1 class='story-headline'>Harbour Reopens</h1>{inside}"
                f"<div class='story-text'>{paragraphs(STORY)}</div></div>")


def test_a_category_only_a_breadcrumb_names_is_its_deepest_category_archive():
    crumbs = (f'<nav aria-label="Breadcrumb"><a href="{BASE}/">Home</a> &raquo; <a href="{BASE}/category/world/">World'
              f'</a> &raquo; <a href="{BASE}/category/world/middle-east/">Middle East</a> &raquo; '
              f'<a href="{BASE}/2023/06/harbour-reopens/">Harbour Reopens</a></nav>')
    item, rules = read("wordpress", post_page("", before=crumbs), f"{BASE}/2023/06/harbour-reopens/")
    assert (item["category"], item["categories"]) == ("Middle East", ["Middle East"]), rules
    home_only = f'<div class="breadcrumbs"><a href="{BASE}/">Home</a> &raquo; Harbour Reopens</div>'
    item, rules = read("wordpress", post_page("", before=home_only), f"{BASE}/2023/06/harbour-reopens/")
    assert (item["category"], item["categories"]) == (None, []), rules


def test_a_meta_line_names_the_authors_and_categories_it_links_to():
    meta = (f'<p class="post-meta">Posted on 12 June 2023 by <a href="{BASE}/author/ann-lee/">Ann Lee</a> and '
            f'<a href="{BASE}/?author=7">Bo Chan</a> in <a href="{BASE}/category/harbours/">Harbours</a>, '
            f'<a href="{BASE}/category/weather/">Weather</a> | <a href="{BASE}/tag/storms/">storms</a> | '
            f'<a href="{BASE}/2023/06/harbour-reopens/#comments">2 comments</a></p>')
    item, rules = read("wordpress", post_page(meta), f"{BASE}/2023/06/harbour-reopens/")
    assert item["authors"] == ["Ann Lee", "Bo Chan"], rules
    assert (item["category"], item["categories"]) == ("Harbours", ["Harbours", "Weather"]), rules


def test_a_byline_written_out_names_its_author():
    for line in ("Written by Ann Lee on June 12, 2023", "Posted by Ann Lee on June 12, 2023"):
        item, rules = read("wordpress", post_page(f'<div class="article-info">{line}</div>'),
                           f"{BASE}/2023/06/harbour-reopens/")
        assert item["authors"] == ["Ann Lee"], (line, rules)


def test_a_link_to_a_years_archive_dates_nothing():
    """A breadcrumb through the year's archive ("Home » 2023 » Harbours") is no publication date
    (the date finder reads a year alone as January 1st); a page that writes January 1st keeps it."""
    crumbs = (f'<p id="breadcrumbs"><a href="{BASE}/">Home</a> » <a href="{BASE}/2023/">2023</a> » '
              f'<a href="{BASE}/category/harbours/">Harbours</a> » <span>Harbour Reopens</span></p>')
    item, rules = read("wordpress", post_page("", before=crumbs), f"{BASE}/2023/06/harbour-reopens/")
    assert (item["published"], item["category"]) == (None, "Harbours"), rules
    item, rules = read("wordpress", post_page("<p>Filed on January 1, 2023</p>", before=crumbs),
                       f"{BASE}/2023/01/harbour-reopens/")
    assert item["published"] == "2023-01-01", rules


def test_an_image_caption_between_the_texts_paragraphs_is_no_featured_caption():
    inline = ('<div id="attachment_9" class="wp-caption aligncenter"><img src="https://ledger.test/wp-content/uploads/'
              'b.jpg" class="size-large wp-image-9"><p class="wp-caption-text">The old pier in 1961.</p></div>')
    text = f"<p>{STORY[0]}</p>{inline}<p>{STORY[1]}</p><p>{STORY[2]}</p>"
    page = html(f"<div class='story-module'><h1 class='story-headline'>Harbour Reopens</h1>"
                f"<div class='story-text'>{text}</div></div>")
    item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
    assert item["image_caption"] is None, rules
    featured = ('<div class="wp-caption"><img src="https://ledger.test/wp-content/uploads/a.jpg" class="wp-post-image">'
                '<p class="wp-caption-text">Crews on the rebuilt quay.</p></div>')
    page = html(f"<div class='story-module'><h1 class='story-headline'>Harbour Reopens</h1>{featured}"
                f"<div class='story-text'>{text}</div></div>")
    item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
    assert item["image_caption"] == "Crews on the rebuilt quay.", rules


def test_an_author_label_is_no_part_of_the_name():
    """The byline finder reads "Author: Ann Lee" without its colon; the label stays out of the names."""
    for line, names in (("Author: Ann Lee", ["Ann Lee"]), ("Authors: Ann Lee and Bo Chan", ["Ann Lee", "Bo Chan"])):
        page = html(f"<main><h1 class='wp-block-post-title'>Harbour Reopens</h1><p class='author-line'>{line}</p>"
                    f"<div class='entry-content'>{paragraphs(STORY)}</div></main>")
        item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
        assert item["authors"] == names, (line, rules)


@pytest.mark.parametrize(("written", "credit"), [("AFP", "AFP"), ("Reuters/Tom Rees", "Reuters"), ("Tom Rees", "Tom Rees")])
def test_a_credit_beside_the_featured_caption_is_its_credit(written, credit):
    featured = (f'<figure class="featured-media"><img class="wp-post-image" src="https://ledger.test/wp-content/uploads/'
                f'a.jpg"><figcaption>Crews on the rebuilt quay.</figcaption><div class="image-credit">{written}</div>'
                f'</figure>')
    page = html(f"<div class='story-module'><h1 class='story-headline'>Harbour Reopens</h1>{featured}"
                f"<div class='story-text'>{paragraphs(STORY)}</div></div>")
    item, rules = read("wordpress", page, f"{BASE}/2023/06/harbour-reopens/")
    assert (item["image_caption"], item["image_credit"]) == ("Crews on the rebuilt quay.", credit), rules




def test_a_line_listing_the_posts_terms_is_no_part_of_the_body():
    """The bulletin theme's tag line ("Topics: Trade, Energy"), under a class no profile names, is
    kept by the main-text extractor; it leaves the body (a paragraph only opening with a label stays:
    see ``term_line``)."""
    site = build_wp_site(WpConfig(posts=30, theme="bulletin", second_category_share=0.0))
    reader = PageReader(load_profile("wordpress"), site.home)
    expected = {record["post_id"]: record for record in site.expected_records()}
    tagged = [post for post in site.live_posts() if post.tags]
    assert len(tagged) > 10
    for post in tagged:
        page = THEMES["bulletin"].single(site, post)
        assert "Topics: " in page
        response = HtmlResponse(url=site.permalink(post), body=page.encode(), encoding="utf-8")
        item = read_article(reader, response, ArticleContext()).item
        assert (item["tags"], item["body"]) == (expected[post.id]["tags"], expected[post.id]["body"]), post.id
