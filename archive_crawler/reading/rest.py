"""Records from a WordPress REST API answer (``/wp/v2/posts?_embed``): no article page needed.

The post's ``content.rendered`` is cleaned exactly as an article page's text container
is (the profile's blocks that are no story, boilerplate paragraphs, captions), its
dates get the site's offset from ``date`` and ``date_gmt`` (checked against the site's
time zone, which the API's index names), the featured image's caption is read as typed
(WordPress's typography undone), and the names of authors, categories and tags come
from the embedded objects.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsel import Selector

from archive_crawler.items import ArticleItem
from archive_crawler.reading.extract import Caption, body_paragraphs, text_blocks
from archive_crawler.reading.processors import (
    clean_text,
    count_words,
    parse_dateline,
    split_byline,
    split_caption_credit,
    strip_caption_label,
)
from archive_crawler.reading.typography import untexturize
from archive_crawler.sites.profile import Profile
from archive_crawler.sources.middlewares import archive_url, fetched_at


@dataclass(frozen=True)
class RestPage:
    """One page of the REST API's posts."""

    items: list[dict] = field(default_factory=list)  # records, as dicts
    total: int | None = None  # X-WP-Total: posts the API says it has
    pages: int | None = None  # X-WP-TotalPages
    problem: str | None = None  # why the answer is no page of posts (the door is closed)
    authors_hidden: list[str] = field(default_factory=list)  # the posts whose author the API does not name
    hidden_why: str | None = None  # what the API answered for an author it does not name


@dataclass(frozen=True)
class RestIndex:
    """The REST API's index (``/wp-json/``): the site's time zone, or why it gave none."""

    zone: str | None = None  # timezone_string: a zone name, or None where the site keeps a fixed offset
    problem: str | None = None
    answered: bool = True  # whether the API itself answered (a refusal), not a server error or a network failure


def read_rest_index(response) -> RestIndex:
    """The site's time zone from the REST API's index, or the reason the index gave none."""
    try:
        index = json.loads(response.body)
    except ValueError:
        return RestIndex(problem=f"HTTP {response.status}, its index is no JSON", answered=response.status < 500)
    if response.status != 200 or not isinstance(index, dict):
        code = index.get("code") if isinstance(index, dict) else None
        return RestIndex(problem=f"HTTP {response.status}" + (f", {code}" if code else ""),
                         answered=response.status < 500)
    name = index.get("timezone_string")
    return RestIndex(zone=name if isinstance(name, str) and site_zone(name) is not None else None)


@lru_cache(maxsize=64)
def site_zone(name: str | None) -> ZoneInfo | None:
    """The rules of a zone WordPress names (``Europe/Berlin``); None for no name or an unknown one."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def read_rest_page(response, profile: Profile, language: str | None = None, zone: str | None = None) -> RestPage:
    """The records of a REST answer, or the reason it is no list of posts."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    try:
        posts = json.loads(response.body)
    except ValueError:
        kind = "an HTML page" if "html" in content_type or response.body.lstrip()[:1] == b"<" else "no JSON"
        return RestPage(problem=f"HTTP {response.status}, {kind} where JSON was expected")
    if response.status != 200 or not isinstance(posts, list):
        code = posts.get("code") if isinstance(posts, dict) else None
        return RestPage(problem=f"HTTP {response.status}" + (f", {code}" if code else ""))
    crawled_at = fetched_at(response)
    posts = [post for post in posts if isinstance(post, dict) and post.get("link")]
    items = [{**asdict(post_item(post, profile, crawled_at, language, zone)), "archive_url": archive_url(response),
              "listed_url": None} for post in posts]
    hidden = [item["url"] for item in items if not item["authors"]]
    return RestPage(items, header_int(response, b"X-WP-Total"), header_int(response, b"X-WP-TotalPages"),
                    authors_hidden=hidden, hidden_why=next(filter(None, map(author_refusal, posts)), None))


def header_int(response, name: bytes) -> int | None:
    value = response.headers.get(name)
    return int(value) if value and value.strip().isdigit() else None


def rendered(value) -> str:
    """The text of a ``{"rendered": "<p>...</p>"}`` field (or a plain string), tags and entities gone."""
    markup = value.get("rendered", "") if isinstance(value, dict) else value if isinstance(value, str) else ""
    if "<" in markup:
        markup = " ".join(Selector(text=markup).xpath("//text()").getall())
    return clean_text(html.unescape(markup)) or ""


def typed_text(value) -> str:
    """The text of a rendered caption as its editor typed it: WordPress's typography undone in each
    text node (see :mod:`.typography`), smilies turned back into their text.

    >>> typed_text({"rendered": '<p>At Selwick&#8217;s market <img class="wp-smiley" alt=":)"/></p>'})
    "At Selwick's market :)"
    """
    markup = value.get("rendered", "") if isinstance(value, dict) else value if isinstance(value, str) else ""
    nodes = Selector(text=f"<div>{markup}</div>").xpath("//text() | //img[contains(@class, 'wp-smiley')]")
    parts = [untexturize(node.root) if isinstance(node.root, str) else node.root.get("alt") or "" for node in nodes]
    return clean_text(" ".join(parts)) or ""


