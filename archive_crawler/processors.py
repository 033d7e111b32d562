"""Small pure functions that clean and parse the values taken from the site's pages.

Each one takes a string (or ``None``) and returns the cleaned value, or ``None``
when there is nothing usable, so item loaders can chain them in ``MapCompose``.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
WIDE_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a\u3000]+")
# A numeric or named entity the HTML parser left behind: double-escaped
# ("&amp;#34" shows as "&#34") or written without its semicolon.
LEFTOVER_ENTITY = re.compile(r"&(?:#\d{1,6}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?")

SITE_SUFFIX = re.compile(
    r"\s*[|\-\u2013\u2014]\s*ASHARQ\s+AL-AWSAT\s+English\s+Archive(?:\s*2005\s*-\s*2017)?\s*$",
    re.IGNORECASE,
)
MEDIA_ID = re.compile(r"Media\s*ID\s*:?\s*(\d{5,})", re.IGNORECASE)
MEDIA_ID_TEXT = re.compile(r"Media\s*ID\s*:?\s*\d{5,}\s*", re.IGNORECASE)
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
    text = LEFTOVER_ENTITY.sub(lambda match: html.unescape(match.group(0)), value)
    text = text.translate(ZERO_WIDTH)
    text = WIDE_SPACES.sub(" ", text).strip()
    return text or None


def strip_site_suffix(title: str | None) -> str | None:
    """Remove the site name that WordPress appends to page titles (all three forms)."""
    if title is None:
        return None
    return SITE_SUFFIX.sub("", title).strip() or None


def parse_media_id(text: str | None) -> int | None:
    """Return the number that follows "Media ID:" in ``text``."""
    if not text:
        return None
    match = MEDIA_ID.search(text)
    return int(match.group(1)) if match else None


def strip_media_id(text: str) -> str:
    """Remove a "Media ID: NNN" mention from a paragraph of text."""
    return MEDIA_ID_TEXT.sub("", text).strip()


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


BYLINE_PREFIX = re.compile(r"^\s*(?:by|written by)\s*:?\s+", re.IGNORECASE)
BYLINE_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+", re.IGNORECASE)


def split_byline(value: str | None) -> list[str]:
    """Split a byline into display names: "A and B" becomes ["A", "B"]."""
    if not value:
        return []
    text = BYLINE_PREFIX.sub("", value)
    return [name.strip() for name in BYLINE_SEPARATOR.split(text) if name.strip()]


def names_from_author_slug(slug: str | None) -> list[str]:
    """Display names guessed from an author slug, the last resort when no page names the author:
    "caroline-akoum" -> ["Caroline Akoum"], "a-smith-and-b-jones" -> ["A Smith", "B Jones"]."""
    if not slug:
        return []
    return [" ".join(word.capitalize() for word in part.split("-") if word)
            for part in re.split(r"-and-", slug.lower()) if part.strip("-")]


CREDIT_NAMES = {
    "afp": "AFP",
    "reuters": "Reuters",
    "r": "Reuters",
    "ap": "AP",
    "epa": "EPA",
    "spa": "SPA",
    "getty": "Getty Images",
    "getty images": "Getty Images",
    "asharq al-awsat": "Asharq Al-Awsat",
    "anadolu": "Anadolu",
    "xinhua": "Xinhua",
    "dpa": "DPA",
    "wam": "WAM",
    "sana": "SANA",
}
_AGENCY = r"AFP|Reuters|AP|EPA|SPA|Getty(?:\s+Images)?|Asharq\s+Al-Awsat|Anadolu|Xinhua|DPA|WAM|SANA"
# "(AFP Photo)", "(Reuters/Name)", "(AP Photo/Name)", "(EPA)", "(SPA)", "(R)", "(Photo: AFP)"
CREDIT_IN_PARENS = re.compile(
    rf"\s*\(\s*(?:Photo\s*:\s*)?(?P<agency>{_AGENCY}|R)\b(?:\s+Photos?)?(?:\s*/[^()]*)?\s*\)\s*\.?\s*$",
    re.IGNORECASE,
)
# "REUTERS/Ammar Awad", "AFP/Getty Images", "AFP PHOTO / NAME" at the end of the caption
CREDIT_WITH_SLASH = re.compile(
    rf"(?:^|[\s,;:\-\u2013\u2014]+)(?P<agency>{_AGENCY})\s*(?:Photos?\s*)?/\s*[^/()]{{0,60}}$",
    re.IGNORECASE,
)
# "... in Manama AFP PHOTO"
CREDIT_PHOTO_SUFFIX = re.compile(
    rf"(?:^|[\s,;:\-\u2013\u2014]+)(?P<agency>{_AGENCY})\s+Photos?\s*\.?\s*$",
    re.IGNORECASE,
)
# "... in Hangzhou. Reuters"
CREDIT_AFTER_SENTENCE = re.compile(
    rf"(?<=[.!?\"\u201d\u2019])\s+(?:Photo\s*:\s*)?(?P<agency>{_AGENCY})(?:\s+Photos?)?\.?\s*$",
    re.IGNORECASE,
)
# "... - AFP" or "..., Reuters"
CREDIT_AFTER_DASH = re.compile(
    rf"\s*[,\-\u2013\u2014|]\s*(?:Photo\s*:\s*)?(?P<agency>{_AGENCY})(?:\s+Photos?)?\.?\s*$",
    re.IGNORECASE,
)
CREDIT_PATTERNS = (CREDIT_IN_PARENS, CREDIT_WITH_SLASH, CREDIT_PHOTO_SUFFIX, CREDIT_AFTER_SENTENCE,
                   CREDIT_AFTER_DASH)


def normalize_credit(agency: str) -> str:
    key = re.sub(r"\s+", " ", agency.strip().lower())
    return CREDIT_NAMES.get(key, agency.strip())


def split_caption_credit(caption: str | None) -> tuple[str | None, str | None]:
    """Separate a photo credit from a caption: ("Children play (AFP Photo)") -> ("Children play", "AFP")."""
    if not caption:
        return None, None
    for pattern in CREDIT_PATTERNS:
        match = pattern.search(caption)
        if match:
            rest = caption[: match.start()].rstrip(" \t,;:-\u2013\u2014|")
            return (rest or None), normalize_credit(match.group("agency"))
    return caption, None


SOURCE_NAMES = {"reuters": "Reuters", "afp": "AFP", "ap": "AP", "upi": "UPI", "dpa": "DPA", "kuna": "KUNA"}
_PLACE = r"[A-Z][\w.'\u2019]*(?:[ -][A-Za-z][\w.'\u2019]*){0,3}"
_SOURCE = r"(?i:Asharq\s+Al[\s-]*[A-Za-z]+|Reuters|AFP|AP|UPI|DPA|KUNA)"
DATELINE_WITH_SOURCE = re.compile(
    rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})??)\s*,?\s*\(?\s*(?P<source>{_SOURCE})\s*\)?\s*[-\u2013\u2014]+",
)
DATELINE_PLACE_ONLY = re.compile(
    rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE})?)(?:\s*-\s|\s*[\u2013\u2014]+)",
)


def normalize_source(source: str) -> str:
    if source.lower().startswith("asharq"):
        return "Asharq Al-Awsat"
    return SOURCE_NAMES.get(source.lower(), source)


def parse_dateline(lead: str | None) -> tuple[str | None, str | None]:
    """Read the place and the filing source that open a lead paragraph.

    >>> parse_dateline("CAIRO, (Reuters) \u2013 Talks resumed")
    ('CAIRO', 'Reuters')
    >>> parse_dateline("Khobar- The port reopened")
    ('Khobar', None)
    """
    if not lead:
        return None, None
    match = DATELINE_WITH_SOURCE.match(lead)
    if match:
        return match.group("place").strip(" ,"), normalize_source(match.group("source"))
    match = DATELINE_PLACE_ONLY.match(lead)
    if match:
        return match.group("place").strip(" ,"), None
    return None, None


QUOTE_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u2032": "'", "`": "'",
    "\u2013": "-", "\u2014": "-",
})


def comparison_key(text: str | None) -> str:
    """Fold quotes, dashes, case, spacing and a "Caption:" label, to spot repeated captions."""
    if not text:
        return ""
    folded = strip_caption_label(clean_text(text)) or ""
    folded = folded.translate(QUOTE_FOLD).lower()
    return re.sub(r"[\s.,;:!?\"'()\-/]+", "", folded)


def count_words(text: str | None) -> int:
    return len(text.split()) if text else 0
