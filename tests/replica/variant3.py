"""Variant 3 of the replica: variant 2's markup plus choices none of variants 0-2 make.

Built as variant 2 (same stream, same ``story.v2``), then a private generator per story
(``v3:{seed}:{post_id}``) adds, in ``story.v3`` (a :class:`V3`) and in the story data:

* titles with a literal " | " inside the headline, or opening with "Asharq Al-Awsat
  Interview:" (must not be stripped); h1 with inner markup (``<a>`` or ``<em>``);
* "Media ID : N" (space before the colon), "MEDIA ID: N"; the Media ID paragraph after
  the "Caption:" repeat; an 8-digit 55xxxxxx number in the body that is not a Media ID;
* bylines: author link text abbreviated ("N. Surname") with the display name in the
  link's ``title``; joint bylines with NBSP / doubled spaces around "and";
* category only in ``article:section`` (no post-meta category, no JSON-LD section);
* body: a word wrapped in ``<a href=/?p=..>``, ``<span style>`` or ``<strong>``; a final
  credit line "— AFP" / signature "Asharq Al-Awsat" paragraph (body text: kept);
  the caption repeated as the LAST paragraph (not body);
* captions "X (file photo)" + "(Reuters)" (expected "X (file photo)"), and
  "X (AFP/Getty Images)." (expected "X", credit AFP);
* published: ``article:published_time`` in +02:00 (same instant); JSON-LD ``Z`` times
  with ``.000`` milliseconds (expected ``+00:00``, seconds, no milliseconds);
* URLs: two more copies ``slug-2``/``slug-3`` whose canonical points to the original
  WITH a trailing slash; listing links with ``#comments`` or ``?amp=1``; more shortlink
  listing links, some redirecting 302 ``/?p=ID`` -> ``path/`` -> 301 -> ``path``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta, timezone

from .model import Copy
from .textgen import Image
from .variant2 import WIRE, apply_variant2


@dataclass
class V3:
    h1_inner: str = ""          # '' | a | em
    media_label: str = ""       # '' | space | caps
    media_after_caption: bool = False
    byline_abbrev: bool = False
    byline_spacing: str = ""    # '' | nbsp | double
    inline: str = ""            # '' | a | span | strong
    caption_at_end: bool = False
    ld_ms: bool = False
    link_suffix: str = ""       # '' | #comments | ?amp=1
    redirect_chain: bool = False


def _rng(site, story) -> random.Random:
    return random.Random(f"v3:{site.seed}:{story.post_id}")


def apply_variant3(site, stories=None) -> None:
    first = stories is None
    apply_variant2(site, stories)
    todo = stories if stories is not None else site.stories + site.ghosts
    for story in todo:
        _apply(site, story, _rng(site, story))
    if first:
        _plan_urls(site)


def _free(site) -> list:
    copied = {id(c.story) for c in site.copies}
    failing = {t.rstrip("/") for t in site.transient_failures}
    sticky = getattr(site, "v2_sticky", None)
    return [s for s in site.stories if id(s) not in copied and s.path not in failing
            and s.link_form == "plain" and s.image_link == "article" and not s.v2.utm
            and s is not sticky and not s.full_in_listing]


def _plan_urls(site) -> None:
    rng = random.Random(f"v3-urls:{site.seed}")
    pool = _free(site)
    rng.shuffle(pool)
    # two stories copied as slug-2 and slug-3, canonical -> original with a trailing slash
    next_id = site._max_post_id()
    for story in pool[:2]:
        story.has_canonical = True
        for n in (2, 3):
            next_id += rng.randint(3, 20)
            site.copies.append(Copy(story, next_id, story.category, f"{story.slug}-{n}", True))
    for story in pool[2:6]:
        story.v3.link_suffix = "#comments" if len(story.slug) % 2 else "?amp=1"
    for story in pool[6:12]:
        story.link_form = "shortlink"
        story.v3.redirect_chain = story in pool[6:9]


def _apply(site, story, rng) -> None:
    v3 = V3()
    story.v3 = v3
    # ----- title --------------------------------------------------------------------------
    if not story.old and not story.double_escape:
        roll = rng.random()
        if roll < 0.08:
            story.title = story.title + " | " + rng.choice(["Part Two", "Analysis", "Interview"])
        elif roll < 0.14:
            story.title = "Asharq Al-Awsat Interview: " + story.title
    if story.has_h1:
        v3.h1_inner = rng.choices(["", "a", "em"], [70, 20, 10])[0]
    # ----- media ID ---------------------------------------------------------------------------
    if story.media_id is not None:
        v3.media_label = rng.choices(["", "space", "caps"], [50, 30, 20])[0]
        v3.media_after_caption = story.v2.media_form == "plain" and story.v2.caption_form == "triple"
    if rng.random() < 0.2:
        number = 55_000_000 + rng.randrange(1_000_000)
        story.body[-1] = story.body[-1] + f" The ministry registered the case under file number {number}."
    # ----- byline ------------------------------------------------------------------------------
    if len(story.authors) == 1 and story.authors[0] != "Asharq Al-Awsat" and rng.random() < 0.25:
        v3.byline_abbrev = True
    if len(story.authors) == 2 and " and " in story.v2.byline_text:
        v3.byline_spacing = rng.choice(["", "nbsp", "double"])
    # ----- category ------------------------------------------------------------------------------
    if rng.random() < 0.12:
        story.meta.pm_cat = False
        story.meta.ld_section = False
        story.meta.og_section = True
    # ----- body ----------------------------------------------------------------------------------
    v3.inline = rng.choices(["", "a", "span", "strong"], [55, 20, 15, 10])[0]
    if story.category != "interviews" and rng.random() < 0.15:
        line = "\u2014 AFP" if story.source in WIRE else "Asharq Al-Awsat"
        story.body.append(line)
        story.v2.kinds.append("p")
    # ----- caption -------------------------------------------------------------------------------
    img = story.image
    if img is not None and img.caption is not None:
        roll = rng.random()
        base = img.caption[:-1] if img.caption.endswith(".") else img.caption
        if roll < 0.12:
            story.image = Image(caption=f"{base} (file photo)", credit="Reuters",
                                full=f"{base} (file photo) (Reuters)", slug=img.slug, copies=img.copies,
                                label_strong=img.label_strong)
        elif roll < 0.24:
            story.image = Image(caption=base, credit="AFP", full=f"{base} (AFP/Getty Images).",
                                slug=img.slug, copies=img.copies, label_strong=img.label_strong)
        v3.caption_at_end = rng.random() < 0.2
    # ----- published -------------------------------------------------------------------------------
    if story.meta.og_time and not story.v2.ld_z and rng.random() < 0.35:
        story.published = story.published.astimezone(timezone(timedelta(hours=2)))
    if story.v2.ld_z and rng.random() < 0.5:
        v3.ld_ms = True
