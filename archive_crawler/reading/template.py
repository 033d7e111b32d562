"""A site's template, learnt across its pages: the blocks every page repeats, and where its text sits.

On one page, a newsletter box, a share bar with words or a list of the site's other stories inside
the article area look like text; across a site's pages they give themselves away by repeating. A
page's *blocks* (paragraphs, lists, divs, sections, figures...) are reduced to fingerprints: the
block's shape (its parent's tag, its tag, its classes and id with digits left out) and a hash of
its normalised text (lower case, spaces collapsed, digits left out). A fingerprint met on at least
``LEAST_PAGES`` of the first pass's distinct pages, and on ``SHARE`` of them, is the site's
boilerplate; the container (by its shape) that held the chosen body on most of those pages is the
site's text container. Pages whose bodies are the same story (share copies of one page) count once.

:class:`SiteTemplate` is learnt from :class:`PageBlocks` (what a page read in the first pass shows),
whatever order they came in, then frozen and handed to the page reading, which leaves boilerplate
out of every body candidate (:func:`boilerplate_left_out`) and tries the text container first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from archive_crawler.navigation.urls import host_key
from archive_crawler.reading.extract import forget_marks, select
from archive_crawler.reading.processors import clean_text

TEMPLATE_VERSION = 1
PASS_PAGES = 20  # article pages of a host read for learning, before any of its records is written
LEAST_PAGES = 3  # distinct pages a block must repeat on to be boilerplate (and a host must have to learn)
SHARE = 0.3  # of the first pass's distinct pages, a block must repeat on at least
CONTAINER_SHARE = 0.5  # of the pages whose text container was seen, the learnt one held the text on more
LONGEST_BLOCK = 3000  # characters: a longer block is a page's wrapper, never boilerplate
# Elements that make a block of a page.
BLOCK_TAGS = ("p", "div", "section", "aside", "ul", "ol", "dl", "figure", "nav", "header", "footer", "form",
              "table", "blockquote", "h2", "h3", "h4", "h5", "h6")
CONTAINER_PARAGRAPH_SHARE = 0.8  # of the body's paragraphs found in <p> elements, the container holds
NO_DIGITS = str.maketrans("", "", "0123456789")
# A web archive's playback address: the original one follows the capture's timestamp.
PLAYBACK = re.compile(r"/\d{1,14}(?:[a-z]{2}_)?/(https?://[^/?#]+)", re.IGNORECASE)


def template_host(url: str) -> str:
    """The host a page belongs to, for its site's template: the original host inside a web archive's
    playback address.

    >>> template_host("https://web.archive.org/web/2019id_/https://News.test/a/b"), template_host("http://x.test:80/a")
    ('news.test', 'x.test:80')
    """
    playback = PLAYBACK.search(urlsplit(url).path)
    return host_key(urlsplit(playback.group(1) if playback else url).netloc)


def shape(element: Any, known: dict[tuple, str] | None = None) -> str:
    """A block's shape: its parent's tag, its tag, its classes and id (digits left out, which number
    posts); ``known`` keeps the shapes worked out on a page, by their raw parts."""
    parent = element.getparent()
    parent_tag = parent.tag if parent is not None and isinstance(parent.tag, str) else ""
    key = (parent_tag, element.tag, element.get("class"), element.get("id"))
    if known is not None and (found := known.get(key)) is not None:
        return found
    classes = ".".join(sorted((key[2] or "").translate(NO_DIGITS).split()))
    identifier = (key[3] or "").translate(NO_DIGITS).strip()
    found = f"{parent_tag}>{element.tag}.{classes}#{identifier}"
    if known is not None:
        known[key] = found
    return found


def fingerprint(element: Any, signature: str | None = None) -> str | None:
    """``shape|hash of the normalised text``; None for a block too long to be boilerplate."""
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    if len(text) > 2 * LONGEST_BLOCK:
        return None
    normal = " ".join(text.translate(NO_DIGITS).lower().split())
    if len(normal) > LONGEST_BLOCK:
        return None
    digest = hashlib.blake2b(normal.encode("utf-8", "replace"), digest_size=8).hexdigest()
    return f"{signature or shape(element)}|{digest}"


def _blocks(root: Any) -> Iterator[Any]:
    body = root.find("body") if root.tag == "html" else root
    return (body if body is not None else root).iter(*BLOCK_TAGS)


@dataclass(frozen=True)
class PageBlocks:
    """What one page read in the first pass shows: its blocks' fingerprints, the shape of the element
    holding most of its chosen body's paragraphs, and a key of that body (copies of a story count once)."""

    fingerprints: frozenset[str]
    container: str | None
    story: str

    @classmethod
    def of(cls, root: Any, body: str | None) -> PageBlocks:
        """The blocks of a page's parsed tree (``root``), the body read from it being ``body``."""
        known: dict[tuple, str] = {}
        found = {print_ for element in _blocks(root) if (print_ := fingerprint(element, shape(element, known)))}
        paragraphs = {line for line in (body or "").split("\n\n") if line}
        story = hashlib.blake2b((body or "").encode("utf-8", "replace"), digest_size=8).hexdigest()
        return cls(frozenset(found), _container(root, paragraphs), story)


def _container(root: Any, paragraphs: set[str]) -> str | None:
    """The shape of the deepest element holding ``CONTAINER_PARAGRAPH_SHARE`` of the <p> elements whose
    text is a paragraph of the body."""
    held = [element for element in root.iter("p") if clean_text(" ".join(element.itertext())) in paragraphs]
    if not held:
        return None
    counts: Counter[Any] = Counter()
    depth: dict[Any, int] = {}
    for element in held:
        ancestors = list(element.iterancestors())
        for level, ancestor in enumerate(reversed(ancestors)):
            counts[ancestor] += 1
            depth[ancestor] = level
    enough = [ancestor for ancestor, count in counts.items()
              if count >= CONTAINER_PARAGRAPH_SHARE * len(held) and ancestor.tag not in ("html", "body")]
    if not enough:
        return None
    return shape(max(enough, key=depth.__getitem__))


