"""What the parts of the crawler tell each other: typed messages and typed refusals.

A parsed listing page is a :class:`ListingPage`; an article page gives a
:class:`ParsedArticle` or raises a :class:`PageRejected` subclass; a request the
crawl refuses to fetch fails with a :class:`RequestRefused` subclass. Each
rejection carries its ``reason``, the name it is counted and listed under.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from archive_crawler.reading.template import PageBlocks


@dataclass(frozen=True)
class ArticleContext:
    """What the listings said of an article: the fallback for what its own page lacks."""

    title: str | None = None
    authors: str | None = None  # the byline as written
    published: str | None = None  # the date as written
    category: str | None = None  # the category the listing entry names, else its listing's
    listing_categories: tuple[str, ...] = ()  # slugs of the listings that linked to it, in menu order
    listed_url: str | None = None  # the line of the run's URL list it came from

    def to_json(self) -> dict:
        return {**asdict(self), "listing_categories": list(self.listing_categories)}

    @classmethod
    def from_json(cls, data: dict | None) -> ArticleContext:
        known = {item.name for item in fields(cls)}
        values = {name: value for name, value in (data or {}).items() if name in known}
        values["listing_categories"] = tuple(values.get("listing_categories") or ())
        return cls(**values)


@dataclass(frozen=True)
class ListingEntry:
    """One post of a listing page."""

    url: str | None  # the article URL to request; None when the link is no article
    href: str | None  # the link as found
    context: ArticleContext = field(default_factory=ArticleContext)
    block: str | None = None  # where a post found by its link sits in the page (None: the profile's selectors found it)


@dataclass(frozen=True)
class NextPage:
    """A link that may lead to the next (older) listing page."""

    url: str
    says_so: bool  # its words or rel say so, rather than only its place on the page


@dataclass(frozen=True)
class ListingPage:
    """What a listing (or home) page holds."""

    categories: dict[str, tuple[str, str]]  # slug -> (display name, listing URL), from its menus
    entries: list[ListingEntry]
    next_pages: list[NextPage]
    charset_repaired: bool = False
    url: str = ""  # where it was read (after redirects)
    counts: dict[str, int] = field(default_factory=dict)  # slug -> posts its category widget says it holds


@dataclass(frozen=True)
class HomePage:
    """What the navigator takes from a site's home page."""

    menu: dict[str, tuple[str, str]]  # slug -> (display name, listing URL), in menu order
    feeds: list[str] = field(default_factory=list)  # the feeds it links to
    language: str | None = None
    charset_repaired: bool = False
    listing: ListingPage | None = None  # the home page read as the listing of the newest posts


@dataclass(frozen=True)
class ParsedArticle:
    """The record an article page gave."""

    item: dict
    charset_repaired: bool = False
    blocks: PageBlocks | None = None  # what a page read to learn its site's template shows


class PageRejected(Exception):
    """A page that cannot give a story; ``reason`` names why."""

    reason = "rejected"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail


class NotHtml(PageRejected):
    reason = "not_html"


class EmptyPage(PageRejected):
    reason = "empty_page"


class TruncatedPage(PageRejected):
    reason = "truncated"


class AttachmentPage(PageRejected):
    reason = "attachment_page"


class ListingAtArticleUrl(PageRejected):
    reason = "listing_page"


class NotArticle(PageRejected):
    reason = "not_article"


class ParseError(PageRejected):
    reason = "parse_error"


class TooLarge(PageRejected):
    reason = "too_large"


class RequestRefused(IgnoreRequest):
    """A request the crawl refuses to fetch; ``reason`` names why."""

    reason = "ignored"


class RedirectLoop(RequestRefused):
    reason = "redirect_loop"


class OffsiteRedirect(RequestRefused):
    reason = "offsite_redirect"


class RobotsDisallowed(RequestRefused):
    reason = "robots_disallowed"


class ReplayNoNetwork(RequestRefused):
    reason = "replay_no_network"


class NotCaptured(RequestRefused):
    reason = "not_captured"


class PayloadTooLarge(RequestRefused):
    """A stored page (WARC, WACZ) larger than DOWNLOAD_MAXSIZE once decoded: a decompression bomb, or broken."""

    reason = "too_large"


class ReplayMissing(RequestRefused):
    reason = "replay_missing"


class ReplayUnreadable(RequestRefused):
    reason = "replay_unreadable"


REJECTIONS = {cls.reason: cls for cls in (NotHtml, EmptyPage, TruncatedPage, AttachmentPage, ListingAtArticleUrl,
                                          NotArticle, ParseError, TooLarge)}
