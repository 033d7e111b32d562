"""Generation of the clean text of a story: title, body paragraphs, dateline, caption.

All functions take an explicit ``random.Random`` so that the whole site is reproducible.
The strings produced here are the *clean* strings from which the expected records are
computed; HTML oddities are only added later, when rendering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import words as W

CURLY = ("\u201c", "\u201d")
STRAIGHT = ('"', '"')
ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]


@dataclass
class Image:
    """A featured image and its caption."""
    caption: str      # expected caption: credit removed
    credit: str       # normalised credit: AFP, Reuters, AP, EPA, SPA
    full: str         # authoritative caption text, credit embedded, story's quote style
    slug: str         # image slug (upload file name and attachment page)
    copies: str       # 'wp' | 'wp_repeat' | 'wp_label' | 'label_only'
    label_strong: bool = False


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
    return dict(
        year=year, old=old, category=category, country=country, adj=adj, adj_c=adj,
        country2=country2, city=city, city2=city2, topic=topic, topic_t=topic_t,
        iv_full=iv_full, iv_name=iv_name, iv_short=iv_short, quote_style=quote_style, ap=ap,
        company=company, company2=company2, club=club, club2=club2,
        person=_person(rng), phrase=rng.choice(W.QUOTED_PHRASES), org=rng.choice(W.ORGS),
    )


def _person(rng) -> str:
    return f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.LAST_NAMES)}"


def _quotes(rng, style: str) -> tuple[str, str]:
    if style == "mixed":
        style = rng.choice(["curly", "straight"])
    return CURLY if style == "curly" else STRAIGHT


def fill(template: str, ctx: dict, rng) -> str:
    """Fill one template with the story's facts plus fresh incidental picks."""
    q1, q2 = _quotes(rng, ctx["quote_style"])
    org = ctx["org"]
    slots = dict(ctx)
    slots.update(
        q1=q1, q2=q2, org=org, org_c=org[0].upper() + org[1:], org_t=org.removeprefix("the "),
        official=f"{rng.choice(W.OFFICE_TITLES)} {_person(rng)}",
        official2=f"{rng.choice(W.OFFICE_TITLES)} {_person(rng)}",
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
    """A headline; old items favour quoted phrases (rendered later with '&#34')."""
    bank = TITLE_BANKS[ctx["category"]]
    quoted = [t for t in bank if "{q1}" in t]
    if ctx["old"] and quoted and rng.random() < 0.4:
        return fill(rng.choice(quoted), ctx, rng)
    return fill(rng.choice(bank), ctx, rng)


def choose_dateline(rng, year: int, category: str):
    """Return (prefix, place, source) for the lead, or (None, None, None)."""
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


def make_body(rng, ctx: dict, dateline: str | None) -> list[str]:
    """Clean body paragraphs; the dateline prefix opens the lead."""
    cat = ctx["category"]
    if cat == "interviews":
        paras = _interview(rng, ctx)
    else:
        bank = SENTENCE_BANKS[cat]
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
    clean = [s for s in candidates if not re.search("[-\u2013\u2014]", s)]
    pick = rng.choice(clean)
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
    idx = rng.sample(range(len(W.QUESTIONS)), rng.randint(3, 5))
    for i in idx:
        paras.append(f"{q_prefix} {fill(W.QUESTIONS[i], ctx, rng)}")
        paras.append(f"{a_prefix} {fill(W.ANSWERS[i], ctx, rng)}")
    return paras


def make_image(rng, ctx: dict, image_slug: str) -> Image:
    """A caption with an embedded credit, plus the expected (credit-free) caption."""
    cap = fill(rng.choice(W.CAPTIONS), ctx, rng)
    form = rng.choice(["afp", "reuters_paren", "reuters_caps", "epa", "ap", "spa", "r",
                       "reuters_trail"])
    name = rng.choice(W.PHOTOGRAPHERS)
    if form == "reuters_trail":
        expected = cap + "."
        full = f"{expected} Reuters"
    else:
        expected = cap + "." if rng.random() < 0.3 else cap
        credit_text = {
            "afp": "(AFP Photo)", "reuters_paren": f"(Reuters/{name})", "epa": "(EPA)",
            "ap": f"(AP Photo/{name})", "spa": "(SPA)", "r": "(R)",
            "reuters_caps": f"REUTERS/{name}",
        }[form]
        sep = rng.choice([", ", " - ", " "]) if form == "reuters_caps" and not expected.endswith(".") else " "
        full = f"{expected}{sep}{credit_text}"
    credit = {"afp": "AFP", "epa": "EPA", "ap": "AP", "spa": "SPA"}.get(form, "Reuters")
    copies = rng.choices(["wp", "wp_repeat", "wp_label", "label_only"], [38, 35, 17, 10])[0]
    return Image(caption=expected, credit=credit, full=full, slug=image_slug, copies=copies,
                 label_strong=rng.random() < 0.5)


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
