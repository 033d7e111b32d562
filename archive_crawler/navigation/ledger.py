"""What a run fetches, decided from the state: only new stories, unless told otherwise.

A later run skips article links that already led to a written story, retries the
links an earlier run met but did not finish, and stops paging a category once a
listing page holds only links it knows, but only for categories an earlier run
walked to their last page (a complete first harvest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from archive_crawler.messages import ArticleContext
from archive_crawler.navigation.urls import url_key
from archive_crawler.stats import Stat
from archive_crawler.vocabulary import LinkStatus

if TYPE_CHECKING:
    from archive_crawler.storage.state import ArchiveState

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
        """Whether an ISO date or timestamp falls in the window; unknown dates do.

        >>> DateWindow.parse("2014-01-01", None).contains("2013-12-31T23:00:00+03:00")
        False
        """
        day = _day_of(published)
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def older_than_since(self, published: str | None) -> bool:
        day = _day_of(published)
        return day is not None and self.since is not None and day < self.since


NO_WINDOW = DateWindow()


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


class LinkLedger:
    """The state's record of article links: what to fetch, and what became of each link."""

    def __init__(self, state: ArchiveState, stats, full: bool = False, window: DateWindow = NO_WINDOW):
        self.state = state
        self.stats = stats
        self.full = full
        self.window = window

    def unfinished_links(self) -> list[tuple[str, ArticleContext]]:
        return [(url, ArticleContext.from_json(listing)) for url, listing in self.state.unfinished_links(MAX_ATTEMPTS)]

    def link_statuses(self, link_keys: list[str]) -> dict[str, str]:
        """Where each of a page's links stood before it (links never met are absent), in one look-up."""
        return self.state.link_statuses(link_keys)

    def link_status(self, link_key: str) -> str | None:
        """Where a link stood before this page: None (never met), pending, done, failed or gone."""
        return self.state.link_status(link_key)

    def should_fetch(self, link_key: str, url: str, context: ArticleContext, status: str | None) -> bool:
        """Note a link about to be followed; say whether its page is worth fetching in this run."""
        if status is None:
            self.state.add_link(link_key, url, context.to_json())
        elif status == LinkStatus.DONE and not self.full:
            self.stats.inc_value(Stat.INCREMENTAL_SKIPPED_SEEN)
            return False
        return True

    def may_stop_paging(self, slug: str, statuses: list[str | None]) -> bool:
        """After a complete harvest, a listing page of links all known before ends the category."""
        if self.full or not statuses or not self.state.category_complete(slug):
            return False
        return all(status is not None for status in statuses)

    def category_seen(self, slug: str, name: str | None) -> None:
        self.state.category_seen(slug, name)

    def listing_page_read(self, slug: str) -> None:
        self.state.listing_page_read(slug)

    def category_walked(self, slug: str, name: str | None) -> None:
        """The category's last listing page was reached with every page read."""
        if not self.window.limited:
            self.state.mark_category_complete(slug, name)

    def edited_since(self, url: str, modified: str) -> bool:
        """Whether the story written from ``url`` has been modified since (a sitemap's later lastmod)."""
        from archive_crawler.storage.store import later

        written = self.state.modified_of_url(url_key(url))
        return bool(written and later(modified, written))

    def note_edited(self, url: str) -> None:
        """A story written before and edited on the site since: counted and named, not written again."""
        from archive_crawler.storage.store import note_edited

        note_edited(self.stats, url)

    def door_memory(self, site: str, base_url: str) -> str | None:
        return self.state.get(f"door {site} {base_url}")

    def remember_door(self, site: str, base_url: str, memory: str) -> None:
        self.state.put(f"door {site} {base_url}", memory)

    def knowledge(self, site: str, base_url: str) -> str | None:
        return self.state.get(f"knowledge {site} {base_url}")

    def remember_knowledge(self, site: str, base_url: str, knowledge: str) -> None:
        self.state.put(f"knowledge {site} {base_url}", knowledge)

    def template(self, site: str, host: str) -> str | None:
        return self.state.get(f"template {site} {host}")

    def remember_template(self, site: str, host: str, template: str) -> None:
        self.state.put(f"template {site} {host}", template)

    def page_written(self, url: str, story: tuple[str | None, str]) -> None:
        self.state.page_written(url_key(url), url, story)

    def settle(self, link_key: str | None, status: str, story: tuple[str | None, str] | None = None) -> None:
        """What became of a link: done (with the story it led to), failed, or gone (404/410)."""
        if link_key:
            self.state.mark_link(link_key, status, story if status == LinkStatus.DONE else None)
