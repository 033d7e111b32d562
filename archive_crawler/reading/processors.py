"""Small pure functions that clean and parse the values taken from the site's pages.

Each one takes a string (or ``None``) and returns the cleaned value, or ``None``
when there is nothing usable, so item loaders can chain them in ``MapCompose``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
ANY_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
WIDE_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a\u3000]+")
# A numeric or named entity the HTML parser left behind: double-escaped
# ("&amp;#34" shows as "&#34") or written without its semicolon.
LEFTOVER_ENTITY = re.compile(r"&(?:#\d{1,6}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?")

CAPTION_LABEL = re.compile(r"^\s*Caption\s*:\s*", re.IGNORECASE)

DATE_FORMATS = (
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
)


def clean_text(value: str | None) -> str | None:
    """Decode leftover entities, drop zero-width characters, collapse whitespace.

    >>> clean_text("the &#34road map&#34\u00a0 plan\u200b")
    'the "road map" plan'
    """
    if value is None:
        return None
    text = LEFTOVER_ENTITY.sub(lambda match: html.unescape(match.group(0)), value) if "&" in value else value
    if ANY_ZERO_WIDTH.search(text):
        text = text.translate(ZERO_WIDTH)
    # str.split() splits on every character WIDE_SPACES matches (Unicode whitespace, no-break spaces
    # included), and is several times faster than the regular expression on a paragraph.
    return " ".join(text.split()) or None


def strip_site_suffix(title: str | None, loader_context: dict | None = None) -> str | None:
    r"""Remove the site name that the site appends to page titles (the profile's title suffixes).

    >>> import re
    >>> strip_site_suffix("Talks Resume | The Ledger", {"title_suffixes": [re.compile(r"\s*\|\s*The Ledger$")]})
    'Talks Resume'
    """
    if title is None:
        return None
    context = loader_context or {}
    for suffix in context.get("title_suffixes", ()):
        title = suffix.sub("", title)
    for name in context.get("site_names", ()):
        title = strip_site_name(title, name)
    return title.strip() or None


SEPARATOR = r"\s*[|\-\u2013\u2014\u00bb:\u00b7\u2022]\s*"


def strip_site_name(title: str, name: str) -> str:
    """Remove a site's name written before or after a title, with its separator.

    >>> strip_site_name("Dockers Win the Cup \u2013 The Lakeside Ledger", "The Lakeside Ledger")
    'Dockers Win the Cup'
    >>> strip_site_name("The Lakeside Ledger \u00bb Blog Archive \u00bb Dockers Win", "The Lakeside Ledger")
    'Dockers Win'
    """
    escaped = r"\s+".join(map(re.escape, name.split()))
    if not escaped:
        return title
    stripped = re.sub(rf"{SEPARATOR}{escaped}\s*$", "", title, flags=re.IGNORECASE)
    stripped = re.sub(rf"^\s*{escaped}{SEPARATOR}(?:Blog\s+Archive{SEPARATOR})?", "", stripped, flags=re.IGNORECASE)
    return stripped.strip() or title


def parse_story_id(text: str | None, pattern: re.Pattern | None) -> int | None:
    r"""The story ID the profile's pattern finds in ``text`` (its first group, a number).

    >>> parse_story_id("Story ref: 48213", re.compile(r"Story ref:\s*(\d+)"))
    48213
    """
    if not text or pattern is None:
        return None
    match = pattern.search(text)
    return int(match.group(1)) if match and match.group(1).isdigit() else None


def strip_story_id(text: str, pattern: re.Pattern | None) -> str:
    """Remove a story ID mention (the whole match of the profile's pattern) from a paragraph."""
    if pattern is None:
        return text.strip()
    return " ".join(pattern.sub("", text).split())  # as WIDE_SPACES.sub(" ", ...).strip(), faster


def strip_caption_label(text: str | None) -> str | None:
    """Remove a leading "Caption:" label."""
    if text is None:
        return None
    return CAPTION_LABEL.sub("", text).strip() or None


def parse_published(value: str | None) -> str | None:
    """Turn a page's date into ISO 8601: a full timestamp when it has a time, else a date.

    >>> parse_published("Jun 27, 2014")
    '2014-06-27'
    >>> parse_published("2014-06-27T10:15:00+03:00")
    '2014-06-27T10:15:00+03:00'
    """
    if not value:
        return None
    text = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", text):
        try:
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
        if stamp is not None:
            return stamp.isoformat()
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\s+", " ", re.sub(r"\bSept\b\.?", "Sep", text))
    # A time without an offset ("Jun 27, 2014 10:15 am") cannot make a full timestamp: keep the date.
    text = re.sub(r"(?:\s*(?:at|[-|,@]))?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?$", "", text,
                  flags=re.IGNORECASE)
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            continue
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else None


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
DATE_IN_TEXT = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.IGNORECASE,
)


def find_date(text: str | None) -> str | None:
    """The first date written in a line of text ("by A | Jun 27, 2014 | Opinion" -> "Jun 27, 2014")."""
    match = DATE_IN_TEXT.search(text or "")
    return match.group(0) if match else None


# What opens a byline before the names, in the languages of the pages read: "By", "Posted by",
# "Von", "Ein Beitrag von", "Alle Beiträge von", "Autor:", "Par", "Por".
BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:(?:posted|written|words|story|reporting|text|photos?|reported)\s+by|by|from"
    r"|(?:ein\s+)?(?:beitrag|artikel|text)\s+von|(?:zeige\s+)?alle\s+(?:beitr(?:ä|ae)ge|artikel)\s+von"
    r"|geschrieben\s+von|verfasst\s+von|von|par|por|posts\s+by|auteur|autor(?:in)?)\s*:?\s+"
    r"|(?:autor(?:in)?|author|auteur|autora?|text|texte|redaktion|verfasser(?:in)?)\s*:\s*)",
    re.IGNORECASE)
