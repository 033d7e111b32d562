"""Quick checks of the archive replica itself (server, routing, expected records)."""
import hashlib
import html
import http.client
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.replica import ReplicaServer, build_site
from tests.replica.ledger import build_ledger_site
from tests.replica.routes import render_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(build_site()) as srv:
        srv.faults.clear()
        yield srv


def get(server, target, method="GET"):
    """One request without following redirects: (status, headers, text)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        conn.request(method, target)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8")
    finally:
        conn.close()


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_starts_on_free_port_and_serves_home(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url) and server.port > 0
    status, headers, body = get(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=UTF-8"
    assert '<ul id="top-menu" class="nav">' in body and "Select Page" in body
    assert f'href="{server.base_url}/category/features/"' in body
    assert f'href="{server.base_url}/members/login"' in body
    status, _, body = get(server, "/", method="HEAD")
    assert status == 200 and body == ""


def test_robots_txt(server):
    server.reset_requests()
    status, headers, body = get(server, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    for line in ["User-agent: *", "Disallow: /wp-admin/", "Disallow: /*?share=",
                 "Disallow: /members/", "Sitemap: "]:
        assert line in body
    assert server.requests == ["/robots.txt"]
    assert server.site.is_disallowed("/members/login")
    assert not server.site.is_disallowed("/wp-admin/admin-ajax.php")


def test_listing_paginates_to_a_404(server):
    site = server.site
    slug = "opinion"
    n_pages = site.listing_page_count(slug)
    assert 2 <= n_pages <= 4
    target = f"/category/{slug}"
    for page_no in range(1, n_pages + 1):
        status, _, body = get(server, target)
        assert status == 200
        assert body.count('class="et_pb_post post-') == min(10, len(site.category_entries(slug)) - 10 * (page_no - 1))
        assert ("Next Entries" in body) == (page_no > 1)
        older = re.search(r'<div class="alignleft"><a href="([^"]+)" >&laquo; Older Entries', body)
        if page_no < n_pages:
            target = path_of(older.group(1))
            assert target == f"/category/{slug}/page/{page_no + 1}"
        else:
            assert older is None
    assert get(server, f"/category/{slug}/page/{n_pages + 1}")[0] == 404


def test_shortlink_share_and_slash_forms(server):
    story = server.site.stories[10]
    url = server.base_url + story.path
    status, headers, _ = get(server, f"/?p={story.post_id}")
    assert status == 301 and headers["Location"] == url
    _, _, page = get(server, story.path)
    assert "<h1 class=\"entry-title\">" in page or "og:title" in page
    assert get(server, story.path + "?share=facebook")[2] == page
    assert get(server, story.path + "/")[2] == page
    dead = server.site.ghosts[0]
    assert get(server, dead.path)[0] == 404


def test_transient_failure_then_page():
    site = build_site(30, seed=3)
    with ReplicaServer(site) as srv:
        target, statuses = next((t, s) for t, s in site.transient_failures.items() if len(s) == 2)
        assert srv.faults[target] == statuses
        assert [get(srv, target)[0] for _ in range(3)] == [500, 500, 200]
        assert get(srv, target)[0] == 200
        assert srv.requests.count(target) == 4
        srv.faults["/about-us"] = [503]
        assert get(srv, "/about-us")[0] == 503 and get(srv, "/about-us")[0] == 200


def test_expected_records_unique_and_complete(server):
    records = server.site.expected_records()
    assert len(records) == 120
    urls = [r["url"] for r in records]
    media = [r["media_id"] for r in records if r["media_id"] is not None]
    assert len(set(urls)) == len(urls) and len(set(media)) == len(media)
    assert all(55283781 <= m <= 55385310 for m in media)
    keys = {"media_id", "url", "accepted_urls", "title", "published", "authors", "category",
            "tags", "image_caption", "image_credit", "dateline", "source", "body", "word_count"}
    assert all(set(r) == keys and r["url"] in r["accepted_urls"] for r in records)
    assert sum(len(r["accepted_urls"]) > 1 for r in records) >= 1
    for r in records:
        assert "Media ID" not in r["body"] and "Caption:" not in r["body"]
        assert get(server, path_of(r["url"]))[0] == 200


def test_build_is_deterministic():
    a, b = build_site(40, seed=11), build_site(40, seed=11)
    base = "http://127.0.0.1:1"
    assert a.expected_records(base) == b.expected_records(base)
    assert render_site(a, base)[0] == render_site(b, base)[0]
    assert build_site(40, seed=12).expected_records(base) != a.expected_records(base)


def test_new_stories_top_the_listings():
    site = build_site(30, seed=5)
    with ReplicaServer(site) as srv:
        before = len(site.expected_records())
        added = site.add_new_stories(3, seed=1)
        srv.rerender()
        assert len(site.expected_records()) == before + 3
        assert site.new_story_urls == [srv.base_url + s.path for s in added]
        newest = max(added, key=lambda s: s.published)
        _, _, body = get(srv, f"/category/{newest.category}")
        first = re.search(r'<article id="post-(\d+)"', body).group(1)
        assert int(first) == newest.post_id
        assert get(srv, newest.path)[0] == 200


def test_main_prints_the_serving_line():
    proc = subprocess.Popen([sys.executable, "-m", "tests.replica", "--stories", "20"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert re.fullmatch(r"Replica of the archive serving at http://127\.0\.0\.1:\d+/\n", line)
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# ----- variant 1: the same site with other markup choices ------------------------------------
def test_variant_0_is_the_default_and_variant_1_differs():
    base = "http://127.0.0.1:1"
    default = build_site(40, seed=11)
    v0, v1 = build_site(40, seed=11, variant=0), build_site(40, seed=11, variant=1)
    assert render_site(default, base)[0] == render_site(v0, base)[0]
    assert default.expected_records(base) == v0.expected_records(base)
    assert all(not s.look.categories and s.look.modified is None for s in v0.stories)   # no variant-1 choices
    # same stories (URLs, media IDs, authors, tags), other HTML
    same = ("url", "media_id", "authors", "category", "tags", "dateline", "source")
    assert [{k: r[k] for k in same} for r in v0.expected_records(base)] == \
        [{k: r[k] for k in same} for r in v1.expected_records(base)]
    pages0, pages1 = render_site(v0, base)[0], render_site(v1, base)[0]
    story = v1.stories[0]
    assert pages0[story.path][2] != pages1[story.path][2]
    with pytest.raises(ValueError):
        build_site(10, seed=1, variant=5)


def test_variant_1_builds_deterministically():
    base = "http://127.0.0.1:1"
    a, b = build_site(40, seed=11, variant=1), build_site(40, seed=11, variant=1)
    assert a.expected_records(base) == b.expected_records(base)
    assert render_site(a, base)[0] == render_site(b, base)[0]
    assert a.transient_failures == b.transient_failures
    a.add_new_stories(2, seed=1)
    b.add_new_stories(2, seed=1)
    assert a.expected_records(base) == b.expected_records(base)
    assert all(s.look.modified is not None for s in a.stories)   # every story has its variant-1 choices


@pytest.fixture(scope="module")
def server_v1():
    with ReplicaServer(build_site(variant=1)) as srv:
        srv.faults.clear()
        yield srv


def test_variant_1_expected_records_unique_and_served(server_v1):
    site = server_v1.site
    records = site.expected_records()
    assert len(records) == 120
    urls = [r["url"] for r in records]
    media = [r["media_id"] for r in records if r["media_id"] is not None]
    assert len(set(urls)) == len(urls) and len(set(media)) == len(media)
    credits = {r["image_credit"] for r in records if r["image_credit"]}
    assert credits <= {"AFP", "Reuters", "AP", "EPA", "SPA", "Getty Images"}
    for r in records:
        assert "Media ID" not in r["body"] and "Caption" not in r["body"]
        assert r["word_count"] == len(r["body"].split())
        caption = r["image_caption"]
        assert caption is None or ("(" not in caption and "AFP" not in caption
                                   and "Reuters" not in caption and "REUTERS" not in caption)
        status, _, page = get(server_v1, path_of(r["url"]))
        assert status == 200 and "Like this:" in page
    # every planned kind of markup occurs at least once
    looks = [s.look for s in site.stories]
    assert {s.look.caption for s in site.stories if s.image} >= {"figure", "figure_repeat", "alt_para",
                                                                 "label_para", "in_meta", "with_media"}
    assert {v.media for v in looks} >= {"meta", "bare", "strong", "nbsp", "with_caption"}
    assert {v.wrapper for v in looks} == {"plain", "builder", "div", "br"}
    assert {k for v in looks for k in v.kinds} == {"p", "h3", "quote"}
    assert any(len(v.categories) == 2 for v in looks) and any(v.utc for v in looks)


def test_variant_1_listings_end_with_a_slash(server_v1):
    site = server_v1.site
    slug = "opinion"
    n_pages = site.listing_page_count(slug)
    assert n_pages >= 2
    status, headers, _ = get(server_v1, f"/category/{slug}")
    assert status == 301 and headers["Location"] == f"{server_v1.base_url}/category/{slug}/"
    target, seen = f"/category/{slug}/", 0
    for page_no in range(1, n_pages + 1):
        status, _, body = get(server_v1, target)
        assert status == 200 and 'class="more-link"' in body
        seen += body.count('<article id="post-')
        older = re.search(r'<div class="alignleft"><a href="([^"]+)" >&laquo; Older Entries', body)
        if page_no < n_pages:
            target = path_of(older.group(1))
            assert target == f"/category/{slug}/page/{page_no + 1}/"
        else:
            assert older is None
    assert seen == len(site.category_entries(slug))
    assert get(server_v1, f"/category/{slug}/page/{n_pages + 1}/")[0] == 404
    # a post filed under two categories is listed under both, at one URL
    story = next(s for s in site.stories if len(s.categories) == 2)
    other = next(c for c in story.categories if c != story.category)
    assert any(e.story is story and e.path == story.path for e in site.category_entries(other))
    assert all(t.endswith("/") for t in site.transient_failures if t.startswith("/category/"))


def test_main_serves_variant_1():
    proc = subprocess.Popen([sys.executable, "-m", "tests.replica", "--stories", "20", "--variant", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"Replica of the archive serving at http://127\.0\.0\.1:(\d+)/\n", line)
        assert match
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=5)
        conn.request("GET", "/")
        body = conn.getresponse().read().decode("utf-8")
        conn.close()
        assert "et_pb_slider" in body and 'class="sub-menu"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# ----- variant 2: a third set of markup choices ---------------------------------------------
def _digest(pages) -> str:
    h = hashlib.sha256()
    for target in sorted(pages):
        status, headers, body = pages[target]
        h.update(repr((target, status, headers)).encode())
        h.update(body)
    return h.hexdigest()


def test_every_variant_renders_deterministically_and_differently():
    """The same seed gives the same bytes; every variant gives other bytes for the same stories."""
    base = "http://127.0.0.1:1"
    digests = {}
    for variant in range(5):
        site = build_site(40, seed=11, variant=variant)
        digests[variant] = _digest(render_site(site, base)[0])
        assert _digest(render_site(build_site(40, seed=11, variant=variant), base)[0]) == digests[variant]
    assert len(set(digests.values())) == 5


def test_variant_2_leaves_variants_0_and_1_unchanged():
    base = "http://127.0.0.1:1"
    for variant in (0, 1):
        site = build_site(40, seed=11, variant=variant)
        assert not any(s.look.utm or s.look.ld_z or s.look.social or s.look.postmeta_bare for s in site.stories)
    v0, v2 = build_site(40, seed=11), build_site(40, seed=11, variant=2)
    # the same posts (post IDs, media IDs, tags, categories); other HTML
    same = lambda s: (s.post_id, s.media_id, s.category, s.tags, s.published)   # noqa: E731
    assert [same(s) for s in v0.stories] == [same(s) for s in v2.stories]
    story = v2.stories[0]
    assert render_site(v0, base)[0][v0.stories[0].path][2] != render_site(v2, base)[0][story.path][2]


def test_variant_2_builds_deterministically():
    base = "http://127.0.0.1:1"
    a, b = build_site(60, seed=3, variant=2), build_site(60, seed=3, variant=2)
    assert a.expected_records(base) == b.expected_records(base)
    assert _digest(render_site(a, base)[0]) == _digest(render_site(b, base)[0])
    assert a.transient_failures == b.transient_failures
    a.add_new_stories(2, seed=1)
    b.add_new_stories(2, seed=1)
    assert a.expected_records(base) == b.expected_records(base)
    assert all(s.look.wrapper in ("plain", "builder", "builder2", "post_content") for s in a.stories)
    assert build_site(60, seed=4, variant=2).expected_records(base) != a.expected_records(base)


@pytest.fixture(scope="module")
def server_v2():
    with ReplicaServer(build_site(variant=2)) as srv:
        srv.faults.clear()
        yield srv


def test_variant_2_expected_records_unique_and_served(server_v2):
    site = server_v2.site
    records = site.expected_records()
    assert len(records) == 120
    urls = [r["url"] for r in records]
    media = [r["media_id"] for r in records if r["media_id"] is not None]
    assert len(set(urls)) == len(urls) and len(set(media)) == len(media)
    assert {r["image_credit"] for r in records if r["image_credit"]} <= {"AFP", "Reuters", "AP", "EPA", "SPA"}
    for story, r in zip(site.stories, records, strict=False):
        assert "Media ID" not in r["body"] and "Caption" not in r["body"] and "Photo:" not in r["body"]
        assert r["word_count"] == len(r["body"].split())
        assert (r["image_caption"] is None) == (r["image_credit"] is None)
        if story.image is not None and story.image.caption is None:
            assert r["image_caption"] is None
        if story.look.ld_z:
            assert r["published"].endswith("+00:00")
        if story.look.ld_created and not story.meta.og_time:
            assert len(r["published"]) == 10
        if story.byline.count(", ") == 1 and " and " in story.byline:   # "A, B and C"
            assert len(r["authors"]) == 3
        status, _, _page = get(server_v2, path_of(r["url"]))
        assert status == 200
    looks = [s.look for s in site.stories]
    assert {v.wrapper for v in looks} == {"plain", "builder", "builder2", "post_content"}
    assert {s.look.caption for s in site.stories if s.image} >= {"meta_text", "triple", "with_media", "none"}
    assert {s.look.media for s in site.stories if s.media_id} >= {"title", "span_caption", "p"}
    assert {k for v in looks for k in v.kinds} == {"p", "quote", "li"}
    assert any(v.ld_z for v in looks) and any(v.ld_created for v in looks) and any(v.ld_org_author for v in looks)
    assert any(v.postmeta_bare for v in looks) and any("&" in v.byline for v in looks)
    assert any(len(s.authors) == 3 for s in site.stories)
    assert any(r["dateline"] and r["dateline"].isupper() and r["source"] == "Asharq Al-Awsat" for r in records)


def test_variant_2_listings_utm_links_and_sticky_post(server_v2):
    site = server_v2.site
    STICKY_CATEGORY = site.markup.sticky_category
    sticky = site.sticky
    assert sticky is not None and sticky.category != STICKY_CATEGORY
    n_pages = site.listing_page_count(STICKY_CATEGORY)
    assert n_pages >= 2
    target, seen = f"/category/{STICKY_CATEGORY}", []
    for page_no in range(1, n_pages + 1):
        status, _, body = get(server_v2, target)
        assert status == 200
        ids = re.findall(r'<article id="post-(\d+)" class="et_pb_post clearfix', body)
        assert ids[0] == str(sticky.post_id) and ids.count(str(sticky.post_id)) == 1
        seen += ids[1:]
        older = re.search(r'<div class="alignleft"><a href="([^"]+)">&laquo; Older Entries', body)
        if page_no < n_pages:
            target = path_of(older.group(1))
        else:
            assert older is None
    assert len(seen) == len(site.category_entries(STICKY_CATEGORY))
    # links carrying ?utm_source=... serve the article itself
    story = next(s for s in site.stories if s.look.utm)
    index = next(i for i, e in enumerate(site.category_entries(story.category)) if e.story is story)
    page_no = index // 10 + 1
    listing = get(server_v2, f"/category/{story.category}" + (f"/page/{page_no}" if page_no > 1 else ""))[2]
    links = re.findall(r'<h2 class="entry-title"><a href="([^"]+)"', listing)
    assert f"{server_v2.base_url}{story.path}?utm_source=aawsat&amp;utm_medium=archive" in " ".join(links)
    plain = get(server_v2, story.path)[2]
    assert get(server_v2, story.path + "?utm_source=aawsat&utm_medium=archive&utm_campaign=x")[2] == plain


def test_main_serves_variant_2():
    proc = subprocess.Popen([sys.executable, "-m", "tests.replica", "--stories", "20", "--variant", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"Replica of the archive serving at http://127\.0\.0\.1:(\d+)/\n", line)
        assert match
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=5)
        conn.request("GET", "/")
        body = conn.getresponse().read().decode("utf-8")
        conn.close()
        assert 'class="et_pb_post clearfix' in body
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# ----- variant 3: variant 2 plus choices none of the others make ----------------------------
def test_variant_3_leaves_variants_0_to_2_unchanged():
    for variant in (0, 1, 2):
        site = build_site(40, seed=11, variant=variant)
        assert all(s.look.media_label == "Media ID:" and not s.look.h1_inner and not s.look.link_suffix
                   and not s.look.redirect_chain for s in site.stories)


def test_variant_3_builds_deterministically():
    base = "http://127.0.0.1:1"
    a, b = build_site(60, seed=3, variant=3), build_site(60, seed=3, variant=3)
    assert a.expected_records(base) == b.expected_records(base)
    assert _digest(render_site(a, base)[0]) == _digest(render_site(b, base)[0])
    a.add_new_stories(2, seed=1)
    b.add_new_stories(2, seed=1)
    assert a.expected_records(base) == b.expected_records(base)
    assert any(s.look.h1_inner for s in a.stories) and any(s.look.media_label != "Media ID:" for s in a.stories)


def test_variant_3_expected_records_unique_and_pages_carry_the_oddities():
    base = "http://127.0.0.1:1"
    site = build_site(120, seed=7, variant=3)
    records = site.expected_records(base)
    urls = [r["url"] for r in records]
    media = [r["media_id"] for r in records if r["media_id"] is not None]
    assert len(set(urls)) == len(urls) and len(set(media)) == len(media)
    pages = render_site(site, base)[0]
    text = b"".join(p[2] for p in pages.values()).decode("utf-8")
    assert "Media ID : 55" in text and "MEDIA ID: 55" in text and '.000Z"' in text
    assert "(file photo)" in text and "#comments" in text
    assert any(p[0] == 302 for p in pages.values())
    for r in records:
        assert "Media ID" not in r["body"] and r["word_count"] == len(r["body"].split())


def test_variant_4_is_variant_0_with_other_navigation_only():
    base = "http://127.0.0.1:1"
    site, v0 = build_site(120, seed=7, variant=4), build_site(120, seed=7, variant=0)
    assert site.expected_records(base) == v0.expected_records(base)
    pages, pages_v0 = render_site(site, base)[0], render_site(v0, base)[0]
    assert set(pages) - set(pages_v0) == {"/category/culture", "/category/culture/"}
    menu = re.compile(rb'<ul (?:id="top-menu" )?class="nav">.*?</ul>\t', re.DOTALL)
    for target in (site.stories[0].path, "/category/majalla-blogs", "/about-us"):
        assert menu.sub(b"", pages[target][2]) == menu.sub(b"", pages_v0[target][2]), target
    home = pages["/"][2].decode()
    assert 'id="top-menu"' not in home and "https://eng-archive.aawsat.com/category/news-middle-east/" in home
    assert "/category/majalla-blogs" not in home.split('id="sidebar"')[0]   # sidebar only
    assert "No Results Found" in pages["/category/culture"][2].decode()
    assert "wp-pagenavi" in pages["/category/news-middle-east"][2].decode()
    assert "/category/sports/page/2" not in pages and "/category/sports" in pages


def test_variant_4_serves_every_story_from_the_listings():
    """Variant 4's category listings link the same article targets as variant 0's."""
    def linked(srv):
        found = set()
        for target, (status, _, body) in srv._pages.items():
            if target.startswith("/category/") and status == 200:
                found |= set(re.findall(r'href="' + re.escape(srv.base_url) + r'(/[^"]*)"', body.decode()))
        return {t for t in found if not t.startswith(("/category/", "/author/", "/tag/", "/wp-content/"))}

    with ReplicaServer(build_site(60, seed=3, variant=4)) as srv:
        srv.faults.clear()
        status, _, text = get(srv, "/category/culture")
        assert status == 200 and "No Results Found" in text
        links = linked(srv)
        for story in srv.site.stories:
            forms = {story.path, story.path + "/", f"/?p={story.post_id}", story.path + "?share=facebook"}
            assert forms & links, story.path


# ----- The Harbour Ledger: a second site, not WordPress ----------------------------------------
def test_ledger_is_served_paginates_and_its_records_are_unique():
    site = build_ledger_site(48, seed=5)
    with ReplicaServer(site) as srv:
        records = site.expected_records()
        assert len(records) == 48 and len(site.sections) == 4
        urls = [r["url"] for r in records]
        refs = [r["media_id"] for r in records if r["media_id"] is not None]
        assert len(set(urls)) == len(urls) and len(set(refs)) == len(refs) and refs
        assert {r["category"] for r in records} == set(site.sections.values())
        home = get(srv, "/")[2]
        sections = re.findall(r'<nav class="sections"><ul>(.*?)</ul></nav>', home)[0]
        assert re.findall(r'href="(/section/[a-z]+/)"', sections) == [f"/section/{s}/" for s in site.sections]
        robots = get(srv, "/robots.txt")[2]
        assert "Disallow: /print/" in robots and "Disallow: /search" in robots
        slug = max(site.sections, key=site.listing_page_count)
        n_pages = site.listing_page_count(slug)
        assert n_pages >= 3
        target, linked = f"/section/{slug}/", set()
        for page_no in range(1, n_pages + 1):
            status, _, body = get(srv, target)
            assert status == 200 and body.count('<div class="teaser">') >= 1
            linked |= set(re.findall(r'<div class="teaser"><h3><a href="([^"]+)"', body))
            nxt = re.search(r'<a class="next" rel="next" href="([^"]+)">Next \u203a</a>', body)
            assert (nxt is not None) == (page_no < n_pages)
            if nxt:
                target = nxt.group(1)
                assert target == f"/section/{slug}/?page={page_no + 1}"
        assert get(srv, f"/section/{slug}/?page={n_pages + 1}")[0] == 404
        assert linked == {path for path, _ in site.section_entries(slug)}
        for r in records:
            status, _, page = get(srv, path_of(r["url"]))
            assert status == 200 and f"<title>{html.escape(r['title'])} \u2014 The Harbour Ledger</title>" in page
            assert (f"Story ref: {r['media_id']}" in page) == (r["media_id"] is not None)
            assert "Story ref" not in r["body"] and r["word_count"] == len(r["body"].split())
            assert get(srv, path_of(r["url"]) + "?utm_source=twitter&utm_medium=share")[2] == page
            assert get(srv, "/print" + path_of(r["url"]))[0] == 200
        copies = [r for r in records if len(r["accepted_urls"]) > 1]
        assert len(copies) == 1 and sum(len(s.copies) for s in site.stories) == 2
