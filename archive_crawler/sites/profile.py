"""A site profile: everything the crawler knows about one site, read from a TOML file.

A profile is plain data. ``base.toml`` holds the defaults every profile starts from;
a profile names the one it ``extends`` (``base`` when it names none) and overrides
only what differs: tables merge key by key, any other value replaces the inherited
one. Each section below is a frozen dataclass whose fields are the keys a profile
may set; a key that is not a field, a value of the wrong type, a regex that does
not compile or a selector that does not parse stops loading with a
:class:`ProfileError` naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from parsel import Selector

from archive_crawler.navigation.urls import EVERY_PARAMETER, address_query

BUNDLED = resources.files(__package__)  # the bundled profiles, also inside a zipped egg


class ProfileError(ValueError):
    """A profile that cannot be used: unknown, unreadable or invalid."""


def _key(kind: str, meaning: str) -> Any:
    return field(metadata={"kind": kind, "meaning": meaning})


@dataclass(frozen=True)
class UrlRules:
    """Which URLs are articles and listings, and which are never fetched."""

    mirror_hosts: tuple[str, ...] = _key("texts", "hosts whose links are moved onto base_url")
    article: tuple[re.Pattern, ...] = _key("regexes", "path patterns of article URLs; empty: any path not excluded")
    article_parts: re.Pattern | None = _key("regex", "named groups author, category, slug read from article paths")
    min_article_segments: int = _key("int", "path segments an article URL has at least")
    never_roots: frozenset[str] = _key("words", "first path segments that never start an article")
    never_segments: frozenset[str] = _key("words", "path segments that make a URL no article")
    never_extensions: frozenset[str] = _key("words", "file extensions that are no article page")
    listing: re.Pattern = _key("regex", "path of a category listing's first page; group category is its slug")
    listing_page: re.Pattern = _key("regex", "path suffix of a later listing page; group page is its number")
    listing_page_query: str = _key("text", "query parameter numbering listing pages")
    listing_query: frozenset[str] = _key("words", "query parameters naming a category at the site's root (?cat=ID)")
    listing_url: str = _key("text", "path of a category's listing, {category} standing for the slug")
    duplicate_slug: re.Pattern | None = _key("regex", "slug ending of a second copy of a story")
    keep_query: frozenset[str] = _key("words", "query parameters kept on article links (shortlinks); * keeps "
                                      "every one but the tracking ones")
    other_listings: tuple[re.Pattern, ...] = _key("regexes", "paths of other listings (tags, authors), read in "
                                                  "a web archive for the articles no captured category names")
    keep_trailing_slash: bool = _key("bool", "article links keep a trailing slash as the site writes it")

    @cached_property
    def listing_link_marks(self) -> tuple[str, ...]:
        """Text every link to a category listing holds: the literal start of the listing path, or a
        category query parameter; none when the listing pattern starts with no literal text."""
        literal = re.match(r"\^?((?:[^\\()\[\]{}.*+?|^$]|\\[/.-])+)", self.listing.pattern)
        start = literal.group(1).replace("\\", "") if literal else ""
        if len(start) < 2:
            return ()
        return (start, *(f"{name}=" for name in sorted(self.listing_query)))

    def only_listing_links(self, query: str) -> str:
        """A CSS query for links narrowed to those that may lead to a category listing (cheaper on
        pages with many links); XPath queries and patterns without literal text are left as they are."""
        marks = self.listing_link_marks
        if not marks or query.startswith("xpath:") or "::" in query or "," in query:
            return query
        return ", ".join(f"{query}[href*='{mark}']" for mark in marks)

    def path_segments(self, url: str) -> list[str]:
        return [segment for segment in urlsplit(url).path.split("/") if segment]

    def article_link(self, url: str) -> str | None:
        """The URL to request for a link found in a listing, or None when it is no article.

        Share-button copies and tracking queries are dropped; a shortlink keeps its
        query, since it redirects to the article; with ``*`` in ``keep_query`` every
        parameter but the tracking ones stays.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        every = EVERY_PARAMETER in self.keep_query  # the query is part of the address
        shortlink = self.keep_query | {"p"} if every else self.keep_query
        kept = [(name, values[0]) for name, values in parse_qs(parts.query).items()
                if name in shortlink and values[0].isdigit()]
        if kept and parts.path in ("", "/"):
            return urlunsplit((parts.scheme, parts.netloc, "/", "&".join(f"{k}={v}" for k, v in kept), ""))
        segments = self.path_segments(url)
        if len(segments) < max(1, self.min_article_segments):
            return None
        if segments[0].lower() in self.never_roots:
            return None
        if any(segment.lower() in self.never_segments for segment in segments):
            return None
        extension = segments[-1].rpartition(".")[2].lower() if "." in segments[-1] else ""
        if extension in self.never_extensions:
            return None
        path = "/" + "/".join(segments) + ("/" if parts.path.endswith("/") and self.keep_trailing_slash else "")
        if self.article and not any(pattern.search(path) for pattern in self.article):
            return None
        return urlunsplit((parts.scheme, parts.netloc, path, address_query(parts.query) if every else "", ""))

    def article_part(self, url: str, name: str) -> str | None:
        """A named part (author, category, slug) of an article URL, when the profile knows where it sits."""
        if self.article_parts is None:
            return None
        match = self.article_parts.search(urlsplit(url).path)
        if not match or name not in match.re.groupindex:
            return None
        return match.group(name)

    def other_listing(self, url: str) -> bool:
        path = urlsplit(url).path
        return any(pattern.search(path) for pattern in self.other_listings)

    def category_slug(self, url: str) -> str | None:
        """The slug of a category listing's first page (child categories keep their parent)."""
        parts = urlsplit(url)
        if self.listing_page.search(parts.path):
            return None
        if self.listing_query and parts.path in ("", "/"):
            query = parse_qs(parts.query)
            named = [values[0] for name, values in query.items() if name in self.listing_query]
            if named and self.listing_page_query not in query:
                return named[0]
        match = self.listing.match(parts.path)
        return match.group("category") if match else None

    def listing_page_number(self, url: str) -> int | None:
        """The number of a listing page; 1 for a category's first page, None for no listing."""
        parts = urlsplit(url)
        match = self.listing_page.search(parts.path)
        if match:
            return int(match.group("page"))
        numbers = parse_qs(parts.query).get(self.listing_page_query) if self.listing_page_query else None
        if numbers and numbers[0].isdigit():
            return int(numbers[0])
        return 1 if self.listing.match(parts.path) or self.category_slug(url) else None

    def listing_for(self, base_url: str, slug: str) -> str:
        return base_url.rstrip("/") + self.listing_url.format(category=slug)

    def is_second_copy(self, url: str) -> bool:
        segments = self.path_segments(url)
        return bool(self.duplicate_slug and segments and self.duplicate_slug.search(segments[-1]))