# Where a byline stops naming writers: another credit, an agency, a date.
BYLINE_END = re.compile(
    rf"\s+[|\u00b7\u2022]\s+.*$|\s+[\u2013\u2014]\s+.*$|\s+on\s+(?:\w+day,?\s+)?(?:{_MONTH}|\d).*$"
    r"|\s+(?:am|on|le|el)\s+\d{1,2}\..*$|\s*,?\s+(?:updated|aktualisiert|published|veröffentlicht)\b.*$",
    re.IGNORECASE)
BYLINE_SEPARATOR = re.compile(r"\s*[,;]\s*(?:and\s+|und\s+)?|\s+(?:and|und|&)\s+", re.IGNORECASE)
# Words that name a job or a desk, not a person: "By Lucy Okafor, Staff Writer", "AP Auto Writer".
ROLE_WORD = (r"(?:writer|reporter|correspondent|editor|contributor|staff|columnist|journalist|producer"
             r"|redakteur(?:in)?|korrespondent(?:in)?|reporter(?:in)?|mitarbeiter(?:in)?|chefredakteur(?:in)?"
             r"|photographer|fotograf(?:in)?)s?")
ROLE_QUALIFIER = (r"(?:senior|chief|special|foreign|political|staff|our|auto|business|sports?|science|health|tech"
                  r"|technology|economics|medical|investigative|contributing|managing|deputy|associate|legal"
                  r"|national|local|travel|food|white\s+house|freie?r?|leitende?r?|stellvertretende?r?)")
AGENCY = r"(?:AP|AFP|Reuters|Associated\s+Press|dpa|Bloomberg|UPI|APA|KNA|epd|SID)"
ROLE = re.compile(rf"^(?:{AGENCY}\s+)?(?:{ROLE_QUALIFIER}\s+){{0,3}}{ROLE_WORD}$", re.IGNORECASE)
# A job title printed after a name without a comma: "TOM KRISHER AP Auto Writer".
TRAILING_ROLE = re.compile(rf"(?<=\S)\s+(?:{AGENCY}\s+)?(?:{ROLE_QUALIFIER}\s+){{0,3}}{ROLE_WORD}$",
                           re.IGNORECASE)
