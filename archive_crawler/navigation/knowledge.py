"""What a walk learns of a site whose listings no selector reads: the shapes of its permalinks and
the places of its pages that are no listing's (a box of most-read posts drawn on every page).

It is learnt once, from the first pass of a walk (the home page's listing and the first page of
every category its menus name, all read before any post found on them is accepted), or taken
from an earlier run's state; then it is frozen for the run, so no record depends on the order
pages come in. The state keeps it under ``knowledge <site> <base_url>`` with its version: a
missing or older version is learnt again. A replay and a re-parse take it from the harvest's
state, read only (``storage.state.kept_knowledge``), so they read the listings as the harvest
did even where their stored pages would teach them otherwise; with none kept, they learn it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from archive_crawler.messages import ListingEntry, ListingPage
from archive_crawler.reading.posts import permalink_shape

KNOWLEDGE_VERSION = 1
SHARED_PAGES = 3  # a place showing the same posts on this many first pages at least is no listing's


@dataclass(frozen=True)
class SiteKnowledge:
    shapes: frozenset[str] = frozenset()  # permalink shapes of the site's posts
    chrome: frozenset[str] = frozenset()  # places (block signatures) that show the same posts on every page
    version: int = KNOWLEDGE_VERSION

    @classmethod
    def learn(cls, pages: list[ListingPage]) -> SiteKnowledge:
        """What the first pages' posts found by their links tell, whatever order they came in."""
        found = [[entry for entry in page.entries if entry.url and entry.block] for page in pages]
        shown: dict[str, set[tuple[str, ...]]] = {}  # place -> the posts it shows, on each page
        appearances: Counter[str] = Counter()
        for entries in found:
            places: dict[str, list[str]] = {}
            for entry in entries:
                assert entry.url and entry.block  # (filtered above)
                places.setdefault(entry.block, []).append(entry.url)
            for place, urls in places.items():
                shown.setdefault(place, set()).add(tuple(sorted(urls)))
                appearances[place] += 1
        chrome = frozenset(place for place, lists in shown.items()
                           if appearances[place] >= SHARED_PAGES and len(lists) == 1)
        shapes: Counter[str | None] = Counter()
        repeated: set[str | None] = set()  # shapes of two posts or more on one page
        for page in pages:
            on_page = Counter(permalink_shape(entry.url) for entry in page.entries
                              if entry.url and entry.block not in chrome)
            shapes.update(on_page)
            repeated |= {shape for shape, count in on_page.items() if count > 1}
        common = shapes.most_common(1)[0][0] if shapes else None
        # A shape met once a page (a heading's link to an archive) is no permalink's, unless it is all there is.
        return cls(frozenset(shape for shape in shapes if shape and (shape in repeated or shape == common)), chrome)

    def accepts(self, entry: ListingEntry) -> bool:
        """Whether a post found by its link is one of the listing's: not in a place every page shows,
        and with the shape of the site's permalinks. Entries the profile's selectors found always are."""
        if entry.block is None or entry.url is None:
            return True
        return entry.block not in self.chrome and (not self.shapes or permalink_shape(entry.url) in self.shapes)

    def dump(self) -> str:
        return json.dumps({"version": self.version, "shapes": sorted(self.shapes), "chrome": sorted(self.chrome)})

    @classmethod
    def load(cls, text: str | None) -> SiteKnowledge | None:
        """The knowledge an earlier run kept, or None when it is missing, unreadable or of an older version."""
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("version") != KNOWLEDGE_VERSION:
            return None
        return cls(frozenset(data.get("shapes") or ()), frozenset(data.get("chrome") or ()))
