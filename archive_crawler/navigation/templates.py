"""The walk's first pass over each site's article pages, to learn the site's template.

With a profile that learns templates (``[template] learn``), the first ``PASS_PAGES`` article
pages the walk asks for on a host are read to learn its template and give no record yet; the
host's later pages wait. Once they all came in, the template is learnt from them whatever order
they came in, frozen for the run, and the first pages are read again with it, the waiting ones
after them: every record of the host is read with the same template. A walk that finds fewer pages
of a host learns from them when it has nothing else left; a URL list, whose pages all go out at the
start, once its pages of the host came in. A URL list naming fewer than ``LEAST_PAGES`` pages of a
host has nothing to learn from: its pages are read at once.

A template learnt from enough pages is kept in the state under ``template <site> <host>``, with
its version; a later run takes it instead of learning (a missing or older version is learnt
again). A replay and a re-parse read no state: they learn again, the same way, and keep nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace

from archive_crawler.messages import ParsedArticle
from archive_crawler.navigation.fetch import Fetch, PageKind
from archive_crawler.navigation.ledger import LinkLedger
from archive_crawler.reading.template import LEAST_PAGES, PASS_PAGES, PageBlocks, SiteTemplate, template_host
from archive_crawler.sites.profile import Profile
from archive_crawler.stats import Stat

logger = logging.getLogger(__name__)


class TemplatePass:
    """Which article fetches learn their site's template, which wait, and each host's frozen template."""

    def __init__(self, profile: Profile, stats, ledger: LinkLedger | None = None, seeds: tuple[str, ...] = (),
                 keep: bool = True):
        rules = profile.template
        self.site = profile.name
        self.learn = rules.learn
        self.pins = (rules.boilerplate, rules.text_container)
        self.pinned = SiteTemplate().pinned(*self.pins) if any(self.pins) else None
        self.stats = stats
        self.ledger = ledger
        self.keep = keep  # whether a learnt template is kept in the state (not for a limited window)
        self.listed = Counter(template_host(url) for url in seeds)  # pages a URL list names, by host
        self.frozen: dict[str, SiteTemplate | None] = {}  # host -> its template for the run
        self.first: dict[str, dict[str, Fetch]] = {}  # host -> its first pass: address -> fetch
        self.seen: dict[str, dict[str, PageBlocks | None]] = {}  # host -> address -> what came in (None: failed)
        self.waiting: dict[str, list[Fetch]] = {}  # host -> article fetches held until its template is frozen

    def route(self, fetches: list[Fetch]) -> list[Fetch]:
        """The walk's fetches as they go out: a host's first pages marked as learning, its later ones
        held back while it learns."""
        if not self.learn:
            return fetches
        out = []
        for fetch in fetches:
            if fetch.kind is not PageKind.ARTICLE or fetch.again or fetch.learning:
                out.append(fetch)
                continue
            host = template_host(fetch.url)
            if self.known(host):
                out.append(fetch)
            elif len(first := self.first.setdefault(host, {})) < PASS_PAGES:
                learning = replace(fetch, learning=True)
                first[fetch.url] = learning
                out.append(learning)
            else:
                self.waiting.setdefault(host, []).append(fetch)
        return out

    def known(self, host: str) -> bool:
        """Whether the host's template is frozen (taken from the state, or nothing to learn from)."""
        if host in self.frozen:
            return True
        if self.listed and self.listed[host] < LEAST_PAGES:
            self.frozen[host] = self.pinned
            return True
        stored = SiteTemplate.load(self.ledger.template(self.site, host)) if self.ledger is not None else None
        if stored is not None:
            logger.info("The template of %s from an earlier run: %s", host, stored.describe())
            self.frozen[host] = stored.pinned(*self.pins)
            return True
        return False

    def template_of(self, fetch: Fetch) -> SiteTemplate | None:
        """The template a page is read with: its host's frozen one (the profile's pins alone for a page
        read to learn)."""
        if fetch.kind is not PageKind.ARTICLE or fetch.learning or not self.learn:
            return self.pinned
        return self.frozen.get(template_host(fetch.url), self.pinned)

    def read(self, fetch: Fetch, page: ParsedArticle | None) -> list[Fetch]:
        """A first pass page came in (None: it failed); when it was the host's last, what to read next."""
        host = template_host(fetch.url)
        first = self.first.get(host)
        if host in self.frozen or first is None or fetch.url not in first:
            return []
        self.seen.setdefault(host, {})[fetch.url] = page.blocks if page is not None else None
        # A URL list's pages all go out at the start; a walk may find more of the host's pages later.
        if len(self.seen[host]) < len(first) or (not self.listed and len(first) < PASS_PAGES):
            return []
        return self.freeze(host)

    def idle(self) -> list[Fetch]:
        """The walk has nothing else left: hosts whose first pass never completed (a page dropped
        unanswered) learn from what came in."""
        return [fetch for host in list(self.first) if host not in self.frozen for fetch in self.freeze(host)]

    def freeze(self, host: str) -> list[Fetch]:
        """Learn the host's template from its first pass, freeze it; the first pass pages to read again
        with it, then the host's waiting pages."""
        seen = self.seen.pop(host, {})
        first = self.first.pop(host, {})
        template = SiteTemplate.learn([blocks for blocks in seen.values() if blocks is not None])
        self.frozen[host] = template.pinned(*self.pins)
        self.stats.inc_value(Stat.TEMPLATE_LEARNT if template.pages >= LEAST_PAGES else Stat.TEMPLATE_TOO_FEW)
        logger.info("Template of %s: %s", host, template.describe())
        if self.ledger is not None and self.keep and template.pages >= LEAST_PAGES:
            self.ledger.remember_template(self.site, host, template.dump())
        again = [fetch.learnt for url, fetch in first.items() if seen.get(url) is not None]
        self.stats.inc_value(Stat.TEMPLATE_READ_AGAIN, len(again))
        return again + self.waiting.pop(host, [])
