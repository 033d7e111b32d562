"""The Harbour Ledger: a small local news site that is not WordPress, served by the same
:class:`~tests.replica.server.ReplicaServer` (``build_ledger_site(n_stories, seed)``).

URLs (links on the pages are root-relative)::

    /                                   home: section menu and the latest teasers
    /section/{slug}/                    first listing page of a section (harbour, city, business, sport)
    /section/{slug}/?page={n}           later listing pages (n >= 2; ?page=1 answers 301 to the first)
    /news/{yyyy}/{mm}/{slug}-{id}.html  article; id is the CMS's story number
    /topic/{slug}/                      topic listing (teasers)
    /print/news/{yyyy}/{mm}/{slug}-{id}.html   print version: robots.txt forbids it
    /robots.txt                         Disallow: /print/ and /search

Markup (every selector a site profile needs)::

    menu          nav.sections a[href]                       (/section/{slug}/)
    listing entry div.teaser
      link        div.teaser h3 a[href]
      byline      div.teaser span.byline                     "By A and B"
      date        div.teaser time[datetime]                  2014-06-27
    next page     a.next[rel=next][href]                     "Next ›", absent on the last page
    title         h1.headline; <title> "{Title} — The Harbour Ledger"
    section       a.section-label                            (its text is the category)
    byline        article span.byline                        "By A and B" ("By A, B and C")
    date          article time[datetime]                     with a UTC offset, or a bare date
    body          div.story-body p                           (the lead may open "PORTSMOUTH — " or
                                                             "LONDON (Reuters) — ": dateline and wire)
    caption       figure.lead-image figcaption               text less span.credit
    credit        figure.lead-image figcaption span.credit
    story ID      p.story-ref "Story ref: 204518"            (regex ``Story ref:\\s*(\\d{6})``); some pages have none
    tags          ul.topics li a
    canonical     link[rel=canonical]                        (absent on one duplicate)
    not content   a.print (/print/...), ul.share a (the article URL with ?utm_source=...),
                  aside.related, p.story-ref

Oddities: share links to the same article with ``?utm_source=``; print copies a crawler must not
fetch; one story republished under a second URL (another id, another section) with the same
Story ref and a canonical link to the first, and one without a canonical link; ``&amp;`` in a
section name; curly quotes and apostrophes; stories whose page gives a date but no time.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape

from .routes import html_page, redirect, text_page
from .text import slugify

NAME = "The Harbour Ledger"
PER_PAGE = 8
SECTIONS = {"harbour": "Harbour & Shipping", "city": "City", "business": "Business", "sport": "Sport"}
WEIGHTS = {"harbour": 36, "city": 26, "business": 20, "sport": 18}
PLACES = ["Portsmouth", "Southampton", "Gosport", "Cowes", "Poole", "Hamble", "Lymington", "Fareham"]
REPORTERS = ["Ellen Marsh", "Tom Pryor", "Nadia Kerr", "Owen Blake", "Ruth Okafor", "Sam Hollis"]
TOPICS = [("ferries", "Ferries"), ("council", "Council"), ("jobs", "Jobs"), ("transport", "Transport"),
          ("sailing", "Sailing"), ("environment", "Environment"), ("housing", "Housing")]
WIRES = [("LONDON", "Reuters"), ("SOUTHAMPTON", "PA"), ("LONDON", "PA")]
CREDITS = ["Reuters", "PA", "Harbour Ledger", "Getty Images", "AFP"]
HEADLINES = {
    "harbour": ["Dredging Plan for {place} Channel Approved", "Ferry Operator Adds Winter Sailings to {place}",
                "{place} Pilots Warn Over Night Berthing", "Cruise Calls at {place} Rise by {n} Percent",
                "Tug Crews in {place} Vote on New Rota", "Container Terminal at {place} Delayed Again"],
    "city": ["Council Backs New Cycle Lanes in {place}", "{place} Library Reopens After Repairs",
             "Residents Object to Seafront Flats in {place}", "Night Bus Trial in {place} Extended",
             "School Places Shortfall Warning in {place}"],
    "business": ["Boatyard in {place} Wins \u00a3{n}m Order", "Fish Prices Slip in {place} as Catches Rise",
                 "Port Authority Reports Record Tonnage at {place}", "{place} Chandlery Marks Its Centenary",
                 "Shipbroker Opens Office in {place}"],
    "sport": ["{place} Rowing Club Wins Regatta Cup", "Harbour Swim at {place} Returns After {n} Years",
              "Sailing Week in {place} Draws {n} Crews", "Dockers FC Hold {place} Leaders to a Draw",
              "{place} Boxer Books Title Fight"],
}
SENTENCES = [
    "The plan was discussed at a meeting in {place} on {day}, where {n} residents asked questions.",
    "\u201cWe have waited a long time for this,\u201d said {person}, who has lived in {place} for {n} years.",
    "Officials said work could begin in the spring if the budget is agreed.",
    "The harbour master\u2019s office declined to comment on the timetable.",
    "Traders on the quayside said business had been slow since the autumn.",
    "A spokesman for the operator said safety was \u201cthe first priority\u201d.",
    "Councillors will vote on the proposal at the next full meeting.",
    "Similar schemes in {other} have cut journey times by a third.",
    "{person} said the town\u2019s young people deserved better facilities.",
    "The figures will be published in full later this month.",
    "Campaigners have collected {n} signatures in support of the change.",
    "Crews worked through the night to finish before the tide turned.",
]
CAPTIONS = ["A container ship leaves {place} at dawn", "Crowds on the seafront at {place}",
            "Councillors at the meeting in {place}", "Boats moored in the marina at {place}",
            "The quayside at {place} on a winter morning"]


@dataclass
class LedgerStory:
    number: int                  # the CMS's story number, in the URL
    title: str
    slug: str
    section: str
    authors: tuple[str, ...]
    published: datetime          # aware, Europe/London offset
    shows_time: bool             # the article page states the time (else only the date)
    body: list[str]
    dateline: str | None
    source: str | None
    caption: str | None
    credit: str | None
    topics: list[tuple[str, str]]
    ref: int | None              # "Story ref: NNNNNN" on the page
    copies: list[LedgerCopy] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/news/{self.published:%Y/%m}/{self.slug}-{self.number}.html"


@dataclass
class LedgerCopy:
    """The story republished under another number and section (same Story ref)."""
    story: LedgerStory
    number: int
    section: str
    canonical: bool              # links rel=canonical to the original

    @property
    def path(self) -> str:
        return f"/news/{self.story.published:%Y/%m}/{self.story.slug}-{self.number}.html"


class LedgerSite:
    """The Harbour Ledger's content; ``render(base)`` writes its pages for ReplicaServer."""

    def __init__(self, seed: int):
        self.seed = seed
        self.sections = dict(SECTIONS)
        self.stories: list[LedgerStory] = []
        self.transient_failures: dict[str, list[int]] = {}
        self.disallowed_prefixes = ("/print/", "/search")
        self.base_url: str | None = None

    def section_entries(self, slug: str) -> list[tuple[str, LedgerStory]]:
        """(path, story) of every teaser on a section's listing, newest first."""
        entries = [(s.path, s) for s in self.stories if s.section == slug]
        entries += [(c.path, s) for s in self.stories for c in s.copies if c.section == slug]
        return sorted(entries, key=lambda e: (e[1].published, e[0]), reverse=True)

    def listing_page_count(self, slug: str) -> int:
        return max(1, -(-len(self.section_entries(slug)) // PER_PAGE))

    def expected_records(self, base_url: str | None = None) -> list[dict]:
        base = (base_url or self.base_url or "").rstrip("/")
        if not base:
            raise RuntimeError("no base URL: start a ReplicaServer or pass base_url")
        out = []
        for s in self.stories:
            body = "\n\n".join(s.body)
            out.append({
                "media_id": s.ref, "url": base + s.path,
                "accepted_urls": [base + s.path] + [base + c.path for c in s.copies if not c.canonical],
                "title": s.title,
                "published": s.published.isoformat() if s.shows_time else s.published.date().isoformat(),
                "authors": list(s.authors), "category": SECTIONS[s.section], "tags": [name for _, name in s.topics],
                "image_caption": s.caption, "image_credit": s.credit, "dateline": s.dateline, "source": s.source,
                "body": body, "word_count": len(body.split())})
        return out

    def render(self, base: str, crawl_only: bool = False):
        return render_ledger(self, base)


def _london(when: datetime) -> datetime:
    """Summer time (+01:00) from April to October, GMT otherwise (near enough for a fixture)."""
    return when.replace(tzinfo=timezone(timedelta(hours=1 if 4 <= when.month <= 10 else 0)))


def build_ledger_site(n_stories: int = 48, seed: int = 5) -> LedgerSite:
    """About ``n_stories`` stories across four sections, two of them republished under a second URL."""
    rng = random.Random(f"ledger:{seed}")
    site = LedgerSite(seed)
    when, number, refs, titles = datetime(2013, 1, 7, 8, 0), 31200, set(), set()
    for _ in range(n_stories):
        when += timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
        section = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
        place, other = rng.sample(PLACES, 2)
        slots = {"place": place, "other": other, "n": rng.randint(2, 60), "day": rng.choice(["Monday", "Tuesday", "Friday"]),
                     "person": f"{rng.choice(['Jo', 'Alan', 'Priya', 'Mark', 'Helen'])} "
                            f"{rng.choice(['Fenwick', 'Doyle', 'Sharma', 'Quinn', 'Webb'])}"}
        title = rng.choice(HEADLINES[section]).format(**slots)
        while title in titles:
            title += " Again"
        titles.add(title)
        sentences = [t.format(**slots) for t in rng.sample(SENTENCES, rng.randint(4, 8))]
        body = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
        dateline = source = None
        roll = rng.random()
        if roll < 0.35:
            dateline = place.upper()
            body[0] = f"{dateline} \u2014 {body[0]}"
        elif roll < 0.5:
            dateline, source = rng.choice(WIRES)
            body[0] = f"{dateline} ({source}) \u2014 {body[0]}"
        caption = credit = None
        if rng.random() < 0.75:
            caption, credit = rng.choice(CAPTIONS).format(**slots), rng.choice(CREDITS)
        ref = None
        if rng.random() < 0.8:
            ref = rng.randint(200000, 299999)
            while ref in refs:
                ref += 1
            refs.add(ref)
        number += rng.randint(3, 40)
        authors = tuple(rng.sample(REPORTERS, rng.choices([1, 2, 3], [70, 25, 5])[0]))
        site.stories.append(LedgerStory(
            number, title, slugify(title, False), section, authors, _london(when), rng.random() < 0.8, body,
            dateline, source, caption, credit, rng.sample(TOPICS, rng.randint(0, 3)), ref))
    with_ref = [s for s in site.stories if s.ref is not None]
    for story, canonical in zip(rng.sample(with_ref, 2), (True, False), strict=False):
        number += rng.randint(3, 40)
        story.copies.append(LedgerCopy(story, number, rng.choice([c for c in SECTIONS if c != story.section]),
                                       canonical))
    return site


# ----- pages -------------------------------------------------------------------------------------
def _byline(authors) -> str:
    names = list(authors)
    return "By " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def _page(title: str, body_class: str, main: str, head: str = "") -> str:
    nav = "".join(f'<li><a href="/section/{slug}/">{escape(name)}</a></li>' for slug, name in SECTIONS.items())
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{escape(title)} \u2014 {NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/ledger.css">
{head}
</head>
<body class="{body_class}">
<header class="masthead">
<a class="brand" href="/">{NAME}</a>
<nav class="sections"><ul>{nav}</ul></nav>
<form class="search" action="/search" method="get"><input type="search" name="q" placeholder="Search"></form>
</header>
<main>
{main}
</main>
<footer class="site-footer"><p>&copy; {NAME}. All rights reserved.</p><a href="/about/">About us</a></footer>
</body>
</html>
"""


def _teaser(path: str, story: LedgerStory) -> str:
    summary = escape(story.body[0].split(". ")[0].rstrip(".") + ".")
    return (f'<div class="teaser"><h3><a href="{path}">{escape(story.title)}</a></h3>'
            f'<span class="byline">{_byline(story.authors)}</span> <time datetime="{story.published:%Y-%m-%d}">'
            f"{story.published.day} {story.published:%B %Y}</time><p class=\"summary\">{summary}</p></div>")


def _article(site, base: str, story: LedgerStory, path: str, canonical: bool) -> str:
    d = story.published
    if story.shows_time:
        time = f'<time datetime="{d.isoformat()}">{d.day} {d:%B %Y}, {d:%H:%M}</time>'
    else:
        time = f'<time datetime="{d:%Y-%m-%d}">{d.day} {d:%B %Y}</time>'
    figure = ""
    if story.caption:
        caption = escape(story.caption)
        figure = (f'<figure class="lead-image"><img src="/media/{d:%Y/%m}/{story.slug}.jpg" alt="{caption}">'
                  f'<figcaption>{caption} <span class="credit">{story.credit}</span></figcaption></figure>')
    ref = f'<p class="story-ref">Story ref: {story.ref}</p>' if story.ref else ""
    topics = "".join(f'<li><a href="/topic/{slug}/">{name}</a></li>' for slug, name in story.topics)
    share = "".join(f'<li><a href="{path}?utm_source={net.lower()}&amp;utm_medium=share">Share on {net}</a></li>'
                    for net in ("Twitter", "Facebook", "Email"))
    others = [s for s in site.stories if s.section == story.section and s is not story][:3]
    related = "".join(f'<li><a href="{s.path}">{escape(s.title)}</a></li>' for s in others)
    paragraphs = "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in story.body)
    main = f"""<article class="story">
<a class="section-label" href="/section/{story.section}/">{escape(SECTIONS[story.section])}</a>
<h1 class="headline">{escape(story.title)}</h1>
<div class="meta"><span class="byline">{_byline(story.authors)}</span> {time}</div>
{figure}
<div class="story-body">
{paragraphs}
</div>
{ref}
<ul class="topics">{topics}</ul>
<div class="tools"><a class="print" href="/print{path}">Print this story</a><ul class="share">{share}</ul></div>
</article>
<aside class="related"><h2>More from {escape(SECTIONS[story.section])}</h2><ul>{related}</ul></aside>"""
    head = f'<link rel="canonical" href="{base}{story.path}">\n' if canonical else ""
    head += f'<meta property="og:title" content="{escape(story.title)}">\n'
    head += f'<meta property="og:site_name" content="{NAME}">'
    return _page(story.title, "article", main, head)


def _listing(title: str, heading: str, entries, page_no: int = 1, n_pages: int = 1, root: str = "") -> str:
    pager = f'<span class="page-no">Page {page_no} of {n_pages}</span>'
    if page_no > 1:
        pager = f'<a class="prev" rel="prev" href="{root}?page={page_no - 1}">\u2039 Previous</a> ' + pager
    if page_no < n_pages:
        pager += f' <a class="next" rel="next" href="{root}?page={page_no + 1}">Next \u203a</a>'
    teasers = "\n".join(_teaser(path, story) for path, story in entries)
    return _page(title if page_no == 1 else f"{title} \u2014 page {page_no}", "listing",
                 f'<h1 class="section-title">{escape(heading)}</h1>\n<div class="teasers">\n{teasers}\n</div>\n'
                 f'<nav class="pager">{pager}</nav>')


def render_ledger(site: LedgerSite, base: str):
    """(pages by request target, the 404 page)."""
    latest = sorted(((s.path, s) for s in site.stories), key=lambda e: e[1].published, reverse=True)[:8]
    pages = {"/": html_page(_listing("Latest news", "Latest news", latest)),
             "/robots.txt": text_page("User-agent: *\nDisallow: /print/\nDisallow: /search\n"),
             "/about/": html_page(_page("About us", "page", f"<h1>About us</h1><p>{NAME} has covered the harbour "
                                        "and its towns since 1881.</p>"))}
    for slug, name in SECTIONS.items():
        entries, root = site.section_entries(slug), f"/section/{slug}/"
        n_pages = site.listing_page_count(slug)
        for n in range(1, n_pages + 1):
            chunk = entries[(n - 1) * PER_PAGE: n * PER_PAGE]
            pages[root if n == 1 else f"{root}?page={n}"] = html_page(_listing(name, name, chunk, n, n_pages, root))
        pages[f"{root}?page=1"] = pages[root.rstrip("/")] = redirect(base + root)
    for slug, name in TOPICS:
        tagged = [(s.path, s) for s in site.stories if (slug, name) in s.topics]
        pages[f"/topic/{slug}/"] = html_page(_listing(name, name, tagged[::-1]))
    for story in site.stories:
        pages[story.path] = html_page(_article(site, base, story, story.path, True))
        pages["/print" + story.path] = html_page(_page(story.title, "print", "\n".join(
            f"<p>{escape(p, quote=False)}</p>" for p in [story.title, *story.body])))
        for copy in story.copies:
            pages[copy.path] = html_page(_article(site, base, story, copy.path, copy.canonical))
    not_found = html_page(_page("Page not found", "error", "<h1>Page not found</h1><p>Sorry, we could not find "
                                "that page.</p>"), 404)
    return pages, not_found
