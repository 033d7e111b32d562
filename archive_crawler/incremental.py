"""What a run fetches, decided from the state: only new stories, unless told otherwise.

A later run skips article links that already led to a written story, retries the
links an earlier run met but did not finish, and stops paging a category once a
listing page holds only links it knows, but only for categories an earlier run
walked to their last page (a complete first harvest).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from scrapy import signals
from itemadapter import ItemAdapter

from archive_crawler.pipelines import DuplicateStory
from archive_crawler.site import url_key
from archive_crawler.state import ArchiveState

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # runs that retry a failing link before it is left alone


@dataclass(frozen=True)
class DateWindow:
    """Inclusive ``since``/``until`` limits on a story's publication date."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> DateWindow:
        window = cls(_parse_day("since", since), _parse_day("until", until))
        if window.since and window.until and window.since > window.until:
            raise ValueError(f"since ({since}) is later than until ({until})")
        return window

    @property
    def limited(self) -> bool:
        return self.since is not None or self.until is not None

    def contains(self, published: str | None) -> bool:
        """Whether an ISO date or timestamp falls in the window; unknown dates do."""
        day = _day_of(published)
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def older_than_since(self, published: str | None) -> bool:
        day = _day_of(published)
        return day is not None and self.since is not None and day < self.since


def _parse_day(name: str, value: str | None) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD, got {value!r}") from None


def _day_of(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


class IncrementalCrawl:
    """The spider's link ledger: what to fetch, and what became of each link."""

    def __init__(self, crawler, full: bool = False, window: DateWindow = DateWindow(), enabled: bool = True):
        self.crawler = crawler
        self.full = full
        self.window = window
        self.enabled = enabled
        if enabled:
            crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @property
    def stats(self):
        return self.crawler.stats

    @property
    def state(self) -> ArchiveState | None:
        # Opened on first use, once the run extension holds the state's lock.
        return ArchiveState.for_crawler(self.crawler) if self.enabled else None

    def unfinished_links(self) -> list[tuple[str, dict]]:
        if self.state is None:
            return []
        return self.state.unfinished_links(MAX_ATTEMPTS)

    def link_status(self, link_key: str) -> str | None:
        """Where a link stood before this page: None (never met), pending, done or failed."""
        return self.state.link_status(link_key) if self.state is not None else None

    def should_fetch(self, link_key: str, url: str, listing: dict, status: str | None) -> bool:
        """Note a link about to be followed; say whether its page is worth fetching in this run."""
        if self.state is None:
            return True
        if status is None:
            self.state.add_link(link_key, url, listing)
        elif status == "done" and not self.full:
            self.stats.inc_value("archive/incremental/skipped_seen")
            return False
        return True

    def may_stop_paging(self, slug: str, statuses: list[str | None]) -> bool:
        """After a complete harvest, a listing page of links all known before ends the category."""
        if self.state is None or self.full or not statuses or not self.state.category_complete(slug):
            return False
        return all(status is not None for status in statuses)

    def category_walked(self, slug: str, name: str | None) -> None:
        """The category's last listing page was reached with every page read."""
        if self.state is not None and not self.window.limited:
            self.state.mark_category_complete(slug, name)

    def link_failed(self, link_key: str | None, gone: bool = False) -> None:
        """A link whose page could not give a story; it is tried again by later runs."""
        if self.state is not None and link_key:
            self.state.mark_link(link_key, "gone" if gone else "failed")

    def link_redirected(self, link_key: str) -> None:
        """A link that redirects to a page already handled in this run."""
        if self.state is not None:
            self.state.mark_link(link_key, "done")

    def item_scraped(self, item, response, spider) -> None:
        self._settle(response, "done", item)

    def item_dropped(self, item, response, exception, spider) -> None:
        # A duplicate settles its link; a record rejected as incomplete is tried again.
        self._settle(response, "done" if isinstance(exception, DuplicateStory) else "failed", item)

    def _settle(self, response, status: str, item) -> None:
        request = getattr(response, "request", None)
        link_key = request.meta.get("archive_link") if request is not None else None
        if self.state is None or not link_key:
            return
        adapter = ItemAdapter(item)
        story = (adapter.get("media_id"), url_key(adapter["url"])) if adapter.get("url") else None
        self.state.mark_link(link_key, status, story if status == "done" else None)
