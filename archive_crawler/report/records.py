"""Figures of an archive's records, tallied one line at a time: memory stays flat at any size."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

NO_CATEGORY = "(none)"  # the key of stories that have no category
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class JsonLines:
    """The JSON objects of a JSON Lines file, read one line at a time.

    A line that is not one JSON object (torn by a kill, or damaged) is counted in
    ``unreadable`` and skipped; blank lines are skipped silently.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.unreadable = 0

    def __iter__(self) -> Iterator[dict]:
        with self.path.open("rb") as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError:  # invalid JSON or invalid UTF-8
                    value = None
                if isinstance(value, dict):
                    yield value
                else:
                    self.unreadable += 1


def month_of(published) -> str | None:
    """The ``YYYY-MM`` month of an ISO date or timestamp, or None when it gives none.

    >>> month_of("2016-09-06T10:00:00+03:00"), month_of("2016-13-01"), month_of(None)
    ('2016-09', None, None)
    """
    if isinstance(published, str) and MONTH.match(published):
        return published[:7]
    return None


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included.

    >>> months_between("2016-11", "2017-02")
    ['2016-11', '2016-12', '2017-01', '2017-02']
    """
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def has_value(value) -> bool:
    """A field a record "has": not null, not an empty string, not an empty list."""
    return value is not None and value != "" and value != []


class RecordTally:
    """Counters over the records added: by category, by month and category, fields present."""

    def __init__(self):
        self.stories = 0
        self.undated = 0
        self.by_category: Counter[str] = Counter()
        self.by_month_category: Counter[tuple[str, str]] = Counter()
        self.present: dict[str, int] = {}  # field -> records that have it, in the order fields are met

    def add(self, record: dict) -> None:
        self.stories += 1
        category = record.get("category")
        category = category if isinstance(category, str) and category else NO_CATEGORY
        self.by_category[category] += 1
        month = month_of(record.get("published"))
        if month is None:
            self.undated += 1
        else:
            self.by_month_category[month, category] += 1
        present = self.present
        for name, value in record.items():
            present[name] = present.get(name, 0) + has_value(value)

    def figures(self) -> dict:
        by_month: Counter[str] = Counter()
        by_month_category: dict[str, dict[str, int]] = {}
        for (month, category), count in sorted(self.by_month_category.items()):
            by_month[month] += count
            by_month_category.setdefault(month, {})[category] = count
        span = months_between(min(by_month), max(by_month)) if by_month else []
        return {
            "stories": self.stories,
            "by_category": dict(sorted(self.by_category.items(), key=lambda item: (-item[1], item[0]))),
            "by_month": dict(by_month),
            "by_month_category": by_month_category,
            "undated": self.undated,
            "span": {"first": span[0], "last": span[-1], "months": len(span)} if span else None,
            "gaps": [month for month in span if month not in by_month],
            "fields": {name: count / self.stories for name, count in self.present.items()},
            "fields_present": dict(self.present),
        }
