"""The records a correct crawler must produce, computed from the clean story data."""
from __future__ import annotations

from .model import Copy, Story
from .words import CATEGORIES


def expected_record(story: Story, copies: list[Copy], base: str) -> dict:
    """One expected record per unique story.

    ``url`` is the original's URL (its canonical when present, else its own URL, which
    are the same here).  Copies whose canonical points elsewhere than the original are
    legitimate outputs too, hence ``accepted_urls``.
    """
    url = base + story.path
    accepted = [url] + [base + c.path for c in copies if not c.canonical_to_original]
    if story.meta.gives_time:
        # variant 1 may state the time in UTC: the same instant, written as the page has it
        # (variant 2: JSON-LD in UTC with a 'Z', expected as '+00:00')
        choices = story.v1 or story.v2
        shown = choices.shown_time(story.published) if choices else story.published
        published = shown.isoformat()
    else:
        published = story.published.date().isoformat()
    body = "\n\n".join(story.body)
    image = story.image
    return {
        "media_id": story.media_id,
        "url": url,
        "accepted_urls": accepted,
        "title": story.title,
        "published": published,
        "authors": list(story.authors),
        "category": CATEGORIES[story.category],
        "tags": [display for _, display in story.tags],
        "image_caption": image.caption if image else None,
        "image_credit": image.credit if image else None,
        "dateline": story.dateline,
        "source": story.source,
        "body": body,
        "word_count": len(body.split()),
    }
