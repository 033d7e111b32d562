"""The markup variants of the archive replica, as data.

Every variant serves the same stories (the site's random stream is never touched) and differs in
data only: a :class:`Markup` row holds the theme's and plugins' fixed choices (headline entities,
menu, post meta, ``<head>`` lines, JSON-LD form, Jetpack blocks, listing entry and pagination markup
per category, trailing slashes, home page, sticky post, empty category ...), and its ``edits`` name
the per-story draws (:data:`STORY_EDITS`, each group from its own generator ``{key}:{seed}:{post_id}``)
that fill each story's :class:`~tests.replica.model.Look` and add the content oddities that go with
them, plus site-wide edits (:data:`SITE_EDITS`).

0 is the replica as first written; 1 other WordPress/Divi/Jetpack choices (Yoast head, figures,
builder layouts, listing URLs ending in a slash, posts in two categories); 2 a third set (named
entities, bare post meta, 'Z' times, Theme Builder, lists, utm links, a sticky post); 3 variant 2 plus
choices none of the others make; 4 variant 0's pages with other navigation (a sections menu with
absolute links to the real domain, a sidebar-only category, an empty category, WP-PageNavi, rel=next
only, links only on the image or "read more", "Next Entries" on the left, a category on one page).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta, timezone

from . import words as W
from .model import Copy
from .text import Image, escape, person

WIRE = ("Reuters", "AFP", "AP")


@dataclass(frozen=True)
class TextStyle:
    """How body paragraphs are written."""
    numeric: float = 0.3          # share of typographic characters written as numeric entities
    odd: float = 0.6              # chance of one or two odd word gaps (NBSP, U+200B, runs)
    inline: float = 0.12          # chance of an inline element in a paragraph
    inline_kinds: tuple = ("em", "strong")
    span: int = 1                 # words the inline element spans at most
    attrs: tuple = (80, 0, 20)    # weights of no attribute, dir="ltr", text-align: justify
    newline: float = 0.15         # chance of the text starting and ending with a newline
    quote_class: str = ""         # class of <blockquote>


@dataclass(frozen=True)
class EntryStyle:
    """A post on a listing page."""
    element: str = "article"
    classes: str = "et_pb_post post-{id} post"
    title_link: bool = True       # the h2 links the article
    image_is_link: bool = False   # the featured image always links the article
    more: str = ""                # '' | div: excerpt + "read more" in div.post-content |
                                  # p: "read more" after the excerpt | p_no_image: so without image


@dataclass(frozen=True)
class Pagination:
    kind: str = "divi"            # divi: « Older Entries / Next Entries » | pagenavi | none
    swapped: bool = False         # "Next Entries" on the left, "« Older Entries" on the right
    link_slash: bool = False      # its links end with a slash (the pages answer 301 to them)
    gap: str = " "                # space before '>' of its links


@dataclass(frozen=True)
class Edits:
    """Per-story draws from ``{key}:{seed}:{post_id}``; site-wide edits before and after them."""
    key: str
    steps: tuple[str, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


EXTRA_MENU = ("page:about-us", "https://english.aawsat.com/|Asharq Al-Awsat Today", "/members/login|Members")


@dataclass(frozen=True)
class Markup:
    """One markup variant of the archive: every choice the renderers make, as data."""
    text: TextStyle = TextStyle()
    headline: str = "plain"       # headline entities: plain | numeric | named (text.title_html)
    # menu groups (parent label or None, items); an item is a category slug, "slug/" for a link
    # with a trailing slash, "real:slug/" for an absolute link to the real site
    menu: tuple = ((None, ("news-middle-east", "features/", "interviews", "business", "opinion")),
                   ("More", ("majalla-blogs", "sports", *EXTRA_MENU)))
    menu_list_id: bool = True     # ul#top-menu.nav (else ul.nav)
    slash: bool = False           # listing, tag, author and page URLs end with a slash
    long_dates: bool = False      # post meta "June 27, 2014" (else "Jun 27, 2014")
    by_in_vcard: bool = False     # post meta: "by" inside span.author
    head: frozenset = frozenset()  # extra head lines: yoast, modified, description, article_tag, twitter
    og_title_sep: str = " - "     # before the site name in og:title (when the look adds it)
    json_ld: str = "flat"         # flat NewsArticle | graph (Yoast @graph)
    jetpack: str = "text"         # text: labelled share buttons, minimal related posts |
                                  # icons: icon buttons, likes, related posts with excerpts
    tags_in_content: bool = False  # div.post-tags inside entry-content (else p.post-tags after it)
    entry: EntryStyle = EntryStyle()
    entries: dict = field(default_factory=dict)       # category slug -> EntryStyle
    pagination: Pagination = Pagination()
    paginations: dict = field(default_factory=dict)   # category slug -> Pagination
    one_page: frozenset = frozenset()   # categories listed on a single page
    home: str = "blog"            # blog: the newest entries | slider: a Divi slider, then entries
    sticky_category: str | None = None  # shows a post of another category on top of every page
    empty_category: tuple | None = None  # (slug, name) in the menu, with no posts at all
    amp: bool = False             # articles also answer at ?amp=1
    copy_canonical_slash: bool = False  # canonical of a copy ends with a slash
    edits: tuple[Edits, ...] = ()


V0 = Markup(edits=(Edits("look", ("empty_paragraph",)),))
V1 = Markup(
    text=TextStyle(numeric=0.5, odd=0.5, inline=0.45, inline_kinds=("a", "a", "em", "strong"), span=3,
                   attrs=(70, 15, 15), newline=0.0),
    headline="numeric", slash=True, long_dates=True, by_in_vcard=True,
    menu=(("News", ("news-middle-east/", "business/", "sports/")), (None, ("features/", "interviews/")),
          ("Opinion", ("opinion/", "majalla-blogs/")), ("More", EXTRA_MENU)),
    head=frozenset({"yoast", "modified", "twitter"}), json_ld="graph", jetpack="icons",
    tags_in_content=True, entry=EntryStyle(classes="et_pb_post clearfix post-{id} post", more="div"),
    home="slider",
    edits=(Edits("v1", ("second_category", "title_tail", "body_v1", "image_v1", "furniture_v1")),))
V2 = Markup(
    text=TextStyle(odd=0.4, inline=0.1, attrs=(1, 0, 0), newline=0.0, quote_class="wp-block-quote"),
    headline="named", head=frozenset({"description", "article_tag"}), og_title_sep=" | ",
    entry=EntryStyle(classes="et_pb_post clearfix post-{id} post"), pagination=Pagination(gap=""),
    sticky_category="news-middle-east",
    edits=(Edits("v2", ("headline_v2", "dateline_v2", "quote_and_list", "image_v2", "dates_and_byline_v2",
                        "furniture_v2"), before=("three_authors",), after=("sticky",)),))
V3 = replace(V2, amp=True, copy_canonical_slash=True, edits=(*V2.edits, Edits("v3", ("headline_v3", "numbers_v3", "meta_v3", "body_v3", "credit_v3", "times_v3"), after=("copies_and_links",))))
V4 = replace(
    V0, menu_list_id=False, one_page=frozenset({"sports"}), empty_category=("culture", "Culture"),
    menu=(("Sections", ("real:news-middle-east/", "real:features/", "interviews/", "business", "opinion",
                        "sports/", "culture")), ("More", EXTRA_MENU)),
    entries={"news-middle-east": EntryStyle(element="div", classes="et_pb_post post-{id}"),
             "features": EntryStyle(classes="post post-{id}"),
             "interviews": EntryStyle(classes="et_pb_post post post-{id}", title_link=False,
                                      image_is_link=True, more="p_no_image"),
             "business": EntryStyle(classes="et_pb_post post post-{id}", title_link=False, more="p")},
    paginations={"news-middle-east": Pagination("pagenavi"), "features": Pagination("none"),
                 "interviews": Pagination(link_slash=True), "opinion": Pagination(swapped=True),
                 "sports": Pagination("none")})
VARIANTS = {0: V0, 1: V1, 2: V2, 3: V3, 4: V4}


def apply_edits(site, stories=None) -> None:
    """Draw the variant's per-story edits for ``stories`` (default: every story and dead link,
    with the site-wide edits too)."""
    todo = stories if stories is not None else site.stories + site.ghosts
    for group in site.markup.edits:
        for name in group.before if stories is None else ():
            SITE_EDITS[name](site)
        for story in todo:
            rng = random.Random(f"{group.key}:{site.seed}:{story.post_id}")
            for name in group.steps:
                STORY_EDITS[name](site, story, rng)
        for name in group.after if stories is None else ():
            SITE_EDITS[name](site)


# ----- per-story edits ---------------------------------------------------------------------------
def _empty_paragraph(site, story, rng):
    if rng.random() < 0.1:
        story.look.spacers = [rng.randrange(1, len(story.body))] if len(story.body) > 1 else []


def _second_category(site, story, rng):
    """A post filed under two categories is listed under both, at one URL (record: the URL's)."""
    copied = {id(c.story) for c in site.copies}
    if id(story) not in copied and not story.dead and rng.random() < 0.3:
        cats = [story.category, rng.choice([c for c in site.categories if c != story.category])]
        rng.shuffle(cats)        # WordPress lists categories by name, not by importance
        story.look.categories = cats


def _title_tail(site, story, rng):
    """Edited after publication: the slug keeps the old title."""
    if not story.double_escape and rng.random() < 0.1:
        story.title = f"{story.title} \u2013 {rng.choice(W.TITLE_TAILS)}"


def _pull_quote(story, rng, at_least: int) -> None:
    kinds = story.look.kinds
    if len(story.body) >= at_least and rng.random() < (0.35 if at_least == 1 else 0.3):
        q1, q2 = ('"', '"') if story.old or rng.random() < 0.4 else ("\u201c", "\u201d")
        name = person(rng)
        text = rng.choice(W.PULL_QUOTES).format(q1=q1, q2=q2, name=name, city=rng.choice(W.CITIES))
        at = rng.randint(1, len(story.body))
        story.body.insert(at, text)
        kinds.insert(at, "quote")


def _body_v1(site, story, rng):
    """Builder or nested-div wrappers (``<br /><br />`` in imported items), a pull quote, a subheading."""
    story.look.wrapper = rng.choices(["plain", "builder", "div"], [45, 35, 20])[0]
    if story.old and rng.random() < 0.25:
        story.look.wrapper = "br"
    story.look.kinds = ["p"] * len(story.body)
    if story.look.wrapper == "br" or story.category == "interviews":
        return
    _pull_quote(story, rng, 1)
    if len(story.body) >= 4 and rng.random() < 0.35:
        at = rng.randint(2, len(story.body) - 1)
        story.body.insert(at, rng.choice(W.SUBHEADINGS))
        story.look.kinds.insert(at, "h3")


def _quote_and_list(site, story, rng):
    kinds = story.look.kinds = ["p"] * len(story.body)
    if story.category == "interviews":
        return
    _pull_quote(story, rng, 2)
    if len(story.body) >= 3 and rng.random() < 0.25:
        at = rng.randint(1, len(story.body) - 1)
        if kinds[at - 1] == "quote":
            return
        slots = {"country": rng.choice(W.COUNTRIES)[0], "city": rng.choice(W.CITIES), "n": rng.randint(3, 9),
                     "year": rng.randint(2005, 2016), "org": rng.choice(W.ORGS).removeprefix("the ")}
        items = [t.format(**slots) for t in rng.sample(W.LIST_ITEMS, rng.randint(2, 4))]
        story.body[at:at] = [rng.choice(W.LIST_INTROS), *items]
        kinds[at:at] = ["p"] + ["li"] * len(items)


def _bare_caption(image: Image) -> str:
    assert image.caption is not None  # only captioned images get another caption style
    return image.caption.removesuffix(".")


# key -> (text, normalised credit); bare credits need a separator when the caption has no period
CREDITS_V1 = {"reuters": ("(Reuters)", "Reuters"), "afp_name": ("(AFP Photo/{name})", "AFP"),
              "afp_caps": ("AFP PHOTO", "AFP"), "afp_caps_name": ("AFP PHOTO / {NAME}", "AFP"),
              "photo_afp": ("(Photo: AFP)", "AFP"), "afp_getty": ("(AFP/Getty Images)", "AFP"),
              "getty": ("(Getty Images)", "Getty Images"), "reuters_trail": ("Reuters", "Reuters"),
              "epa_name": ("(EPA/{name})", "EPA"), "ap": ("(AP)", "AP"), "reuters_caps": ("REUTERS/{name}", "Reuters")}
BARE_CREDITS = {"afp_caps", "afp_caps_name", "reuters_caps"}


def _image_v1(site, story, rng):
    """Other credit forms; captions as figures, alt text plus a paragraph, after a "Caption:"
    paragraph, around the featured image, or sharing the Media ID's paragraph."""
    if story.image:
        _caption_v1(story, rng)
    if story.media_id is not None:
        story.look.media = "with_caption" if story.look.caption == "with_media" else \
            rng.choices(["meta", "bare", "strong", "nbsp", "p"], [20, 22, 22, 14, 22])[0]


def _caption_v1(story, rng) -> None:
    base = _bare_caption(story.image)
    key = rng.choice(list(CREDITS_V1))
    period = key == "reuters_trail" or rng.random() < 0.35
    expected = base + "." if period else base
    template, credit = CREDITS_V1[key]
    name = rng.choice(W.PHOTOGRAPHERS)
    if key in BARE_CREDITS and not period:
        sep = rng.choice([" - ", ", ", " "])
    else:
        sep = rng.choice([" ", " ", "  "]) if key != "reuters_trail" else " "
    story.image = Image(expected, credit, f"{expected}{sep}{template.format(name=name, NAME=name.upper())}",
                        story.image.slug)
    forms = ["figure", "figure_repeat", "alt_para", "label_para", "in_meta", "in_meta_repeat"]
    weights = [22, 16, 16, 14, 12, 8]
    if story.media_id is not None:
        forms, weights = [*forms, "with_media"], [*weights, 14]
    story.look.caption = rng.choices(forms, weights)[0]


DATELINE_RES = [re.compile(r"^[^,]{2,30}, Asharq Al-Aw[a-z]*sat- ", re.IGNORECASE),
                re.compile(r"^[^,]{2,30}, Asharq Al-Awsat\u2014"), re.compile(r"^[^()]{2,40}\((?:Reuters|AFP)\) \u2013 "),
                re.compile(r"^Cairo, AP\u2014"), re.compile(r"^[A-Z][a-z]+(?:- | \u2013 )")]


def _furniture_v1(site, story, rng):
    """Spacer paragraphs, UTC and modified times, og:title suffix, JSON-LD author reference,
    featured image alt, a bold dateline, a bold "Caption:" label."""
    look, n = story.look, len(story.body)
    look.spacers = sorted(rng.sample(range(n), min(n, rng.randint(1, 2)))) if rng.random() < 0.35 else []
    look.utc = rng.random() < 0.5
    look.modified = story.published + timedelta(days=rng.randint(1, 900), minutes=rng.randint(1, 900))
    look.og_title_suffix = rng.random() < 0.5
    look.ld_author_ref = rng.random() < 0.5
    look.featured_alt = rng.choices(["title", "empty", "caption"], [50, 25, 25])[0]
    match = story.dateline and next((m for m in (rx.match(story.body[0]) for rx in DATELINE_RES) if m), None)
    if match and rng.random() < 0.35:
        look.dateline_strong = len(match.group(0).rstrip())
    look.label_strong = rng.random() < 0.5


def _headline_v2(site, story, rng):
    """Titles ending in an ellipsis or opening with "Analysis –"; more pages without an h1."""
    if not story.old and not story.double_escape:
        roll = rng.random()
        if roll < 0.08:
            story.title = story.title.rstrip(".") + "\u2026"
        elif roll < 0.14:
            story.title = "Analysis \u2013 " + story.title
    if story.has_h1 and rng.random() < 0.08:
        story.has_h1 = False


PAPER_DATELINE = re.compile(r"^(?P<place>[A-Za-z]+), Asharq Al-Awsat(?P<sep>- |\u2014)")


def _dateline_v2(site, story, rng):
    """Other spellings of the paper's dateline, or a quoted sentence opening an undated lead."""
    lead = story.body[0]
    if story.dateline is None:
        if story.category != "interviews" and rng.random() < 0.35:
            curly = not story.old and rng.choice(["curly", "straight"]) == "curly"
            q1, q2 = ("\u201c", "\u201d") if curly else ('"', '"')
            story.body[0] = f"{rng.choice(W.QUOTED_LEADS).format(q1=q1, q2=q2, city=rng.choice(W.CITIES))} {lead}"
        return
    m = PAPER_DATELINE.match(lead)
    if not m or story.source != "Asharq Al-Awsat" or rng.random() < 0.45:
        return
    place, sep = m.group("place"), m.group("sep")
    form = rng.choice(["upper", "lower", "spaced"])
    if form == "upper":
        place = place.upper()
        prefix = f"{place}, Asharq Al-Awsat{sep}"
    elif form == "lower":
        prefix = f"{place}, asharq al-awsat{sep}"
    else:
        prefix = f"{place}, Asharq Al-Awsat - " if sep == "- " else f"{place}, Asharq Al-Awsat \u2014 "
    story.body[0] = prefix + lead[m.end():]
    story.dateline = place


# key -> (text, normalised credit, needs a final period)
CREDITS_V2 = {"reuters": ("(Reuters)", "Reuters", False), "photo_epa": ("Photo: EPA", "EPA", True),
              "afp": ("(AFP Photo)", "AFP", False), "ap_name": ("(AP Photo/{name})", "AP", False),
              "spa": ("(SPA)", "SPA", False), "reuters_caps": ("REUTERS/{name}", "Reuters", True),
              "epa": ("(EPA)", "EPA", False), "reuters_trail": ("Reuters", "Reuters", True)}


def _image_v2(site, story, rng):
    """Caption as text under the featured image, figure plus a labelled repeat, with the Media ID in
    one paragraph, or none at all; the Media ID under the h1 or in the text."""
    img, look = story.image, story.look
    if img:
        _caption_v2(story, rng)
    if story.media_id is not None:
        look.media = "span_caption" if look.caption == "with_media" else rng.choices(["title", "p"], [55, 45])[0]


def _caption_v2(story, rng) -> None:
    img, look = story.image, story.look
    forms, weights = ["meta_text", "triple", "none"], [40, 40, 15]
    if story.media_id is not None:
        forms, weights = [*forms, "with_media"], [*weights, 25]
    look.caption = rng.choices(forms, weights)[0]
    look.label_strong = True
    if look.caption == "none":   # no caption at all: the image's alt is the headline
        story.image, look.featured_alt = Image(None, None, "", img.slug), "title"
    else:
        template, credit, needs_period = CREDITS_V2[rng.choice(list(CREDITS_V2))]
        expected = _bare_caption(img) + "." if needs_period or rng.random() < 0.3 else _bare_caption(img)
        story.image = Image(expected, credit, f"{expected} {template.format(name=rng.choice(W.PHOTOGRAPHERS))}",
                            img.slug)


def _dates_and_byline_v2(site, story, rng):
    """JSON-LD times in UTC with a 'Z', or dateCreated only; the paper as JSON-LD author of wire
    stories; bylines "A & B", "A, B and C"."""
    meta, look = story.meta, story.look
    if meta.ld and meta.ld_date:
        roll = rng.random()
        if roll < 0.5:
            look.ld_z = look.utc = True
        elif roll < 0.7:
            meta.ld_date, look.ld_created = False, True
    if story.source in WIRE and rng.random() < 0.6:
        # the JSON-LD author is the paper while the post meta names the byline
        meta.ld, meta.ld_author, meta.pm_author, look.ld_org_author = True, False, True, True
    a = story.authors
    if len(a) == 3:
        story.look.byline = f"{a[0]}, {a[1]} and {a[2]}"
    elif len(a) == 2 and rng.random() < 0.5:
        story.look.byline = " & ".join(a)


def _furniture_v2(site, story, rng):
    """Templates, spacers, <div> paragraphs, bare post meta, utm links, ads, Monarch share blocks."""
    look, n = story.look, len(story.body)
    look.wrapper = rng.choices(["plain", "builder", "builder2", "post_content"], [45, 20, 15, 20])[0]
    look.spacers = sorted(rng.sample(range(1, n), min(n - 1, rng.randint(1, 2)))) \
        if n > 1 and rng.random() < 0.3 else []
    look.para_tag = rng.choices(["p", "div"], [75, 25])[0]
    look.postmeta_bare = rng.random() < 0.5
    look.by_caps = rng.random() < 0.35
    look.og_title_suffix = rng.random() < 0.4
    look.utm = story.link_form == "plain" and rng.random() < 0.25
    look.listing_image = story.image_link != "article" or rng.random() < 0.4
    look.ad_after = rng.randrange(n) if n > 2 and rng.random() < 0.35 else -1
    look.social = rng.choices(["", "top", "bottom"], [50, 20, 30])[0]


def _headline_v3(site, story, rng):
    """A literal " | " in the headline, or "Asharq Al-Awsat Interview:" opening it; h1 with inner markup."""
    if not story.old and not story.double_escape:
        roll = rng.random()
        if roll < 0.08:
            story.title = story.title + " | " + rng.choice(["Part Two", "Analysis", "Interview"])
        elif roll < 0.14:
            story.title = "Asharq Al-Awsat Interview: " + story.title
    if story.has_h1:
        story.look.h1_inner = rng.choices(["", "a", "em"], [70, 20, 10])[0]


def _numbers_v3(site, story, rng):
    """"Media ID : N", "MEDIA ID: N", the Media ID after the caption copies; an 8-digit 55xxxxxx
    number in the text that is not a Media ID."""
    look = story.look
    if story.media_id is not None:
        look.media_label = rng.choices(["Media ID:", "Media ID :", "MEDIA ID:"], [50, 30, 20])[0]
        if look.media == "p" and look.caption == "triple":
            look.media = "after_caption"
    if rng.random() < 0.2:
        number = 55_000_000 + rng.randrange(1_000_000)
        story.body[-1] += f" The ministry registered the case under file number {number}."


def _meta_v3(site, story, rng):
    """Author links abbreviated ("N. Surname"), joint bylines with NBSP or doubled spaces around
    "and"; the category only in article:section."""
    look, authors = story.look, story.authors
    if len(authors) == 1 and authors[0] != "Asharq Al-Awsat" and rng.random() < 0.25:
        first, _, rest = authors[0].partition(" ")
        look.byline_link = escape(f"{first[0]}. {rest}" if rest else authors[0])
    if len(authors) == 2 and " and " in story.byline:
        sep = {"nbsp": "&nbsp;and&nbsp;", "double": "  and  "}.get(rng.choice(["", "nbsp", "double"]))
        if sep:
            look.byline_link = escape(story.byline).replace(" and ", sep)
    if rng.random() < 0.12:
        story.meta.pm_cat = story.meta.ld_section = False
        story.meta.og_section = True


def _body_v3(site, story, rng):
    """A word in an <a>, <span style> or <strong>; a closing "— AFP" or "Asharq Al-Awsat" line."""
    kind = rng.choices(["", "a", "span", "strong"], [55, 20, 15, 10])[0]
    if kind:
        story.look.inline_word = ("", kind)   # the word is picked when the page is written
    if story.category != "interviews" and rng.random() < 0.15:
        story.body.append("\u2014 AFP" if story.source in WIRE else "Asharq Al-Awsat")
        story.look.kinds.append("p")


def _credit_v3(site, story, rng):
    """Captions "X (file photo) (Reuters)" and "X (AFP/Getty Images)."; the caption repeated last."""
    img = story.image
    if img is None or img.caption is None:
        return
    roll, base = rng.random(), _bare_caption(img)
    if roll < 0.12:
        story.image = Image(f"{base} (file photo)", "Reuters", f"{base} (file photo) (Reuters)", img.slug)
    elif roll < 0.24:
        story.image = Image(base, "AFP", f"{base} (AFP/Getty Images).", img.slug)
    story.look.caption_at_end = rng.random() < 0.2


def _times_v3(site, story, rng):
    """Publication times in +02:00 (the same instant); JSON-LD 'Z' times with milliseconds."""
    if story.meta.og_time and not story.look.ld_z and rng.random() < 0.35:
        story.published = story.published.astimezone(timezone(timedelta(hours=2)))
    if story.look.ld_z and rng.random() < 0.5:
        story.look.ld_ms = True


STORY_EDITS = {
    "empty_paragraph": _empty_paragraph, "second_category": _second_category, "title_tail": _title_tail,
    "body_v1": _body_v1, "image_v1": _image_v1, "furniture_v1": _furniture_v1, "headline_v2": _headline_v2,
    "dateline_v2": _dateline_v2, "quote_and_list": _quote_and_list, "image_v2": _image_v2,
    "dates_and_byline_v2": _dates_and_byline_v2, "furniture_v2": _furniture_v2, "headline_v3": _headline_v3,
    "numbers_v3": _numbers_v3, "meta_v3": _meta_v3, "body_v3": _body_v3, "credit_v3": _credit_v3,
    "times_v3": _times_v3,
}


# ----- site-wide edits ---------------------------------------------------------------------------
def _free(site) -> list:
    """Stories without any URL oddity: their URL may change before anything points to it."""
    copied = {id(c.story) for c in site.copies}
    failing = {t.rstrip("/") for t in site.transient_failures}
    return [s for s in site.stories if id(s) not in copied and s.path not in failing
            and s.link_form == "plain" and s.image_link == "article"]


def _three_authors(site):
    """Two joint bylines get a third author (and a WordPress user slug naming all three)."""
    rng = random.Random(f"v2-authors:{site.seed}")
    for story in [s for s in _free(site) if len(s.authors) == 2][:2]:
        third, third_slug = rng.choice([a for a in W.AUTHORS if a[0] not in story.authors
                                        and a[0] != "Asharq Al-Awsat"])
        story.authors = (*story.authors, third)
        story.author_slug = story.author_slug.replace("-and-", "-") + f"-and-{third_slug}"


def _sticky(site):
    rng = random.Random(f"v2-sticky:{site.seed}")
    pool = [s for s in _free(site) if s.category != site.markup.sticky_category and not s.full_in_listing
            and not s.look.utm]
    site.sticky = rng.choice(pool) if pool else None


def _copies_and_links(site):
    """slug-2/slug-3 copies (canonical: the original with a slash), '#comments'/'?amp=1' links,
    shortlink listing links, three of them behind a 302 -> 301 chain."""
    rng = random.Random(f"v3-urls:{site.seed}")
    pool = [s for s in _free(site) if not s.look.utm and s is not site.sticky and not s.full_in_listing]
    rng.shuffle(pool)
    next_id = site.max_post_id()
    for story in pool[:2]:
        story.has_canonical = True
        for n in (2, 3):
            next_id += rng.randint(3, 20)
            site.copies.append(Copy(story, next_id, story.category, f"{story.slug}-{n}", True))
    for story in pool[2:6]:
        story.look.link_suffix = "#comments" if len(story.slug) % 2 else "?amp=1"
    for story in pool[6:12]:
        story.link_form = "shortlink"
        story.look.redirect_chain = story in pool[6:9]


SITE_EDITS = {"three_authors": _three_authors, "sticky": _sticky, "copies_and_links": _copies_and_links}
