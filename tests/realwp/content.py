"""What an instance's editors write: users, sections, posts and pages, drawn from one seed.

The plan is plain data handed to WordPress (``php/populate.php``), which stores and renders it;
what WordPress then holds is read back from it (``php/truth.php``), never from this plan. Text is
written as an editor types it, straight quotes and all, so that WordPress's own typography
(curly quotes, dashes) is what readers and crawlers meet.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from tests.wpsite import text

# Straight quotes as typed; WordPress turns them into typographic ones when it renders.
TYPED = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# (login, display name, biography): a biography makes twentytwentyone print an author box.
USERS = [
    ("hsaleh", "Hana Saleh", "Hana Saleh covers transport and the regional economy."),
    ("pbrandt", "Pieter Brandt", ""),
    ("staff", "Staff Reporter", ""),
    ("moneill", "Maeve O'Neill", "Maeve O'Neill writes about health and science."),
    ("kmensah", "Kofi Mensah", ""),
]
# (name, slug, parent slug); names as an editor types them, an ampersand included.
CATEGORIES = [
    ("Politics", "politics", ""), ("Business", "business", ""), ("Health & Science", "health-science", ""),
    ("World", "world", ""), ("Middle East", "middle-east", "world"), ("Culture", "culture", ""),
]
TAGS = ["elections", "energy", "Climate", "housing", "transport", "GCC", "trade", "public health",
        "budget", "courts", "football", "heritage"]
PAGES = [("About us", ""), ("Contact", ""), ("Editorial standards", "About us")]
# Featured-image captions as typed, apostrophes and quotes included (WordPress renders them curly
# in some places and prints them as typed in others).
CAPTIONS = ["The harbour master's launch leaves {city} at first light.",
            "Volunteers sort donations at {city}'s old market hall.",
            "A sign reading \"Closed for repairs\" on the ferry terminal in {city}.",
            "Cyclists cross the new bridge over the river at {city}.",
            "Stallholders set up before dawn in the square at {city}.",
            "Fog over the estuary, seen from the sea wall at {city}."]
FIRST_POST = datetime(2022, 3, 1, 8, 15)
# In the site's time zone (Europe/Berlin) clocks skip from 02:00 to 03:00 that morning; this post's
# UTC time (02:20) reads as a local time that does not exist, which WordPress's REST API turns into
# 03:20 in ``date_gmt`` (its database and its pages keep 02:20 UTC, 04:20+02:00).
SPRING_FORWARD_POST = datetime(2022, 3, 27, 4, 20)


def paragraph_markup(paragraph: str) -> str:
    return f"<!-- wp:paragraph -->\n<p>{paragraph}</p>\n<!-- /wp:paragraph -->"


def image_block(caption: str) -> str:
    """An image inside the text, with its own caption (no part of the story's text)."""
    return ("<!-- wp:image -->\n<figure class=\"wp-block-image\"><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\""
            f" alt=\"\"/><figcaption>{caption}</figcaption></figure>\n<!-- /wp:image -->")


def emphasize(rng: random.Random, paragraph: str) -> str:
    """Inline markup an editor adds: a link or an emphasized phrase (the text a reader sees is unchanged)."""
    words = paragraph.split(" ")
    if len(words) < 6:
        return paragraph
    start = rng.randrange(0, len(words) - 3)
    phrase = " ".join(words[start:start + 3])
    markup = rng.choice([f'<a href="https://example.org/report">{phrase}</a>', f"<strong>{phrase}</strong>",
                         f"<em>{phrase}</em>"])
    return " ".join([*words[:start], markup, *words[start + 3:]])


def post_text(rng: random.Random) -> tuple[str, list[str]]:
    """A headline and its paragraphs, as typed."""
    topic = rng.choice(text.TOPICS)
    headline = text.headline(rng, topic).translate(TYPED)
    paragraphs = [p.translate(TYPED) for p in text.paragraphs(rng, rng.randint(2, 5), topic)]
    return headline, paragraphs


# Blocks an editor puts in a post that are no story: an embedded post, an ad slot with its label,
# a list of related stories under its heading.
EMBEDDED_POST = ('<!-- wp:html -->\n<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Crews are back on the '
                 'quay this morning.</p>&mdash; Harbour Desk (@harbourdesk) <a href="https://example.org/status/1">'
                 'May 2, 2022</a></blockquote>\n<!-- /wp:html -->')
AD_SLOT = '<!-- wp:html -->\n<div class="ad-slot"><p class="ad-label">- Advertisement -</p></div>\n<!-- /wp:html -->'
RELATED = ('<!-- wp:heading {"level":3} -->\n<h3>Related Posts:</h3>\n<!-- /wp:heading -->\n\n<!-- wp:list -->\n'
           '<ul><li><a href="https://example.org/more">More on the harbour</a></li></ul>\n<!-- /wp:list -->')
NO_STORY = {3: (1, EMBEDDED_POST), 5: (2, AD_SLOT), 6: (None, RELATED)}  # post number % 7: (place, block)


def content(rng: random.Random, paragraphs: list[str], inline_caption: str = "", number: int | None = None) -> str:
    blocks = [paragraph_markup(emphasize(rng, p) if rng.random() < 0.4 else p) for p in paragraphs]
    if inline_caption:
        blocks.insert(1, image_block(inline_caption))
    if number is not None and number % 7 in NO_STORY:
        place, block = NO_STORY[number % 7]
        blocks.insert(len(blocks) if place is None else place, block)
    return "\n\n".join(blocks)


def plan(posts: int, seed: int) -> dict:
    """The users, categories, tags, pages and posts an instance gets: ``posts`` published posts
    (one of them edited after it was published, one sticky, one written in the hour summer time
    starts), and posts no reader may see (a draft, a pending, a private, a scheduled, a trashed
    and a deleted post)."""
    rng = random.Random(seed)
    used_titles: set[str] = set()
    date = FIRST_POST
    entries: list[dict] = []
    statuses = ["publish"] * posts + ["draft", "pending", "private", "trash", "deleted"]
    rng.shuffle(statuses)
    for number, status in enumerate([*statuses, "future"]):
        headline, paragraphs = post_text(rng)
        while headline in used_titles:
            headline, paragraphs = post_text(rng)
        used_titles.add(headline)
        date += timedelta(hours=rng.randint(5, 60), minutes=rng.randint(0, 59))
        featured = rng.random() < 0.7
        sections = rng.sample(CATEGORIES, rng.choice([1, 1, 1, 2]))
        inline = text.caption(rng)[0].translate(TYPED) if rng.random() < 0.15 else ""
        entries.append({
            "key": number, "status": status, "title": headline,
            "content": content(rng, paragraphs, inline, number),
            "date": (datetime(2099, 5, 4, 9, 30) if status == "future" else date).strftime("%Y-%m-%d %H:%M:%S"),
            "author": rng.choice(USERS)[0],
            # Now and then a post an editor left in no section (WordPress files it as Uncategorized).
            "categories": [] if rng.random() < 0.05 else [slug for _, slug, _ in sections],
            "tags": rng.sample(TAGS, rng.choice([0, 1, 2, 3])),
            "image": ({"caption": CAPTIONS[number % len(CAPTIONS)].format(city=rng.choice(text.CITIES))
                       if rng.random() < 0.8 else "",
                       "alt": f"Photograph for {headline}".translate(TYPED)} if featured else None),
            "sticky": False, "edit": None,
        })
    published = [entry for entry in entries if entry["status"] == "publish"]
    nearest = min(published, key=lambda entry: abs(datetime.fromisoformat(entry["date"]) - SPRING_FORWARD_POST))
    nearest["date"] = SPRING_FORWARD_POST.strftime("%Y-%m-%d %H:%M:%S")
    published[posts // 3]["sticky"] = True
    edited_title, edited_paragraphs = post_text(rng)
    published[posts // 2]["edit"] = {"title": edited_title + " (updated)",
                                      "content": content(rng, edited_paragraphs)}
    return {
        "users": [{"login": login, "display_name": name, "description": bio} for login, name, bio in USERS],
        "categories": [{"name": name, "slug": slug, "parent": parent} for name, slug, parent in CATEGORIES],
        "tags": TAGS,
        "pages": [{"title": title, "parent": parent, "content": content(rng, post_text(rng)[1])}
                  for title, parent in PAGES],
        "posts": entries,
    }
