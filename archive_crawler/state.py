"""The crawler's own state between runs, kept in SQLite at ``ARCHIVE_STATE``.

It records every story written (media ID, URL, date), so a story is never
written twice, within one run or across runs.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    media_id INTEGER UNIQUE,
    url_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    published TEXT,
    written_at TEXT NOT NULL
);
"""


class ArchiveState:
    """Stories already written, looked up by media ID and by URL."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(SCHEMA)

    @classmethod
    def for_crawler(cls, crawler) -> ArchiveState:
        """The one state store of a crawl, shared by the components that need it."""
        state = getattr(crawler, "archive_state", None)
        if state is None:
            from scrapy import signals

            state = cls(crawler.settings["ARCHIVE_STATE"])
            crawler.archive_state = state
            crawler.signals.connect(state.close, signal=signals.engine_stopped)
        return state

    def written_as(self, media_id: int | None, url_key: str) -> str | None:
        """Why a story counts as written already ("media_id" or "url"), or None."""
        if media_id is not None and self.connection.execute(
            "SELECT 1 FROM stories WHERE media_id = ?", (media_id,)
        ).fetchone():
            return "media_id"
        if self.connection.execute("SELECT 1 FROM stories WHERE url_key = ?", (url_key,)).fetchone():
            return "url"
        return None

    def record(self, media_id: int | None, url_key: str, url: str, published: str | None) -> None:
        self.connection.execute(
            "INSERT OR IGNORE INTO stories (media_id, url_key, url, published, written_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (media_id, url_key, url, published, datetime.now(timezone.utc).isoformat(timespec="seconds")),
        )

    def story_count(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM stories").fetchone()[0]

    def close(self) -> None:
        self.connection.close()
