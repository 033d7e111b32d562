"""Where each field of a record comes from: one table of candidates per field, in order of trust.

Every rule names the kind of evidence it reads (structured data, meta tags, the profile's markup,
the listing that linked the page, the URL, or an extractor's guess). The table gives each field's
rules once, in the order a page's own statements are trusted: JSON-LD and meta tags first, then
the markup, then what the listing said, then guesses. A profile whose selectors are written for
its site (``structured_first = false``) tries its markup rules before the JSON-LD, for the fields
marked so. Extractor rules run only for profiles that read with the extractor
(``crawl.main_text``). The reader fills each field from the first rule that gives a value the
loader keeps; ``scrapy inspect`` shows every candidate and the one that won.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from parsel import Selector

from archive_crawler.reading.extract import (
    absolute,
    element_of,
    first_hit,
    first_nonempty,
    first_text,
    json_ld_article,
    json_ld_names,
    json_ld_text,
    select,
    text_of,
)
from archive_crawler.reading.processors import (
    clean_text,
    comparison_key,
    find_date,
    names_from_author_slug,
    split_byline,
)

if TYPE_CHECKING:
    from archive_crawler.messages import ArticleContext
    from archive_crawler.reading.reader import PageReader

STRUCTURED, META, MARKUP, LISTING, URL, EXTRACTOR = "json-ld", "meta", "markup", "listing", "url", "extractor"

# Meta tags that publishers and SEO plugins use for the publication time and the authors.
PUBLISHED_META = ("article:published_time", "datePublished", "date", "DC.date.issued", "dcterms.date", "dcterms.issued",
                  "DC.date", "parsely-pub-date", "sailthru.date", "pubdate", "publish-date", "og:published_time")
AUTHOR_META = ("author", "article:author", "dcterms.creator", "DC.creator", "parsely-author", "sailthru.author")
MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified")


@dataclass(frozen=True)
class Found:
    """A rule's value and the detail that found it (the selector, the meta key)."""

    detail: str | None
    value: Any


@dataclass(frozen=True)
class Rule:
    """One way to fill a field: its name as shown, the kind of evidence, and how it reads a page."""

    name: str
    kind: str
    read: Callable[[PageFacts], Any]  # a value, or Found(detail, value)

    def apply(self, facts: PageFacts) -> tuple[str, Any]:
        """(the rule's full name, its value) on a page: "meta og:title", "selectors.title: h1"."""
        value = self.read(facts)
        if isinstance(value, Found):
            if not value.detail:
                return self.name, value.value
            return f"{self.name}{' ' if self.kind == META else ': '}{value.detail}", value.value
        return self.name, value


@dataclass(frozen=True)
class Field:
    """A record field's rules in order of trust; ``profile_ordered``: a markup-first profile's
    selectors come before the JSON-LD."""

    name: str
    rules: tuple[Rule, ...]
    profile_ordered: bool = False

    def ordered(self, structured_first: bool, with_extractor: bool) -> list[Rule]:
        rules = [rule for rule in self.rules if with_extractor or rule.kind != EXTRACTOR]
        if structured_first or not self.profile_ordered:
            return rules
        markup = [rule for rule in rules if rule.kind == MARKUP]
        rest = [rule for rule in rules if rule.kind != MARKUP]
        first_structured = next((index for index, rule in enumerate(rest) if rule.kind == STRUCTURED), len(rest))
        return rest[:first_structured] + markup + rest[first_structured:]


