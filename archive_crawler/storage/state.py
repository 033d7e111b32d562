"""The crawler's own state between runs, kept in SQLite at ``ARCHIVE_STATE``.

Four things are kept:

- ``stories``: every story written (media ID, canonical URL, date), so a story is
  never written twice, within one run or across runs;
- ``links``: every article link met in a listing, with where it stands
  (``pending`` until its page is handled, ``done`` once it led to a written or
  duplicate story, ``failed`` when its page could not be had), so later runs fetch
  only what is new and retry what failed;
- ``categories``: which category listings have been walked to their last page, so
  a later run may stop paging early only once the first harvest is complete, and
  how many of their listing pages were read (over all runs);
- ``runs``: one row per crawl (replays aside): when, how long, what it did, how it ended.

SQLite in WAL mode. A crawl's state (``batched``) gathers its changes in one
transaction, committed every ``COMMIT_EVERY`` changes or ``COMMIT_SECONDS`` seconds
and when the state closes; elsewhere each change commits on its own. A kill at any
moment leaves the state as it was at its last commit, which the next run brings up to
date: the output is the ledger of stories written (see ``OutputStore.reconcile``),
and a link whose outcome was lost is fetched again and found a duplicate.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archive_crawler.navigation.urls import path_key, url_key

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    story_id TEXT,
    url_key TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT,
    modified TEXT,
    written_at TEXT NOT NULL,
    UNIQUE (site, story_id),
    UNIQUE (site, url_key)
);
CREATE TABLE IF NOT EXISTS links (
    link_key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    listing TEXT,
    story_media_id INTEGER,
    story_url_key TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS links_status ON links (status);
CREATE TABLE IF NOT EXISTS ledger (
    name TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS categories (
    slug TEXT PRIMARY KEY,
    name TEXT,
    complete INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    listing_pages INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT,
    finished TEXT,
    seconds REAL,
    finish_reason TEXT,
    stories_written INTEGER,
    pages_fetched INTEGER,
    listing_pages INTEGER,
    rejects INTEGER,
    complete INTEGER,
    site TEXT
);
"""
# Columns added after state files were first written: added to an older file when it is opened.
ADDED_COLUMNS = {"categories": {"listing_pages": "INTEGER NOT NULL DEFAULT 0"}}
RUN_COLUMNS = ("started", "finished", "seconds", "finish_reason", "stories_written", "pages_fetched",
               "listing_pages", "rejects", "complete", "site")


URL_KEYS, URL_KEYS_VERSION = "url_keys", "query"  # the ledger entry saying the keys hold queries
FIRST_SITE = "aawsat"  # the one site states held before stories were scoped per site
# A batched state commits after this many changes, or once its open transaction is this old.
COMMIT_EVERY = 500
COMMIT_SECONDS = 1.0
LOOKUP_BATCH = 500  # keys asked in one statement at most


@dataclass(frozen=True)
class Story:
    """A story as the state knows it: its site, its ID there (media ID, post ID) and canonical URL."""

    site: str
    story_id: str | None
    url_key: str
    url: str
    published: str | None = None
    modified: str | None = None


_clock: list = [0, ""]  # the last second now() formatted, and its text


def now() -> str:
    """The UTC time to the second, ISO 8601 (formatted once a second: the state asks for it per link)."""
    second = int(time.time())
    if second != _clock[0]:
        _clock[:] = [second, datetime.fromtimestamp(second, timezone.utc).isoformat(timespec="seconds")]
    return _clock[1]


JOURNALS = ("wal", "delete")  # WAL, or the rollback journal (network filesystems)


def kept_knowledge(path: str | Path | None, site: str, base_url: str) -> str | None:
    """What a harvest learnt of a site's listings, as its state at ``path`` keeps it; read without
    creating, upgrading or writing the file (a replay's, a re-parse's and ``scrapy inspect``'s).
    None when there is no state or it keeps nothing for the site."""
    if not path or not Path(path).is_file():
        return None
    try:
        state = ArchiveState(path, read_only=True)
    except sqlite3.Error:
        return None
    try:
        return state.get(f"knowledge {site} {base_url.rstrip('/')}")
    except sqlite3.Error as error:  # not a state, or one written before it kept a ledger
        logger.warning("Cannot read the learnt knowledge of %s from %s: %s", base_url, path, error)
        return None
    finally:
        state.close()