@dataclass(frozen=True)
class SiteTemplate:
    """A site's boilerplate (fingerprints) and text container (a shape), learnt from ``pages`` pages,
    with what the profile pins (selectors of boilerplate blocks and of the text container)."""

    boilerplate: frozenset[str] = frozenset()
    container: str | None = None
    pages: int = 0  # distinct pages it was learnt from
    pinned_boilerplate: tuple[str, ...] = ()
    pinned_container: tuple[str, ...] = ()
    version: int = TEMPLATE_VERSION

    @classmethod
    def learn(cls, seen: list[PageBlocks]) -> SiteTemplate:
        """What the first pass's pages tell, whatever order they came in: copies of one story count once."""
        pages = list({page.story: page for page in sorted(seen, key=lambda page: page.story)}.values())
        if len(pages) < LEAST_PAGES:
            return cls(pages=len(pages))
        counts: Counter[str] = Counter()
        for page in pages:
            counts.update(page.fingerprints)
        least = max(LEAST_PAGES, SHARE * len(pages))
        boilerplate = frozenset(print_ for print_, count in counts.items() if count >= least)
        containers = Counter(page.container for page in pages if page.container)
        container = None
        if containers:
            # The most common shape; ties go to the first in sorted order, so the answer never depends on order.
            best, count = min(containers.items(), key=lambda item: (-item[1], item[0]))
            if count >= LEAST_PAGES and count > CONTAINER_SHARE * sum(containers.values()):
                container = best
        return cls(boilerplate, container, len(pages))

    def pinned(self, boilerplate: tuple[str, ...], container: tuple[str, ...]) -> SiteTemplate:
        """This template with the profile's pinned selectors."""
        return SiteTemplate(self.boilerplate, self.container, self.pages, boilerplate, container)

    @property
    def empty(self) -> bool:
        return not (self.boilerplate or self.container or self.pinned_boilerplate or self.pinned_container)

    @property
    def shapes(self) -> frozenset[str]:
        """The shapes of the boilerplate blocks: only blocks of these shapes have their text hashed."""
        return frozenset(print_.rsplit("|", 1)[0] for print_ in self.boilerplate)

    def boilerplate_in(self, page) -> list[Any]:
        """The elements of a page (a parsel selector) that are boilerplate, outermost only."""
        found: list[Any] = [match.root for query in self.pinned_boilerplate for match in select(page, query)
                            if not isinstance(match.root, str)]
        if self.boilerplate:
            shapes, known = self.shapes, dict[tuple, str]()
            for element in _blocks(page.root):
                signature = shape(element, known)
                if signature in shapes and fingerprint(element, signature) in self.boilerplate:
                    found.append(element)
        chosen = set(found)
        return [element for element in dict.fromkeys(found)
                if not any(ancestor in chosen for ancestor in element.iterancestors())]

    def container_in(self, page):
        """The page's text container by the profile's pinned selectors, else by the learnt shape; None."""
        for query in self.pinned_container:
            for match in select(page, query):
                if not isinstance(match.root, str):
                    return match
        if self.container is None:
            return None
        tag = self.container.split(">", 1)[1].split(".", 1)[0]
        for match in page.xpath(f"//body//{tag}") if re.fullmatch(r"[a-z][a-z0-9]*", tag) else []:
            if shape(match.root) == self.container:
                return match
        return None

    def describe(self) -> str:
        """A line for logs and ``scrapy inspect``."""
        parts = [f"learnt from {self.pages} pages", f"{len(self.boilerplate)} boilerplate blocks",
                 f"text container {self.container or 'none'}"]
        if self.pinned_boilerplate or self.pinned_container:
            parts.append(f"pinned: boilerplate {list(self.pinned_boilerplate)}, "
                         f"text container {list(self.pinned_container)}")
        return "; ".join(parts)

    def dump(self) -> str:
        return json.dumps({"version": self.version, "pages": self.pages, "container": self.container,
                           "boilerplate": sorted(self.boilerplate)})

    @classmethod
    def load(cls, text: str | None) -> SiteTemplate | None:
        """The template an earlier run kept, or None when it is missing, unreadable or of another version."""
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("version") != TEMPLATE_VERSION:
            return None
        boilerplate, container = data.get("boilerplate") or [], data.get("container")
        if not isinstance(boilerplate, list) or not all(isinstance(item, str) for item in boilerplate) or (
                container is not None and not isinstance(container, str)):
            return None
        return cls(frozenset(boilerplate), container, int(data.get("pages") or 0))


@contextmanager
def boilerplate_left_out(page, template: SiteTemplate | None) -> Iterator[int]:
    """While in the block, the page's boilerplate blocks stand replaced by empty comments (their tails
    kept), so that neither a container nor the extractor reads them; put back after. Yields how many."""
    swapped: list[tuple[Any, Any]] = []
    if template is not None:
        for element in template.boilerplate_in(page):
            parent = element.getparent()
            if parent is None:
                continue
            stand_in = etree.Comment("")
            stand_in.tail = element.tail
            parent.replace(element, stand_in)
            swapped.append((element, stand_in))
    try:
        yield len(swapped)
    finally:
        for element, stand_in in reversed(swapped):
            tail = stand_in.tail
            stand_in.getparent().replace(stand_in, element)
            element.tail = tail
        if swapped:
            forget_marks()  # the classes read while they stood out are not all the page's
