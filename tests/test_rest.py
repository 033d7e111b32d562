"""Reading the WordPress REST API: its index (the site's time zone) and posts whose authors a plugin
hides."""
from __future__ import annotations

import json

from scrapy.http import TextResponse

from archive_crawler.navigation.fetch import PageKind
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.reading.rest import read_rest_index, read_rest_page
from archive_crawler.sites.profile import load_profile
from archive_crawler.stats import Counts
from tests.test_walk import BASE, WORDPRESS, home, index_read

PROFILE = load_profile("wordpress")


def answer(body, status: int = 200, kind: str = "application/json") -> TextResponse:
    text = body if isinstance(body, str) else json.dumps(body)
    return TextResponse(f"{BASE}/wp-json/", status=status, body=text.encode(), encoding="utf-8",
                        headers={"Content-Type": kind})


def test_the_index_names_the_zone_or_says_why_not():
    assert read_rest_index(answer({"timezone_string": "Europe/Berlin", "gmt_offset": 2})).zone == "Europe/Berlin"
    fixed = read_rest_index(answer({"timezone_string": "", "gmt_offset": 3}))
    assert (fixed.zone, fixed.problem) == (None, None)  # a fixed offset: date_gmt alone tells it
    assert read_rest_index(answer({"timezone_string": "Mars/Olympus"})).zone is None
    refused = read_rest_index(answer({"code": "rest_login_required"}, 401))
    assert (refused.problem, refused.answered) == ("HTTP 401, rest_login_required", True)
    page = read_rest_index(answer("<html><body>Not found</body></html>", 404, "text/html"))
    assert page.answered and "no JSON" in page.problem
    assert not read_rest_index(answer("<html>Bad gateway</html>", 502, "text/html")).answered  # the posts may answer


def post(number: int, author: list | None = None, seo: dict | None = None) -> dict:
    value = {"id": number, "link": f"{BASE}/2023/06/post-{number}/", "date": "2023-06-01T10:00:00",
             "date_gmt": "2023-06-01T08:00:00", "title": {"rendered": f"Post {number}"},
             "content": {"rendered": "<p>Crews are back on the quay this morning after the storm.</p>"},
             "_embedded": {"author": author} if author is not None else {}}
    return value | ({"yoast_head_json": seo} if seo else {})


HIDDEN = [{"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
           "data": {"status": 404}}]


def test_authors_a_plugin_hides_come_from_the_seo_head_else_are_counted_as_missing():
    page = read_rest_page(answer([post(1, [{"id": 3, "name": "Ann Lee"}]), post(2, HIDDEN, {"author": "Bo Chan"}),
                                  post(3, HIDDEN, {"twitter_misc": {"Written by": "Cy Dunn and Di Eze"}}),
                                  post(4, HIDDEN)]), PROFILE)
    assert [item["authors"] for item in page.items] == [["Ann Lee"], ["Bo Chan"], ["Cy Dunn", "Di Eze"], []]
    assert (page.authors_hidden, page.hidden_why) == ([f"{BASE}/2023/06/post-4/"], "rest_no_route")
    nav = Navigator(WORDPRESS, BASE, Counts())
    [first] = index_read(nav, home(nav))
    assert first.kind is PageKind.REST
    nav.read(first, page)
    assert nav.stats["archive/doors/rest_no_author"] == 1
