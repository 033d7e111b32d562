"""Posts found on listing pages whose theme no selector knows, and the next page by its number."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from archive_crawler.reading.posts import category_counts, find_posts, numbered_next, page_position
from archive_crawler.sites.profile import load_profile

BASE = "http://news.test"
URLS = load_profile("wordpress").urls


def article_link(url: str) -> str | None:
    return URLS.article_link(url) if url.startswith(BASE) else None


def page(main: str, url: str = f"{BASE}/category/world/") -> HtmlResponse:
    """A listing page: ``main`` beside a header, a menu, a sidebar of recent posts and a footer
    that all link to posts too."""
    chrome_post = f"{BASE}/2023/01/02/old-favourite/"
    markup = (
        f'<html><body class="archive has-sidebar no-widgets"><header><a href="{BASE}/">Home</a>'
        f'<h2><a href="{chrome_post}">Breaking: old favourite</a></h2></header>'
        f'<nav><a href="{BASE}/category/world/">World</a></nav><div class="page-body">{main}</div>'
        f'<div class="sidebar"><h3><a href="{chrome_post}">Old favourite</a></h3></div>'
        f'<footer><a href="{BASE}/about-us/">About</a></footer></body></html>')
    return HtmlResponse(url, body=markup.encode(), encoding="utf-8")


def module(slug: str, title: str, day: int, extra: str = "") -> str:
    url = f"{BASE}/2023/06/{day:02d}/{slug}/"
    return (f'<div class="tile"><a href="{url}"><img src="{BASE}/wp-content/uploads/{slug}.jpg"></a>'
            f'<h3 class="tile-head"><a href="{url}">{title}</a></h3>'
            f'<span class="when"><time datetime="2023-06-{day:02d}T10:00:00+03:00">June {day}</time></span>'
            f'<p>{extra}</p><a href="{BASE}/2023/06/">June archive</a></div>')


def test_posts_are_the_marked_links_of_the_main_area_each_in_its_block():
    main = (module("first-story", "First story", 3, f'See <a href="{BASE}/2023/06/01/third-story/">more</a>')
            + module("second-story", "Second story", 2) + module("third-story", "Third story", 1)
            + f'<ol class="most-read"><li><a href="{BASE}/2022/12/12/bare-link/">A bare link</a></li></ol>')
    posts = find_posts(page(main), article_link)
    assert [(post.url, post.title, post.published) for post in posts] == [
        (f"{BASE}/2023/06/03/first-story/", "First story", "2023-06-03T10:00:00+03:00"),
        (f"{BASE}/2023/06/02/second-story/", "Second story", "2023-06-02T10:00:00+03:00"),
        (f"{BASE}/2023/06/01/third-story/", "Third story", "2023-06-01T10:00:00+03:00"),
    ]
    assert [post.block.root.get("class") for post in posts[1:]] == ["tile", "tile"]


def test_a_page_without_marked_post_links_has_no_posts():
    main = f'<ul><li><a href="{BASE}/2023/06/03/a-story/">A story</a></li></ul>'
    assert find_posts(page(main), article_link) == []


def test_plain_links_are_posts_only_as_p_links():
    main = "".join(f'<div class="x"><h2><a href="{BASE}/?p={number}">Story {number}</a></h2>'
                   f'<a href="{BASE}/?page_id=4">A page</a><a href="{BASE}/?cat=3">World</a></div>'
                   for number in (12, 11))
    posts = find_posts(page(main, f"{BASE}/?cat=3"), article_link)
    assert [post.url for post in posts] == [f"{BASE}/?p=12", f"{BASE}/?p=11"]


def test_the_next_page_is_the_same_listing_numbered_one_more():
    assert page_position(f"{BASE}/category/world/page/3/") == (("/category/world", ()), 3)
    links = [f"{BASE}/category/world/", f"{BASE}/category/world/page/3/", f"{BASE}/category/sport/page/3/",
             f"{BASE}/category/world/page/2/?orderby=title"]
    assert numbered_next(f"{BASE}/category/world/page/2/", links) == [f"{BASE}/category/world/page/3/"]
    assert numbered_next(f"{BASE}/?cat=3&query-0-page=4", [f"{BASE}/?query-0-page=5&cat=3", f"{BASE}/?cat=3"]) \
        == [f"{BASE}/?query-0-page=5&cat=3"]
    assert numbered_next(f"{BASE}/", [f"{BASE}/?paged=2", f"{BASE}/page/3/"]) == [f"{BASE}/?paged=2"]


def test_category_widget_counts():
    markup = (f'<ul><li class="cat-item"><a href="{BASE}/category/world/">World</a> (12)</li>'
              f'<li><a href="{BASE}/category/sport/">Sport (1,204)</a></li>'
              f'<li><a href="{BASE}/category/arts/">Arts</a></li></ul>')
    response = HtmlResponse(f"{BASE}/", body=markup.encode(), encoding="utf-8")
    assert category_counts(response, {"world", "sport", "arts"}, URLS.category_slug) == {"world": 12, "sport": 1204}


def test_a_listing_of_one_post_keeps_its_block_inside_the_main_area():
    markup = (f'<html><body><div class="clock"><time datetime="2030-01-01">Today</time></div><main>'
              f'<div class="one">{module("only-story", "Only story", 4)}</div></main></body></html>')
    response = HtmlResponse(f"{BASE}/category/world/", body=markup.encode(), encoding="utf-8")
    [post] = find_posts(response, article_link)
    assert (post.title, post.published, post.block.root.tag) == ("Only story", "2023-06-04T10:00:00+03:00", "div")
