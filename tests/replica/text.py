"""Clean story text (titles, bodies, datelines, captions) and the HTML oddities it is written with.

The generators take an explicit ``random.Random``, so a site is reproducible; their strings are
the *clean* ones the expected records come from. The writers turn them into HTML a reader (or a
correct extractor) decodes back to the same text after mapping NBSP to a space, dropping
zero-width spaces and collapsing whitespace: ``&#34`` without semicolon in 2005-2008 items,
literal ``&#34`` (double-escaped) in two titles, numeric and named entities, NBSP, U+200B and
whitespace runs between words, inline ``<em>``/``<strong>``/``<a>``.
"""
from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass

from . import words as W

CURLY = ("\u201c", "\u201d")
STRAIGHT = ('"', '"')
ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]
NUMERIC = {"\u201c", "\u201d", "\u2019", "\u2018", "\u2013", "\u2014"}
NAMED = {"\u2026": "&hellip;", "\u2013": "&ndash;", "\u2014": "&mdash;"}
_SPECIAL = re.compile('[&<>"\u201c\u201d\u2019\u2018\u2013\u2014]')
SEPARATORS = ["&nbsp;", " &nbsp;", "\u200b ", " \u200b", "  \n    ", "\n", "   "]


# ----- clean text --------------------------------------------------------------------------
def story_context(rng, year: int, old: bool, category: str) -> dict:
    """Pick the fixed facts of one story (places, topic, quote style...)."""
    (country, adj), (country2, _) = rng.sample(W.COUNTRIES, 2)
    city, city2 = rng.sample(W.CITIES, 2)
    topic, topic_t = rng.choice(W.TOPICS)
    iv_full, iv_name, iv_short = rng.choice(W.INTERVIEWEES)
    if old:
        quote_style, ap = "straight", "'"
    else:
        quote_style = rng.choices(["curly", "straight", "mixed"], [60, 25, 15])[0]
        ap = rng.choices(["\u2019", "'", "\u201d"], [50, 35, 15])[0]
    company, company2 = rng.sample(W.COMPANIES, 2)
    club, club2 = rng.sample(W.CLUBS, 2)
    return {
        "year": year, "old": old, "category": category, "country": country, "adj": adj, "adj_c": adj,
        "country2": country2, "city": city, "city2": city2, "topic": topic, "topic_t": topic_t,
        "iv_full": iv_full, "iv_name": iv_name, "iv_short": iv_short, "quote_style": quote_style, "ap": ap,
        "company": company, "company2": company2, "club": club, "club2": club2,
        "person": person(rng), "phrase": rng.choice(W.QUOTED_PHRASES), "org": rng.choice(W.ORGS),
    }


def person(rng) -> str:
    return f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.LAST_NAMES)}"


def fill(template: str, ctx: dict, rng) -> str:
    """Fill one template with the story's facts plus fresh incidental picks."""
    style = ctx["quote_style"]
    if style == "mixed":
        style = rng.choice(["curly", "straight"])
    q1, q2 = CURLY if style == "curly" else STRAIGHT
    org = ctx["org"]
    slots = dict(ctx)
    slots.update(
        q1=q1, q2=q2, org=org, org_c=org[0].upper() + org[1:], org_t=org.removeprefix("the "),
        official=f"{rng.choice(W.OFFICE_TITLES)} {person(rng)}",
        official2=f"{rng.choice(W.OFFICE_TITLES)} {person(rng)}",
        person_short=ctx["person"].split()[-1], num=rng.randint(3, 40), small=rng.randint(2, 9),
        pct=f"{rng.randint(1, 19)}.{rng.randint(1, 9)}", weekday=rng.choice(W.WEEKDAYS),
        month=rng.choice(W.MONTHS), money=_money(rng), ordinal=rng.choice(ORDINALS),
        score=f"{rng.randint(1, 4)}-{rng.randint(0, 1)}", slogan=rng.choice(W.SLOGANS),
        year_past=ctx["year"] - rng.randint(3, 9),
    )
    text = template.format(**slots)
    return text[0].upper() + text[1:]


def _money(rng) -> str:
    if rng.random() < 0.5:
        return f"${rng.randint(1, 9)}.{rng.randint(1, 9)} billion"
    return f"${rng.randint(12, 950)} million"