@dataclass(frozen=True)
class Selectors:
    """CSS (or ``xpath:``) queries, each a list tried in order: the first that finds something wins."""

    menu: tuple[str, ...] = _key("selectors", "links of the site's menus, read on every page")
    home_links: tuple[str, ...] = _key("selectors", "more links read for categories on the home page only")
    listing_entry: tuple[str, ...] = _key("selectors", "one post of a listing page")
    entry_link: tuple[str, ...] = _key("selectors", "an entry's link to its article (an href)")
    entry_title: tuple[str, ...] = _key("selectors", "an entry's title")
    next_page: tuple[str, ...] = _key("selectors", "links that say they lead to the next (older) listing page")
    next_page_by_place: tuple[str, ...] = _key("selectors", "links that only sit where the next page link sits")
    article_root: tuple[str, ...] = _key("selectors", "the element holding the article")
    article_content: tuple[str, ...] = _key("selectors", "the article's text container")
    title: tuple[str, ...] = _key("selectors", "the headline")
    headline: tuple[str, ...] = _key("selectors", "elements that may be the headline (the first <title> holds)")
    published: tuple[str, ...] = _key("selectors", "a machine-readable publication time (a datetime attribute)")
    modified: tuple[str, ...] = _key("selectors", "a machine-readable time of the last edit")
    image: tuple[str, ...] = _key("selectors", "the featured image's address (an src)")
    post_meta: tuple[str, ...] = _key("selectors", "the line naming author, date and category")
    post_meta_date: tuple[str, ...] = _key("selectors", "the date written in the post meta")
    byline: tuple[str, ...] = _key("selectors", "the byline")
    author_link: tuple[str, ...] = _key("selectors", "the author's link, whose title may spell out an abbreviated name")
    author_box: tuple[str, ...] = _key("selectors", "author links in boxes that may name authors the byline does not")
    category_links: tuple[str, ...] = _key("selectors", "links to the post's categories")
    tags: tuple[str, ...] = _key("selectors", "links to the post's tags")
    caption: tuple[str, ...] = _key("selectors", "the featured image's caption")
    caption_credit: tuple[str, ...] = _key("selectors", "the photo credit, where it sits in an element of its own")


