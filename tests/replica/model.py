"""Data model of the replica: stories, duplicate copies, listing entries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .textgen import Image


@dataclass
class PageMeta:
    """Which date/author/category sources the article page itself carries."""
    pm_author: bool = False     # p.post-meta author link
    pm_date: bool = False       # p.post-meta "Jun 27, 2014"
    pm_cat: bool = False        # p.post-meta category link
    og_time: bool = False       # <meta property="article:published_time">
    meta_author: bool = False   # <meta name="author">
    og_section: bool = False    # <meta property="article:section">
    ld_date: bool = False       # JSON-LD datePublished
    ld_author: bool = False     # JSON-LD author
    ld_section: bool = False    # JSON-LD articleSection
    ld: bool = False            # JSON-LD block present at all (headline only if nothing else)

    @property
    def post_meta(self) -> bool:
        return self.pm_author or self.pm_date or self.pm_cat

    @property
    def gives_time(self) -> bool:
        return self.og_time or (self.ld and self.ld_date)

    @property
    def gives_category(self) -> bool:
        return self.pm_cat or self.og_section or (self.ld and self.ld_section)


@dataclass
class Story:
    """One article as published (the clean data; rendering adds the oddities)."""
    post_id: int
    title: str
    slug: str
    category: str                 # category slug
    authors: tuple[str, ...]
    author_slug: str
    published: datetime           # aware, local time of the post
    body: list[str]
    dateline: str | None
    source: str | None
    image: Image | None
    tags: list[tuple[str, str]]   # (slug, display)
    media_id: int | None
    media_form: str               # 'p' | 'div' | 'strong'
    meta: PageMeta
    title_form: int               # 0: " | ... 2005 -2017", 1: " - ... 2005 -2017", 2: " - ..."
    has_h1: bool
    has_canonical: bool
    old: bool                     # 2005-2008: '&#34' entities without semicolon
    render_seed: int
    qa_prefixes: tuple[str, str] | None = None
    strong_prefix: bool = False   # interview prefixes wrapped in <strong>
    double_escape: bool = False   # title's quotes rendered '&amp;#34'
    link_form: str = "plain"      # listing h2 link: plain | shortlink | share
    image_link: str = "article"   # featured image link: article | attachment | slash | shortlink
    full_in_listing: bool = False
    related: list[int] = field(default_factory=list)
    attachment_id: int = 0
    dead: bool = False            # listed but the URL answers 404 (not a record)
    is_new: bool = False          # added by Site.add_new_stories
    v1: object = None             # variant-1 markup choices (variant1.V1), None in variant 0
    v2: object = None             # variant-2 markup choices (variant2.V2), None otherwise
    v3: object = None             # variant-3 extra choices (variant3.V3), None otherwise

    @property
    def path(self) -> str:
        return f"/{self.author_slug}/{self.category}/{self.slug}"

    @property
    def byline(self) -> str:
        return " and ".join(self.authors)

    @property
    def attachment_path(self) -> str:
        return f"{self.path}/attachment/{self.image.slug}"

    def upload_path(self) -> str:
        return f"/wp-content/uploads/{self.published:%Y/%m}/{self.image.slug}.jpg"


@dataclass
class Copy:
    """A second WordPress post with the same content as ``story`` (a duplicate)."""
    story: Story
    post_id: int
    category: str
    slug: str
    canonical_to_original: bool

    @property
    def path(self) -> str:
        return f"/{self.story.author_slug}/{self.category}/{self.slug}"


@dataclass
class Entry:
    """One post as it appears on a listing page."""
    story: Story
    post_id: int
    path: str          # path of the page the entry stands for
    category: str      # category shown on the entry
    link_form: str
    image_link: str
    full: bool

    @property
    def sort_key(self):
        return (self.story.published, self.post_id)
