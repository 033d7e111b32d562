"""HTML of variant 3 (see :mod:`tests.replica.variant3`): variant 2's pages, edited."""
from __future__ import annotations

import re

from . import render_v2
from .markup import attr, escape, story_rng
from .model import Story

home_page = render_v2.home_page


def _abbrev(name: str) -> str:
    first, _, rest = name.partition(" ")
    return f"{first[0]}. {rest}" if rest else name


def _content_bounds(html: str) -> tuple[int, int]:
    start = html.find('<div class="et_post_meta_wrapper">')
    start = html.find("<!-- .et_post_meta_wrapper -->", start)
    end = html.find('<div class="sharedaddy', start)
    return start, end


def article_page(site, base: str, story: Story, path: str, post_id: int, canonical: str | None) -> str:
    html = render_v2.article_page(site, base, story, path, post_id, canonical)
    v3 = story.v3
    rng = story_rng(story, "article-v3")
    own_url = base + path
    # h1 with inner markup
    if v3.h1_inner:
        def wrap(m):
            inner = m.group(1)
            inner = f'<a href="{own_url}">{inner}</a>' if v3.h1_inner == "a" else f"<em>{inner}</em>"
            return f'<h1 class="entry-title">{inner}</h1>'
        html = re.sub(r'<h1 class="entry-title">(.*?)</h1>', wrap, html, count=1)
    # media ID label / position
    if story.media_id is not None:
        label = f"Media ID: {story.media_id}"
        if v3.media_after_caption:
            para = f"<p>{label}</p>\n"
            i = html.find(para)
            if i >= 0:
                html = html[:i] + html[i + len(para):]
                j = html.find("<p><strong>Caption:</strong>", i)
                k = html.find("</p>", j) + len("</p>")
                html = html[:k] + "\n" + para.rstrip("\n") + html[k:]
        new = {"space": f"Media ID : {story.media_id}", "caps": f"MEDIA ID: {story.media_id}"}.get(
            v3.media_label)
        if new:
            html = html.replace(label, new)
    # byline link text
    if v3.byline_abbrev or v3.byline_spacing:
        name = escape(story.v2.byline_text)
        old = f'title="Posts by {attr(story.v2.byline_text)}" rel="author">{name}</a>'
        if v3.byline_abbrev:
            text = escape(_abbrev(story.authors[0]))
            new = f'title="{attr(story.authors[0])}" rel="author">{text}</a>'
        else:
            sep = "&nbsp;and&nbsp;" if v3.byline_spacing == "nbsp" else "  and  "
            new = old.replace(f">{name}</a>", f">{name.replace(' and ', sep)}</a>")
        html = html.replace(old, new)
    # inline markup around one word of the body that occurs once on the page
    start, end = _content_bounds(html)
    if v3.inline and start >= 0 and end > start:
        words = sorted({w for t in story.body for w in re.findall(r"\b[a-z]{8,}\b", t)})
        rng.shuffle(words)
        for w in words:
            if len(re.findall(rf"\b{w}\b", html)) == 1 and re.search(rf"\b{w}\b", html[start:end]):
                related = story.related[0] if story.related else story.post_id
                rep = {"a": f'<a href="{base}/?p={related}">{w}</a>',
                       "span": f'<span style="font-weight: 400;">{w}</span>',
                       "strong": f"<strong>{w}</strong>"}[v3.inline]
                html = re.sub(rf"\b{w}\b", rep, html, count=1)
                break
    # caption repeated as the last paragraph
    if v3.caption_at_end and story.image and story.image.caption:
        start, end = _content_bounds(html)
        if end > 0:
            html = html[:end] + f"<p>{escape(story.image.full, story.old)}</p>\n" + html[end:]
    # JSON-LD milliseconds
    if v3.ld_ms:
        html = re.sub(r'("datePublished": "[0-9T:-]{19})Z"', r'\1.000Z"', html)
    # canonical of slug-N copies with a trailing slash
    if canonical and path != story.path and canonical == base + story.path:
        html = html.replace(f'href="{canonical}" />', f'href="{canonical}/" />')
        html = html.replace(f'content="{canonical}" />', f'content="{canonical}/" />')
    return html


def listing_page(site, base, root, name, body_class, entries, page_no, n_pages, older_href=None) -> str:
    html = render_v2.listing_page(site, base, root, name, body_class, entries, page_no, n_pages,
                                  older_href=older_href)
    for e in entries:
        suffix = e.story.v3.link_suffix if e.story.v3 else ""
        if suffix and e.path == e.story.path and e.link_form == "plain":
            url = base + e.path
            html = html.replace(f'<h2 class="entry-title"><a href="{url}">',
                                f'<h2 class="entry-title"><a href="{url}{suffix}">')
    return html
