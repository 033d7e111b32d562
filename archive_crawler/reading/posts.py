"""The posts of a listing page found through what WordPress and its themes share, not class names.

A theme may draw its listing entries as anything (``<li class="wp-block-post">``, a ``<div>``
module of its own): what every theme keeps is a link to each post, in the page's main area,
once or more inside one repeated block per post. The posts are the links whose address has
the shape of the site's permalinks, learnt from the links the page itself marks as posts
(``rel=bookmark``, ``.entry-title``, a heading's link); the page's chrome (header, navigation,
menus, sidebars, widgets, footer) is no part of it. Each post's block gives its context: the
heading link's text as title, a ``<time datetime>`` as date.

The learning is the page's own: what the page gives never depends on the pages read before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from archive_crawler.reading.extract import absolute
from archive_crawler.reading.processors import clean_text

HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Elements that are page chrome wherever they are, and roles that make any element chrome.
CHROME_TAGS = frozenset(("nav", "aside", "form", "select"))
CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"))
# header and footer are the page's own only outside an article, a section or the main area.
SECTIONING = frozenset(("article", "section", "main", "aside", "nav", "li"))
# Class or id words of chrome: whole tokens, or parts of one.
CHROME_TOKENS = frozenset(("header", "footer", "site-header", "site-footer", "secondary", "nav", "navigation",
                           "topbar", "top-bar"))
CHROME_PARTS = re.compile(r"sidebar|widget|menu|breadcrumb|masthead|colophon|comment|related|sharedaddy")
TITLE_MARKS = re.compile(r"(?:^|\s)(?:entry-title|post-title|wp-block-post-title)(?:\s|$)")
PAGED = re.compile(r"/page/(\d+)/?$")
PAGE_PARAMETER = re.compile(r"^(?:paged|page|query-\d+-page)$")


def permalink_shape(url: str) -> str | None:
    """The shape of a post address: each path segment as a year (Y), a number (N) or words (s);
    ``?p`` for a plain ``/?p=ID`` link.

    >>> permalink_shape("http://x.test/2023/06/30/a-story/"), permalink_shape("http://x.test/?p=12")
    ('Y/N/N/s', '?p')
    """
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        values = parse_qs(parts.query).get("p")
        return "?p" if values and values[0].isdigit() else None
    return "/".join("Y" if re.fullmatch(r"\d{4}", segment) else "N" if segment.isdigit() else "s"
                    for segment in segments)


def page_position(url: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], int]:
    """(which listing, which page of it) for a listing address: ``/page/N/``, ``?paged=N`` and the
    query loops' ``?query-0-page=N`` number pages; a first page is 1.

    >>> page_position("http://x.test/?cat=3&query-0-page=2")
    (('/', (('cat', '3'),)), 2)
    """
    parts = urlsplit(url)
    number = 1
    path = parts.path or "/"
    if match := PAGED.search(path):
        number, path = int(match.group(1)), path[:match.start()] + "/"
    query = []
    for name, values in parse_qs(parts.query, keep_blank_values=True).items():
        if PAGE_PARAMETER.match(name) and values[0].isdigit():
            number = int(values[0])
        else:
            query.append((name, values[0]))
    return (path.rstrip("/") or "/", tuple(sorted(query))), number


def numbered_next(current: str, links: list[str]) -> list[str]:
    """The links that lead to the same listing's next page by number, whatever their words."""
    listing, number = page_position(current)
    return [link for link in links if page_position(link) == (listing, number + 1)]


TERM_CLASS = re.compile(r"^(?:category|tag|post|format|type|status|author)-")  # WordPress's post classes


def _tokens(element) -> set[str]:
    """An element's class and id words, less the classes WordPress derives from a post's terms."""
    words = f"{element.get('class', '')} {element.get('id', '')}".lower().split()
    return {word for word in words if not TERM_CLASS.match(word)}


