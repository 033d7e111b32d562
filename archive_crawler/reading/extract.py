"""Reading an article page: its text blocks, its caption, its structured data.

The functions here take parsel selectors and return plain strings; the cleaning
rules themselves live in :mod:`archive_crawler.reading.processors`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import cssselect
import cssselect.parser
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from archive_crawler.navigation.urls import joined
from archive_crawler.reading.processors import (
    CAPTION_LABEL,
    clean_text,
    comparison_key,
    parse_dateline,
    split_caption_credit,
    strip_caption_label,
    strip_story_id,
)
from archive_crawler.sites.profile import Profile, TextRules

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "tbody", "thead", "hr", "main",
    "center", "address",
})
BREAK = "\x00"


def first_match(selector: Selector, queries: Iterable[str]) -> Selector | None:
    """The first element found by the first query that finds any."""
    for query in queries:
        found = select(selector, query)
        if found:
            return found[0]
    return None


def first_nonempty(selector: Selector, queries: Iterable[str]):
    """Everything the first query that finds anything finds (an empty list when none does)."""
    for query in queries:
        found = select(selector, query)
        if found:
            return found
    return []


def first_text(selector: Selector, queries: Iterable[str]) -> str | None:
    """The cleaned text (or attribute value) of the first query that yields some."""
    return first_hit(selector, queries)[1]


def first_hit(selector: Selector, queries: Iterable[str]) -> tuple[str | None, str | None]:
    """(the query, the cleaned text or attribute value) of the first query that yields some."""
    element = element_of(selector)
    for query in queries:
        for found in evaluate(element, query):
            text = clean_text(found if isinstance(found, str) else _STRING(found)
                              if isinstance(found, etree._Element) else "")  # a number or a truth value: none
            if text:
                return query, text
    return None, None


def select(selector: Selector, query: str):
    """What a query finds: CSS, or XPath when written "xpath:..."; the selectors parsel's own
    ``css()``/``xpath()`` would give, built without re-checking what the query already settled."""
    if isinstance(selector, Selector):
        cls, element = selector.__class__, selector.root
    else:  # a response
        cls, element = selector.selector.__class__, selector.selector.root
    if not isinstance(element, etree._Element):
        return selector.xpath(query[len("xpath:"):]) if query.startswith("xpath:") else selector.css(query)
    return cls.selectorlist_cls([_selector(cls, found, query) for found in evaluate(element, query)])


def _selector(cls: type[Selector], root: Any, query: str) -> Selector:
    """A selector of an element or string a query found in an HTML tree, as ``Selector(root=...)`` makes it
    (parsel checks the root's type and copies the namespaces on every result: here they are known)."""
    made = object.__new__(cls)
    made.root = root
    made.type = "html"
    made.namespaces = dict(NAMESPACES)
    made._expr = query
    made._huge_tree = True
    made._text = None
    if hasattr(cls, "response"):  # Scrapy's selector
        made.response = None  # type: ignore[attr-defined]
    return made


# The namespaces parsel's selectors know (EXSLT regular expressions and sets), for queries compiled here.
NAMESPACES = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_STRING = etree.XPath("string()", smart_strings=False)
_COMPILED: dict[str, tuple[Callable[[Any], Any], Needs | None]] = {}
# What a CSS query needs on a page to find anything: per selector of its group, the ("class" | "id",
# name) pairs every match carries.
Needs = tuple[tuple[tuple[str, str], ...], ...]


def compiled(query: str) -> Callable[[Any], Any]:
    """A profile query (CSS, or XPath written "xpath:...") compiled once, as parsel would run it."""
    return _compiled(query)[0]


def _compiled(query: str) -> tuple[Callable[[Any], Any], Needs | None]:
    found = _COMPILED.get(query)
    if found is None:
        is_xpath = query.startswith("xpath:")
        path = query[len("xpath:"):] if is_xpath else HTMLTranslator().css_to_xpath(query)
        found = _COMPILED[query] = (xpath_of(path), None if is_xpath else css_needs(query))
    return found


def xpath_of(path: str) -> Callable[[Any], Any]:
    """An XPath expression compiled once, to be called on an element.

    lxml (6.1) keeps about 100 bytes for every call of an expression compiled with namespaces, so a
    long crawl would grow by every query it ran. An expression that names none of their prefixes is
    compiled without them; one that does is checked once and run through ``element.xpath()``, which
    keeps nothing (and costs a few microseconds more a call).
    """
    if not any(f"{prefix}:" in path for prefix in NAMESPACES):
        return etree.XPath(path, smart_strings=False)
    etree.XPath(path, namespaces=NAMESPACES)  # a syntax error is the query's, raised here as before
    return partial(_namespaced, path)


def _namespaced(path: str, element: Any) -> Any:
    return element.xpath(path, namespaces=NAMESPACES, smart_strings=False)


def css_needs(query: str) -> Needs | None:
    """The class names and ids a page must hold for a CSS query to find anything, one tuple per
    selector of the group (a page that lacks a name of each gives the query nothing); None when the
    query cannot be read (it is then always run)."""
    try:
        group = cssselect.parse(query)
    except cssselect.SelectorError:
        return None
    return tuple(tuple(_needs(selector.parsed_tree)) for selector in group)


def _needs(tree: Any) -> list[tuple[str, str]]:
    # Only what every match carries: a negation's inner selector, :is(), :has() and the like add nothing.
    if isinstance(tree, cssselect.parser.Class):
        return [*_needs(tree.selector), ("class", tree.class_name)]
    if isinstance(tree, cssselect.parser.Hash):
        return [*_needs(tree.selector), ("id", tree.id)]
    if isinstance(tree, cssselect.parser.CombinedSelector):
        return [*_needs(tree.selector), *_needs(tree.subselector)]
    if isinstance(tree, cssselect.parser.Attrib | cssselect.parser.Pseudo | cssselect.parser.Function
                  | cssselect.parser.Negation):
        return _needs(tree.selector)
    return []


_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
_ID_VALUES = etree.XPath("//@id", smart_strings=False)
# The last document read: its root, and every class and every id value in it, joined (a name that is
# in none of them as text is on no element, and a query that needs it finds nothing without a scan);
# and the last element asked about, of that document.
_marks: tuple[Any, str, str] = (None, "", "")
_last_element: Any = None


def _document_marks(element: Any) -> tuple[str, str]:
    global _marks, _last_element
    known = _marks
    if element is not _last_element:
        root = element.getroottree().getroot()
        if known[0] is not root:
            known = _marks = (root, "\n".join(_CLASS_VALUES(root)), "\n".join(_ID_VALUES(root)))
        _last_element = element
    return known[1], known[2]


def forget_marks() -> None:
    """Forget the class and id values of the last document (after its elements changed)."""
    global _marks, _last_element
    _marks, _last_element = (None, "", ""), None


def may_match(element: Any, needs: Needs) -> bool:
    """Whether the document of ``element`` holds every class and id some selector of a query needs."""
    classes, ids = _document_marks(element)
    for selector in needs:
        for kind, name in selector:
            if name not in (classes if kind == "class" else ids):
                break
        else:
            return True
    return False


def evaluate(element: Any, query: str) -> list:
    """What a query finds under an lxml element, unwrapped: elements and strings (attribute values, text)."""
    if isinstance(element, str):
        return []
    path, needs = _compiled(query)
    if needs and all(needs) and not may_match(element, needs):
        return []
    try:
        found = path(element)
    except etree.XPathError as error:
        raise ValueError(f"XPath error: {error} in {query}") from None
    return found if isinstance(found, list) else [found]


def strings(selector: Any, query: str) -> list[str]:
    """``select(selector, query).getall()`` for a query of attribute values or text, without a selector
    per value; any other query is answered the way ``getall()`` answers it."""
    found = evaluate(element_of(selector), query)
    if all(isinstance(value, str) for value in found):
        return found
    return select(selector, query).getall()


def absolute(response: Any, href: str) -> str:
    """``response.urljoin(href)``; a link naming its host is joined once per run (see :func:`joined`)."""
    return joined(get_base_url(response) if isinstance(response, TextResponse) else response.url, href)


def element_of(selector: Any) -> Any:
    """The lxml element of a selector, or the root element of a response."""
    return selector.root if isinstance(selector, Selector) else selector.selector.root


def text_of(selector: Selector) -> str:
    """Text of an element as a reader sees it, or the value of a selected attribute/text node."""
    root = selector.root
    if isinstance(root, str):
        return root
    return (_STRING(root) or "") if isinstance(root, etree._Element) else ""


# Elements whose text no reader sees: always left out, whatever they hold.
NEVER_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "select", "button", "input", "textarea"})
# A block marked as no story (by its tag or class) that holds this share of its parent's text is the
# page's wrapper ("<form>" around a whole page, a blog theme's "widget Blog"), not a widget: kept.
WRAPPER_SHARE = 0.8
WRAPPER_LEAST = 200  # characters; a smaller block is never taken for a wrapper


