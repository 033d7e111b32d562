"""Variant 2 of the replica: a third set of plausible markup choices for the same site.

Variant 0 is the replica as first written, variant 1 the first alternative.  Variant 2
builds the same stories from the same random stream, then (from a private generator per
story, never the site's stream) changes what the notes leave open:

* templates: the classic ``div.entry-content``; a Divi builder layout inside it (section >
  row > column > one or two ``et_pb_text`` modules); or the Theme Builder's
  ``div.et_pb_post_content`` module in place of ``entry-content``;
* titles written with ``&#8211;``, ``&#8220;``/``&#8221;``, ``&hellip;``, ``&#039;``; a
  few titles end in an ellipsis or open with "Analysis –"; ``og:title`` with or without
  the site suffix; more pages without an ``h1``;
* post meta without the ``span.author``/``span.published`` wrappers (plain-text date),
  "By" capitalised; joint bylines written "A & B", and a few three-author bylines
  "A, B and C" (their author slug names all three);
* JSON-LD ``datePublished`` in UTC with a ``Z`` suffix (expected: ``+00:00``); a few pages
  with ``dateCreated`` only (no publication time on the page: expected the date);
  wire stories whose JSON-LD author is the Organization "Asharq Al-Awsat" while the post
  meta names the real byline (expected: the post-meta byline);
* Media ID as ``p.media-id`` right under the h1, or as a ``span`` opening the first
  paragraph of the content, the caption after a ``<br />``;
* featured image in the meta wrapper as a bare ``<img>`` whose alt is the caption, the
  caption as ``p.wp-caption-text`` right after it; or alt + figcaption + a repeat with a
  ``<strong>Caption:</strong>`` label; or no caption at all (the alt is the headline;
  expected caption and credit null); credits "(Reuters)" and "Photo: EPA" at the end;
* datelines ``RIYADH, Asharq Al-Awsat—``, ``Cairo, asharq al-awsat- ``, ``Baghdad,
  Asharq Al-Awsat - ``; undated leads opening with a quoted sentence;
* body paragraphs as ``<div>``; pull quotes ``blockquote.wp-block-quote``; ``<ul><li>``
  lists (one paragraph per item); ``<p>&nbsp;</p>`` spacers; inline ``<script>`` ads;
  a Monarch ``div.et_social_inline`` share block; Jetpack related posts;
* listings: ``article.et_pb_post.clearfix``, the link only in ``h2.entry-title a`` (a
  featured image link only for the planned oddities), some links carrying
  ``?utm_source=...``; one category shows a sticky post of another category at the top of
  every page.

All per-story choices live in ``story.v2`` (a :class:`V2`); rendering is in ``render_v2``.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import words as W
from .textgen import Image
from .variant1 import PULL_QUOTES

STICKY_CATEGORY = "news-middle-east"
WIRE = ("Reuters", "AFP", "AP")

# Credit forms of variant 2: key -> (text template, normalised credit, needs a final period)
CREDITS = {
    "reuters": ("(Reuters)", "Reuters", False),
    "photo_epa": ("Photo: EPA", "EPA", True),
    "afp": ("(AFP Photo)", "AFP", False),
    "ap_name": ("(AP Photo/{name})", "AP", False),
    "spa": ("(SPA)", "SPA", False),
    "reuters_caps": ("REUTERS/{name}", "Reuters", True),
    "epa": ("(EPA)", "EPA", False),
    "reuters_trail": ("Reuters", "Reuters", True),
}

LIST_INTROS = [
    "The draft seen by Asharq Al-Awsat sets out the following points:",
    "According to the statement, the plan rests on these measures:",
    "Officials listed their main demands:",
]
LIST_ITEMS = [
    "A ceasefire along the border with {country}",
    "The return of displaced families to {city}",
    "New elections within {n} months",
    "A joint committee to monitor the agreement",
    "Safe corridors for aid convoys to {city}",
    "The release of detainees held since {year}",
    "Guarantees from {org}",
]
QUOTED_LEADS = [
    "{q1}We have waited long enough,{q2} a teacher in {city} told me last week.",
    "{q1}Nobody here believes the promises any more,{q2} a shopkeeper in {city} said.",
    "{q1}This is not the end of the story.{q2} That is how one official summed up the week.",
]

DATELINE_RE = re.compile(r"^(?P<place>[A-Za-z]+), Asharq Al-Awsat(?P<sep>- |\u2014)")


@dataclass
class V2:
    """Per-story markup choices of variant 2."""
    template: str                   # classic | builder | builder2 | post_content
    para_tag: str                   # p | div
    kinds: list[str]                # per body paragraph: p | quote | li
    media_form: str                 # title | span | plain | ''
    caption_form: str               # meta_plain | triple | span | none | ''
    postmeta_bare: bool             # post meta without span.author / span.published
    by_caps: bool                   # "By Name"
    byline_text: str                # the byline as the page writes it
    ld_z: bool                      # JSON-LD datePublished in UTC with a Z suffix
    ld_created: bool                # JSON-LD has dateCreated only (no datePublished)
    ld_org_author: bool             # JSON-LD author is the Organization "Asharq Al-Awsat"
    og_title_suffix: bool
    utm: bool                       # the listing link carries ?utm_source=...
    image_link: bool                # the listing entry links its featured image
    spacers: list[int] = field(default_factory=list)   # <p>&nbsp;</p> before these indexes
    ad_after: int = -1              # inline <script> ad after this paragraph
    social: str = ""                # '' | top | bottom: Monarch inline share block
    three_authors: bool = False

    def shown_time(self, when: datetime) -> datetime:
        return when.astimezone(timezone.utc) if self.ld_z else when


def _rng(site, story) -> random.Random:
    return random.Random(f"v2:{site.seed}:{story.post_id}")


def apply_variant2(site, stories=None) -> None:
    """Give ``stories`` (default: all stories and ghosts) their variant-2 choices."""
    first = stories is None
    todo = stories if stories is not None else site.stories + site.ghosts
    if first:
        _plan_three_authors(site)
    for story in todo:
        _apply(site, story, _rng(site, story))
    if first:
        _plan_sticky(site)


def _free(site) -> list:
    """Stories without any URL oddity: their URL may change before anything points to it."""
    copied = {id(c.story) for c in site.copies}
    failing = {t.rstrip("/") for t in site.transient_failures}
    return [s for s in site.stories if id(s) not in copied and s.path not in failing
            and s.link_form == "plain" and s.image_link == "article"]


def _plan_three_authors(site) -> None:
    """Two joint bylines get a third author (and a WordPress user slug naming all three)."""
    rng = random.Random(f"v2-authors:{site.seed}")
    joint = [s for s in _free(site) if len(s.authors) == 2]
    for story in joint[:2]:
        third, third_slug = rng.choice([a for a in W.AUTHORS if a[0] not in story.authors
                                        and a[0] != "Asharq Al-Awsat"])
        story.authors = (*story.authors, third)
        story.author_slug = story.author_slug.replace("-and-", "-") + f"-and-{third_slug}"


def _plan_sticky(site) -> None:
    """One story of another category stuck to the top of every page of STICKY_CATEGORY."""
    rng = random.Random(f"v2-sticky:{site.seed}")
    pool = [s for s in _free(site) if s.category != STICKY_CATEGORY and not s.full_in_listing
            and not s.v2.utm]
    site.v2_sticky = rng.choice(pool) if pool else None


def _apply(site, story, rng) -> None:
    meta = story.meta
    # ----- title ------------------------------------------------------------------------
    if not story.old and not story.double_escape:
        roll = rng.random()
        if roll < 0.08:
            story.title = story.title.rstrip(".") + "\u2026"
        elif roll < 0.14:
            story.title = "Analysis \u2013 " + story.title
    if story.has_h1 and rng.random() < 0.08:
        story.has_h1 = False
    # ----- dateline ---------------------------------------------------------------------
    _vary_dateline(story, rng)
    # ----- body -------------------------------------------------------------------------
    kinds = ["p"] * len(story.body)
    if story.category != "interviews":
        _add_quote_and_list(story, kinds, rng)
    # ----- image and media ID -------------------------------------------------------------
    caption_form = ""
    if story.image:
        story.image, caption_form = _v2_image(rng, story.image, story.media_id is not None)
    media_form = ""
    if story.media_id is not None:
        media_form = "span" if caption_form == "span" else \
            rng.choices(["title", "plain"], [55, 45])[0]
    # ----- dates and authors ----------------------------------------------------------------
    ld_z = ld_created = ld_org = False
    if meta.ld and meta.ld_date:
        roll = rng.random()
        if roll < 0.5:
            ld_z = True
        elif roll < 0.7:
            meta.ld_date, ld_created = False, True
    if story.source in WIRE and rng.random() < 0.6:
        meta.ld = True
        meta.ld_author = False      # the JSON-LD author is the paper, not the byline
        meta.pm_author = True       # ... while the post meta names the byline
        ld_org = True
    if len(story.authors) == 3:
        byline = f"{story.authors[0]}, {story.authors[1]} and {story.authors[2]}"
    elif len(story.authors) == 2 and rng.random() < 0.5:
        byline = " & ".join(story.authors)
    else:
        byline = " and ".join(story.authors)
    # ----- page furniture -------------------------------------------------------------------
    template = rng.choices(["classic", "builder", "builder2", "post_content"], [45, 20, 15, 20])[0]
    n = len(story.body)
    spacers = sorted(rng.sample(range(1, n), min(n - 1, rng.randint(1, 2)))) \
        if n > 1 and rng.random() < 0.3 else []
    story.v2 = V2(
        template=template, para_tag=rng.choices(["p", "div"], [75, 25])[0], kinds=kinds,
        media_form=media_form, caption_form=caption_form,
        postmeta_bare=rng.random() < 0.5, by_caps=rng.random() < 0.35, byline_text=byline,
        ld_z=ld_z, ld_created=ld_created, ld_org_author=ld_org,
        og_title_suffix=rng.random() < 0.4, utm=story.link_form == "plain" and rng.random() < 0.25,
        image_link=story.image_link != "article" or rng.random() < 0.4,
        spacers=spacers, ad_after=rng.randrange(n) if n > 2 and rng.random() < 0.35 else -1,
        social=rng.choices(["", "top", "bottom"], [50, 20, 30])[0],
        three_authors=len(story.authors) == 3,
    )


def _vary_dateline(story, rng) -> None:
    """Other spellings of the paper's dateline, or a quoted sentence opening an undated lead."""
    lead = story.body[0]
    if story.dateline is None:
        if story.category != "interviews" and rng.random() < 0.35:
            style = "straight" if story.old else rng.choice(["curly", "straight"])
            q1, q2 = ('"', '"') if style == "straight" else ("\u201c", "\u201d")
            quote = rng.choice(QUOTED_LEADS).format(q1=q1, q2=q2, city=rng.choice(W.CITIES))
            story.body[0] = f"{quote} {lead}"
        return
    m = DATELINE_RE.match(lead)
    if not m or story.source != "Asharq Al-Awsat" or rng.random() < 0.45:
        return
    place, sep, rest = m.group("place"), m.group("sep"), lead[m.end():]
    form = rng.choice(["upper", "lower", "spaced"])
    if form == "upper":
        place = place.upper()
        prefix = f"{place}, Asharq Al-Awsat{sep}"
    elif form == "lower":
        prefix = f"{place}, asharq al-awsat{sep}"
    else:
        prefix = f"{place}, Asharq Al-Awsat - " if sep == "- " else f"{place}, Asharq Al-Awsat \u2014 "
    story.body[0] = prefix + rest
    story.dateline = place