NO_NAME = re.compile(r"https?:|www\.|@|\.(?:com|de|org|net|at|ch)\b|^(?:by|von|and|und|und\s+von|phd|md|mba)\.?$"
                     # a user name written as a slug or handle: "sarah-indra", "christian.stadtfeld"
                     r"|^(?-i:[a-z0-9]+(?:[._-][a-z0-9]+)+)$"
                     # labels of forms and buttons a byline finder may take for a name
                     r"|^(?:name|datum|date|follow|folgen|search|suche|admin|administrator|human|guest|gast)$"
                     r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", re.IGNORECASE)
MOST_NAME_WORDS = 6
# An author archive's link sentence, the name inside it: "View all of Maeve O'Neill's posts.",
# "View all posts by Hana Saleh", "More articles by Kofi Mensah".
ARCHIVE_LINK_SENTENCE = re.compile(
    r"^\s*(?:(?:view|see|read|browse)\s+(?:all\s+)?(?:of\s+)?(?P<owner>.+?)['\u2019]s?\s+(?:posts|articles|stories"
    r"|entries)|(?:(?:view|see|read|browse)\s+all|more)\s+(?:posts|articles|stories|entries)\s+(?:by|from)"
    r"\s+(?P<name>.+?))\s*[.:]?\s*$", re.IGNORECASE)


def split_byline(value: str | None) -> list[str]:
    """Split a byline into display names: "A and B" becomes ["A", "B"].

    Roles, dates, addresses and sentences are no names; a byline that is only a role or a desk
    is kept as printed.

    >>> split_byline("Posted by Callum Ruiz on Tuesday, 4 May 2021 at 08:15")
    ['Callum Ruiz']
    >>> split_byline("By Lucy Okafor, Staff Writer")
    ['Lucy Okafor']
    >>> split_byline("Words by Felix Tanaka \u00b7 Photography by Ines Calloway")
    ['Felix Tanaka']
    >>> split_byline("Staff Reporter")
    ['Staff Reporter']
    >>> split_byline("View all of Maeve O\u2019Neill's posts.")
    ["Maeve O'Neill"]
    """
    if not value:
        return []
    value = value.replace("\u2019", "'")  # a name as typed: WordPress prints its apostrophes curled
    if sentence := ARCHIVE_LINK_SENTENCE.match(value):
        value = sentence.group("owner") or sentence.group("name")
    text = BYLINE_END.sub("", BYLINE_PREFIX.sub("", value)).strip(" :,;-")
    parts = [name for part in BYLINE_SEPARATOR.split(text)
             if (name := BYLINE_PREFIX.sub("", part).strip(" :,;.-\"'\u201c\u201d\u201e"))]
    if len(parts) == 1 and ROLE.match(parts[0]):
        return parts
    names = [TRAILING_ROLE.sub("", part) if len(TRAILING_ROLE.sub("", part).split()) >= 2 else part
             for part in parts if not ROLE.match(part)]
    return [name for name in names if not NO_NAME.search(name) and not _sentence(name)]


def _sentence(text: str) -> bool:
    """Words of a sentence, not a name: too many, or mostly in lower case ("with better diagnoses")."""
    words = text.split()
    return len(words) > MOST_NAME_WORDS or (len(words) >= 3 and 2 * sum(word[0].islower() for word in words)
                                            > len(words))


def drop_site_name(name: str | None, loader_context: dict | None = None) -> str | None:
    """None for a byline that only names the site or its host (a publisher, not a writer).

    >>> drop_site_name("Valley Echo", {"site_names": ["Valley Echo"]}) is None
    True
    """
    if not name:
        return None
    context = loader_context or {}
    key = comparison_key(name)
    response = context.get("response")
    host = (urlsplit(response.url).hostname or "") if response is not None else ""
    names = [*context.get("site_names", ()), host.removeprefix("www."), host.removeprefix("www.").rsplit(".", 1)[0]]
    return None if any(key == comparison_key(site) for site in names if site) else name


def names_from_author_slug(slug: str | None) -> list[str]:
    """Display names guessed from an author slug, the last resort when no page names the author:
    "caroline-akoum" -> ["Caroline Akoum"], "a-smith-and-b-jones" -> ["A Smith", "B Jones"]."""
    if not slug:
        return []
    return [" ".join(word.capitalize() for word in part.split("-") if word)
            for part in re.split(r"-and-", slug.lower()) if part.strip("-")]


def _names_pattern(names) -> str:
    """An alternation matching each name in any spacing, the longest first."""
    return "|".join(r"\s+".join(map(re.escape, name.split())) for name in sorted(names, key=len, reverse=True))


@dataclass(frozen=True)
class CreditRules:
    """How photo credits are written at the end of a caption, for the agencies a profile names."""

    names: dict[str, str]  # credit as written, lowercased -> name recorded
    patterns: tuple[re.Pattern, ...]
    mentions: re.Pattern | None = None  # any agency's name: a caption without one has no credit to split off

    @classmethod
    def build(cls, credits: dict[str, str], in_parens: dict[str, str]) -> CreditRules:
        agency = _names_pattern(credits) or r"(?!)"
        parens_only = _names_pattern(in_parens)
        either = f"{agency}|{parens_only}" if parens_only else agency
        names = {" ".join(key.lower().split()): value for key, value in {**credits, **in_parens}.items()}
        return cls(names, (
            # "(AFP Photo)", "(Reuters/Name)", "(AP Photo/Name)", "(EPA)", "(R)", "(Photo: AFP)"
            re.compile(rf"\s*\(\s*(?:Photo\s*:\s*)?(?P<agency>{either})\b(?:\s+Photos?)?(?:\s*/[^()]*)?\s*\)\s*\.?\s*$",
                       re.IGNORECASE),
            # "REUTERS/Ammar Awad", "AFP/Getty Images", "AFP PHOTO / NAME" at the end
            re.compile(rf"(?:^|[\s,;:\-\u2013\u2014]+)(?P<agency>{agency})\s*(?:Photos?\s*)?/\s*[^/()]{{0,60}}$",
                       re.IGNORECASE),
            # "... in Manama AFP PHOTO"
            re.compile(rf"(?:^|[\s,;:\-\u2013\u2014]+)(?P<agency>{agency})\s+Photos?\s*\.?\s*$", re.IGNORECASE),
            # "... in Hangzhou. Reuters"
            re.compile(rf"(?<=[.!?\"\u201d\u2019])\s+(?:Photo\s*:\s*)?(?P<agency>{agency})(?:\s+Photos?)?\.?\s*$",
                       re.IGNORECASE),
            # "... - AFP" or "..., Reuters"
            re.compile(rf"\s*[,\-\u2013\u2014|]\s*(?:Photo\s*:\s*)?(?P<agency>{agency})(?:\s+Photos?)?\.?\s*$",
                       re.IGNORECASE),
        ), re.compile(either, re.IGNORECASE))

    def normalize(self, agency: str) -> str:
        return self.names.get(" ".join(agency.lower().split()), agency.strip())


def split_caption_credit(caption: str | None, rules: CreditRules) -> tuple[str | None, str | None]:
    """Separate a photo credit from a caption: "Children play (AFP Photo)" -> ("Children play", "AFP")."""
    if not caption:
        return None, None
    if rules.mentions is not None and not rules.mentions.search(caption):
        return caption, None
    for pattern in rules.patterns:
        match = pattern.search(caption)
        if match:
            rest = caption[: match.start()].rstrip(" \t,;:-\u2013\u2014|")
            return (rest or None), rules.normalize(match.group("agency"))
    return caption, None


_PLACE = r"[A-Z][\w.'\u2019]*(?:[ -][A-Za-z][\w.'\u2019]*){0,3}"
DATELINE_PLACE_ONLY = re.compile(
    rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})?)(?:\s*-\s|\s*[\u2013\u2014]+)",
)