# A list of the post's categories, whatever its links' addresses: WordPress's post-terms block names
# its taxonomy in its class (taxonomy-category), themes name the list (cat-links, post-categories).
CATEGORY_LIST_CLASSES = ("taxonomy-category", "cat-links", "post-categories", "entry-categories")
CATEGORY_LIST_SET = frozenset(CATEGORY_LIST_CLASSES)
IN_CATEGORY_LIST = "ancestor::*[" + " or ".join(
    f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')" for name in CATEGORY_LIST_CLASSES) + "]"

MARKED_TAG = "contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
XML_TOKEN = re.compile(r"[^ \t\r\n]+")  # what normalize-space() splits on


def xml_tokens(value: str | None) -> list[str]:
    """An attribute's space-separated tokens, as XPath's normalize-space() sees them."""
    return XML_TOKEN.findall(value) if value else []


def in_category_list(element) -> bool:
    """Whether an element sits in a list of the post's categories (:data:`IN_CATEGORY_LIST`, without XPath)."""
    parent = element.getparent()
    while parent is not None:
        classes = parent.get("class")
        if classes and any(name in classes for name in CATEGORY_LIST_CLASSES) \
                and not CATEGORY_LIST_SET.isdisjoint(xml_tokens(classes)):
            return True
        parent = parent.getparent()
    return False
# A breadcrumb trail: its class or id names it (breadcrumb, breadcrumbs, crumbs; Yoast's
# p#breadcrumbs), or its ARIA label does.
BREADCRUMB_MARK = ("contains(@class, 'breadcrumb') or contains(@class, 'crumbs') or contains(@id, 'breadcrumb')"
                   " or contains(translate(@aria-label, 'BREADCRUMB', 'breadcrumb'), 'breadcrumb')")
TERM_LABEL = re.compile(r"^[^\W\d][\w ]{0,24}:\s*")  # "Topics: ", "Tags: ", "Filed under: "
TERM_SEPARATOR = re.compile(r"\s*[,|\u00b7\u2022/]\s*")
AUTHOR_LABEL = re.compile(r"^\s*(?:authors?|written\s+by|byline)\s*:?\s+(?=\S)", re.IGNORECASE)
AUTHOR_ARCHIVE = re.compile(r"/author/[^/?#]+|[?&]author=\d+")


class PageFacts:
    """What the rules read on one page, each computed once, on first need."""

    def __init__(self, reader: PageReader, response, root, context: ArticleContext):
        self.reader = reader
        self.response = response
        self.root = root
        self.context = context
        self.url: str = response.url
        self.category: str | None = None  # the category field's value, once filled (the last resort of categories)
        self._category_link: dict[Any, bool] = {}  # link element -> whether it is a category link

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """Every <meta> value by property/name/itemprop, and <link> hrefs by rel, in one pass."""
        found: dict[str, list[str]] = {}
        for element in self.response.selector.root.iter("meta", "link"):
            attributes = element.attrib
            if element.tag == "meta":
                value = attributes.get("content")
                key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
            else:
                value = attributes.get("href")
                rel = attributes.get("rel")
                key = f"link:{rel.strip().lower()}" if rel else None
            if key and value is not None:
                found.setdefault(key.strip(), []).append(value)
        return found

    @cached_property
    def structured(self) -> dict[str, Any]:
        return json_ld_article(self.response)

    @property
    def selectors(self):
        return self.reader.selectors

    def meta_value(self, *keys: str) -> Found:
        """The first key with a non-empty value, and that value."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value and value.strip():
                    return Found(key, value)
        return Found(None, None)

    def meta_values(self, *keys: str) -> Found:
        """The first key with any non-empty value, and all its values."""
        for key in keys:
            values = [value for value in self.meta.get(key, ()) if value and value.strip()]
            if values:
                return Found(key, values)
        return Found(None, [])

    @cached_property
    def category_links(self) -> list:
        """The page's visible category links: the profile's, and links marked only ``rel="tag"`` (as
        block themes mark every term) that lead to a category archive or sit in a list of the post's
        categories (whatever base the site's category archives have)."""
        links = list(first_nonempty(self.root, self.selectors.category_links))
        seen = {link.attrib.get("href") for link in links}
        make = self.root.selector.__class__ if not isinstance(self.root, Selector) else self.root.__class__
        listed = [make(root=element) for element in element_of(self.root).iterdescendants("a")
                  if "tag" in xml_tokens(element.get("rel")) and in_category_list(element)]
        for link in [*self.tag_candidates, *listed, *self.meta_links]:
            href = link.attrib.get("href")
            if href and href not in seen and self.is_category_link(link):
                links.append(link)
                seen.add(href)
        return links

    @cached_property
    def tag_candidates(self) -> list:
        """What the profile's tag selectors find (category links among them)."""
        return list(first_nonempty(self.root, self.selectors.tags))

    @cached_property
    def tag_links(self) -> list:
        """The page's tag links, without those that are category links."""
        return [link for link in self.tag_candidates if not self.is_category_link(link)]

    @cached_property
    def meta_links(self) -> list:
        """The links of the post's meta line ("Posted on ... by A in World, Sport"): the first of the
        profile's ``post_meta`` places that holds any."""
        for query in self.selectors.post_meta:
            links = [link for block in select(self.root, query) for link in block.xpath(".//a[@href]")]
            if links:
                return links
        return []

    def is_category_link(self, link) -> bool:
        element = link.root
        known = self._category_link.get(element)
        if known is None:
            known = self._category_link[element] = in_category_list(element) or self.reader.is_category_archive(
                absolute(self.response, link.attrib.get("href") or ""))
        return known

    def markup(self, queries) -> Found:
        query, value = first_hit(self.root, queries)
        return Found(query, value)

    @cached_property
    def extractor_tree(self):
        """The page's tree as the metadata guessers read it."""
        return self.response.selector.root


def _date_in(facts: PageFacts) -> str | None:
    for query in facts.selectors.post_meta:
        for element in select(facts.root, query):
            if found := find_date(text_of(element)):
                return found
    return None


def _names(links) -> list[str]:
    return [name for link in links if (name := clean_text(text_of(link)))]


def _byline_and_boxes(facts: PageFacts) -> Found:
    """The byline's names, and after them any author an author box names that the byline leaves out."""
    query, parts = facts.reader.byline(facts.root)
    known = {comparison_key(name) for part in parts for name in split_byline(part)}
    added = []
    for name in (name for text in _names(first_nonempty(facts.root, facts.selectors.author_box))
                 for name in split_byline(text)):
        if comparison_key(name) not in known:
            known.add(comparison_key(name))
            added.append(name)
    if not added:
        return Found(query, parts)
    return Found(f"{query}, selectors.author_box" if query else "selectors.author_box", [*parts, *added])


def _meta_authors(facts: PageFacts) -> list[str]:
    """The people the post's meta line links to their author archives (``/author/ann-lee/``,
    ``?author=3``)."""
    links = [link for link in facts.meta_links if AUTHOR_ARCHIVE.search(link.attrib.get("href", ""))]
    return list(dict.fromkeys(name for text in _names(links) for name in split_byline(text)))


UNCAP_BREADCRUMB = str.maketrans("BREADCRUMB", "breadcrumb")


def _marks_breadcrumb(element) -> bool:
    """:data:`BREADCRUMB_MARK` of one element, without XPath."""
    classes, label = element.get("class") or "", element.get("aria-label") or ""
    return "breadcrumb" in classes or "crumbs" in classes or "breadcrumb" in (element.get("id") or "") \
        or "breadcrumb" in label.translate(UNCAP_BREADCRUMB)


def breadcrumb_links(root) -> list:
    """The links of ``root`` in a breadcrumb trail (``.//a[ancestor::*[BREADCRUMB_MARK]]``): all of them when the trail
    holds ``root``, else those in the trails within it; one pass, not an ancestor walk per link."""
    element = element_of(root)
    while element is not None:
        if _marks_breadcrumb(element):
            return select(root, "xpath:.//a")
        element = element.getparent()
    return select(root, f"xpath:.//*[{BREADCRUMB_MARK}]//a")


def _breadcrumb_category(facts: PageFacts) -> str | None:
    """The deepest category a breadcrumb trail links to ("Home » World » Middle East » the post")."""
    links = [link for link in breadcrumb_links(facts.root)
             if facts.reader.is_category_archive(absolute(facts.response, link.attrib.get("href") or ""))]
    names = _names(links)
    return names[-1] if names else None


def term_line(paragraph: str, names: list[str]) -> bool:
    """Whether a paragraph only lists some of the post's terms after a short label ("Topics: Trade,
    Energy"): a theme's tag line, which a main-text extractor keeps as text.

    >>> term_line("Topics: Trade, public health", ["public health", "Trade"]), term_line("Trade: a deal", ["Trade"])
    (True, False)
    """
    rest = TERM_LABEL.sub("", paragraph, count=1)
    if not names or rest == paragraph:
        return False
    known = {comparison_key(name) for name in names}
    parts = [part for part in TERM_SEPARATOR.split(rest) if part]
    return bool(parts) and all(comparison_key(part) in known for part in parts)


def _guessed_date(facts: PageFacts) -> str | None:
    """The publication date a date finder reads in the page's markup and text (htmldate)."""
    from archive_crawler.reading.guesses import guess_date

    return guess_date(facts.extractor_tree, facts.url)


def _guessed_authors(facts: PageFacts) -> str | None:
    """The byline finder's names, without the label it leaves when it drops a colon ("Author: Ann Lee"
    comes out "Author Ann Lee")."""
    from archive_crawler.reading.guesses import guess_authors

    found = guess_authors(facts.extractor_tree)
    return AUTHOR_LABEL.sub("", found) if found else found


def _listed_sections(facts: PageFacts) -> list:
    listed = facts.structured.get("articleSection")
    return listed if isinstance(listed, list) else [listed] if listed else []


TITLE = Field("title", (
    Rule("json-ld headline", STRUCTURED, lambda facts: json_ld_text(facts.structured.get("headline"))),
    Rule("selectors.title", MARKUP, lambda facts: facts.markup(facts.selectors.title)),
    Rule("selectors.headline found in <title>", MARKUP, lambda facts: facts.reader.headline_in_title(facts)),
    Rule("meta", META, lambda facts: facts.meta_value("og:title", "twitter:title")),
    Rule("<title>", META, lambda facts: first_text(facts.response, ["title"])),
    Rule("listing title", LISTING, lambda facts: facts.context.title),
), profile_ordered=True)

PUBLISHED = Field("published", (
    Rule("meta", META, lambda facts: facts.meta_value(*PUBLISHED_META)),
    Rule("json-ld datePublished", STRUCTURED, lambda facts: json_ld_text(facts.structured.get("datePublished"))),
    Rule("selectors.published", MARKUP, lambda facts: facts.markup(facts.selectors.published)),
    Rule("selectors.post_meta_date", MARKUP, lambda facts: facts.markup(facts.selectors.post_meta_date)),
    Rule("date in selectors.post_meta", MARKUP, _date_in),
    Rule("listing date", LISTING, lambda facts: facts.context.published),
    Rule("date finder", EXTRACTOR, _guessed_date),
), profile_ordered=True)

AUTHORS = Field("authors", (
    Rule("json-ld author", STRUCTURED, lambda facts: json_ld_names(facts.structured.get("author"))),
    Rule("meta", META, lambda facts: facts.meta_values(*AUTHOR_META)),
    Rule("selectors.byline", MARKUP, _byline_and_boxes),
    Rule("author links in selectors.post_meta", MARKUP, _meta_authors),
    Rule("listing byline", LISTING, lambda facts: facts.context.authors),
    Rule("author in urls.article_parts", URL,
         lambda facts: names_from_author_slug(facts.reader.urls.article_part(facts.url, "author"))),
    Rule("byline finder", EXTRACTOR, _guessed_authors),
    Rule("json-ld author organisation", STRUCTURED,
         lambda facts: json_ld_names(facts.structured.get("author"), people=False)),
), profile_ordered=True)

CATEGORY = Field("category", (
    Rule("selectors.category_links", MARKUP, lambda facts: facts.reader.link_category(facts.category_links,
                                                                                      facts.url)),
    Rule("meta article:section", META,
         lambda facts: facts.reader.named_category(facts.meta.get("article:section", []), facts.url)),
    Rule("json-ld articleSection", STRUCTURED,
         lambda facts: facts.reader.named_category(facts.structured.get("articleSection"), facts.url)),
    Rule("category archive in a breadcrumb", MARKUP, _breadcrumb_category),
    Rule("listing category", LISTING, lambda facts: facts.reader.listing_category(facts.context, facts.url)),
    Rule("category in urls.article_parts", URL,
         lambda facts: facts.reader.categories.get(facts.reader.urls.article_part(facts.url, "category") or "")),
))

# Every category link the page shows counts: a meta tag or JSON-LD naming one section does not
# override them, so the links come first.
CATEGORIES = Field("categories", (
    Rule("selectors.category_links", MARKUP, lambda facts: _names(facts.category_links)),
    Rule("json-ld articleSection", STRUCTURED, _listed_sections),
    Rule("meta article:section", META, lambda facts: facts.meta.get("article:section", [])),
    Rule("category", LISTING, lambda facts: [facts.category] if facts.category else []),
))

TAGS = Field("tags", (
    Rule("selectors.tags", MARKUP, lambda facts: _names(facts.tag_links)),
    Rule("meta article:tag", META, lambda facts: facts.meta.get("article:tag", [])),
))

MODIFIED = Field("modified", (
    Rule("meta", META, lambda facts: facts.meta_value(*MODIFIED_META)),
    Rule("json-ld dateModified", STRUCTURED, lambda facts: json_ld_text(facts.structured.get("dateModified"))),
    Rule("selectors.modified", MARKUP, lambda facts: facts.markup(facts.selectors.modified)),
))

IMAGE_URL = Field("image_url", (
    Rule("meta", META, lambda facts: facts.meta_value("og:image", "twitter:image")),
    Rule("json-ld image", STRUCTURED, lambda facts: json_ld_image(facts.structured.get("image"))),
    Rule("selectors.image", MARKUP, lambda facts: facts.markup(facts.selectors.image)),
))

LANGUAGE = Field("language", (
    Rule("<html lang>", MARKUP, lambda facts: facts.response.selector.root.get("lang")),
    Rule("meta", META, lambda facts: facts.meta_value("og:locale")),
    Rule("json-ld inLanguage", STRUCTURED, lambda facts: json_ld_text(facts.structured.get("inLanguage"))),
))

# Title first: the body drops a headline that opens the text. Category before categories,
# whose last resort it is.
FIELDS: tuple[Field, ...] = (TITLE, PUBLISHED, AUTHORS, CATEGORY, CATEGORIES, TAGS, MODIFIED, IMAGE_URL, LANGUAGE)


def json_ld_image(value) -> str | None:
    """The address of a JSON-LD image: a URL, an ImageObject, or the first of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None