def _marked(element: Any, rules: TextRules) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag.lower() in rules.body_skip_tags:
        return True
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marks.strip()) and bool(rules.skip_marks.search(marks))


def _why_marked(element: Any, rules: TextRules) -> str:
    """What marks a left-out block as no story: its tag or the fragment of its class or id."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in rules.body_skip_tags:
        return f"<{tag}>"
    found = rules.skip_marks.search(f"{element.get('class', '')} {element.get('id', '')}")
    return f"<{tag}> marked {found.group(0).strip()!r}" if found else f"<{tag}>"


def _skipped(element: Any, rules: TextRules) -> bool:
    """A block the profile says is no story, unless it wraps most of its parent's text."""
    if not _marked(element, rules):
        return False
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag or tag in NEVER_TEXT:
        return True
    parent = element.getparent()
    if parent is None:
        return True
    own = _text_length(element)
    return own < WRAPPER_LEAST or own < WRAPPER_SHARE * _text_length(parent)


_NORMALIZED_TEXT = etree.XPath("normalize-space(string())")


def _text_length(element: Any) -> int:
    return len(_NORMALIZED_TEXT(element))


# A heading that introduces links to other stories ("Related Posts:", "Read more", "You may also like"):
# it and the list after it are no story, whatever their classes.
OTHER_STORIES_HEADING = re.compile(
    r"^\W*(?:related(?:\s+(?:posts|articles|stories|news|content|reading))?|read\s+(?:more|also|next)"
    r"|more\s+(?:stories|news|articles|posts)(?:\s+from\s+.{1,40})?|you\s+(?:may|might)\s+also\s+(?:like|enjoy)"
    r"|see\s+also|also\s+read)\W*$", re.IGNORECASE)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "strong", "b", "span"})