@dataclass(frozen=True)
class TextRules:
    """What the site writes in its text: suffixes, story IDs, credits, datelines, what is no story."""

    title_suffixes: tuple[re.Pattern, ...] = _key("regexes", "site names removed from the end of titles")
    story_id: re.Pattern | None = _key("regex", "the story's ID in the page text (its first group), for media_id")
    credits: dict[str, str] = _key("table", "photo credits as written (any case) -> the name recorded")
    credits_in_parens: dict[str, str] = _key("table", "credits recognised only inside parentheses, e.g. (R)")
    dateline_sources: dict[str, str] = _key("table", "who filed a story -> the pattern naming it in a dateline")
    body_skip_classes: tuple[str, ...] = _key("texts", "class or id fragments of blocks in the text that are no story")
    body_skip_tags: frozenset[str] = _key("words", "elements inside the text that are no story")
    body_skip_exact: frozenset[str] = _key("words", "whole class or id names of blocks in the text that are no story")
    boilerplate: tuple[re.Pattern, ...] = _key("regexes", "whole paragraphs that are no story (share labels, ...)")
    caption_guesses: bool = _key("bool", "without a caption element, take an image's alt text or a credited first line")

    @cached_property
    def credit_rules(self):
        from archive_crawler.reading.processors import CreditRules

        return CreditRules.build(self.credits, self.credits_in_parens)

    @cached_property
    def dateline_rules(self):
        from archive_crawler.reading.processors import DatelineRules

        return DatelineRules.build(self.dateline_sources)

    @cached_property
    def skip_marks(self) -> re.Pattern:
        fragments = "|".join(map(re.escape, self.body_skip_classes))
        names = "|".join(map(re.escape, self.body_skip_exact))
        either = "|".join(filter(None, [fragments, names and rf"(?:^|\s)(?:{names})(?:\s|$)"]))
        return re.compile(either or r"(?!)", re.IGNORECASE)

    @cached_property
    def boilerplate_paragraph(self) -> re.Pattern:
        either = "|".join(f"(?:{pattern.pattern})" for pattern in self.boilerplate) or r"(?!)"
        return re.compile(f"^(?:{either})$", re.IGNORECASE)


@dataclass(frozen=True)
class PageChecks:
    """How a page that is no article shows itself."""

    listing_body_classes: frozenset[str] = _key("words", "body classes of listing pages")
    attachment_body_classes: frozenset[str] = _key("words", "body classes of attachment pages")
    attachment_markers: tuple[str, ...] = _key("texts", "text in the HTML of an attachment page")
    attachment_segment: str = _key("text", "path segment of attachment pages")
    listing_marker: tuple[str, ...] = _key("selectors", "an element a listing has several of (entry titles)")


DOORS = ("rest", "sitemaps", "feeds", "listings")
STORY_KEYS = ("media_id", "post_id")


