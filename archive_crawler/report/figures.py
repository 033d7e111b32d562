"""Every figure of the report in one dictionary: the records, the rejects file and the state.

This dictionary is what ``scrapy report --json`` prints and what the HTML page shows.
The output and the rejects file are streamed; the state is opened read-only, so a
report may run while a crawl is writing (a torn last line then counts as unreadable).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from archive_crawler.report.records import JsonLines, RecordTally
from archive_crawler.storage.rejects import sidecar_path
from archive_crawler.storage.state import ArchiveState

LINK_STATUSES = ("pending", "done", "failed", "gone")
LISTED_URLS = 20  # rejected URLs and failed links named in the report


class RejectTally:
    """Rejects by reason, and the latest reject of the most recently rejected URLs."""

    def __init__(self, listed: int = LISTED_URLS):
        self.listed = listed
        self.by_reason: Counter[str] = Counter()
        self.latest: dict[str, dict] = {}  # url -> its latest reject, oldest first; at most `listed`

    def add(self, line: dict) -> None:
        reason = str(line.get("reason") or "unknown")
        self.by_reason[reason] += 1
        url = str(line.get("url"))
        self.latest.pop(url, None)
        self.latest[url] = {"url": url, "reason": reason, "status": line.get("status"),
                            "kind": line.get("kind"), "time": line.get("time")}
        if len(self.latest) > self.listed:
            del self.latest[next(iter(self.latest))]


def read_records(output: Path) -> tuple[dict, int]:
    """The record figures of the output, and how many of its lines could not be read."""
    tally = RecordTally()
    lines = JsonLines(output)
    for record in lines:
        tally.add(record)
    return tally.figures(), lines.unreadable


def read_rejects(path: Path) -> tuple[dict, int]:
    tally = RejectTally()
    lines = JsonLines(path)
    if path.exists():
        for line in lines:
            tally.add(line)
    return {"rejects": dict(tally.by_reason.most_common()),
            "recent_rejects": list(reversed(tally.latest.values()))}, lines.unreadable


def read_state(path: Path, by_category: dict[str, int]) -> dict:
    state = ArchiveState(path, read_only=True)
    try:
        walks, counts = state.category_walks(), state.link_counts()
        figures = {"links": {status: counts.get(status, 0) for status in (*LINK_STATUSES, *counts)},
                   "worst_links": state.worst_links(LISTED_URLS), "runs": state.runs()}
    finally:
        state.close()
    unclaimed = dict(by_category)
    categories = []
    for walk in walks:
        name = walk["name"] or walk["slug"]
        categories.append({"name": name, "slug": walk["slug"], "stories": unclaimed.pop(name, 0),
                           "listing_pages": walk["listing_pages"], "complete": bool(walk["complete"])})
    categories += [{"name": name, "slug": None, "stories": stories, "listing_pages": None, "complete": None}
                   for name, stories in unclaimed.items()]
    figures["categories"] = categories
    return figures


def archive_figures(output: str | Path, state: str | Path) -> dict:
    """The report's figures for the output ``output`` and the state ``state``."""
    output, state = Path(output), Path(state)
    rejects_path = sidecar_path(output, ".rejects.jsonl")
    records, unreadable_output = read_records(output)
    rejects, unreadable_rejects = read_rejects(rejects_path)
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "files": {"output": str(output), "state": str(state), "rejects": str(rejects_path)},
        **records,
        "unreadable_lines": {"output": unreadable_output, "rejects": unreadable_rejects},
        **rejects,
        **read_state(state, records["by_category"]),
    }
