"""A web archive's captures of the replica of the archive, with the traps a harvest from it meets.

``archive_captures(site)`` renders every page of the replica at the real site's address and
captures it as an archive would have over the years:

- most pages once, in 2017 (the best capture: the latest 200);
- some articles several times: an older capture a redirect (2014) or a server error (2015), and
  a newer one that is the site's "not found" page served with 200 (2019, a soft error) or a 404;
- a few articles captured twice as real pages (2016 and 2017), to tell the capture asked for;
- some articles only under a share-button copy (``?share=twitter``) or over ``http://``;
- some listing pages never captured: their articles are found through the CDX alone;
- tag, author and attachment pages, and a page of another site (never to be harvested).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.replica.routes import render_site
from tests.webarchive.captures import Capture, error, page, redirect, soft_error

ORIGINAL = "https://eng-archive.aawsat.com"
GOOD = "20170301120000"
EARLY = "20160501080000"  # a second real capture of some articles, a year before the best


@dataclass
class CapturePlan:
    captures: list[Capture] = field(default_factory=list)
    best: dict[str, str] = field(default_factory=dict)  # path -> the timestamp of the capture to use
    share_only: set[str] = field(default_factory=set)  # article paths captured only as share copies
    http_only: set[str] = field(default_factory=set)
    uncaptured_listings: set[str] = field(default_factory=set)
    several: set[str] = field(default_factory=set)  # article paths with bad captures around the good one
    twice: set[str] = field(default_factory=set)  # article paths with a second real capture, in 2016


def archive_captures(site, seed: int = 3) -> CapturePlan:
    rng = random.Random(seed)
    pages, not_found = render_site(site, ORIGINAL)
    plan = CapturePlan()
    articles = [story.path for story in site.stories]
    listings = sorted(path for path in pages if path.startswith("/category/") and "/page/" in path
                      and not path.endswith("/"))
    plan.uncaptured_listings = set(rng.sample(listings, min(2, len(listings))))
    shuffled = rng.sample(articles, len(articles))
    plan.share_only = set(shuffled[:3])
    plan.http_only = set(shuffled[3:6])
    plan.several = set(shuffled[6:16])
    plan.twice = set(shuffled[16:19])
    for path, (status, headers, body) in sorted(pages.items()):
        if path in plan.uncaptured_listings or (path.endswith("/") and path.rstrip("/") in pages and path != "/"):
            continue
        url = ORIGINAL + path
        if path in plan.share_only:
            url = f"{url}?share=twitter"
        elif path in plan.http_only:
            url = url.replace("https://", "http://", 1)
        stamp = GOOD if path not in plan.several else f"2017{rng.randint(3, 9):02d}01093000"
        plan.captures.append(Capture(url, stamp, status, headers, body))
        plan.best[path] = stamp
        if path in plan.twice:
            plan.captures.append(Capture(url, EARLY, status, headers, body))
        if path in plan.several:
            older = rng.choice([redirect(url, "20140105080000", ORIGINAL + "/"), error(url, "20150610101010", 500)])
            newer = rng.choice([soft_error(url, "20190220110000", not_found[2]),
                                error(url, "20190220110000", 404)])
            plan.captures += [older, newer]
    plan.captures.append(page("https://another-site.example/a-story/elsewhere/here", GOOD,
                              "<html><body><p>Another site.</p></body></html>"))
    return plan