def _add_quote_and_list(story, kinds: list[str], rng) -> None:
    if len(story.body) >= 2 and rng.random() < 0.3:
        q1, q2 = ('"', '"') if story.old or rng.random() < 0.4 else ("\u201c", "\u201d")
        name = f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.LAST_NAMES)}"
        text = rng.choice(PULL_QUOTES).format(q1=q1, q2=q2, name=name, city=rng.choice(W.CITIES))
        at = rng.randint(1, len(story.body))
        story.body.insert(at, text)
        kinds.insert(at, "quote")
    if len(story.body) >= 3 and rng.random() < 0.25:
        at = rng.randint(1, len(story.body) - 1)
        if kinds[at - 1] == "quote":
            return
        slots = dict(country=rng.choice(W.COUNTRIES)[0], city=rng.choice(W.CITIES),
                     n=rng.randint(3, 9), year=rng.randint(2005, 2016),
                     org=rng.choice(W.ORGS).removeprefix("the "))
        items = [t.format(**slots) for t in rng.sample(LIST_ITEMS, rng.randint(2, 4))]
        block = [rng.choice(LIST_INTROS)] + items
        story.body[at:at] = block
        kinds[at:at] = ["p"] + ["li"] * len(items)


def _v2_image(rng, img: Image, has_media: bool) -> tuple[Image, str]:
    """The same picture with a variant-2 credit form and caption markup."""
    forms = ["meta_plain", "triple", "none"]
    weights = [40, 40, 15]
    if has_media:
        forms.append("span")
        weights.append(25)
    form = rng.choices(forms, weights)[0]
    if form == "none":
        return Image(caption=None, credit=None, full="", slug=img.slug, copies="none"), form
    base = img.caption[:-1] if img.caption.endswith(".") else img.caption
    key = rng.choice(list(CREDITS))
    template, credit, needs_period = CREDITS[key]
    expected = base + "." if needs_period or rng.random() < 0.3 else base
    name = rng.choice(W.PHOTOGRAPHERS)
    full = f"{expected} {template.format(name=name)}"
    return Image(caption=expected, credit=credit, full=full, slug=img.slug, copies=form,
                 label_strong=True), form
