"""Site-wide oddities planned after the stories exist: duplicates, link forms, faults."""
from __future__ import annotations

from .model import Copy, Story

N_SHORTLINK = 4        # listing entries linking through /?p=ID
N_SHARE = 4            # listing entries linking through {url}?share=facebook
N_DUPLICATES = 5       # stories with a media ID reachable under a second URL
N_TRANSIENT = 4        # article URLs answering 500 before serving


def plan_quirks(site, rng) -> None:
    """Decide which stories get which site-wide oddity (deterministic given ``rng``)."""
    stories = site.stories
    for story in stories:
        others = [s for s in stories if s is not story]
        story.related = [s.post_id for s in rng.sample(others, min(3, len(others)))]
    free = [s for s in stories if s.image_link == "article"]
    rng.shuffle(free)
    _plan_duplicates(site, rng, free)
    _plan_link_forms(rng, free)
    _plan_twice_linked(free)
    _plan_transient_failures(site, rng, free)
    _plan_typo(stories)
    _plan_double_escape(stories)


def _take(pool: list[Story], k: int, pred) -> list[Story]:
    """Remove and return up to k stories of ``pool`` matching ``pred``."""
    chosen = [s for s in pool if pred(s)][:k]
    for s in chosen:
        pool.remove(s)
    return chosen


def _plan_duplicates(site, rng, pool: list[Story]) -> None:
    """Second URLs for a few media-ID stories: '-2' slug or another category.

    The original always has a canonical link and states its category on the page, so
    the copy (identical page) keeps the original's category whatever listing shows it.
    """
    chosen = _take(pool, N_DUPLICATES, lambda s: s.media_id is not None)
    to_original = set(rng.sample(range(len(chosen)), len(chosen) // 2))
    next_id = site._max_post_id()
    for i, story in enumerate(chosen):
        story.has_canonical = True
        if not story.meta.gives_category:
            story.meta.pm_cat = True
        if i % 2 == 0:
            category, slug = story.category, story.slug + "-2"
        else:
            category = rng.choice([c for c in site.categories if c != story.category])
            slug = story.slug
        next_id += rng.randint(3, 20)
        site.copies.append(Copy(story, next_id, category, slug, i in to_original))


def _plan_link_forms(rng, pool: list[Story]) -> None:
    for story in _take(pool, N_SHORTLINK, lambda s: True):
        story.link_form = "shortlink"
    for story in _take(pool, N_SHARE, lambda s: True):
        story.link_form = "share"


def _plan_twice_linked(pool: list[Story]) -> None:
    """Two stories without media ID linked twice from their entry in different forms."""
    chosen = _take(pool, 2, lambda s: s.media_id is None and s.image is not None)
    for story, form in zip(chosen, ["slash", "shortlink"]):
        story.image_link = form
        story.has_canonical = True


def _plan_transient_failures(site, rng, pool: list[Story]) -> None:
    for i, story in enumerate(_take(pool, N_TRANSIENT, lambda s: True)):
        site.transient_failures[story.path] = [500] * (1 + i % 2)
    paged = [c for c in site.categories if site.listing_page_count(c) >= 2]
    if paged:
        site.transient_failures[f"/category/{rng.choice(paged)}/page/2"] = [500, 500]


def _plan_typo(stories: list[Story]) -> None:
    """Exactly one dateline misspells the paper's name ('Asharq Al-Awqsat')."""
    for story in stories:
        if story.source == "Asharq Al-Awsat" and "Asharq Al-Awsat- " in story.body[0]:
            story.body[0] = story.body[0].replace("Asharq Al-Awsat- ", "Asharq Al-Awqsat- ", 1)
            return


def _plan_double_escape(stories: list[Story]) -> None:
    """Two old titles whose quotes show on the page as the literal text '&#34'."""
    old_quoted = [s for s in stories if s.old and '"' in s.title]
    for story in old_quoted[:2]:
        story.double_escape = True