def local_time(local: str | None, gmt: str | None, zone: str | None = None) -> str | None:
    """A post's time in the site's offset: WordPress gives it as local time and as UTC, both without offset.

    The local time is the one the site's pages print; where the UTC time gives it an offset the
    site's ``zone`` never has at that time, the zone's is taken. (WordPress 6.1 reads a UTC time
    as a local one to format it: one that falls in the hour clocks skip comes out an hour late.)

    >>> local_time("2012-05-04T10:00:00", "2012-05-04T07:00:00")
    '2012-05-04T10:00:00+03:00'
    >>> local_time("2022-03-27T04:20:00", "2022-03-27T03:20:00", "Europe/Berlin")
    '2022-03-27T04:20:00+02:00'
    >>> local_time("2022-10-30T02:30:00", "2022-10-30T01:30:00", "Europe/Berlin")  # the second 02:30
    '2022-10-30T02:30:00+01:00'
    """
    if not local:
        return None
    try:
        moment = datetime.fromisoformat(local)
        utc = datetime.fromisoformat(gmt) if gmt and not gmt.startswith("0000") else None
    except ValueError:
        return None
    offset = moment - utc if utc is not None else None
    rules = site_zone(zone)
    if rules is not None:
        possible = [moment.replace(tzinfo=rules, fold=fold).utcoffset() for fold in (0, 1)]
        if offset not in possible:
            offset = possible[0]
    if offset is None:
        return moment.isoformat()
    minutes = round(offset.total_seconds() / 60)
    return moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat()


def embedded_terms(post: dict, taxonomy: str, ids: list) -> list[str]:
    """Display names of the post's terms of one taxonomy, in the order the post lists them."""
    by_id = {}
    for group in (post.get("_embedded") or {}).get("wp:term") or []:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, dict) and term.get("taxonomy") == taxonomy:
                by_id[term.get("id")] = rendered(term.get("name"))
    return [by_id[term_id] for term_id in ids if by_id.get(term_id)]


def user_names(name: str) -> list[str]:
    """The names of a WordPress user: "A and B" is two people; a user named only by a role ("Staff
    Reporter") is the author as the site prints it.

    >>> user_names("Staff Reporter"), user_names("Ann Lee and Bo Chan")
    (['Staff Reporter'], ['Ann Lee', 'Bo Chan'])
    """
    return split_byline(name) or ([name] if name else [])


def post_authors(post: dict) -> list[str]:
    """The post's authors as the API embeds them; where it embeds none by name (a plugin that hides
    the site's users answers an error in their place), as an SEO plugin's head names them."""
    embedded = (post.get("_embedded") or {}).get("author") or []
    names = [name for author in embedded if isinstance(author, dict)
             for name in user_names(rendered(author.get("name")))]
    if names:
        return list(dict.fromkeys(names))
    seo = post.get("yoast_head_json")
    seo = seo if isinstance(seo, dict) else {}
    misc = seo.get("twitter_misc")
    written = misc.get("Written by") if isinstance(misc, dict) else None
    for value in (seo.get("author"), written):
        if isinstance(value, str) and value.strip():
            return user_names(clean_text(html.unescape(value)) or "")
    return []


def author_refusal(post: dict) -> str | None:
    """What the API embedded in place of the post's author, when it names none (``rest_no_route``,
    ``rest_user_cannot_view``...); None when it named one or embedded nothing."""
    for author in (post.get("_embedded") or {}).get("author") or []:
        if isinstance(author, dict) and author.get("code") and not author.get("name"):
            return str(author["code"])
    return None


def post_item(post: dict, profile: Profile, crawled_at: str, language: str | None,
              zone: str | None = None) -> ArticleItem:
    text = profile.text
    embedded = post.get("_embedded") or {}
    blocks = text_blocks(Selector(text=f"<div>{(post.get('content') or {}).get('rendered', '')}</div>"), text)
    paragraphs = body_paragraphs(blocks, Caption(), text)
    body = "\n\n".join(paragraphs)
    dateline, source = parse_dateline(paragraphs[0] if paragraphs else None, text.dateline_rules)
    authors = post_authors(post)
    categories = embedded_terms(post, "category", post.get("categories") or [])
    media = next(iter(embedded.get("wp:featuredmedia") or []), None)
    media = media if isinstance(media, dict) and media.get("source_url") else None
    caption, credit = split_caption_credit(strip_caption_label(typed_text(media.get("caption"))) if media else None,
                                           text.credit_rules)
    return ArticleItem(
        url=post["link"], title=rendered(post.get("title")) or None,
        published=local_time(post.get("date"), post.get("date_gmt"), zone),
        authors=authors, category=categories[0] if categories else None,
        tags=embedded_terms(post, "post_tag", post.get("tags") or []),
        image_caption=caption, image_credit=credit, dateline=dateline, source=source, body=body or None,
        word_count=count_words(body), crawled_at=crawled_at, site=profile.name,
        post_id=post.get("id") if isinstance(post.get("id"), int) else None, categories=categories,
        modified=local_time(post.get("modified"), post.get("modified_gmt"), zone),
        image_url=media["source_url"] if media else None, language=language,
    )