TITLE_BANKS = {
    "news-middle-east": W.NEWS_TITLES, "features": W.FEATURE_TITLES,
    "interviews": W.INTERVIEW_TITLES, "business": W.BUSINESS_TITLES,
    "opinion": W.OPINION_TITLES, "majalla-blogs": W.BLOG_TITLES, "sports": W.SPORTS_TITLES,
}
SENTENCE_BANKS = {
    "news-middle-east": W.NEWS_SENTENCES, "features": W.FEATURE_SENTENCES,
    "business": W.BUSINESS_SENTENCES, "opinion": W.OPINION_SENTENCES,
    "majalla-blogs": W.OPINION_SENTENCES + W.NEWS_SENTENCES[:6], "sports": W.SPORTS_SENTENCES,
    "interviews": W.NEWS_SENTENCES,
}


def make_title(rng, ctx: dict) -> str:
    """A headline; old items favour quoted phrases (written later with '&#34')."""
    bank = TITLE_BANKS[ctx["category"]]
    quoted = [t for t in bank if "{q1}" in t]
    if ctx["old"] and quoted and rng.random() < 0.4:
        return fill(rng.choice(quoted), ctx, rng)
    return fill(rng.choice(bank), ctx, rng)


def choose_dateline(rng, year: int, category: str):
    """(prefix, place, source) of the lead by era, or (None, None, None)."""
    if category == "opinion" or (category == "majalla-blogs" and rng.random() < 0.7):
        return None, None, None
    roll = rng.random()
    if roll < 0.08 and category != "interviews":
        return None, None, None
    if roll < 0.22:
        return rng.choice([
            ("CAIRO, (Reuters) \u2013 ", "CAIRO", "Reuters"),
            ("BAGHDAD, (Reuters) \u2013 ", "BAGHDAD", "Reuters"),
            ("JEDDAH, Saudi Arabia (AFP) \u2013 ", "JEDDAH, Saudi Arabia", "AFP"),
            ("BEIRUT, Lebanon (AFP) \u2013 ", "BEIRUT, Lebanon", "AFP"),
            ("Cairo, AP\u2014", "Cairo", "AP"),
        ])
    if year <= 2012:
        place = rng.choice(["Cairo", "Cairo", "Riyadh", "Beirut", "Baghdad", "London"])
        name = rng.choices(["Asharq Al-Awsat", "Asharq Al-awsat"], [80, 20])[0]
        return f"{place}, {name}- ", place, "Asharq Al-Awsat"
    if year <= 2015:
        place = rng.choice(["London", "London", "Riyadh", "Beirut"])
        return f"{place}, Asharq Al-Awsat\u2014", place, "Asharq Al-Awsat"
    return rng.choice([("Khobar- ", "Khobar", None), ("Mosul \u2013 ", "Mosul", None),
                       ("Riyadh- ", "Riyadh", None), ("Beirut- ", "Beirut", None)])


def make_body(rng, ctx: dict, dateline: str | None, banks: dict = SENTENCE_BANKS) -> list[str]:
    """Clean body paragraphs; the dateline prefix opens the lead."""
    if ctx["category"] == "interviews":
        paras = _interview(rng, ctx)
    else:
        bank = banks[ctx["category"]]
        sentences = [fill(t, ctx, rng) for t in rng.sample(bank, min(len(bank), rng.randint(6, 11)))]
        if dateline is None:
            sentences.insert(0, _undated_lead(rng, ctx, sentences))
        paras = []
        while sentences:
            take = rng.choice([1, 2, 2, 3])
            paras.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
    if dateline:
        paras[0] = dateline + paras[0]
    return paras


def _undated_lead(rng, ctx: dict, sentences: list[str]) -> str:
    """A first sentence without any dash, so that it cannot look like a dateline."""
    candidates = [fill(t, ctx, rng) for t in W.OPINION_LEADS] + sentences
    pick = rng.choice([s for s in candidates if not re.search("[-\u2013\u2014]", s)])
    if pick in sentences:
        sentences.remove(pick)
    return pick


QA_FORMS = [("Q:", "A:"), ("(Q)", "(A)"), ("[Asharq Al-Awsat]", "[{iv_name}]"),
            ("Asharq Al-Awsat:", "{iv_short}:")]


