"""Variant 1 of the replica: other, equally plausible markup choices for the same site.

Variant 0 is the replica as first written.  Variant 1 builds the very same stories (the
generator's random stream is not touched) and then, from a private generator per story,
decides how the WordPress/Divi/Jetpack markup of that story differs:

* post meta with full month names and sometimes a second category (the post is then
  also listed under that category, at the same URL; the record's category is the one
  whose slug is in the URL);
* article times in UTC (``+00:00``, as Jetpack writes them) or local, plus modified times;
  JSON-LD as a Yoast ``@graph`` (WebPage + NewsArticle, the author a single Person or a
  reference to a Person node, whose name is "A and B" for joint bylines);
* Media ID in the meta wrapper, as a bare line closed by ``<br />``, in ``<strong>``, with
  ``&nbsp;``, or sharing its paragraph with the caption;
* captions as HTML5 figures, as an image alt text plus a plain paragraph, after a
  "Caption:" paragraph of its own, or around the featured image in the meta wrapper;
  more credit forms ("(Reuters)", "AFP PHOTO / NAME", "(Photo: AFP)", "(AFP/Getty Images)");
* body paragraphs inside Divi builder modules or nested divs, spacer paragraphs, inline
  links and emphasis, a blockquote and an ``<h3>`` subheading as paragraphs of their own,
  and for a few imported 2005-2008 items paragraphs separated by ``<br /><br />``;
* a few titles edited after publication to end in " – Report" (the slug keeps the old
  title), titles written with numeric entities (``&#8217;``, ``&#8211;``).

All the choices live in ``story.v1`` (a :class:`V1`); rendering is in ``render_v1``.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import words as W
from .textgen import Image

SUBHEADINGS = ["What Comes Next", "A Long Road", "Mixed Reactions", "The Cost of Delay",
               "Voices From the Street", "Regional Stakes", "Background", "Questions Remain"]
PULL_QUOTES = [
    "{q1}We will not accept a solution imposed from outside,{q2} {name} said.",
    "{q1}This is a test of our patience and of our institutions,{q2} said {name}, a resident of {city}.",
    "{q1}Nobody here believes the promises any more,{q2} a shopkeeper in {city} said.",
    "{q1}The coming weeks will decide everything.{q2}",
    "{q1}We have waited long enough. Now we want to see the results,{q2} {name} told Asharq Al-Awsat.",
]
TITLE_TAILS = ["Report", "Sources", "Officials", "Analysis"]

# Credit forms of variant 1: key -> (text template, normalised credit)
CREDITS = {
    "reuters": ("(Reuters)", "Reuters"),
    "afp_name": ("(AFP Photo/{name})", "AFP"),
    "afp_caps": ("AFP PHOTO", "AFP"),
    "afp_caps_name": ("AFP PHOTO / {NAME}", "AFP"),
    "photo_afp": ("(Photo: AFP)", "AFP"),
    "afp_getty": ("(AFP/Getty Images)", "AFP"),
    "getty": ("(Getty Images)", "Getty Images"),
    "reuters_trail": ("Reuters", "Reuters"),
    "epa_name": ("(EPA/{name})", "EPA"),
    "ap": ("(AP)", "AP"),
    "reuters_caps": ("REUTERS/{name}", "Reuters"),
}
# Credits written without brackets need a separator when the caption has no final period.
BARE_CREDITS = {"afp_caps", "afp_caps_name", "reuters_caps"}

DATELINE_RES = [
    re.compile(r"^[^,]{2,30}, Asharq Al-Aw[a-z]*sat- ", re.I),
    re.compile(r"^[^,]{2,30}, Asharq Al-Awsat\u2014"),
    re.compile(r"^[^()]{2,40}\((?:Reuters|AFP)\) \u2013 "),
    re.compile(r"^Cairo, AP\u2014"),
    re.compile(r"^[A-Z][a-z]+(?:- | \u2013 )"),
]


@dataclass
class V1:
    """Per-story markup choices of variant 1."""
    categories: list[str]           # category slugs in post-meta order (primary + maybe one)
    media_form: str                 # meta | bare | strong | nbsp | caption | plain
    caption_form: str               # figure | figure_repeat | alt_para | label_para |
                                    # in_meta | in_meta_repeat | media_p | ''
    wrapper: str                    # plain | builder | div | br
    kinds: list[str]                # per body paragraph: p | h3 | quote
    utc_time: bool                  # article times in UTC ('+00:00') rather than local
    modified: datetime              # modified time (never the published one)
    og_title_suffix: bool           # og:title carries the site suffix (Yoast style)
    ld_author_ref: bool             # JSON-LD author is an @id reference to a Person node
    featured_alt: str               # title | empty | caption
    dateline_strong: bool           # dateline of the lead wrapped in <strong>
    dateline_len: int = 0           # length of the dateline prefix in body[0]
    spacers: list[int] = field(default_factory=list)   # <p>&nbsp;</p> before these indexes
    label_strong: bool = False

    @property
    def extra_categories(self) -> list[str]:
        return self.categories[1:] if len(self.categories) > 1 else []

    def shown_time(self, when: datetime) -> datetime:
        return when.astimezone(timezone.utc) if self.utc_time else when


def _rng(site, story) -> random.Random:
    return random.Random(f"v1:{site.seed}:{story.post_id}")


def apply_variant1(site, stories=None, with_copies: bool = True) -> None:
    """Give ``stories`` (default: all stories and ghosts) their variant-1 choices."""
    todo = stories if stories is not None else site.stories + site.ghosts
    copied = {id(c.story) for c in site.copies}
    for story in todo:
        rng = _rng(site, story)
        _apply(site, story, rng, allow_second=id(story) not in copied and not story.dead)
    if stories is None:
        _retarget_listing_faults(site)


def _apply(site, story, rng, allow_second: bool) -> None:
    cats = [story.category]
    if allow_second and rng.random() < 0.3:
        other = rng.choice([c for c in site.categories if c != story.category])
        cats = [story.category, other]
        rng.shuffle(cats)        # WordPress lists categories by name, not by importance
    if not story.double_escape and rng.random() < 0.1:
        story.title = f"{story.title} \u2013 {rng.choice(TITLE_TAILS)}"
    wrapper = rng.choices(["plain", "builder", "div"], [45, 35, 20])[0]
    if story.old and rng.random() < 0.25:
        wrapper = "br"
    kinds = ["p"] * len(story.body)
    if wrapper != "br" and story.category != "interviews":
        _add_quote_and_subheading(story, kinds, rng)
    image_form = ""
    if story.image:
        story.image, image_form = _v1_image(rng, story.image, story.media_id is not None)
    media_form = ""
    if story.media_id is not None:
        media_form = "caption" if image_form == "media_p" else \
            rng.choices(["meta", "bare", "strong", "nbsp", "plain"], [20, 22, 22, 14, 22])[0]
    dateline_len = 0
    if story.dateline:
        for rx in DATELINE_RES:
            m = rx.match(story.body[0])
            if m:
                dateline_len = len(m.group(0).rstrip())
                break
    spacers = []
    if rng.random() < 0.35:
        spacers = sorted(rng.sample(range(len(story.body)), min(len(story.body), rng.randint(1, 2))))
    story.v1 = V1(
        categories=cats, media_form=media_form, caption_form=image_form, wrapper=wrapper,
        kinds=kinds, utc_time=rng.random() < 0.5,
        modified=story.published + timedelta(days=rng.randint(1, 900), minutes=rng.randint(1, 900)),
        og_title_suffix=rng.random() < 0.5, ld_author_ref=rng.random() < 0.5,
        featured_alt=rng.choices(["title", "empty", "caption"], [50, 25, 25])[0],
        dateline_strong=bool(dateline_len) and rng.random() < 0.35, dateline_len=dateline_len,
        spacers=spacers, label_strong=rng.random() < 0.5,
    )


def _add_quote_and_subheading(story, kinds: list[str], rng) -> None:
    """Insert a blockquote paragraph and/or an <h3> subheading into the clean body."""
    if rng.random() < 0.35:
        q1, q2 = ('"', '"') if story.old or rng.random() < 0.4 else ("\u201c", "\u201d")
        name = f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.LAST_NAMES)}"
        text = rng.choice(PULL_QUOTES).format(q1=q1, q2=q2, name=name, city=rng.choice(W.CITIES))
        at = rng.randint(1, len(story.body))
        story.body.insert(at, text)
        kinds.insert(at, "quote")
    if len(story.body) >= 4 and rng.random() < 0.35:
        at = rng.randint(2, len(story.body) - 1)
        story.body.insert(at, rng.choice(SUBHEADINGS))
        kinds.insert(at, "h3")


def _v1_image(rng, img: Image, has_media: bool) -> tuple[Image, str]:
    """The same picture with a variant-1 credit form and caption markup."""
    base = img.caption[:-1] if img.caption.endswith(".") else img.caption
    key = rng.choice(list(CREDITS))
    period = key == "reuters_trail" or rng.random() < 0.35
    expected = base + "." if period else base
    template, credit = CREDITS[key]
    name = rng.choice(W.PHOTOGRAPHERS)
    text = template.format(name=name, NAME=name.upper())
    if key in BARE_CREDITS and not period:
        sep = rng.choice([" - ", ", ", " "])
    else:
        sep = rng.choice([" ", " ", "  "]) if key != "reuters_trail" else " "
    full = f"{expected}{sep}{text}"
    forms = ["figure", "figure_repeat", "alt_para", "label_para", "in_meta", "in_meta_repeat"]
    weights = [22, 16, 16, 14, 12, 8]
    if has_media:
        forms.append("media_p")
        weights.append(14)
    form = rng.choices(forms, weights)[0]
    return Image(caption=expected, credit=credit, full=full, slug=img.slug, copies=form,
                 label_strong=img.label_strong), form


def _retarget_listing_faults(site) -> None:
    """Variant 1 serves listing pages with a trailing slash: move their planned faults."""
    for target in list(site.transient_failures):
        if target.startswith("/category/"):
            site.transient_failures[target.rstrip("/") + "/"] = site.transient_failures.pop(target)
