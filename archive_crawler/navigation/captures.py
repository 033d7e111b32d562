"""A site harvested from a web archive: once the captured category walk is done, the articles the
archive holds that no captured category listing named are read too, once: first through the other
captured listings that name them (tags, authors: their entries carry the dates and bylines pages
may lack), then whatever is left, on its own."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive_crawler.messages import ArticleContext
from archive_crawler.navigation.fetch import LISTING_PRIORITY, Fetch, PageKind
from archive_crawler.navigation.urls import url_key
from archive_crawler.stats import Stat
from archive_crawler.vocabulary import LinkStatus

if TYPE_CHECKING:
    from archive_crawler.navigation.navigator import Navigator

logger = logging.getLogger(__name__)


class CapturedSite:
    """Reads what the capture index (the archive's CDX enumeration of the site) holds beyond the walk."""

    def __init__(self, nav: Navigator, pages: list[str]):
        self.nav = nav
        self.pages = pages  # the canonical URL of every page with a real capture, in URL order
        self.stage = 0  # 1: the other captured listings asked for; 2: the articles left

    def idle(self) -> list[Fetch]:
        """What to read once nothing else is left; [] when the harvest is done."""
        while self.stage < 2:
            self.stage += 1
            unnamed = self.unnamed()
            if not unnamed:
                return []
            follows = self.other_listings(len(unnamed)) if self.stage == 1 else self.articles(unnamed)
            if follows:
                return follows
        return []

    def unnamed(self) -> dict[str, str | None]:
        """Article URL -> where its link stood before this run, for the articles not asked for yet."""
        nav, urls = self.nav, self.nav.urls
        unnamed: dict[str, str | None] = {}
        for url in self.pages:
            target = urls.article_link(url)
            if target is None or urls.listing_page_number(target) is not None:
                continue
            key = url_key(target)
            if key in nav.requested:
                continue
            status = nav.ledger.link_status(key) if nav.ledger else None
            if nav.full or status != LinkStatus.DONE:
                unnamed[target] = status
        return unnamed

    def other_listings(self, unnamed: int) -> list[Fetch]:
        urls = self.nav.urls
        follows = [Fetch(url, PageKind.LISTING, f"~{urlsplit(url).path.strip('/')}", 1, priority=LISTING_PRIORITY)
                   for url in self.pages if urls.other_listing(url) and urls.listing_page_number(url) in (None, 1)]
        if follows:
            logger.info("%d articles the archive holds were named by no captured category listing: "
                        "reading %d other captured listings first", unnamed, len(follows))
            self.nav.stats.set_value(Stat.WAYBACK_OTHER_LISTINGS, len(follows))
        return follows

    def articles(self, unnamed: dict[str, str | None]) -> list[Fetch]:
        follows = []
        for target, status in unnamed.items():
            follow = self.nav.new_article(target, ArticleContext(), status)
            if follow is not None:
                follows.append(follow)
        if follows:
            logger.info("%d articles the archive holds were named by no captured listing: reading them",
                        len(follows))
            self.nav.stats.set_value(Stat.WAYBACK_CDX_ONLY_ARTICLES, len(follows))
        return follows