def _interview(rng, ctx: dict) -> list[str]:
    q_prefix, a_prefix = rng.choice(QA_FORMS)
    a_prefix = a_prefix.format(**ctx)
    ctx["qa_prefixes"] = (q_prefix, a_prefix)
    paras = [fill(rng.choice(W.INTERVIEW_INTROS), ctx, rng)]
    for i in rng.sample(range(len(W.QUESTIONS)), rng.randint(3, 5)):
        paras.append(f"{q_prefix} {fill(W.QUESTIONS[i], ctx, rng)}")
        paras.append(f"{a_prefix} {fill(W.ANSWERS[i], ctx, rng)}")
    return paras


@dataclass
class Image:
    """A featured image and its caption (``caption``/``credit`` None: the page shows none)."""
    caption: str | None   # expected caption: credit removed
    credit: str | None    # normalised credit: AFP, Reuters, AP, EPA, SPA, Getty Images
    full: str             # the caption as written, credit embedded, story's quote style
    slug: str             # upload file name and attachment page


CREDIT_FORMS = {"afp": ("(AFP Photo)", "AFP"), "reuters_paren": ("(Reuters/{name})", "Reuters"),
                "reuters_caps": ("REUTERS/{name}", "Reuters"), "epa": ("(EPA)", "EPA"),
                "ap": ("(AP Photo/{name})", "AP"), "spa": ("(SPA)", "SPA"), "r": ("(R)", "Reuters"),
                "reuters_trail": ("Reuters", "Reuters")}


def make_image(rng, ctx: dict, image_slug: str) -> tuple[Image, str, bool]:
    """A caption with an embedded credit; also the caption markup drawn and a label flag."""
    cap = fill(rng.choice(W.CAPTIONS), ctx, rng)
    form = rng.choice(list(CREDIT_FORMS))
    name = rng.choice(W.PHOTOGRAPHERS)
    template, credit = CREDIT_FORMS[form]
    if form == "reuters_trail":
        expected = cap + "."
        sep = " "
    else:
        expected = cap + "." if rng.random() < 0.3 else cap
        sep = rng.choice([", ", " - ", " "]) if form == "reuters_caps" and not expected.endswith(".") else " "
    full = f"{expected}{sep}{template.format(name=name)}"
    markup = rng.choices(["wp", "wp_repeat", "wp_label", "label_only"], [38, 35, 17, 10])[0]
    return Image(expected, credit, full, image_slug), markup, rng.random() < 0.5


def slugify(title: str, old: bool) -> str:
    """WordPress-like slug; old items keep the '34' left over from '&#34' entities."""
    text = title.replace('"', "34") if old else title
    text = re.sub(r"[\u2018\u2019\u201c\u201d'\"&]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def switch_quotes(text: str) -> str:
    """Straight quotes become curly and curly become straight (for caption repeats)."""
    if "\u201c" in text or "\u201d" in text:
        return text.replace("\u201c", '"').replace("\u201d", '"')
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append(CURLY[0] if opening else CURLY[1])
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def straighten(text: str) -> str:
    for a, b in (("\u201c", '"'), ("\u201d", '"'), ("\u2019", "'"), ("\u2018", "'")):
        text = text.replace(a, b)
    return text


# ----- HTML writers ----------------------------------------------------------------------------
def story_rng(story, purpose: str) -> random.Random:
    """A private generator per story and purpose: rendering order never matters."""
    return random.Random(f"{story.render_seed}:{purpose}")


def escape(text: str, old: bool = False, numeric: float = 0.0, rng=None, double: bool = False) -> str:
    """Escape element text; ``old`` writes double quotes as ``&#34`` (no semicolon)."""
    if not _SPECIAL.search(text):
        return text
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1:i + 2]
        if ch in "&<>":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ch == '"' and double:
            out.append("&amp;#34")
        elif ch == '"' and old:
            out.append("&#34;" if nxt.isdigit() or nxt == ";" else "&#34")
        elif ch in NUMERIC and rng is not None and rng.random() < numeric:
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def _gaps(n: int, rng, chance: float) -> list[str]:
    """Word gaps: plain spaces, with one or two odd separators at ``chance``."""
    gaps = [" "] * n
    if n and rng.random() < chance:
        for i in rng.sample(range(n), min(n, rng.randint(1, 2))):
            gaps[i] = rng.choice(SEPARATORS)
    return gaps


TAG_NAMES = {name: slug for slug, name in W.TAGS}


