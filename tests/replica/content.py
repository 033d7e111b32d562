"""Deterministic generation of the replica site: ``build_site(n_stories, seed) -> Site``."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from . import words as W
from .model import Copy, Entry, PageMeta, Story
from .quirks import plan_quirks
from .records import expected_record
from .textgen import choose_dateline, make_body, make_image, make_title, slugify, story_context
from .variant1 import apply_variant1
from .variant2 import apply_variant2
from .variant3 import apply_variant3

PER_PAGE = 10
MEDIA_ID_RANGE = (55283781, 55385310)
FIRST_DAY = datetime(2005, 1, 3)
LAST_DAY = datetime(2017, 10, 31)
OFFSETS = [timezone.utc, timezone(timedelta(hours=3))]
VARIANTS = (0, 1, 2, 3, 4)


class Site:
    """The replica's content: stories, duplicates, dead entries and planned faults."""

    def __init__(self, seed: int, variant: int = 0):
        self.seed = seed
        self.variant = variant
        self.categories: dict[str, str] = dict(W.CATEGORIES)
        self.stories: list[Story] = []
        self.copies: list[Copy] = []
        self.ghosts: list[Story] = []
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
        return target.startswith(self.disallowed_prefixes) or any(
            s in target for s in self.disallowed_substrings)

    def story_by_id(self, post_id: int) -> Story | None:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.stories):
            index = self.__dict__["_by_id"] = {s.post_id: s for s in self.stories}
        return index.get(post_id)

    def entries(self) -> list[Entry]:
        """Every listing entry (stories, duplicate copies, dead links), newest first."""
        out = [Entry(s, s.post_id, s.path, s.category, s.link_form, s.image_link,
                     s.full_in_listing) for s in self.stories + self.ghosts]
        out += [Entry(c.story, c.post_id, c.path, c.category, "plain",
                      "article" if c.story.image else "", False) for c in self.copies]
        if self.variant == 1:   # a post filed under two categories is listed under both
            out += [Entry(s, s.post_id, s.path, cat, "plain", s.image_link, False)
                    for s in self.stories if s.v1 for cat in s.v1.extra_categories]
        return sorted(out, key=lambda e: e.sort_key, reverse=True)

    def category_entries(self, slug: str) -> list[Entry]:
        return [e for e in self.entries() if e.category == slug]

    def listing_page_count(self, slug: str) -> int:
        return max(1, -(-len(self.category_entries(slug)) // PER_PAGE))

    def newest(self, k: int) -> list[Story]:
        return sorted(self.stories, key=lambda s: s.published, reverse=True)[:k]

    # ----- expected output -----------------------------------------------------
    def expected_records(self, base_url: str | None = None) -> list[dict]:
        base = self._base(base_url)
        return [expected_record(s, [c for c in self.copies if c.story is s], base)
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
        latest = max(s.published for s in self.stories + self.ghosts)
        next_id = self._max_post_id() + rng.randint(5, 30)
        when = latest
        added = []
        for i in range(k):
            when = when + timedelta(days=rng.randint(1, 3), minutes=rng.randint(1, 600))
            cat = list(self.categories)[rng.randrange(len(self.categories))]
            story = self._make_story(rng, cat, when, next_id)
            story.is_new = True
            story.related = [s.post_id for s in rng.sample(self.stories, min(3, len(self.stories)))]
            self.stories.append(story)
            added.append(story)
            next_id += rng.randint(3, 30)
        if self.variant == 1:
            apply_variant1(self, added)
        elif self.variant == 2:
            apply_variant2(self, added)
        elif self.variant == 3:
            apply_variant3(self, added)
        return added

    def _max_post_id(self) -> int:
        ids = [s.post_id for s in self.stories + self.ghosts] + [c.post_id for c in self.copies]
        return max(ids, default=1000)

    # ----- story factory ---------------------------------------------------------
    def _make_story(self, rng, category: str, published: datetime, post_id: int) -> Story:
        year = published.year
        old = year <= 2008
        ctx = story_context(rng, year, old, category)
        title = self._unique_title(rng, ctx, old)
        prefix, place, source = choose_dateline(rng, year, category)
        body = make_body(rng, ctx, prefix)
        names, author_slug = _pick_byline(rng, category)
        image = None
        if rng.random() < 0.7:
            image = make_image(rng, ctx, self._unique_image_slug(rng, ctx))
        media_id = self._unique_media_id(rng) if rng.random() < 0.5 else None
        story = Story(
            post_id=post_id, title=title, slug=slugify(title, old), category=category,
            authors=names, author_slug=author_slug, published=published, body=body,
            dateline=place, source=source, image=image,
            tags=rng.sample(W.TAGS, rng.choice([0, 1, 2, 2, 3, 4])), media_id=media_id,
            media_form=rng.choices(["p", "div", "strong"], [70, 15, 15])[0],
            meta=_plan_meta(rng), title_form=rng.choices([0, 1, 2], [80, 12, 8])[0],
            has_h1=rng.random() >= 0.05, has_canonical=rng.random() >= 0.2, old=old,
            render_seed=rng.randrange(2 ** 32), qa_prefixes=ctx.get("qa_prefixes"),
            strong_prefix=rng.random() < 0.4, full_in_listing=rng.random() < 0.125,
            attachment_id=post_id + 1,
        )
        if image and rng.random() < 0.08:
            story.image_link = "attachment"
        self._used_slugs.add(story.slug)
        return story

    def _unique_title(self, rng, ctx: dict, old: bool) -> str:
        # Large replicas (benchmarks) run out of fresh headlines: past a thousand
        # stories, a headline already used gets a follow-up qualifier instead.
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
    if mode == "postmeta":
        return PageMeta(pm_author=True, pm_date=True, pm_cat=True)
    if mode == "meta":
        return PageMeta(og_time=True, meta_author=True, og_section=True)
    if mode == "jsonld":
        return PageMeta(ld=True, ld_date=True, ld_author=True, ld_section=True)
    if mode == "postmeta+meta":
        return PageMeta(pm_author=True, pm_date=True, pm_cat=True, og_time=True,
                        meta_author=True, og_section=True)
    if mode == "none":
        return PageMeta()
    return rng.choice([
        PageMeta(og_time=True),                         # a date, no author anywhere
        PageMeta(pm_date=True),
        PageMeta(ld=True, ld_date=True),
        PageMeta(og_time=True, meta_author=True),       # no category on the page
        PageMeta(pm_author=True, pm_date=True),
        PageMeta(ld=True, ld_author=True, ld_section=True, pm_date=True),
    ])


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
        c = max(counts, key=counts.get)
        counts[c] -= 1
    plan = [c for c in order for _ in range(counts[c])]
    rng.shuffle(plan)
    return plan


def _dates(n: int, rng) -> list[datetime]:
    """n distinct aware datetimes between 2005 and late 2017 (5-minute slots, 06:00-21:55)."""
    days = (LAST_DAY - FIRST_DAY).days
    slots = sorted(rng.sample(range(days * 192), n))
    out = []
    for slot in slots:
        day, part = divmod(slot, 192)
        local = FIRST_DAY + timedelta(days=day, hours=6, minutes=5 * part)
        out.append(local.replace(tzinfo=rng.choices(OFFSETS, [70, 30])[0]))
    return sorted(out, key=lambda d: d.timestamp())


def build_site(n_stories: int = 120, seed: int = 7, variant: int = 0) -> Site:
    """Build the whole replica deterministically from ``seed``.

    ``variant`` picks a set of markup choices: 0 the original one, 1 the alternative
    described in :mod:`tests.replica.variant1` (same stories, different HTML), 2 the
    third set described in :mod:`tests.replica.variant2`, 3 variant 2 plus more, 4 variant 0's
    stories and pages with other navigation markup (:mod:`tests.replica.variant4`).
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; known: {VARIANTS}")
    rng = random.Random(seed)
    site = Site(seed, variant)
    categories = _category_plan(n_stories, rng)
    dates = _dates(n_stories + 1, rng)
    ghost_index = rng.randrange(len(dates) // 4, len(dates) * 3 // 4)
    post_id = 1000
    cats = iter(categories)
    for i, when in enumerate(dates):
        post_id += rng.randint(3, 40)
        if i == ghost_index:
            ghost = site._make_story(rng, "news-middle-east", when, post_id)
            ghost.dead = True
            site.ghosts.append(ghost)
            continue
        site.stories.append(site._make_story(rng, next(cats, "opinion"), when, post_id))
    plan_quirks(site, rng)
    if variant == 1:
        apply_variant1(site)
    elif variant == 2:
        apply_variant2(site)
    elif variant == 3:
        apply_variant3(site)
    return site