LIST_TAGS = frozenset({"ul", "ol"})


def _other_stories_heading(element: Any) -> bool:
    """A short heading naming links to other stories, followed by a list of links."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag not in HEADING_TAGS or _text_length(element) > 60:
        return False
    following = element.getnext()
    return (following is not None and isinstance(following.tag, str) and following.tag.lower() in LIST_TAGS
            and bool(following.xpath(".//a")) and bool(OTHER_STORIES_HEADING.match(_NORMALIZED_TEXT(element))))


def _emit(element: Any, out: list[str], rules: TextRules, removed: list[tuple[str, str]] | None = None) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "br":
        out.append(BREAK)
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append(BREAK)
    out.append(element.text or "")
    skip_list = False
    for child in element:
        if skip_list and isinstance(child.tag, str) and child.tag.lower() in LIST_TAGS:
            skip_list = False
            _note(removed, "the list under that heading", child)
        elif _other_stories_heading(child):
            skip_list = True
            _note(removed, "a heading of links to other stories", child)
        elif not _skipped(child, rules):
            _emit(child, out, rules, removed)
        elif removed is not None and (child.tag.lower() if isinstance(child.tag, str) else "") not in NEVER_TEXT:
            _note(removed, _why_marked(child, rules), child)
        out.append(child.tail or "")
    if block:
        out.append(BREAK)


def _note(removed: list[tuple[str, str]] | None, why: str, element: Any) -> None:
    if removed is not None and (text := clean_text(" ".join(element.itertext()))):
        removed.append((why, text))


def text_blocks(container: Selector, rules: TextRules, removed: list[tuple[str, str]] | None = None) -> list[str]:
    """The container's text split into the paragraphs a reader sees, cleaned, empties dropped;
    blocks the profile says are no story (share buttons, related posts, ...) left out, and noted
    in ``removed`` (why, their text) when given."""
    out: list[str] = []
    _emit(container.root, out, rules, removed)
    return [text for chunk in "".join(out).split(BREAK) if (text := clean_text(chunk))]


def main_text_blocks(page: Selector) -> list[str]:
    """The paragraphs a main-text extractor finds in a whole page, handed over as it was parsed.

    The extractor drops menus, widgets and comments by its own rules (the profile's marks of
    what is no story are written for text containers, and would cut wrappers holding the story).
    It is imported here, on first need, so the crawl's start-up does not pay for it.
    """
    import trafilatura

    text = trafilatura.extract(page.root, include_comments=False, include_tables=True, include_images=False,
                               include_formatting=False, deduplicate=False)
    return [line for raw in (text or "").split("\n") if (line := clean_text(raw))]


@dataclass
class Caption:
    text: str | None = None  # caption without its credit
    credit: str | None = None
    keys: frozenset[str] = frozenset()  # comparison keys of every copy, to drop repeats
    longest_copy: int = 0  # a paragraph longer than this cannot be a copy of the caption

    def repeats(self, paragraph: str, rules: TextRules) -> bool:
        if not self.keys or len(paragraph) > self.longest_copy:
            return False
        if comparison_key(paragraph) in self.keys:
            return True
        without_credit, _ = split_caption_credit(strip_caption_label(paragraph), rules.credit_rules)
        return comparison_key(without_credit) in self.keys


def find_caption(article: Selector, paragraphs: list[str], title: str | None, profile: Profile) -> Caption:
    """The featured image's caption, taken from the best of its copies on the page.

    Preference: a caption element, a paragraph labelled "Caption:" (or a bare label
    followed by the caption), an image's alt text (the visible paragraph it repeats
    when there is one), then, on a page with an image, an opening paragraph that
    ends in a photo credit.
    """
    rules = profile.text
    raw = first_text(article, profile.selectors.caption) or _labelled_caption(paragraphs)
    if raw is None and rules.caption_guesses:
        raw = _caption_from_alt(article, paragraphs, title, rules)
        if raw is None and article.css("img"):
            raw = _caption_by_position(paragraphs, rules)
    raw = strip_caption_label(raw)
    if not raw:
        return Caption()
    text, credit = split_caption_credit(raw, rules.credit_rules)
    marked = first_text(article, profile.selectors.caption_credit)
    if credit is None and marked and raw.endswith(marked):  # a credit in an element of its own
        text, credit = raw[: -len(marked)].rstrip(" \t,;:-\u2013\u2014|") or None, rules.credit_rules.normalize(marked)
    elif credit is None and marked and comparison_key(marked) not in comparison_key(raw):  # beside the caption
        credit = split_caption_credit(marked, rules.credit_rules)[1] or rules.credit_rules.normalize(marked)
    keys = {comparison_key(raw), comparison_key(text)}
    keys.discard("")
    # Copies differ in quotes, spacing, a "Caption:" label and the credit, never by much.
    return Caption(text=text, credit=credit, keys=frozenset(keys), longest_copy=2 * len(raw) + 80)


def _labelled_caption(paragraphs: list[str]) -> str | None:
    for index, paragraph in enumerate(paragraphs):
        if CAPTION_LABEL.match(paragraph):
            text = strip_caption_label(paragraph)
            if text:
                return text
            if index + 1 < len(paragraphs):  # "Caption:" alone, the caption in the next paragraph
                return paragraphs[index + 1]
    return None


def _caption_by_position(paragraphs: list[str], rules: TextRules) -> str | None:
    """The paragraph that opens the text (after the story ID) when it carries a photo credit."""
    for paragraph in paragraphs[:2]:
        candidate = strip_story_id(paragraph, rules.story_id)
        if not candidate:
            continue
        _, credit = split_caption_credit(candidate, rules.credit_rules)
        if credit and parse_dateline(candidate, rules.dateline_rules) == (None, None):
            return candidate
        return None
    return None


def _caption_from_alt(article: Selector, paragraphs: list[str], title: str | None,
                      rules: TextRules) -> str | None:
    title_key = comparison_key(title)
    for raw_alt in strings(article, "img::attr(alt), img::attr(title)"):
        alt = clean_text(raw_alt)
        if not alt or len(alt.split()) < 3 or comparison_key(alt) == title_key:
            continue
        alt_keys = {comparison_key(alt), comparison_key(split_caption_credit(alt, rules.credit_rules)[0])}
        for paragraph in paragraphs:
            if comparison_key(paragraph) in alt_keys:
                return paragraph
        return alt
    return None


def body_paragraphs(paragraphs: list[str], caption: Caption, rules: TextRules) -> list[str]:
    """The story's own paragraphs: no story ID line, caption copies, labels or share leftovers."""
    kept = []
    for paragraph in paragraphs:
        text = strip_story_id(paragraph, rules.story_id)
        if not text or CAPTION_LABEL.match(text) or caption.repeats(text, rules):
            continue
        if rules.boilerplate_paragraph.match(text):
            continue
        kept.append(text)
    return kept