def _tag_spot(words: list[str]):
    """A tag's name written in the text from the seventh word on: (first word, words, slug, punct)."""
    for i in range(6, len(words)):
        for name, slug in TAG_NAMES.items():
            names = name.split(" ")
            last = words[i + len(names) - 1] if i + len(names) <= len(words) else ""
            stem = last.rstrip(",.;:")
            if words[i:i + len(names) - 1] == names[:-1] and stem == names[-1]:
                return i, len(names), slug, last[len(stem):]
    return None


def inline_html(text: str, rng, old: bool, style, links: tuple[str, ...] = (), tag_root: str = "",
                mark: tuple[str, str] | None = None) -> str:
    """One paragraph's text as HTML: entities, odd word gaps, and by ``style`` an inline element
    (never within the first six words, where the dateline stands) around one to ``style.span``
    words: ``<em>``, ``<strong>``, or ``<a>`` to one of ``links`` or, the way auto-linking
    plugins do, from a tag's name to its archive under ``tag_root``. ``mark`` = (word, html)
    replaces the first occurrence of a word."""
    words = text.split(" ")
    parts = [escape(w, old, style.numeric, rng) for w in words]
    if len(parts) > 9 and rng.random() < style.inline:
        kinds = [k for k in style.inline_kinds if links or k != "a"]
        kind = rng.choice(kinds)
        spot = _tag_spot(words) if kind == "a" and tag_root and rng.random() < 0.6 else None
        if spot:
            start, span, slug, punct = spot
            parts[start] = f'<a href="{tag_root}{slug}/">' + parts[start]
            end = start + span - 1
            parts[end] = parts[end][:len(parts[end]) - len(punct)] + "</a>" + punct
        else:
            start = rng.randrange(6, len(parts) - 3)
            span = rng.randint(1, style.span)
            opening, closing = (f'<a href="{rng.choice(links)}">', "</a>") if kind == "a" else \
                (f"<{kind}>", f"</{kind}>")
            parts[start] = opening + parts[start]
            parts[start + span - 1] += closing
    if mark:
        word, replacement = mark
        at = next(i for i, w in enumerate(words) if re.fullmatch(rf"{word}\W*", w))
        parts[at] = parts[at].replace(word, replacement, 1)
    gaps = _gaps(len(parts) - 1, rng, style.odd)
    return parts[0] + "".join(g + p for g, p in zip(gaps, parts[1:], strict=False))


def title_html(story, rng, entities: str = "plain", odd: bool = True) -> str:
    """The headline as h1/h2/<title> write it. ``entities``: ``plain`` (characters as they are),
    ``numeric`` (``&#8217;`` ``&#039;`` ``&quot;``, as esc_html/wptexturize) or ``named`` (also
    ``&ndash;`` ``&hellip;``); 2005-2008 items always keep the ``&#34`` forms."""
    if story.double_escape:
        return escape(story.title, double=True)
    words = story.title.split(" ")
    if entities == "plain" or story.old:
        words = [escape(w, story.old) for w in words]
    else:
        special = {"'": "&#039;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\u2026": "&#8230;"}
        words = ["".join(NAMED[ch] if entities == "named" and ch in NAMED and rng.random() < 0.5
                         else f"&#{ord(ch)};" if ch in NUMERIC
                         else (rng.choice(["&quot;", "&#34;"]) if entities == "named" else "&quot;")
                         if ch == '"' else special.get(ch, ch) for ch in w) for w in words]
    gaps = [" "] * (len(words) - 1)
    if odd and len(words) > 2 and rng.random() < 0.15:
        gaps[rng.randrange(len(gaps))] = rng.choice(["&nbsp;", " \u200b"])
    text = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=False))
    return text + ("\u200b" if odd and entities == "plain" and rng.random() < 0.05 else "")


def title_attr(story) -> str:
    """The headline inside an attribute (og:title, alt): decoded, it shows what the h1 shows."""
    return attr(story.title.replace('"', "&#34") if story.double_escape else story.title)


def doubled_spaces(text: str, rng) -> str:
    words = text.split(" ")
    return words[0] + "".join(("  " if i == 0 or rng.random() < 0.3 else " ") + w
                              for i, w in enumerate(words[1:]))


def excerpt(story, limit: int = 270, escaped: bool = True) -> str:
    """Divi's truncate_post(): the content's plain text cut at ``limit`` characters."""
    pieces = [f"Media ID: {story.media_id}"] if story.media_id is not None else []
    if story.image and story.image.full:
        pieces.append(story.image.full)
    text = " ".join(pieces + story.body)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return escape(text, story.old) if escaped else text