@dataclass(frozen=True)
class CrawlRules:
    """How the site is walked and what identifies a story."""

    doors: tuple[str, ...] = _key("texts", "ways in, tried in order: rest, sitemaps, feeds, listings")
    story_key: str = _key("text", "the record field that identifies a story: media_id or post_id")
    main_text: bool = _key("bool", "read the body with a main-text extractor where no text container is found")
    structured_first: bool = _key("bool", "JSON-LD and meta before the visible markup for title, date, authors")
    extractor_first: bool = _key("bool", "the extractor's text before a text container, unless it found much less")

    def __post_init__(self):
        unknown = [door for door in self.doors if door not in DOORS]
        if unknown or not self.doors:
            raise ProfileError(f"[crawl] doors must be some of {', '.join(DOORS)}, got {list(self.doors)}")
        if self.story_key not in STORY_KEYS:
            raise ProfileError(f"[crawl] story_key must be one of {', '.join(STORY_KEYS)}, got {self.story_key!r}")


@dataclass(frozen=True)
class TemplateRules:
    """The site's template: learnt across its pages (boilerplate blocks, text container), or pinned."""

    learn: bool = _key("bool", "learn the blocks a site's pages repeat and its text container from its first pages")
    boilerplate: tuple[str, ...] = _key("selectors", "blocks that are no story on any page (pinned boilerplate)")
    text_container: tuple[str, ...] = _key("selectors", "the site's text container, tried before any other")


SECTIONS = {"urls": UrlRules, "selectors": Selectors, "text": TextRules, "checks": PageChecks, "crawl": CrawlRules,
            "template": TemplateRules}
TOP_LEVEL = {"extends", "description", "base_url", "categories"}


@dataclass(frozen=True)
class Profile:
    """One site, as the crawler knows it."""

    name: str
    source: str  # the file (and the files it extends) it was read from
    description: str
    base_url: str | None
    categories: dict[str, str]  # slug -> display name, used when no menu can be read
    urls: UrlRules
    selectors: Selectors
    text: TextRules
    checks: PageChecks
    crawl: CrawlRules
    template: TemplateRules


def load_profile(site: str) -> Profile:
    """The profile named ``site`` (bundled) or stored at the path ``site``; cached per process."""
    key = site.strip()
    if key not in _loaded:
        _loaded[key] = _load(key)
    return _loaded[key]


_loaded: dict[str, Profile] = {}


def bundled_names() -> list[str]:
    return sorted(entry.name[: -len(".toml")] for entry in BUNDLED.iterdir()
                  if entry.name.endswith(".toml") and entry.name != "base.toml")


def _is_path(site: str) -> bool:
    return site.endswith(".toml") or "/" in site or "\\" in site


def _read(site: str, relative_to: Path | None = None) -> tuple[str, Path | None, dict]:
    """(a name for messages, the file's path when it is a user's file, the data) of a profile."""
    if _is_path(site):
        path = Path(site).expanduser()
        if relative_to is not None and not path.is_absolute():
            path = relative_to.parent / path
        if not path.is_file():
            raise ProfileError(f"site profile {path}: no such file")
        where, text = str(path), None
    else:
        entry = BUNDLED / f"{site}.toml"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", site) or not entry.is_file():
            raise ProfileError(f"site {site!r} is neither a bundled profile ({', '.join(bundled_names())}) "
                               "nor a .toml file")
        path, where, text = None, f"{site}.toml (bundled)", entry.read_text(encoding="utf-8")
    try:
        if text is None:
            assert path is not None  # a profile file, not read yet (a bundled one was)
            text = path.read_text(encoding="utf-8")
        return where, path, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"site profile {where}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"site profile {where}: cannot read it: {error}") from None


def _chain(site: str) -> list[tuple[str, dict]]:
    """The profile and those it extends, the most basic first, each with a name for messages."""
    chain: list[tuple[str, dict]] = []
    seen: set[str] = set()
    relative_to = None
    while True:
        where, path, data = _read(site, relative_to)
        if where in seen:
            raise ProfileError(f"site profile {where}: 'extends' goes round in a circle")
        seen.add(where)
        chain.insert(0, (where, data))
        parent = data.get("extends", None if site == "base" else "base")
        if parent is None:
            return chain
        if not isinstance(parent, str) or not parent:
            raise ProfileError(f"site profile {where}: 'extends' must name a profile")
        site, relative_to = parent, path


def _merge(into: dict, data: dict) -> dict:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = _merge(dict(into[key]), value)
        else:
            into[key] = value
    return into


