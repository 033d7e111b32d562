"""The words the crawler's parts share, each defined once: link statuses and door names.

Both are :class:`~enum.StrEnum`, so they compare equal to the plain strings the state and the
profiles hold (``"done"``, ``"rest"``) and are stored as those strings.
"""

from __future__ import annotations

from enum import StrEnum


class LinkStatus(StrEnum):
    """What became of an article link, as the state keeps it."""

    PENDING = "pending"  # met, not yet read
    DONE = "done"  # led to a written story (or a copy of one)
    FAILED = "failed"  # its page failed or gave no story: tried again by a later run
    GONE = "gone"  # the site answered 404 or 410


class DoorName(StrEnum):
    """The ways into a site a profile's ``crawl.doors`` names, in the order it tries them."""

    REST = "rest"  # the WordPress REST API
    SITEMAPS = "sitemaps"
    FEEDS = "feeds"
    LISTINGS = "listings"  # the home page's menus, then category listings page by page
