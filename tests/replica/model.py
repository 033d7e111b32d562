"""The content model shared by every markup variant: stories, their looks, copies, listing entries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .text import Image


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
class Look:
    """How one story's pages are written; the defaults are variant 0's plain choices.

    The variant's table (:mod:`tests.replica.variants`) says which of these are drawn per story.
    """
    media: str = "p"                # article.MEDIA_FORMS: where and how "Media ID: N" stands
    media_label: str = "Media ID:"
    caption: str = "wp"             # article.CAPTION_FORMS: the caption's copies and markup
    label_strong: bool = False      # the "Caption:" label in <strong>
    caption_at_end: bool = False    # the caption once more as the last paragraph
    featured_alt: str = "caption"   # alt text of the featured image: caption | title | empty
    wrapper: str = "plain"          # plain | builder | builder2 | div | br | post_content
    kinds: list[str] = field(default_factory=list)   # per paragraph: p | h3 | quote | li
    para_tag: str = "p"             # p | div
    spacers: list[int] = field(default_factory=list)  # an empty paragraph before these
    ad_after: int = -1              # an inline <script> ad after this paragraph
    social: str = ""                # '' | top | bottom: Monarch share block
    categories: list[str] = field(default_factory=list)  # post meta categories (primary first)
    byline: str = ""                # the byline as written ("A & B"); '' : "A and B"
    byline_link: str = ""           # author link text when it is not the byline (abbreviated)
    by_caps: bool = False           # "By" in the post meta
    postmeta_bare: bool = False     # post meta without span.author / span.published
    utc: bool = False               # times shown in UTC (the same instant)
    ld_z: bool = False              # JSON-LD times with a 'Z'
    ld_ms: bool = False             # ... and '.000' milliseconds
    ld_created: bool = False        # JSON-LD dateCreated (a draft time, not the publication)
    ld_org_author: bool = False     # JSON-LD author is the paper, not the byline
    ld_author_ref: bool = False     # JSON-LD author is an @id reference to a Person node
    modified: datetime | None = None
    og_title_suffix: bool = False   # og:title ends with the site name
    dateline_strong: int = 0        # length of the lead's dateline written in <strong>
    h1_inner: str = ""              # '' | a | em around the headline text
    inline_word: tuple[str, str] | None = None   # (word, a | span | strong) marked in the body
    link_suffix: str = ""           # listing link ends with '#comments' or '?amp=1'
    utm: bool = False               # listing link carries ?utm_source=...
    listing_image: bool = True      # the listing entry links its featured image
    redirect_chain: bool = False    # /?p=ID -> 302 -> path/ -> 301 -> path

    def shown(self, when: datetime) -> datetime:
        return when.astimezone(UTC) if self.utc else when


@dataclass
class Story:
    """One article as published (the clean data; its look adds the oddities)."""
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
    meta: PageMeta
    title_form: int               # 0: " | ... 2005 -2017", 1: " - ... 2005 -2017", 2: " - ..."
    has_h1: bool
    has_canonical: bool
    old: bool                     # 2005-2008: '&#34' entities without semicolon
    render_seed: int
    look: Look
    qa_prefixes: tuple[str, str] | None = None
    strong_prefix: bool = False   # interview prefixes wrapped in <strong>
    double_escape: bool = False   # title's quotes written '&amp;#34'
    link_form: str = "plain"      # listing h2 link: plain | shortlink | share
    image_link: str = "article"   # featured image link: article | attachment | slash | shortlink
    full_in_listing: bool = False
    related: list[int] = field(default_factory=list)
    attachment_id: int = 0
    dead: bool = False            # listed but the URL answers 404 (not a record)
    is_new: bool = False          # added by Site.add_new_stories

    @property
    def path(self) -> str:
        return f"/{self.author_slug}/{self.category}/{self.slug}"

    @property
    def byline(self) -> str:
        return self.look.byline or " and ".join(self.authors)

    @property
    def categories(self) -> list[str]:
        return self.look.categories or [self.category]

    @property
    def featured_image(self) -> Image:
        """The image, for the pages of a story that has one (its upload, attachment page, caption)."""
        assert self.image is not None
        return self.image

    @property
    def attachment_path(self) -> str:
        return f"{self.path}/attachment/{self.featured_image.slug}"

    def upload_path(self) -> str:
        return f"/wp-content/uploads/{self.published:%Y/%m}/{self.featured_image.slug}.jpg"


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
    """One post as a listing page shows it."""
    story: Story
    post_id: int
    path: str          # path of the page the entry stands for
    category: str      # category shown on the entry
    link_form: str = "plain"
    image_link: str = "article"
    full: bool = False
    sticky: bool = False

    @property
    def sort_key(self):
        return (self.story.published, self.post_id)

    @property
    def categories(self) -> list[str]:
        return self.story.categories if self.path == self.story.path else [self.category]