def _load(site: str) -> Profile:
    merged: dict = {}
    chain = _chain(site)
    for where, data in chain:
        _check_keys(where, data)
        _merge(merged, data)
    where = chain[-1][0]
    sections = {name: _build_section(where, name, cls, merged.get(name, {})) for name, cls in SECTIONS.items()}
    categories = merged.get("categories", {})
    if not isinstance(categories, dict) or not all(isinstance(v, str) for v in categories.values()):
        raise ProfileError(f"site profile {where}: [categories] must map slugs to display names")
    base_url = merged.get("base_url")
    if base_url is not None and (not isinstance(base_url, str) or not urlsplit(base_url).hostname):
        raise ProfileError(f"site profile {where}: base_url must be an http(s) URL, got {base_url!r}")
    name = Path(site).stem if _is_path(site) else site
    return Profile(name=name, source=where, description=str(merged.get("description", "")),
                   base_url=base_url.rstrip("/") if base_url else None, categories=dict(categories), **sections)


def _check_keys(path: str, data: dict) -> None:
    for key, value in data.items():
        if key in TOP_LEVEL:
            continue
        if key not in SECTIONS:
            raise ProfileError(f"site profile {path}: unknown key {key!r} "
                               f"(known: {', '.join(sorted(TOP_LEVEL | set(SECTIONS)))})")
        if not isinstance(value, dict):
            raise ProfileError(f"site profile {path}: [{key}] must be a table")
        allowed = {item.name for item in fields(SECTIONS[key])}
        for inner in value:
            if inner not in allowed:
                close = _closest(inner, allowed)
                raise ProfileError(f"site profile {path}: unknown key {inner!r} in [{key}]"
                                   + (f" (did you mean {close!r}?)" if close else ""))


def _closest(word: str, candidates: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word, sorted(candidates), n=1)
    return matches[0] if matches else None


_PROBE = Selector(text="<html></html>")


def _convert(where: str, kind: str, value: Any) -> Any:
    def texts() -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ProfileError(f"{where} must be a list of strings")
        return value

    def regex(text: str) -> re.Pattern:
        try:
            return re.compile(text)
        except re.error as error:
            raise ProfileError(f"{where}: regex {text!r} does not compile: {error}") from None

    if kind == "text":
        if not isinstance(value, str):
            raise ProfileError(f"{where} must be a string")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ProfileError(f"{where} must be true or false")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProfileError(f"{where} must be an integer")
        return value
    if kind == "texts":
        return tuple(texts())
    if kind == "words":
        return frozenset(item.lower() for item in texts())
    if kind == "regex":
        if value == "":
            return None
        if not isinstance(value, str):
            raise ProfileError(f"{where} must be a string (a regex)")
        return regex(value)
    if kind == "regexes":
        return tuple(regex(item) for item in texts())
    if kind == "selectors":
        for query in texts():
            try:
                if query.startswith("xpath:"):
                    _PROBE.xpath(query[len("xpath:"):])
                else:
                    _PROBE.css(query)
            except Exception as error:  # cssselect and lxml raise several kinds
                raise ProfileError(f"{where}: selector {query!r} does not parse: {error}") from None
        return tuple(value)
    if kind == "table":
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            raise ProfileError(f"{where} must be a table of strings")
        return dict(value)
    raise AssertionError(kind)


def _build_section(path: str, name: str, cls: type, data: dict):
    values = {}
    for item in fields(cls):
        where = f"site profile {path}: [{name}] {item.name}"
        if item.name not in data:
            raise ProfileError(f"{where} is missing (base.toml defines every key)")
        values[item.name] = _convert(where, item.metadata["kind"], data[item.name])
    try:
        return cls(**values)
    except ProfileError as error:
        raise ProfileError(f"site profile {path}: {error}") from None


def documented_keys() -> list[tuple[str, str, str]]:
    """(section, key, meaning) of every key a profile may set, for the README and its test."""
    keys = [("", "extends", "the profile this one builds on"), ("", "description", "one line on the site"),
            ("", "base_url", "the site's root"), ("", "categories", "known categories: slug -> display name")]
    for section, cls in SECTIONS.items():
        keys += [(section, item.name, item.metadata["meaning"]) for item in fields(cls)]
    return keys
