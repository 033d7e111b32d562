"""Records from a WordPress REST API answer (``/wp/v2/posts?_embed``): no article page needed.

The post's ``content.rendered`` is cleaned exactly as an article page's text container
is (the profile's blocks that are no story, boilerplate paragraphs, captions), its
dates get the site's offset from ``date`` and ``date_gmt``, and the names of authors,
categories and tags come from the embedded objects.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

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
from archive_crawler.sites.profile import Profile
from archive_crawler.sources.middlewares import archive_url, fetched_at


@dataclass(frozen=True)
class RestPage:
    """One page of the REST API's posts."""

    items: list[dict] = field(default_factory=list)  # records, as dicts
    total: int | None = None  # X-WP-Total: posts the API says it has
    pages: int | None = None  # X-WP-TotalPages
    problem: str | None = None  # why the answer is no page of posts (the door is closed)


def read_rest_page(response, profile: Profile, language: str | None = None) -> RestPage:
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
    items = [{**asdict(post_item(post, profile, crawled_at, language)), "archive_url": archive_url(response),
              "listed_url": None}
             for post in posts if isinstance(post, dict) and post.get("link")]
    return RestPage(items, header_int(response, b"X-WP-Total"), header_int(response, b"X-WP-TotalPages"))


def header_int(response, name: bytes) -> int | None:
    value = response.headers.get(name)
    return int(value) if value and value.strip().isdigit() else None


def rendered(value) -> str:
    """The text of a ``{"rendered": "<p>...</p>"}`` field (or a plain string), tags and entities gone."""
    markup = value.get("rendered", "") if isinstance(value, dict) else value if isinstance(value, str) else ""
    if "<" in markup:
        markup = " ".join(Selector(text=markup).xpath("//text()").getall())
    return clean_text(html.unescape(markup)) or ""


def local_time(local: str | None, gmt: str | None) -> str | None:
    """A post's time in the site's offset: WordPress gives it as local time and as UTC, both without offset.

    >>> local_time("2012-05-04T10:00:00", "2012-05-04T07:00:00")
    '2012-05-04T10:00:00+03:00'
    """
    if not local:
        return None
    try:
        moment = datetime.fromisoformat(local)
        utc = datetime.fromisoformat(gmt) if gmt and not gmt.startswith("0000") else None
    except ValueError:
        return None
    if utc is None:
        return moment.isoformat()
    minutes = round((moment - utc).total_seconds() / 60)
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


def post_item(post: dict, profile: Profile, crawled_at: str, language: str | None) -> ArticleItem:
    text = profile.text
    embedded = post.get("_embedded") or {}
    blocks = text_blocks(Selector(text=f"<div>{(post.get('content') or {}).get('rendered', '')}</div>"), text)
    paragraphs = body_paragraphs(blocks, Caption(), text)
    body = "\n\n".join(paragraphs)
    dateline, source = parse_dateline(paragraphs[0] if paragraphs else None, text.dateline_rules)
    authors = [name for author in embedded.get("author") or [] if isinstance(author, dict)
               for name in user_names(rendered(author.get("name")))]
    categories = embedded_terms(post, "category", post.get("categories") or [])
    media = next(iter(embedded.get("wp:featuredmedia") or []), None)
    media = media if isinstance(media, dict) and media.get("source_url") else None
    caption, credit = split_caption_credit(strip_caption_label(rendered(media.get("caption"))) if media else None,
                                           text.credit_rules)
    return ArticleItem(
        url=post["link"], title=rendered(post.get("title")) or None,
        published=local_time(post.get("date"), post.get("date_gmt")),
        authors=list(dict.fromkeys(authors)), category=categories[0] if categories else None,
        tags=embedded_terms(post, "post_tag", post.get("tags") or []),
        image_caption=caption, image_credit=credit, dateline=dateline, source=source, body=body or None,
        word_count=count_words(body), crawled_at=crawled_at, site=profile.name,
        post_id=post.get("id") if isinstance(post.get("id"), int) else None, categories=categories,
        modified=local_time(post.get("modified"), post.get("modified_gmt")),
        image_url=media["source_url"] if media else None, language=language,
    )