class ArchiveState:
    """Stories written, links met and listings walked, looked up by key."""

    def __init__(self, path: str | Path, scratch: bool = False, read_only: bool = False, batched: bool = False,
                 journal: str = "wal"):
        self.path = Path(path)
        self.scratch = scratch
        self.batched = batched
        self.changes = 0  # in the open transaction (batched)
        self.began = 0.0  # when it began (monotonic seconds)
        self.pending_size: int | None = None  # the output's size, stored with the next commit (batched)
        if read_only:  # for reports: the file is neither created, migrated nor written
            self.connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if journal not in JOURNALS:
            raise ValueError(f"ARCHIVE_STATE_JOURNAL must be one of {', '.join(JOURNALS)}, got {journal!r}")
        self.connection.execute(f"PRAGMA journal_mode={journal}")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA busy_timeout=10000")
        self._migrate()
        self.connection.executescript(SCHEMA)
        self.add_missing_columns()
        self.upgrade_url_keys()
        if scratch:
            self.connection.execute("PRAGMA synchronous=OFF")
            self.connection.execute("CREATE TABLE IF NOT EXISTS staged (order_key TEXT, record TEXT)")

    def _migrate(self) -> None:
        """States written before stories were scoped per site held one site's stories, by media ID."""
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(stories)")}
        if "media_id" not in columns:
            return
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute("ALTER TABLE stories RENAME TO stories_by_media_id")
            self.connection.executescript(SCHEMA.split(";")[0] + ";")
            self.connection.execute(
                "INSERT OR IGNORE INTO stories (site, story_id, url_key, url, published, written_at)"
                " SELECT ?, CAST(media_id AS TEXT), url_key, url, published, written_at FROM stories_by_media_id",
                (FIRST_SITE,))
            self.connection.execute("DROP TABLE stories_by_media_id")

    def _one(self, query: str, *parameters):
        return self.connection.execute(query, parameters).fetchone()

    # -- transactions ---------------------------------------------------------------------

    def _change(self, query: str, parameters=()) -> sqlite3.Cursor:
        """Run one change: in the open transaction when batched (opening one if need be), else on its own."""
        if self.batched and not self.connection.in_transaction:
            self.connection.execute("BEGIN")
            self.began = time.monotonic()
        cursor = self.connection.execute(query, parameters)
        if self.batched:
            self._changed()
        return cursor

    def _changed(self) -> None:
        self.changes += 1
        if self.changes >= COMMIT_EVERY or time.monotonic() - self.began >= COMMIT_SECONDS:
            self.commit()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Several changes that commit together (with the batch, when batched)."""
        if self.batched:
            if not self.connection.in_transaction:
                self.connection.execute("BEGIN")
                self.began = time.monotonic()
            yield
            self._changed()
        else:
            with self.connection:
                self.connection.execute("BEGIN")
                yield

    def commit(self) -> None:
        """Commit the open transaction, with the output's size the stories in it were written up to."""
        if self.pending_size is not None:
            if not self.connection.in_transaction:
                self.connection.execute("BEGIN")
            self._set("output_size", str(self.pending_size))
            self.pending_size = None
        if self.connection.in_transaction:
            self.connection.execute("COMMIT")
        self.changes = 0

    def flush(self) -> None:
        """Commit what a batched state holds (a no-op when nothing waits)."""
        if self.connection.in_transaction or self.pending_size is not None:
            self.commit()

    def columns(self, table: str) -> set[str]:
        """The table's column names; none when the table does not exist (an older state file)."""
        return {row[1] for row in self.connection.execute(f"PRAGMA table_info({table})")}

    def add_missing_columns(self) -> None:
        for table, added in ADDED_COLUMNS.items():
            present = self.columns(table)
            for name, declaration in added.items():
                if name not in present:
                    self.connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    def upgrade_url_keys(self) -> None:
        """Bring a state written when keys held no query (and an IDN host as written) to the keys
        of :func:`url_key`, once.

        A story keeps its URL and takes its key anew (an IDN host's changes). A story whose page
        was named by a query the record lost (``news_view.html?idx=8576``) takes the key of the
        first link that led to it (the one written; the links after it were dropped as its
        copies): those links are pending again, their pages unread so far.
        """
        if self.get(URL_KEYS) == URL_KEYS_VERSION:
            return
        with self.connection:
            self.connection.execute("BEGIN")
            for row_id, key, url in self.connection.execute("SELECT id, url_key, url FROM stories").fetchall():
                if url_key(url) != key:
                    self.connection.execute("UPDATE OR IGNORE stories SET url_key = ? WHERE id = ?",
                                            (url_key(url), row_id))
            moved: dict[str, str] = {}  # a story's old key -> the key of the link written under it
            links = self.connection.execute("SELECT link_key, url, story_url_key, status FROM links"
                                            " ORDER BY updated_at, rowid").fetchall()
            for link_key, url, story_key, status in links:
                new_key = url_key(url)
                if new_key == link_key:
                    continue
                self.connection.execute("UPDATE OR IGNORE links SET link_key = ? WHERE link_key = ?",
                                        (new_key, link_key))
                if status != "done" or story_key != path_key(url) or story_key == new_key:
                    continue
                if story_key not in moved:
                    moved[story_key] = new_key
                    self.connection.execute("UPDATE OR IGNORE stories SET url_key = ? WHERE url_key = ?",
                                            (new_key, story_key))
                    self.connection.execute("UPDATE links SET story_url_key = ? WHERE link_key = ?",
                                            (new_key, new_key))
                else:  # a page taken for a copy of the first under the old key: read it again
                    self.connection.execute("UPDATE links SET status = 'pending', story_url_key = NULL"
                                            " WHERE link_key = ?", (new_key,))
            self.connection.execute("INSERT OR REPLACE INTO ledger (name, value) VALUES (?, ?)",
                                    (URL_KEYS, URL_KEYS_VERSION))
        if moved:
            logger.info("Upgraded the state's keys: %d stories named by a query keep it", len(moved))

    # -- stories ------------------------------------------------------------------------

    def written_as(self, story: Story) -> str | None:
        """Why a story counts as written already: "id" (its story ID) or "url"; None when it is new."""
        # One statement: 1 when a story has the ID, 0 when one has only the URL, NULL when none has either.
        (by_id,) = self._one("SELECT MAX(COALESCE(story_id = ?, 0)) FROM stories"
                             " WHERE site = ? AND (story_id = ? OR url_key = ?)",
                             story.story_id, story.site, story.story_id, story.url_key)
        if by_id is None and "?" in story.url_key and self.claim_queryless(story):
            return "url"
        return None if by_id is None else "id" if by_id else "url"

    def claim_queryless(self, story: Story) -> bool:
        """Whether a story named by a query was written by an earlier version, which wrote it without
        its query: a story at the same address bar the query, with no query and the same
        ``published``. It then takes the story's URL and key, so no other page can match it."""
        row = self._one("SELECT id FROM stories WHERE site = ? AND url_key = ? AND instr(url, '?') = 0"
                        " AND published IS ? LIMIT 1", story.site, url_key(story.url.partition("?")[0]),
                        story.published)
        if row is None:
            return False
        self._change("UPDATE OR IGNORE stories SET url_key = ?, url = ? WHERE id = ?",
                     (story.url_key, story.url, row[0]))
        return True

    def written_modified(self, story: Story) -> str | None:
        """The ``modified`` time the written copy of a story had."""
        row = self._one("SELECT modified FROM stories WHERE site = ? AND (story_id = ? OR url_key = ?)"
                        " ORDER BY story_id = ? DESC", story.site, story.story_id, story.url_key, story.story_id)
        return row[0] if row else None

    def record(self, story: Story, output_size: int | None = None) -> None:
        """Note a story as written; with ``output_size``, the output is in step up to that byte
        (stored with the story's commit: at once, or with its batch)."""
        insert = ("INSERT OR IGNORE INTO stories (site, story_id, url_key, url, published, modified, written_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)")
        values = (story.site, story.story_id, story.url_key, story.url, story.published, story.modified, now())
        if self.batched:
            if output_size is not None:
                self.pending_size = output_size
            self._change(insert, values)
            return
        with self._transaction():
            self.connection.execute(insert, values)
            if output_size is not None:
                self._set("output_size", str(output_size))

    # -- the output file is the ledger: the state follows it ---------------------------

    def _set(self, name: str, value: str) -> None:
        self.connection.execute("INSERT OR REPLACE INTO ledger (name, value) VALUES (?, ?)", (name, value))

    def get(self, name: str) -> str | None:
        row = self._one("SELECT value FROM ledger WHERE name = ?", name)
        return row[0] if row else None

    def put(self, name: str, value: str) -> None:
        self._change("INSERT OR REPLACE INTO ledger (name, value) VALUES (?, ?)", (name, value))

    def modified_of_url(self, url_key: str) -> str | None:
        """The ``modified`` time of the story written from this URL, by any site."""
        row = self._one("SELECT modified FROM stories WHERE url_key = ? AND modified IS NOT NULL", url_key)
        return row[0] if row else None

    def output_size(self) -> int | None:
        if self.pending_size is not None:
            return self.pending_size
        row = self._one("SELECT value FROM ledger WHERE name = 'output_size'")
        return int(row[0]) if row else None

    def record_output_size(self, size: int) -> None:
        if self.batched:
            self.pending_size = size
            self.commit()
        else:
            self._set("output_size", str(size))

    def forget_stories(self) -> None:
        """Drop every story record, before rebuilding them from the output."""
        with self._transaction():
            self.pending_size = None
            self.connection.execute("DELETE FROM stories")
            self._set("output_size", "0")

    def reopen_orphan_links(self) -> int:
        """Links marked done whose story the output no longer holds go back to pending."""
        cursor = self._change(
            "UPDATE links SET status = 'pending', attempts = 0 WHERE status = 'done' AND NOT EXISTS ("
            " SELECT 1 FROM stories WHERE stories.url_key = links.story_url_key"
            " OR (links.story_media_id IS NOT NULL AND stories.story_id = CAST(links.story_media_id AS TEXT)))"
        )
        return cursor.rowcount

    def story_count(self) -> int:
        return self._one("SELECT COUNT(*) FROM stories")[0]

    # -- links --------------------------------------------------------------------------

    def link_status(self, link_key: str) -> str | None:
        row = self._one("SELECT status FROM links WHERE link_key = ?", link_key)
        return row[0] if row else None

    def link_statuses(self, link_keys: list[str]) -> dict[str, str]:
        """The status of each known link among ``link_keys`` (a listing page's), in one statement per
        500 keys; links never met are absent."""
        statuses: dict[str, str] = {}
        for start in range(0, len(link_keys), LOOKUP_BATCH):
            keys = link_keys[start:start + LOOKUP_BATCH]
            statuses.update(self.connection.execute(
                f"SELECT link_key, status FROM links WHERE link_key IN ({', '.join('?' * len(keys))})", keys))
        return statuses

    def add_link(self, link_key: str, url: str, listing: dict) -> None:
        """Note a link met in a listing as pending, unless it is known already."""
        self._change(
            "INSERT OR IGNORE INTO links (link_key, url, status, listing, updated_at)"
            " VALUES (?, ?, 'pending', ?, ?)",
            (link_key, url, json.dumps(listing, ensure_ascii=False), now()),
        )

    def mark_link(self, link_key: str, status: str, story: tuple[str | None, str] | None = None) -> None:
        """Set a link's status: done (with the story it led to), failed, or gone (404/410)."""
        attempts = 1 if status in ("failed", "gone") else 0
        media_id, story_key = story if story else (None, None)
        self._change(
            "UPDATE links SET status = ?, attempts = attempts + ?, story_media_id = ?, story_url_key = ?,"
            " updated_at = ? WHERE link_key = ?",
            (status, attempts, media_id, story_key, now(), link_key),
        )

    def page_written(self, link_key: str, url: str, story: tuple[str | None, str]) -> None:
        """A page reached through another link (a shortlink's redirect) gave a story: a link straight
        to it, met now or later, is done too."""
        story_id, story_key = story
        self._change(
            "INSERT INTO links (link_key, url, status, story_media_id, story_url_key, updated_at)"
            " VALUES (?, ?, 'done', ?, ?, ?) ON CONFLICT (link_key) DO UPDATE SET status = 'done',"
            " story_media_id = excluded.story_media_id, story_url_key = excluded.story_url_key,"
            " updated_at = excluded.updated_at",
            (link_key, url, story_id, story_key, now()),
        )

    def unfinished_links(self, max_attempts: int) -> list[tuple[str, dict]]:
        """Links an earlier run met but did not finish: never fetched, or failed."""
        rows = self.connection.execute(
            "SELECT url, listing FROM links WHERE status != 'done' AND attempts < ? ORDER BY rowid",
            (max_attempts,),
        ).fetchall()
        return [(url, json.loads(listing or "{}")) for url, listing in rows]

    # -- categories ---------------------------------------------------------------------

    def category_complete(self, slug: str) -> bool:
        row = self._one("SELECT complete FROM categories WHERE slug = ?", slug)
        return bool(row and row[0])

    def category_seen(self, slug: str, name: str | None) -> None:
        """Note a category the site's menus list (not yet walked to its end)."""
        self._change("INSERT OR IGNORE INTO categories (slug, name, complete) VALUES (?, ?, 0)",
                     (slug, name))

    def mark_category_complete(self, slug: str, name: str | None) -> None:
        self._change(
            "INSERT INTO categories (slug, name, complete, completed_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (slug) DO UPDATE SET complete = 1, completed_at = excluded.completed_at,"
            " name = excluded.name",
            (slug, name, now()),
        )

    def listing_page_read(self, slug: str) -> None:
        self._change(
            "INSERT INTO categories (slug, listing_pages) VALUES (?, 1)"
            " ON CONFLICT (slug) DO UPDATE SET listing_pages = listing_pages + 1",
            (slug,),
        )

    # -- the run history ----------------------------------------------------------------

    def record_run(self, run: dict) -> None:
        """Add one run (a dict of ``RUN_COLUMNS``, missing ones null) to the history."""
        self._change(
            f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join('?' * len(RUN_COLUMNS))})",
            [run.get(name) for name in RUN_COLUMNS],
        )

    def runs(self) -> list[dict]:
        """Every run recorded, oldest first; none in a state written before runs were recorded."""
        if not self.columns("runs"):
            return []
        rows = self._rows(f"SELECT id, {', '.join(RUN_COLUMNS)} FROM runs ORDER BY id")
        return [{**run, "complete": bool(run["complete"])} for run in rows]

    # -- what reports read (a read-only state may be older than this code) --------------

    def _rows(self, query: str, *parameters) -> list[dict]:
        cursor = self.connection.execute(query, parameters)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def category_walks(self) -> list[dict]:
        """Each category met: slug, name, whether its walk reached the last page, listing pages read."""
        pages = "listing_pages" if "listing_pages" in self.columns("categories") else "NULL AS listing_pages"
        return self._rows(f"SELECT slug, name, complete, {pages} FROM categories ORDER BY rowid")

    def link_counts(self) -> dict[str, int]:
        """Links met, by status (pending, done, failed, gone)."""
        return dict(self.connection.execute("SELECT status, COUNT(*) FROM links GROUP BY status ORDER BY status"))

    def worst_links(self, limit: int) -> list[dict]:
        """The failed and gone links tried most often, the latest first among equals."""
        return self._rows("SELECT url, status, attempts, updated_at FROM links WHERE status IN ('failed', 'gone')"
                          " ORDER BY attempts DESC, updated_at DESC LIMIT ?", limit)

    # -- staged records (replays write in the order pages were first fetched) ----------

    def stage(self, order_key: str, record_json: str) -> None:
        self.stage_many([(order_key, record_json)])

    def stage_many(self, records: list[tuple[str, str]]) -> None:
        with self._transaction():
            self.connection.executemany("INSERT INTO staged VALUES (?, ?)", records)

    def staged(self):
        for (record,) in self.connection.execute("SELECT record FROM staged ORDER BY order_key, rowid"):
            yield record

    def harvest_complete(self, max_attempts: int, categories: bool = True) -> bool:
        """Every category met walked to its last page (when the walk is by categories), and no link
        left unfinished (dead links aside)."""
        complete = self._one("SELECT COUNT(*), COALESCE(MIN(complete), 0) FROM categories")
        if categories and (not complete[0] or not complete[1]):
            return False
        return self._one("SELECT 1 FROM links WHERE status IN ('pending', 'failed') AND attempts < ?",
                         max_attempts) is None

    def close(self) -> None:
        """Commit what waits (batched), then close; a commit that fails loses only what the next run redoes."""
        try:
            self.flush()
        except sqlite3.Error as error:
            logger.error("Cannot save the last changes to the state %s: %s", self.path, error)
        self.connection.close()
        if self.scratch:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

