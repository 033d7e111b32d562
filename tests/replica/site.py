"""The archive replica's content, built deterministically: ``build_site(n_stories, seed, variant)``.

Stories first (one random stream for every variant), then the site-wide oddities (duplicate
copies, shortlink and share links, links twice on one entry, transient failures, a dateline typo,
double-escaped titles), then the variant's per-story edits. ``Site.expected_records()`` says what
a correct crawler writes.
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

from . import words as W
from .model import Copy, Entry, Look, PageMeta, Story
from .text import choose_dateline, make_body, make_image, make_title, slugify, story_context
from .variants import VARIANTS, apply_edits

PER_PAGE = 10
MEDIA_ID_RANGE = (55283781, 55385310)
FIRST_DAY = datetime(2005, 1, 3)
LAST_DAY = datetime(2017, 10, 31)
OFFSETS = [UTC, timezone(timedelta(hours=3))]
N_SHORTLINK = 4        # listing entries linking through /?p=ID
N_SHARE = 4            # listing entries linking through {url}?share=facebook
N_DUPLICATES = 5       # stories with a media ID reachable under a second URL
N_TRANSIENT = 4        # article URLs answering 500 before serving


class Site:
    """The replica's content: stories, duplicates, dead entries and planned faults."""

    def __init__(self, seed: int, variant: int = 0):
        self.seed = seed
        self.variant = variant
        self.markup = VARIANTS[variant]
        self.categories: dict[str, str] = dict(W.CATEGORIES)
        self.stories: list[Story] = []
        self.copies: list[Copy] = []
        self.ghosts: list[Story] = []
        self.sticky: Story | None = None
        self.transient_failures: dict[str, list[int]] = {}
        self.disallowed_prefixes = ("/wp-admin/", "/?s=", "/search/", "/feed/", "/members/")
        self.disallowed_substrings = ("?share=",)   # robots.txt "Disallow: /*?share="
        self.base_url: str | None = None            # set by ReplicaServer.start()
        self._used_slugs: set[str] = set()
        self._used_media: set[int] = set()
        self._used_images: set[str] = set()

    # ----- queries -------------------------------------------------------------
    def is_disallowed(self, target: str) -> bool:
        """True when robots.txt forbids ``target`` (path + query)."""
        if target.startswith("/wp-admin/admin-ajax.php"):
            return False
        return target.startswith(self.disallowed_prefixes) or any(s in target for s in self.disallowed_substrings)

    def story_by_id(self, post_id: int) -> Story | None:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.stories):
            index = self.__dict__["_by_id"] = {s.post_id: s for s in self.stories}
        return index.get(post_id)

    def entries(self) -> list[Entry]:
        """Every listing entry (stories, duplicate copies, dead links), newest first; a post in two
        categories is listed under both."""
        out = [Entry(s, s.post_id, s.path, cat, s.link_form if cat == s.category else "plain", s.image_link,
                     s.full_in_listing and cat == s.category)
               for s in self.stories + self.ghosts for cat in s.categories]
        out += [Entry(c.story, c.post_id, c.path, c.category, "plain", "article" if c.story.image else "")
                for c in self.copies]
        return sorted(out, key=lambda e: e.sort_key, reverse=True)

    def category_entries(self, slug: str) -> list[Entry]:
        return [e for e in self.entries() if e.category == slug]

    def per_page(self, slug: str, n_entries: int) -> int:
        return max(1, n_entries) if slug in self.markup.one_page else PER_PAGE

    def listing_page_count(self, slug: str) -> int:
        n = len(self.category_entries(slug))
        return max(1, -(-n // self.per_page(slug, n)))

    def listing_target(self, root: str, page_no: int) -> str:
        """The request target that serves page ``page_no`` of a listing (not a redirect)."""
        path = root if page_no == 1 else f"{root}/page/{page_no}"
        return path + "/" if self.markup.slash else path

    def newest(self, k: int) -> list[Story]:
        return sorted(self.stories, key=lambda s: s.published, reverse=True)[:k]

    def max_post_id(self) -> int:
        ids = [s.post_id for s in self.stories + self.ghosts] + [c.post_id for c in self.copies]
        return max(ids, default=1000)

    def render(self, base: str, crawl_only: bool = False):
        """(pages by request target, the 404 page) of this site served at ``base``."""
        from .routes import render_site
        return render_site(self, base, crawl_only)

    # ----- expected output -----------------------------------------------------
    def expected_records(self, base_url: str | None = None) -> list[dict]:
        base = self._base(base_url)
        return [expected_record(s, [c for c in self.copies if c.story is s], base, self.categories)
                for s in self.stories]

    @property
    def new_story_urls(self) -> list[str]:
        base = self._base(None)
        return [base + s.path for s in self.stories if s.is_new]

    def _base(self, base_url: str | None) -> str:
        base = base_url or self.base_url
        if not base:
            raise RuntimeError("no base URL: start a ReplicaServer or pass base_url")
        return base.rstrip("/")

    # ----- growth ----------------------------------------------------------------
    def add_new_stories(self, k: int, seed: int = 0) -> list[Story]:
        """Publish ``k`` stories newer than all others (they top their listings)."""
        rng = random.Random(f"new:{self.seed}:{seed}:{len(self.stories)}")
        when = max(s.published for s in self.stories + self.ghosts)
        next_id = self.max_post_id() + rng.randint(5, 30)
        added = []
        for _ in range(k):
            when = when + timedelta(days=rng.randint(1, 3), minutes=rng.randint(1, 600))
            cat = list(self.categories)[rng.randrange(len(self.categories))]
            story = self._make_story(rng, cat, when, next_id)
            story.is_new = True
            story.related = [s.post_id for s in rng.sample(self.stories, min(3, len(self.stories)))]
            self.stories.append(story)
            added.append(story)
            next_id += rng.randint(3, 30)
        apply_edits(self, added)
        return added

    # ----- story factory ---------------------------------------------------------
    def _make_story(self, rng, category: str, published: datetime, post_id: int) -> Story:
        old = published.year <= 2008
        ctx = story_context(rng, published.year, old, category)
        title = self._unique_title(rng, ctx, old)
        prefix, place, source = choose_dateline(rng, published.year, category)
        body = make_body(rng, ctx, prefix)
        names, author_slug = _pick_byline(rng, category)
        look = Look()
        image = None
        if rng.random() < 0.7:
            image, look.caption, look.label_strong = make_image(rng, ctx, self._unique_image_slug(rng, ctx))
        media_id = self._unique_media_id(rng) if rng.random() < 0.5 else None
        tags = rng.sample(W.TAGS, rng.choice([0, 1, 2, 2, 3, 4]))
        look.media = rng.choices(["p", "div", "strong"], [70, 15, 15])[0]
        story = Story(
            post_id=post_id, title=title, slug=slugify(title, old), category=category, authors=names,
            author_slug=author_slug, published=published, body=body, dateline=place, source=source,
            image=image, tags=tags, media_id=media_id, meta=_plan_meta(rng),
            title_form=rng.choices([0, 1, 2], [80, 12, 8])[0], has_h1=rng.random() >= 0.05,
            has_canonical=rng.random() >= 0.2, old=old, render_seed=rng.randrange(2 ** 32), look=look,
            qa_prefixes=ctx.get("qa_prefixes"), strong_prefix=rng.random() < 0.4,
            full_in_listing=rng.random() < 0.125, attachment_id=post_id + 1,
        )
        if image and rng.random() < 0.08:
            story.image_link = "attachment"
        self._used_slugs.add(story.slug)
        return story

    def _unique_title(self, rng, ctx: dict, old: bool) -> str:
        # Large replicas (benchmarks) run out of fresh headlines: past a thousand stories, a
        # headline already used gets a follow-up qualifier instead.
        attempts = 200 if len(self._used_slugs) < 1000 else 10
        for _ in range(attempts):
            title = make_title(rng, ctx)
            slug = slugify(title, old)
            if slug not in self._used_slugs and not slug.endswith("-2"):
                return title
            ctx.update(story_context(rng, ctx["year"], old, ctx["category"]))
        for follow_up in range(1, 10_000):
            qualified = f"{title}: Follow-up {follow_up}"
            if slugify(qualified, old) not in self._used_slugs:
                return qualified
        raise RuntimeError("could not find a unique title")

    def _unique_image_slug(self, rng, ctx: dict) -> str:
        while True:
            slug = f"{slugify(ctx['city'], False)}-{rng.randint(100, 99999)}"
            if slug not in self._used_images:
                self._used_images.add(slug)
                return slug

    def _unique_media_id(self, rng) -> int:
        while True:
            value = rng.randint(*MEDIA_ID_RANGE)
            if value not in self._used_media:
                self._used_media.add(value)
                return value


def expected_record(story: Story, copies: list[Copy], base: str, categories: dict) -> dict:
    """The record of one story. ``url`` is the original's; copies whose canonical points
    elsewhere than the original are legitimate outputs too, hence ``accepted_urls``."""
    url = base + story.path
    body = "\n\n".join(story.body)
    image = story.image
    return {
        "media_id": story.media_id, "url": url,
        "accepted_urls": [url] + [base + c.path for c in copies if not c.canonical_to_original],
        "title": story.title,
        # a time only where the page states one, in the offset it is written with
        "published": (story.look.shown(story.published).isoformat() if story.meta.gives_time
                      else story.published.date().isoformat()),
        "authors": list(story.authors), "category": categories[story.category],
        "tags": [display for _, display in story.tags],
        "image_caption": image.caption if image else None, "image_credit": image.credit if image else None,
        "dateline": story.dateline, "source": story.source, "body": body, "word_count": len(body.split()),
    }


def _pick_byline(rng, category: str) -> tuple[tuple[str, ...], str]:
    if category in ("opinion", "majalla-blogs") and rng.random() < 0.8:
        name, slug = rng.choice(W.COLUMNISTS)
        return (name,), slug
    if rng.random() < 0.12:
        names, slug = rng.choice(W.JOINT_AUTHORS)
        return tuple(names), slug
    name, slug = rng.choice(W.AUTHORS)
    return (name,), slug


def _plan_meta(rng) -> PageMeta:
    """Where the article page states its date, author and category (if anywhere)."""
    mode = rng.choices(["postmeta", "meta", "jsonld", "none", "partial", "postmeta+meta"],
                       [25, 16, 13, 25, 13, 8])[0]
    return {
        "postmeta": lambda: PageMeta(pm_author=True, pm_date=True, pm_cat=True),
        "meta": lambda: PageMeta(og_time=True, meta_author=True, og_section=True),
        "jsonld": lambda: PageMeta(ld=True, ld_date=True, ld_author=True, ld_section=True),
        "postmeta+meta": lambda: PageMeta(pm_author=True, pm_date=True, pm_cat=True, og_time=True,
                                          meta_author=True, og_section=True),
        "none": PageMeta,
        "partial": lambda: rng.choice([
            PageMeta(og_time=True),                         # a date, no author anywhere
            PageMeta(pm_date=True),
            PageMeta(ld=True, ld_date=True),
            PageMeta(og_time=True, meta_author=True),       # no category on the page
            PageMeta(pm_author=True, pm_date=True),
            PageMeta(ld=True, ld_author=True, ld_section=True, pm_date=True),
        ]),
    }[mode]()


# ----- site-wide oddities ------------------------------------------------------------------------
def plan_quirks(site: Site, rng) -> None:
    """Decide which stories get which site-wide oddity (deterministic given ``rng``)."""
    stories = site.stories
    for story in stories:
        others = [s for s in stories if s is not story]
        story.related = [s.post_id for s in rng.sample(others, min(3, len(others)))]
    free = [s for s in stories if s.image_link == "article"]
    rng.shuffle(free)
    # Second URLs for a few media-ID stories: '-2' slug or another category. The original has a
    # canonical link and states its category, so the copy keeps the original's category.
    chosen = _take(free, N_DUPLICATES, lambda s: s.media_id is not None)
    to_original = set(rng.sample(range(len(chosen)), len(chosen) // 2))
    next_id = site.max_post_id()
    for i, story in enumerate(chosen):
        story.has_canonical = True
        if not story.meta.gives_category:
            story.meta.pm_cat = True
        if i % 2 == 0:
            category, slug = story.category, story.slug + "-2"
        else:
            category, slug = rng.choice([c for c in site.categories if c != story.category]), story.slug
        next_id += rng.randint(3, 20)
        site.copies.append(Copy(story, next_id, category, slug, i in to_original))
    for story in _take(free, N_SHORTLINK, lambda s: True):
        story.link_form = "shortlink"
    for story in _take(free, N_SHARE, lambda s: True):
        story.link_form = "share"
    # two stories without media ID linked twice from their entry, in different forms
    for story, form in zip(_take(free, 2, lambda s: s.media_id is None and s.image is not None),
                           ["slash", "shortlink"], strict=False):
        story.image_link, story.has_canonical = form, True
    for i, story in enumerate(_take(free, N_TRANSIENT, lambda s: True)):
        site.transient_failures[story.path] = [500] * (1 + i % 2)
    paged = [c for c in site.categories if site.listing_page_count(c) >= 2]
    if paged:
        site.transient_failures[site.listing_target(f"/category/{rng.choice(paged)}", 2)] = [500, 500]
    for story in stories:   # exactly one dateline misspells the paper's name
        if story.source == "Asharq Al-Awsat" and "Asharq Al-Awsat- " in story.body[0]:
            story.body[0] = story.body[0].replace("Asharq Al-Awsat- ", "Asharq Al-Awqsat- ", 1)
            break
    for story in [s for s in stories if s.old and '"' in s.title][:2]:
        story.double_escape = True   # the page shows the literal text '&#34'


def _take(pool: list[Story], k: int, pred) -> list[Story]:
    """Remove and return up to k stories of ``pool`` matching ``pred``."""
    chosen = [s for s in pool if pred(s)][:k]
    for s in chosen:
        pool.remove(s)
    return chosen


def _category_plan(n: int, rng) -> list[str]:
    """Categories for n stories in the configured proportions (each one at least once)."""
    weights = W.CATEGORY_WEIGHTS
    total = sum(weights.values())
    counts = {c: max(1, n * w // total) if n >= len(weights) else 0 for c, w in weights.items()}
    order = sorted(weights, key=lambda c: -weights[c])
    i = 0
    while sum(counts.values()) < n:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts.values()) > n:
        counts[max(counts, key=counts.__getitem__)] -= 1
    plan = [c for c in order for _ in range(counts[c])]
    rng.shuffle(plan)
    return plan


def _dates(n: int, rng) -> list[datetime]:
    """n distinct aware datetimes between 2005 and late 2017 (5-minute slots, 06:00-21:55)."""
    days = (LAST_DAY - FIRST_DAY).days
    out = []
    for slot in sorted(rng.sample(range(days * 192), n)):
        day, part = divmod(slot, 192)
        local = FIRST_DAY + timedelta(days=day, hours=6, minutes=5 * part)
        out.append(local.replace(tzinfo=rng.choices(OFFSETS, [70, 30])[0]))
    return sorted(out, key=lambda d: d.timestamp())


def build_site(n_stories: int = 120, seed: int = 7, variant: int = 0) -> Site:
    """Build the whole replica deterministically from ``seed``; ``variant`` (0-4) picks the markup
    (:mod:`tests.replica.variants`): the same stories, other HTML."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; known: {tuple(VARIANTS)}")
    rng = random.Random(seed)
    site = Site(seed, variant)
    categories = iter(_category_plan(n_stories, rng))
    dates = _dates(n_stories + 1, rng)
    ghost_index = rng.randrange(len(dates) // 4, len(dates) * 3 // 4)
    post_id = 1000
    for i, when in enumerate(dates):
        post_id += rng.randint(3, 40)
        if i == ghost_index:   # listed, but its URL answers 404
            ghost = site._make_story(rng, "news-middle-east", when, post_id)
            ghost.dead = True
            site.ghosts.append(ghost)
            continue
        site.stories.append(site._make_story(rng, next(categories, "opinion"), when, post_id))
    plan_quirks(site, rng)
    apply_edits(site)
    return site