@dataclass(frozen=True)
class DatelineRules:
    """Datelines naming who filed the story, for the sources a profile names."""

    sources: tuple[tuple[str, re.Pattern], ...]  # name -> how a dateline writes it
    with_source: re.Pattern

    @classmethod
    def build(cls, sources: dict[str, str]) -> DatelineRules:
        either = "|".join(f"(?:{pattern})" for pattern in sources.values()) or r"(?!)"
        return cls(
            tuple((name, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for name, pattern in sources.items()),
            re.compile(rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})??)\s*,?\s*\(?\s*(?P<source>(?i:{either}))\s*\)?\s*[-\u2013\u2014]+"),
        )

    def normalize(self, source: str) -> str:
        return next((name for name, pattern in self.sources if pattern.match(source)), source)


def parse_dateline(lead: str | None, rules: DatelineRules) -> tuple[str | None, str | None]:
    """Read the place and the filing source that open a lead paragraph.

    >>> rules = DatelineRules.build({"Reuters": "Reuters"})
    >>> parse_dateline("CAIRO, (Reuters) \u2013 Talks resumed", rules)
    ('CAIRO', 'Reuters')
    >>> parse_dateline("Khobar- The port reopened", rules)
    ('Khobar', None)
    """
    if not lead:
        return None, None
    match = rules.with_source.match(lead)
    if match:
        return match.group("place").strip(" ,"), rules.normalize(match.group("source"))
    match = DATELINE_PLACE_ONLY.match(lead)
    if match:
        return match.group("place").strip(" ,"), None
    return None, None


QUOTE_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u2032": "'", "`": "'",
    "\u2013": "-", "\u2014": "-",
})


KEY_PUNCTUATION = re.compile(r"[\s.,;:!?\"'()\-/]+")


@lru_cache(maxsize=4096)
def comparison_key(text: str | None) -> str:
    """Fold quotes, dashes, case, spacing and a "Caption:" label, to spot repeated captions."""
    if not text:
        return ""
    folded = strip_caption_label(clean_text(text)) or ""
    folded = folded.translate(QUOTE_FOLD).lower()
    return KEY_PUNCTUATION.sub("", folded)


def normalize_language(value: str | None) -> str | None:
    """A language tag as HTML writes it: "en_US" (OpenGraph's form) -> "en-US".

    >>> normalize_language("en_US")
    'en-US'
    """
    if not value or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value.strip()):
        return None
    return value.strip().replace("_", "-")


def absolute_url(value: str | None, loader_context: dict | None = None) -> str | None:
    """An address made absolute against the page's URL; None for anything but http(s)."""
    if not value:
        return None
    response = (loader_context or {}).get("response")
    url = response.urljoin(value) if response is not None else value
    return url if url.startswith(("http://", "https://")) else None


def count_words(text: str | None) -> int:
    return len(text.split()) if text else 0
