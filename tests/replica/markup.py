"""Turning clean strings into HTML with the archive's textual oddities.

A reader (or a correct extractor) sees the same text after decoding entities, mapping
NBSP to a space, dropping zero-width spaces and collapsing whitespace:

* items from 2005-2008 write double quotes as ``&#34`` without the semicolon;
* a few titles are double-escaped (``&amp;#34``), so the literal text ``&#34`` shows;
* curly quotes are sometimes numeric entities (``&#8220;``);
* ``&nbsp;``, U+200B and runs of spaces/newlines appear between words.
"""
from __future__ import annotations

import html
import random

from .model import Story
from .textgen import straighten, switch_quotes

NUMERIC = {"\u201c", "\u201d", "\u2019", "\u2018", "\u2013", "\u2014"}
SEPARATORS = ["&nbsp;", " &nbsp;", "\u200b ", " \u200b", "  \n    ", "\n", "   "]


def story_rng(story: Story, purpose: str) -> random.Random:
    """A private generator per story and purpose: rendering order never matters."""
    return random.Random(f"{story.render_seed}:{purpose}")


def escape(text: str, old: bool = False, numeric: float = 0.0, rng=None,
           double: bool = False) -> str:
    """Escape element text; ``old`` uses ``&#34`` (no semicolon) for double quotes."""
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
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


def odd_text(text: str, rng, old: bool, odd: float = 0.25, em: float = 0.0) -> str:
    """Escape ``text``; with probability ``odd`` one or two word gaps get an odd separator
    (NBSP, zero-width space, whitespace run); with probability ``em`` a word is emphasised."""
    parts = [escape(w, old, numeric=0.3, rng=rng) for w in text.split(" ")]
    if em and len(parts) > 8 and rng.random() < em:
        i = rng.randrange(6, len(parts) - 1)   # never inside a dateline
        tag = rng.choice(["em", "strong"])
        parts[i] = f"<{tag}>{parts[i]}</{tag}>"
    gaps = len(parts) - 1
    odd_gaps: set[int] = set()
    if gaps and rng.random() < odd:
        odd_gaps = set(rng.sample(range(gaps), min(gaps, rng.randint(1, 2))))
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        out += (rng.choice(SEPARATORS) if i in odd_gaps else " ") + part
    return out


def title_html(story: Story, rng, odd: bool = True) -> str:
    """The title as written in h1/h2/<title>; may carry NBSP, U+200B, '&#34'."""
    if story.double_escape:
        return escape(story.title, double=True)
    words = story.title.split(" ")
    text = escape(story.title, story.old)
    if odd and len(words) > 2 and rng.random() < 0.15:
        i = rng.randrange(1, len(words))
        text = escape(" ".join(words[:i]), story.old) + rng.choice(["&nbsp;", " \u200b"]) + \
            escape(" ".join(words[i:]), story.old)
    if odd and rng.random() < 0.05:
        text += "\u200b"
    return text


def title_attr(story: Story) -> str:
    """The title inside an attribute (og:title, alt): decoded value shows what h1 shows."""
    title = story.title.replace('"', "&#34") if story.double_escape else story.title
    return attr(title)


def paragraph(text: str, story: Story, rng) -> str:
    """One body paragraph with the story's oddities."""
    prefix = ""
    if story.qa_prefixes and story.strong_prefix:
        for p in story.qa_prefixes:
            if text.startswith(p + " "):
                prefix, text = f"<strong>{escape(p, story.old)}</strong> ", text[len(p) + 1:]
                break
    inner = prefix + odd_text(text, rng, story.old, odd=0.6, em=0.12)
    if rng.random() < 0.15:
        inner = f"\n{inner}\n"
    style = ' style="text-align: justify;"' if rng.random() < 0.2 else ""
    return f"<p{style}>{inner}</p>"


def doubled_spaces(text: str, rng) -> str:
    words = text.split(" ")
    out = words[0]
    for i, w in enumerate(words[1:]):
        out += ("  " if i == 0 or rng.random() < 0.3 else " ") + w
    return out


def media_id_html(story: Story) -> str:
    mid = story.media_id
    if story.media_form == "div":
        return f'<div class="media-id">Media ID: {mid}</div>'
    if story.media_form == "strong":
        return f"<p><strong>Media ID:</strong> {mid}</p>"
    return f"<p>Media ID: {mid}</p>"


def caption_block(story: Story, base: str, rng) -> str:
    """The image with its caption given two or three times (see module docstring)."""
    img = story.image
    src = base + story.upload_path()
    alt = attr(straighten(img.full))
    label = "<strong>Caption:</strong> " if img.label_strong else "Caption: "
    if img.copies == "label_only":
        return (f"<p>{_img(story, src, alt, 'aligncenter size-full')}</p>\n"
                f"<p>{label}{escape(img.full, story.old)}</p>")
    tag = _img(story, src, alt, "size-full")
    trailing = " " if rng.random() < 0.3 else ""
    out = (f'<div id="attachment_{story.attachment_id}" style="width: 1034px" '
           f'class="wp-caption alignnone"><a href="{base}{story.attachment_path}">{tag}</a>'
           f'<p class="wp-caption-text">{escape(img.full, story.old)}{trailing}</p></div>')
    repeat = escape(doubled_spaces(switch_quotes(img.full), rng), story.old)
    if img.copies == "wp_repeat":
        out += f"\n<p>{repeat}</p>"
    elif img.copies == "wp_label":
        out += f"\n<p>{label}{repeat}</p>"
    return out


def _img(story: Story, src: str, alt: str, classes: str) -> str:
    return (f'<img class="{classes} wp-image-{story.attachment_id}" src="{src}" alt="{alt}" '
            f'width="1024" height="683" />')


def content_core(story: Story, base: str) -> str:
    """Media ID, image and caption copies, body paragraphs (no Jetpack blocks)."""
    rng = story_rng(story, "content")
    parts = []
    if story.media_id is not None:
        parts.append(media_id_html(story))
    if story.image:
        parts.append(caption_block(story, base, rng))
    empty_after = rng.randrange(1, len(story.body) + 1) if rng.random() < 0.1 else -1
    for i, text in enumerate(story.body):
        parts.append(paragraph(text, story, rng))
        if i + 1 == empty_after and i + 1 < len(story.body):
            parts.append("<p>&nbsp;</p>")
    return "\n".join(parts)


def excerpt(story: Story, limit: int = 270) -> str:
    """Divi's truncate_post(): the content's plain text cut at ``limit`` characters."""
    pieces = []
    if story.media_id is not None:
        pieces.append(f"Media ID: {story.media_id}")
    if story.image:
        pieces.append(story.image.full)
    pieces.extend(story.body)
    text = " ".join(pieces)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return escape(text, story.old)


def title_html_v1(story: Story, rng, odd: bool = True) -> str:
    """Variant 1: the title as WordPress's esc_html/wptexturize write it (``&#8217;``,
    ``&#8211;``, ``&#039;``, ``&quot;``); 2005-2008 items keep variant 0's '&#34' forms."""
    if story.double_escape or story.old:
        return title_html(story, rng, odd)
    special = {"'": "&#039;", '"': "&quot;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
    words = []
    for word in story.title.split(" "):
        words.append("".join(f"&#{ord(ch)};" if ch in NUMERIC else special.get(ch, ch)
                             for ch in word))
    gaps = [" "] * (len(words) - 1)
    if odd and len(words) > 2 and rng.random() < 0.15:
        gaps[rng.randrange(len(gaps))] = rng.choice(["&nbsp;", " \u200b"])
    return words[0] + "".join(g + w for g, w in zip(gaps, words[1:]))
