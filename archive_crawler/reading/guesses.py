"""Metadata an extractor guesses from a whole page, the last resort of the field table.

The date comes from htmldate (the date finder trafilatura uses), the byline from trafilatura's
author expressions. Both take the parsed tree as it is and are imported on first need.
"""

from __future__ import annotations

import logging
from typing import Any

logging.getLogger("htmldate").setLevel(logging.WARNING)


def guess_date(tree: Any, url: str | None = None) -> str | None:
    """The page's own publication date (not its last edit), from its markup, URL and text; ISO 8601."""
    from htmldate import find_date

    try:
        return find_date(tree, url=url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):  # a page whose markup the date finder cannot walk
        return None


def guess_authors(tree: Any) -> str | None:
    """The byline trafilatura's author expressions find ("A; B" for several)."""
    from trafilatura.metadata import extract_author

    try:
        return extract_author(tree)
    except (ValueError, TypeError):
        return None