def json_ld_article(selector: Selector) -> dict[str, Any]:
    """The first Article-like object in the page's JSON-LD, or an empty dict.

    Authors given as ``{"@id": ...}`` references (Yoast's ``@graph``) are replaced
    by the nodes they point to.
    """
    for script in strings(selector, "script[type='application/ld+json']::text"):
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        nodes = list(_walk_json(data))
        by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
        for node in nodes:
            kinds = node.get("@type", "")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(kind, str) and kind.endswith(("Article", "Posting")) for kind in kinds):
                return {**node, "author": _resolve(node.get("author"), by_id)}
    return {}


def _resolve(value: Any, by_id: dict[str, dict]) -> Any:
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value]
    if isinstance(value, dict) and "name" not in value and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _walk_json(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _walk_json(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk_json(value)


def json_ld_names(value: Any, people: bool = True) -> list[str]:
    """Names from a JSON-LD author value: a string, a Person, or a list of either; with ``people``
    false, the organisations' names instead (a desk or a publisher named as the author)."""
    if isinstance(value, str):
        return [value] if people else []
    if isinstance(value, dict):
        name = value.get("name")
        kinds = value.get("@type", "")
        organisation = any(isinstance(kind, str) and kind.endswith(("Organization", "NewsMediaOrganization"))
                           for kind in (kinds if isinstance(kinds, list) else [kinds]))
        return [name] if isinstance(name, str) and organisation != people else []
    if isinstance(value, list):
        return [name for item in value for name in json_ld_names(item, people)]
    return []


def json_ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
