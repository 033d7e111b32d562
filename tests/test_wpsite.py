"""The WordPress replica itself: every door answers as configured and agrees with the expected records."""
from __future__ import annotations

import html
import http.client
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from parsel import Selector
from scrapy.utils.sitemap import Sitemap

from archive_crawler.reading.typography import texturize
from tests.wpsite import WpConfig, WpServer, build_wp_site
from tests.wpsite.config import DATE_PERMALINKS
from tests.wpsite.generic_pages import NOT_FOUND_URL, PDF_URL, generic_pages, write_pages_warc

RECORD_KEYS = {"site", "post_id", "url", "accepted_urls", "title", "published", "modified", "authors",
               "category", "categories", "tags", "image_caption", "image_credit", "image_url", "language",
               "media_id",
               "dateline", "source", "body", "word_count"}


def get(url: str) -> tuple[int, dict, bytes]:
    """GET without following redirects: status, lower-cased headers, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return answer


def get_json(url: str):
    status, headers, body = get(url)
    return status, headers, json.loads(body)


def walk_rest(site, **params) -> list[int]:
    """Post IDs from page 1 until the API answers 400."""
    ids, page = [], 1
    while True:
        status, _, posts = get_json(site.rest_url("/wp/v2/posts", page=page, **params))
        if status == 400:
            return ids
        ids += [p["id"] for p in posts]
        page += 1


def sitemap_locs(url: str) -> list[dict]:
    status, _, body = get(url)
    assert status == 200, url
    return list(Sitemap(body))


@pytest.fixture
def serve():
    servers = []

    def start(**overrides):
        overrides = {"posts": 40, "transient_500": (), **overrides}
        server = WpServer(build_wp_site(WpConfig(**overrides))).start()
        servers.append(server)
        return server.site, server

    yield start
    for server in servers:
        server.stop()


# ----- REST ---------------------------------------------------------------------------------------
def test_rest_pages_carry_totals_and_end_with_400(serve):
    site, _ = serve(posts=45)
    live = len(site.live_posts())
    seen = []
    for page in (1, 2, 3):
        status, headers, posts = get_json(site.rest_url("/wp/v2/posts", per_page=20, page=page))
        assert (status, headers["x-wp-total"], headers["x-wp-totalpages"]) == (200, str(live), "3")
        seen += [p["id"] for p in posts]
    assert seen == [r["post_id"] for r in site.expected_records()]
    status, _, error = get_json(site.rest_url("/wp/v2/posts", per_page=20, page=4))
    assert (status, error["code"]) == (400, "rest_post_invalid_page_number")
    assert get(site.rest_url("/wp/v2/posts", per_page=101))[0] == 400
    assert get(site.rest_url("/wp/v2/posts", orderby="colour"))[0] == 400


def test_post_objects_embed_and_fields(serve):
    site, _ = serve()
    record = next(r for r in site.expected_records() if r["image_url"] and len(r["authors"]) == 1)
    _, _, [post] = get_json(site.rest_url("/wp/v2/posts", include=record["post_id"], _embed=1))
    assert post["link"] == record["url"] and html.unescape(post["title"]["rendered"]) == record["title"]
    published = datetime.fromisoformat(record["published"])
    assert datetime.fromisoformat(post["date"] + site.config.timezone) == published
    assert datetime.fromisoformat(post["date_gmt"] + "+00:00") == published
    assert post["modified"] + site.config.timezone == record["modified"]
    embedded = post["_embedded"]
    assert [embedded["author"][0]["name"]] == record["authors"]
    categories, tags = embedded["wp:term"]
    assert [html.unescape(t["name"]) for t in categories] == record["categories"]
    assert [html.unescape(t["name"]) for t in tags] == record["tags"]
    media = embedded["wp:featuredmedia"][0]
    assert media["source_url"] == record["image_url"] and media["id"] == post["featured_media"]
    # rendered as WordPress renders it (typography included); the record keeps it as typed
    assert html.unescape(media["caption"]["rendered"]).startswith("<p>" + texturize(record["image_caption"]))
    _, _, [only_author] = get_json(site.rest_url("/wp/v2/posts", include=record["post_id"], _embed="author"))
    assert set(only_author["_embedded"]) == {"author"}
    fields = "id,link,title.rendered"
    _, _, [trimmed] = get_json(site.rest_url("/wp/v2/posts", include=record["post_id"], _fields=fields))
    assert trimmed == {"id": post["id"], "link": post["link"], "title": post["title"]}
    assert get_json(site.rest_url(f"/wp/v2/media/{media['id']}"))[2]["source_url"] == record["image_url"]
    joint = next(r for r in site.expected_records() if len(r["authors"]) == 2)
    _, _, [joint_post] = get_json(site.rest_url("/wp/v2/posts", include=joint["post_id"], _embed="author"))
    assert joint_post["_embedded"]["author"][0]["name"] == " and ".join(joint["authors"])


def test_rest_order_and_date_windows(serve):
    site, _ = serve()
    records = site.expected_records()
    pivot = records[10]
    _, _, newer = get_json(site.rest_url("/wp/v2/posts", per_page=100, after=pivot["published"]))
    assert [p["id"] for p in newer] == [r["post_id"] for r in records[:10]]
    _, _, older = get_json(site.rest_url("/wp/v2/posts", per_page=100, before=pivot["published"][:19]))
    assert [p["id"] for p in older] == [r["post_id"] for r in records[11:]]
    _, _, by_id = get_json(site.rest_url("/wp/v2/posts", per_page=100, orderby="id", order="asc"))
    assert [p["id"] for p in by_id] == sorted(r["post_id"] for r in records)
    _, _, changed = get_json(site.rest_url("/wp/v2/posts", per_page=100, modified_after=pivot["modified"]))
    assert {p["id"] for p in changed} == {r["post_id"] for r in records if r["modified"] > pivot["modified"]}


@pytest.mark.parametrize("mode, status, code", [("closed-401", 401, "rest_login_required"),
                                                ("closed-403", 403, "rest_forbidden"),
                                                ("missing-404", 404, "rest_no_route")])
def test_closed_rest_doors(serve, mode, status, code):
    site, _ = serve(rest=mode)
    for url in (site.rest_url("/"), site.rest_url("/wp/v2/posts"), f"{site.home}/?rest_route=/wp/v2/posts"):
        got_status, _, error = get_json(url)
        assert (got_status, error["code"]) == (status, code)


def test_security_plugin_answers_html_where_json_is_expected(serve):
    site, _ = serve(rest="html")
    status, headers, body = get(site.rest_url("/wp/v2/posts"))
    assert status == 200 and headers["content-type"].startswith("text/html") and body.startswith(b"<!DOCTYPE")


def test_lying_totals_and_early_stops(serve):
    site, _ = serve(rest="lying-total", rest_shortfall=5)
    live = len(site.live_posts())
    _, headers, _ = get(site.rest_url("/wp/v2/posts"))
    assert int(headers["x-wp-total"]) == live - 5
    assert len(walk_rest(site)) == live  # the pages go on past what the headers promise
    site, _ = serve(rest="stops-early", rest_shortfall=5)
    _, headers, _ = get(site.rest_url("/wp/v2/posts"))
    assert int(headers["x-wp-total"]) == live
    assert len(walk_rest(site, per_page=7)) == live - 5


# ----- sitemaps and robots.txt ----------------------------------------------------------------------
def test_core_sitemaps(serve):
    site, server = serve(posts=45, core_sitemap_size=20, robots_sitemaps=True)
    index = sitemap_locs(f"{site.home}/wp-sitemap.xml")
    post_files = [e["loc"] for e in index if "posts-post" in e["loc"]]
    assert post_files == [f"{site.home}/wp-sitemap-posts-post-{n}.xml" for n in (1, 2, 3)]
    entries = [e for url in post_files for e in sitemap_locs(url)]
    assert len(entries) == 45 and not any("lastmod" in e for e in entries)
    records = {r["url"] for r in site.expected_records()}
    [dead] = {e["loc"] for e in entries} - records
    assert get(dead)[0] == 404
    others = [e["loc"] for e in index if e["loc"] not in post_files]
    assert not records & {e["loc"] for url in others for e in sitemap_locs(url)}
    robots = get(server.root_url + "/robots.txt")[2].decode()
    assert f"Sitemap: {site.home}/wp-sitemap.xml" in robots and "Allow: /wp-admin/admin-ajax.php" in robots


def test_yoast_sitemaps_have_lastmod_and_numbered_files(serve):
    site, server = serve(posts=45, sitemaps="yoast", yoast_sitemap_size=20, crawl_delay=5)
    index = [e["loc"] for e in sitemap_locs(f"{site.home}/sitemap_index.xml")]
    posts = [f"{site.home}/post-sitemap{n}.xml" for n in ("", 2, 3)]
    assert index[:3] == posts and f"{site.home}/category-sitemap.xml" in index
    entries = [e for url in posts for e in sitemap_locs(url)]
    assert len(entries) == 45 and all(e["lastmod"].endswith("+00:00") for e in entries)
    assert get(f"{site.home}/wp-sitemap.xml")[0] == 404
    robots = get(server.root_url + "/robots.txt")[2].decode()
    assert "Crawl-delay: 5" in robots and f"Sitemap: {site.home}/sitemap_index.xml" in robots


def test_no_sitemaps(serve):
    site, server = serve(sitemaps="none")
    assert get(f"{site.home}/wp-sitemap.xml")[0] == get(f"{site.home}/sitemap_index.xml")[0] == 404
    assert "Sitemap:" not in get(server.root_url + "/robots.txt")[2].decode()


# ----- URLs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("permalinks, shape", [
    (DATE_PERMALINKS, r"/news/\d{4}/\d\d/\d\d/[a-z0-9-]+/"), ("/%postname%/", r"/news/[a-z0-9-]+/"),
    ("/%category%/%postname%/", r"/news/(world|business|politics|sport|culture|science-technology)/[\w-]+/"),
    ("plain", r"/news/\?p=\d+")])
def test_permalinks_under_a_subfolder(serve, permalinks, shape):
    site, server = serve(permalinks=permalinks, subfolder="/news", sitemaps="core")
    assert server.base_url == server.root_url + "/news"
    for record in site.expected_records()[:3]:
        assert re.fullmatch(re.escape(server.root_url) + shape, record["url"])
        assert get(record["url"])[0] == 200
    assert "Disallow: /news/wp-admin/" in get(server.root_url + "/robots.txt")[2].decode()
    assert get(site.rest_url("/wp/v2/posts"))[0] == 200
    assert get(f"{site.home}/?rest_route=/wp/v2/posts")[0] == 200
    index = f"{site.home}/wp-sitemap.xml" if permalinks != "plain" else f"{site.home}/?sitemap=index"
    assert len(sitemap_locs(index)) >= 4
    if permalinks == "plain":
        assert get(f"{site.home}/wp-json/wp/v2/posts")[0] == 404


def test_shortlinks_redirect_to_the_permalink(serve):
    site, _ = serve()
    post = site.live_posts()[5]
    status, headers, _ = get(site.shortlink(post))
    assert (status, headers["location"]) == (301, site.permalink(post))
    status, headers, _ = get(site.permalink(post).rstrip("/"))
    assert (status, headers["location"]) == (301, site.permalink(post))
    site, _ = serve(permalinks="plain")
    post = site.live_posts()[5]
    status, _, body = get(site.shortlink(post))
    assert status == 200 and f'rel="canonical" href="{site.home}/?p={post.id}"' in body.decode()


def test_non_post_urls_answer_without_being_posts(serve):
    site, _ = serve()
    post = next(p for p in site.live_posts() if p.featured)
    for url in (site.attachment_link(post.featured), site.amp_link(post), site.feed_link(post),
                site.feed_link(), site.page_link(site.pages[0]),
                site.term_link((post.tags or post.categories)[0]),
                site.author_link(post.author), site.date_link(f"{post.date:%Y}", f"{post.date:%m}"),
                f"{site.home}/?s=plan", site.rest_url("/oembed/1.0/embed", url=site.permalink(post))):
        assert get(url)[0] == 200, url
    status, headers, _ = get(site.with_query(site.permalink(post), share="twitter", nb=1))
    assert status == 302 and headers["location"].startswith("https://twitter.com/")
    assert get(f"{site.home}/no-such-thing/")[0] == 404
    assert f'rel="canonical" href="{site.permalink(post)}"' in get(site.amp_link(post))[2].decode()


def test_transient_failures_answer_500_once(serve):
    site, server = serve(transient_500=("post:3", "listing:2", "rest:2"))
    for url in (site.expected_records()[2]["url"], site.paged(site.home + "/", 2),
                site.rest_url("/wp/v2/posts", per_page=5, page=2, _embed=1)):
        assert [get(url)[0], get(url)[0]] == [500, 200], url
    assert len(server.requests) == 6
    server.reset_requests()
    assert server.requests == []


# ----- ground truth and themes -----------------------------------------------------------------------
def test_expected_records_are_unique_and_complete(serve):
    site, _ = serve(posts=120, dead_posts=2)
    records = site.expected_records()
    assert len(records) == 118 and all(set(r) == RECORD_KEYS for r in records)
    assert len({r["url"] for r in records}) == len({r["post_id"] for r in records}) == 118
    assert all(r["word_count"] == len(r["body"].split()) for r in records)
    assert all(r["published"].endswith("+03:00") and r["language"] == "en-US" for r in records)
    assert any(len(r["authors"]) == 2 for r in records) and any(r["source"] for r in records)
    assert any(r["image_url"] is None for r in records) and any(len(r["categories"]) == 2 for r in records)
    assert not any("Read more" in r["body"] or "Share this" in r["body"] for r in records)
    dead = [p for p in site.posts if p.dead]
    listed = b"".join(get(site.paged(site.home + "/", n))[2] for n in range(1, 13))
    assert all(get(site.permalink(p))[0] == 404 and site.permalink(p).encode() in listed for p in dead)
    assert not {p.id for p in dead} & set(walk_rest(site, per_page=100))


# What each theme shows of a post: field -> CSS query, as its markup is documented.
READERS = {
    "classic": {"title": "h1.entry-title", "published": "time.entry-date.published::attr(datetime)",
                "authors": "span.byline .author.vcard a.url.fn.n",
                "categories": "span.cat-links a[rel~=category]",
                "tags": "span.tags-links a[rel~=tag]", "caption": ".post-thumbnail p.wp-caption-text",
                "body": "div.entry-content > p"},
    "magazine": {"title": "h1.post-title",
                 "published": "meta[property='article:published_time']::attr(content)",
                 "byline": "div.meta", "tags": "meta[property='article:tag']::attr(content)",
                 "section": "meta[property='article:section']::attr(content)",
                 "caption": "figure.featured-image figcaption", "body": "div.article-body > p"},
    "legacy": {"title": "div.post > h2", "published": "abbr.published::attr(title)",
               "byline": "a[rel=author]",
               "categories": "p.postmetadata a[rel~=category]", "tags": "p.tags a[rel~=tag]",
               "caption": "div.entry > div.wp-caption:first-child p", "body": "div.entry > p:not([class])"},
}


def read_post(theme: str, page: str) -> dict:
    selector = Selector(text=page)
    found = {field: [m.get() if "::attr" in query else " ".join(m.xpath("string()").get().split())
                     for m in selector.css(query)] for field, query in READERS[theme].items()}
    found["title"], found["published"] = found["title"][0], found["published"][0]
    if "byline" in found:  # "By A and B" or "A and B"
        found["authors"] = found.pop("byline")[0].removeprefix("By ").split(" and ")
    if theme == "magazine":
        graph = json.loads(selector.css("script.yoast-schema-graph::text").get())["@graph"]
        found["categories"] = graph[0]["articleSection"]
        assert found.pop("section") == found["categories"][:1]
        assert [node["name"] for node in graph if node["@type"] == "Person"] == found["authors"]
    found["image_url"] = selector.css("img.wp-post-image::attr(src)").get()
    found["body"] = "\n\n".join(p for p in found["body"] if not p.startswith("Read more:"))
    return found


@pytest.mark.parametrize("theme", ["classic", "magazine", "legacy"])
def test_themes_show_what_the_records_claim(serve, theme):
    site, _ = serve(theme=theme, posts=60)
    records = site.expected_records()
    picks = [next(r for r in records if test(r)) for test in (
        lambda r: len(r["authors"]) == 2, lambda r: r["source"], lambda r: r["image_url"] is None,
        lambda r: len(r["categories"]) == 2 and r["tags"])]
    for record in picks:
        body = get(record["url"])[2]
        found = read_post(theme, body.decode())
        for field in ("title", "published", "authors", "categories", "tags", "body", "image_url"):
            assert found[field] == record[field], (theme, field)
        if record["image_caption"]:
            [caption] = found["caption"]
            assert caption.startswith(record["image_caption"]) and record["image_credit"] in caption
        assert f'lang="{record["language"]}"' in body.decode()


def test_new_and_edited_posts_show_in_every_door(serve):
    site, _ = serve(sitemaps="both")
    before = site.clock
    new = site.add_new_posts(2)
    edited = site.edit_post(site.live_posts()[12].id)
    records = site.expected_records()
    assert [r["post_id"] for r in records[:2]] == [p.id for p in new]
    assert records[0]["published"] > before.isoformat()
    [edited_record] = [r for r in records if r["post_id"] == edited.id]
    assert edited_record["modified"] > records[0]["published"]
    assert edited_record["body"].split("\n\n")[-1].startswith("Update")
    home = get(site.home + "/")[2].decode()
    assert all(site.permalink(p) in home for p in new)
    assert [p["id"] for p in get_json(site.rest_url("/wp/v2/posts", per_page=2))[2]] == [p.id for p in new]
    changed = get_json(site.rest_url("/wp/v2/posts", modified_after=before.isoformat()))[2]
    assert {p["id"] for p in changed} == {edited.id} | {p.id for p in new}
    core = [e["loc"] for e in sitemap_locs(f"{site.home}/wp-sitemap-posts-post-1.xml")]
    yoast = sitemap_locs(f"{site.home}/post-sitemap.xml")
    assert set(core[-2:]) == {site.permalink(p) for p in new}
    assert yoast[-1]["loc"] == edited_record["url"]
    edited_utc = datetime.fromisoformat(edited_record["modified"]).astimezone(UTC)
    assert yoast[-1]["lastmod"] == edited_utc.isoformat()
    assert site.permalink(new[0]) in get(site.feed_link())[2].decode()
    page = read_post("classic", get(edited_record["url"])[2].decode())
    assert page["body"] == edited_record["body"]


# ----- generic pages --------------------------------------------------------------------------------
def test_generic_pages_and_their_warc(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    pages = generic_pages()
    assert 8 <= len(pages) <= 10 and len({p.url for p in pages}) == len(pages)
    for page in pages:
        words = len(page.expected["body"].split())
        assert 300 <= words <= 900, page.url
        visible = " ".join(Selector(text=page.html).xpath("string(//body)").get().split())
        assert all(" ".join(p.split()) in visible for p in page.expected["body"].split("\n\n")), page.url
    urls = write_pages_warc(tmp_path / "pages.warc.gz")
    assert urls == [p.url for p in pages] + [NOT_FOUND_URL, PDF_URL]
    with open(tmp_path / "pages.warc.gz", "rb") as stream:
        responses = {r.rec_headers.get_header("WARC-Target-URI"): r.http_headers.get_statuscode()
                     for r in ArchiveIterator(stream) if r.rec_type == "response"}
    assert responses[NOT_FOUND_URL] == "404" and responses[PDF_URL] == "200" and len(responses) == len(urls)
