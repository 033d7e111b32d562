"""Metadata an extractor guesses from a whole page, the last resort of the field table.

The date comes from htmldate (the date finder trafilatura uses), the byline from trafilatura's
author expressions. Both take the parsed tree as it is and are imported on first need.
"""

from __future__ import annotations

import logging
import re
from typing import Any

logging.getLogger("htmldate").setLevel(logging.WARNING)


def guess_date(tree: Any, url: str | None = None) -> str | None:
    """The page's own publication date (not its last edit), from its markup, URL and text; ISO 8601."""
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):  # a page whose markup the date finder cannot walk
        return None
    if found and found.endswith("-01-01") and not new_years_day_named(tree, url, found[:4]):
        return None  # a year alone (a link to the year's archive), which the date finder dates January 1st
    return found


def new_years_day_named(tree: Any, url: str | None, year: str) -> bool:
    """Whether the page or its address writes January 1st of ``year`` anywhere, in any usual form.

    >>> from lxml import html
    >>> new_years_day_named(html.fromstring("<p>Posted 1 Jan 2024</p>"), None, "2024")
    True
    >>> new_years_day_named(html.fromstring("<p><a href='/2024/'>2024</a></p>"), "https://x.test/2024/06/a/", "2024")
    False
    """
    from lxml import etree

    written = etree.tostring(tree, encoding="unicode", method="html") + " " + (url or "")
    short = year[2:]
    forms = (rf"{year}[-/.]0?1[-/.]0?1\b", rf"\b0?1[-/.]0?1[-/.](?:{year}|{short})\b", rf"{year}0101",
             rf"\bJan(?:uary|\.)?\s+0?1(?:st)?\b,?\s*{year}", rf"\b0?1(?:st)?\s+Jan(?:uary|\.)?,?\s*{year}")
    return any(re.search(form, written, re.IGNORECASE) for form in forms)


def guess_authors(tree: Any) -> str | None:
    """The byline trafilatura's author expressions find ("A; B" for several)."""
    from trafilatura.metadata import extract_author

    try:
        return extract_author(tree)
    except (ValueError, TypeError):
        return None
