"""The record written for each story."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleItem:
    """One story of the archive, as written to the JSON Lines output."""

    media_id: int | None = None
    url: str | None = None  # canonical absolute URL, no query, no fragment
    title: str | None = None
    published: str | None = None  # ISO 8601 date, or timestamp with offset
    authors: list[str] = field(default_factory=list)
    category: str | None = None  # display name, not the slug
    tags: list[str] = field(default_factory=list)
    image_caption: str | None = None
    image_credit: str | None = None
    dateline: str | None = None
    source: str | None = None
    body: str | None = None  # paragraphs joined by a blank line
    word_count: int | None = None
    crawled_at: str | None = None  # UTC ISO 8601 time the page was fetched
    site: str | None = None  # the site profile's name
    post_id: int | None = None  # the WordPress post ID, when the site shows one
    categories: list[str] = field(default_factory=list)  # every category's display name, the post's order
    modified: str | None = None  # ISO 8601 time of the last edit
    image_url: str | None = None  # the featured image, absolute
    language: str | None = None  # "en-US"
    archive_url: str | None = None  # the web archive's playback URL the page was read from; None when live
    listed_url: str | None = None  # the line of the run's URL list (-a urls) the page came from; else None

    def __post_init__(self) -> None:
        # Not a field, never written: when the page was read, which orders a replay's writing
        # (set by the spider, read by OutputStore.add).
        self.read_at: str | None = None
