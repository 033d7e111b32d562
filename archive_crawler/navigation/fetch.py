"""A page the navigator wants read, and why: the one message the walk sends its adapters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from archive_crawler.messages import ArticleContext
from archive_crawler.navigation.urls import url_key

# Articles go before the next listing page, so pending requests stay few on any archive size.
LISTING_PRIORITY = -10
HOME_LISTING = "(home)"  # the slug of the home page's listing of the newest posts, walked like a category's


class PageKind(Enum):
    HOME = "home"
    LISTING = "listing"
    ARTICLE = "article"
    REST = "rest"  # a page of the WordPress REST API's posts
    REST_INDEX = "rest_index"  # the REST API's index: the site's time zone
    SITEMAP = "sitemap"  # a sitemap, a sitemap index or a feed


@dataclass(frozen=True)
class Fetch:
    """A page to read. Adapters use only ``url``, ``priority``, ``any_status``, ``repeatable`` and
    ``label``; what the page is (``kind``) matters to the navigator and the page reading alone."""

    url: str
    kind: PageKind
    category: str | None = None  # the listing's category slug
    page: int = 1  # the listing page's number
    context: ArticleContext = field(default_factory=ArticleContext)  # for articles: what the listings said
    priority: int = 0
    door: str | None = None  # for REST pages, sitemaps and feeds: the door it belongs to
    probe: bool = False  # whether it tells if its door is open at all
    zone: str | None = None  # for REST pages: the site's time zone, as the API's index names it
    learning: bool = False  # an article read to learn its site's template, giving no record yet
    again: bool = False  # an article read again once its site's template is learnt

    @property
    def learnt(self) -> Fetch:
        """This article's fetch to read it again, with its site's template."""
        return replace(self, learning=False, again=True)

    @property
    def link_key(self) -> str | None:
        return url_key(self.url) if self.kind is PageKind.ARTICLE else None

    @property
    def any_status(self) -> bool:
        """Whether every answer is read: a door's 401 or 404 says the door is closed."""
        return self.door is not None

    @property
    def repeatable(self) -> bool:
        """Whether the page may be read again in one run (the home page: a mirror's redirect back; an
        article read first to learn its site's template)."""
        return self.kind is PageKind.HOME or self.again

    @property
    def label(self) -> str:
        """What a rejected or failed page is listed as, beside its reason."""
        return self.door or self.kind.value