def is_chrome(element) -> bool:
    """Whether an element is part of the page's chrome rather than its main area."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("html", "body", "main"):
        return False
    if tag in CHROME_TAGS or (element.get("role") or "").lower() in CHROME_ROLES:
        return True
    if tag in ("header", "footer") and not any(
            isinstance(ancestor.tag, str) and ancestor.tag in SECTIONING for ancestor in element.iterancestors()):
        return True
    tokens = _tokens(element)
    return bool(tokens & CHROME_TOKENS) or any(CHROME_PARTS.search(token) for token in tokens)


@dataclass(frozen=True)
class FoundPost:
    """A post a listing page shows: its address, the block that shows it, and what the block says."""

    url: str
    href: str
    block: Selector
    title: str | None
    published: str | None
    signature: str  # where the block sits in the page (see ``block_signature``)


def find_posts(response, article_link: Callable[[str], str | None]) -> list[FoundPost]:
    """The posts a listing page shows, in its order, once per block showing them (``article_link``:
    the address to request for an on-site link, None for a link that is no post)."""
    root = response.selector.root
    chrome_free: dict = {}  # element -> whether neither it nor any ancestor is chrome

    def in_main(element) -> bool:
        if element is None:
            return True
        if element not in chrome_free:
            chrome_free[element] = not is_chrome(element) and in_main(element.getparent())
        return chrome_free[element]

    links = []  # (element, href, post address)
    for element in root.iter("a"):
        href = (element.get("href") or "").strip()
        if not href or href.startswith("#") or not in_main(element):
            continue
        url = article_link(absolute(response, href))
        if url:
            links.append((element, href, url))
    shapes = {permalink_shape(url) for element, _, url in links if marks_post(element)} - {None}
    posts = [(element, href, url) for element, href, url in links if permalink_shape(url) in shapes]
    return [FoundPost(url, href, Selector(root=block, type="html"), entry_title(block, url, article_link, response),
                      entry_date(block), block_signature(block))
            for block, href, url in blocks_of(posts)]


def block_signature(element) -> str:
    """Where an element sits in its page, the same on every page of a site that draws it there: the
    tags and class words from the root down (words naming one post or term left out).

    >>> from lxml import html
    >>> page = html.fromstring('<html><body><div class="stream x-9"><div class="post-12 card"><a>t</a>')
    >>> block_signature(page.find(".//a").getparent())
    'html>body>div.stream>div.card'
    """
    steps = []
    for node in (element, *element.iterancestors()):
        words = sorted(word for word in (node.get("class") or "").lower().split()
                       if not TERM_CLASS.match(word) and not any(character.isdigit() for character in word))
        steps.append(".".join((str(node.tag), *words)))
    return ">".join(reversed(steps))


def marks_post(link) -> bool:
    """Whether a link is marked as a post's by the markup themes share: ``rel=bookmark``, a title
    class (``entry-title``) or a heading around it."""
    if "bookmark" in (link.get("rel") or "").lower().split():
        return True
    for ancestor in link.iterancestors():
        if not isinstance(ancestor.tag, str):
            continue
        if ancestor.tag in HEADINGS or TITLE_MARKS.search(ancestor.get("class", "")):
            return True
        if ancestor.tag in ("article", "li", "main", "body"):
            return False
    return False


def blocks_of(posts: list[tuple]) -> list[tuple]:
    """(block, href, address) per block showing a post, in the page's order: the largest element
    around a marked link to the post (see ``marks_post``) that holds no other post's marked link. A
    post may be shown in two blocks (a box of picks and the listing); one only ever linked bare (a
    list of most-read or related links, a link in an excerpt) is no entry of the listing."""
    marked = [(element, href, url) for element, href, url in posts if marks_post(element)]
    shown: dict = {}  # element -> the posts whose marked links it holds (a link in an excerpt breaks no block)
    for element, _, url in marked:
        for ancestor in (element, *element.iterancestors()):
            shown.setdefault(ancestor, set()).add(url)
    found: dict = {}  # block -> (block, href, address)
    for element, href, url in marked:
        block = element
        for ancestor in element.iterancestors():
            if shown[ancestor] != {url} or ancestor.tag in ("main", "body") or ancestor.get("role") == "main":
                break  # (a listing of one post: its block is no larger than the main area's child)
            block = ancestor
        found.setdefault(block, (block, href, url))
    return list(found.values())


def entry_title(block, url: str, article_link, response) -> str | None:
    """The title a post's block shows: its heading link's text, else its longest link text to the post."""
    texts = []
    for link in block.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or article_link(absolute(response, href)) != url:
            continue
        text = clean_text(link.xpath("string()"))
        if text and marks_post(link):
            return text
        if text:
            texts.append(text)
    return max(texts, key=len) if texts else None


def entry_date(block) -> str | None:
    """The first machine-readable date a post's block shows."""
    for element in block.iter("time"):
        if value := (element.get("datetime") or "").strip():
            return value
    return None


WIDGET_COUNT = re.compile(r"\((\d[\d,.\s]*)\)$")  # "World (12)": a category widget's count of posts


def category_counts(response, slugs, category_slug) -> dict[str, int]:
    """The posts each category is said to hold, where a category widget prints counts
    (``World (12)``): slug -> count, for the categories of ``slugs``."""
    counts: dict[str, int] = {}
    for link in response.selector.root.iter("a"):
        href = (link.get("href") or "").strip()
        text = f"{''.join(link.itertext())} {link.tail or ''}".strip()
        if not href or not text.endswith(")") or not (match := WIDGET_COUNT.search(text)):
            continue  # the count is read first: most links have none, and need no address worked out
        slug = category_slug(absolute(response, href))
        if slug in slugs and slug not in counts:
            counts[slug] = int(re.sub(r"\D", "", match.group(1)))
    return counts
