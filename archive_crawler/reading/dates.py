"""The publication time as the site's readers saw it.

Pages often give one instant twice: in UTC for machines (``article:published_time``,
JSON-LD) and with the newsroom's offset in their visible markup (``<time datetime>``, a
``date`` meta tag). Late in the evening the UTC form falls on the next day, or early in
the morning on the day before; the date the page shows its readers is the local one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from archive_crawler.reading.processors import parse_published

SAME_INSTANT = timedelta(minutes=1)


def instant(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp with an offset as an aware time; None for a date alone or a naive time."""
    if not value or "T" not in value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def written_instant(value: str) -> datetime | None:
    """A date as a page writes it, as an aware time: ISO 8601 or the mail form (``Sat, 19 Oct 2019
    00:04:00 +0200``); None when it names no time with an offset."""
    stamp = instant(parse_published(value))
    if stamp is None and "," in value:
        try:
            stamp = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
    return stamp if stamp is not None and stamp.tzinfo is not None else None


def local_form(published: str | None, candidates: Iterable[object]) -> str | None:
    """The same instant as ``published`` (a UTC timestamp) written with the site's own offset, when
    another of the page's publication dates (``candidates``, as written) gives it that way; else None.

    >>> local_form("2022-05-04T03:37:37+00:00", ["2022-05-03T23:37:37-04:00"])
    '2022-05-03T23:37:37-04:00'
    >>> local_form("2019-10-18T22:04:00+00:00", ["Sat, 19 Oct 2019 00:04:00 +0200"])
    '2019-10-19T00:04:00+02:00'
    >>> local_form("2022-05-04T03:37:37+00:00", ["2022-05-01T10:00:00-04:00"]) is None
    True
    """
    stamp = instant(published)
    if stamp is None or stamp.utcoffset() != timedelta(0):
        return None
    for candidate in candidates:
        if not isinstance(candidate, str):
            continue
        written = written_instant(candidate)
        if written is not None and written.utcoffset() != timedelta(0) and abs(written - stamp) < SAME_INSTANT:
            return written.isoformat()
    return None
