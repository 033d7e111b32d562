"""The records a perfect harvest of a test WordPress writes, from what WordPress holds, and how
far a harvest's records are from them, field by field."""
from __future__ import annotations

import html
import re
from collections import Counter

from parsel import Selector

# The fields a harvest must get exactly right.
FIELDS = ("post_id", "url", "title", "published", "authors", "category", "categories", "tags", "image_caption",
          "image_url", "body")
# Measured, not required: pages do not tell it (twentytwentyone prints the publication time as
# ``time.updated``, the block themes print no such time), only the REST API does.
INFORMATIVE_FIELDS = ("modified",)
# Themes that print the featured image's caption on a post's page; the block themes print none,
# so a harvest that reads pages cannot know it there.
THEMES_PRINTING_CAPTIONS = frozenset({"twentytwentyone"})


STORY_PARAGRAPHS = ("//p[not(ancestor::figure or ancestor::blockquote[contains(@class, 'twitter-tweet')]"
                    " or ancestor::*[contains(@class, 'ad-slot')])]")


def body_text(content_html: str) -> str:
    r"""The story's text from WordPress's rendered content: its paragraphs (no image captions, no
    embedded posts, ad slots or lists of related stories), entities decoded, white space collapsed,
    joined by a blank line.

    >>> body_text('<p>Rates &#8220;held&#8221;</p>\n<figure><img src="a.png"/><figcaption>The bank</figcaption>'
    ...           '</figure>\n<p>Talks  <a href="/x">resume</a>\n Monday.</p><p> </p>')
    'Rates “held”\n\nTalks resume Monday.'
    """
    paragraphs = []
    for paragraph in Selector(text=content_html or "<p></p>").xpath(STORY_PARAGRAPHS):
        text = re.sub(r"\s+", " ", "".join(paragraph.xpath(".//text()").getall())).strip()
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def expected_records(truth: dict, door: str) -> list[dict]:
    """One record per published post, as a harvest through ``door`` can know it."""
    pages_show_caption = truth["theme"] in THEMES_PRINTING_CAPTIONS
    records = []
    for post in truth["posts"]:
        caption = post["caption"] if door == "rest" or pages_show_caption else None
        records.append({
            "post_id": post["post_id"], "url": post["url"], "title": html.unescape(post["title"]),
            "published": post["published"], "modified": post["modified"], "authors": post["authors"],
            "category": post["categories"][0] if post["categories"] else None, "categories": post["categories"],
            "tags": post["tags"], "image_caption": caption, "image_url": post["image_url"],
            "body": body_text(post["content_html"]),
        })
    return records


def other_addresses(truth: dict) -> tuple[set[int], set[str]]:
    """The IDs and addresses of what is no published post: pages, attachments, drafts, private,
    pending, scheduled and trashed posts."""
    return {other["post_id"] for other in truth["others"]}, {other["url"] for other in truth["others"]}


def matched(records: list[dict], expected: list[dict]) -> list[tuple[dict, dict | None]]:
    """Each expected record with the harvested one of the same post ID (None when missing)."""
    by_id = {record.get("post_id"): record for record in records}
    return [(story, by_id.get(story["post_id"])) for story in expected]


def mismatches(records: list[dict], expected: list[dict], field: str) -> list[tuple[str, object, object]]:
    """(url, expected value, harvested value) for each post whose ``field`` is not exact (a missing
    post counts as wrong in every field)."""
    return [(story["url"], story[field], record and record.get(field)) for story, record in matched(records, expected)
            if record is None or record.get(field) != story[field]]


def accuracy(records: list[dict], expected: list[dict], fields: tuple[str, ...] = FIELDS) -> dict[str, float]:
    """The share of posts whose field is exactly right, per field."""
    total = len(expected) or 1
    return {field: 1 - len(mismatches(records, expected, field)) / total for field in fields}


def extras(records: list[dict], expected: list[dict]) -> list[str]:
    """The records of no published post, and second records of one."""
    wanted = {story["post_id"] for story in expected}
    counts = Counter(record.get("post_id") for record in records)
    return [record["url"] for record in records if record.get("post_id") not in wanted] + \
        [f"post {post_id} written {count} times" for post_id, count in counts.items() if count > 1 and post_id in wanted]
