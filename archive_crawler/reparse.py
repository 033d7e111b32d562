"""Re-read a harvest from what it kept (the page cache, WARC files, a WACZ), without Scrapy's engine.

The walk is the crawl's own: the same navigator is fed the stored pages, so every way in (home
page and listings, REST API, sitemaps, feeds, a URL list, a web archive's captures) is read again
as ``scrapy crawl archive -a replay=...`` reads it. The walk runs in this process; article pages
go out in batches, with the listing context the walk gathered for each, to forked workers or to
the workers of a Dask cluster (:mod:`archive_crawler.reparse_workers`), which read them while the
walk goes on. The records go through a staged output store: each story once, the copy fetched
first (its page's fetch time, ties by URL), so the output holds the same lines as the replay's
wherever the pages were read. ``scrapy reparse`` is the command (see
``archive_crawler.commands.reparse``); ``python -m archive_crawler.reparse`` still works.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import Protocol

from archive_crawler.messages import ParsedArticle, ReplayMissing
from archive_crawler.navigation.fetch import Fetch
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.options import RunOptions, Source
from archive_crawler.reading.workers import ReadingJob
from archive_crawler.reparse_workers import (
    Batch,
    LocalReading,
    Outcome,
    PageStore,
    ReparseError,
    close_store,
    opened,
    read_stored,
)
from archive_crawler.sources.offline import OfflineFetcher, ReadOnce
from archive_crawler.sources.wayback import CDX_PAGE_ROWS, CaptureIndex, Wayback
from archive_crawler.stats import Counts, Stat
from archive_crawler.storage.rejects import RejectsLog, sidecar_path
from archive_crawler.storage.state import ArchiveState, kept_knowledge
from archive_crawler.storage.store import OutputStore

__all__ = ["BATCH", "Outcome", "Reparse", "ReparseError", "read_stored"]

logger = logging.getLogger("archive_crawler.reparse")
BATCH = 25  # article pages sent to a worker at once


class Reading(Protocol):
    """Where article batches are read (:class:`LocalReading`, :class:`ClusterReading`)."""

    workers: int
    description: str

    def submit(self, store: PageStore, batch: Batch): ...

    def result(self, future) -> list[Outcome]: ...

    def close(self) -> None: ...


class Reparse:
    """One re-parse: the options of the crawl it re-reads, where the pages are, where records go."""

    def __init__(self, options: RunOptions, output: Path, *, cache: str | None = None, workers: int | None = None,
                 max_listing_pages: int = 5000, settings=None, stored: tuple[str, ...] = ()):
        if not options.replay or options.full:
            raise ValueError("a re-parse reads what a harvest kept: replay is implied and full is refused")
        self.options = options
        self.output = Path(output)
        # Absolute paths: a worker of a cluster runs in a folder of its own.
        if options.source is Source.CACHE:
            self.store = PageStore(cache=str(Path(cache).resolve()) if cache else None)
        else:
            paths = stored or ((options.stored,) if options.stored else ())
            self.store = PageStore(stored=tuple(str(Path(path).resolve()) for path in paths))
        self.workers = workers or os.cpu_count() or 1
        self.max_listing_pages = max_listing_pages
        self.settings = settings
        self.stats = Counts()
        self.rejects = RejectsLog(sidecar_path(self.output, ".rejects.jsonl"), self.stats)
        self.problems: list[str] = []
        self.outcomes: list[Outcome] = []
        self.pages_read = 0
        self.reading: Reading | None = None
        self.sent: list = []  # the article batches' futures, in the order they were sent
        self.navigator: Navigator | None = None
        self.started = 0.0
        self.walk_seconds = 0.0  # the walk's wall time, in this process
        self.article_cpu = 0.0  # the CPU time the article pages took to read, wherever they were read

    def run(self, reading: Reading | None = None) -> dict:
        """Re-read everything, write the output (replaced at the end) and the summary; the figures."""
        self.start(reading)
        return self.finish()

    def start(self, reading: Reading | None = None) -> None:
        """Walk the stored site, sending its article pages to ``reading`` (forked workers by default)."""
        self.started = time.monotonic()
        self.reading = reading or LocalReading(self.workers)
        try:
            self.walk(opened(self.store))  # opened before the local workers fork: they inherit it
        except BaseException:
            self.close()
            raise
        self.walk_seconds = time.monotonic() - self.started

    def finish(self) -> dict:
        """Take the article batches' answers in the order they were sent, then write; the figures."""
        try:
            assert self.reading is not None and self.navigator is not None  # start() ran
            for future in self.sent:
                for outcome in self.reading.result(future):
                    self.article_cpu += outcome.cpu_seconds
                    self.take(self.navigator, outcome)
            self.sent = []
            figures = self.write(self.started)
        finally:
            self.close()
        sidecar_path(self.output, ".summary.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return figures

    def close(self) -> None:
        if self.reading is not None and isinstance(self.reading, LocalReading):
            self.reading.close()
        self.rejects.close()
        close_store(self.store)

    def captures(self, pages: OfflineFetcher) -> list[str]:
        """The web archive's captures of the site, as the crawl enumerated them (its CDX answers are kept)."""
        options = self.options
        assert options.wayback is not None

        async def stored(request):
            _, response, problem = pages.fetch(request.url)
            if response is None:
                raise ReplayMissing(f"{request.url}: {problem}")
            return response

        settings = self.settings
        wayback = Wayback(stored, self.stats, options.wayback, settings.get("ARCHIVE_CDX_URL") if settings else None,
                          options.capture, settings.getint("ARCHIVE_CDX_PAGE_ROWS") if settings else CDX_PAGE_ROWS)
        index = CaptureIndex(options.base_url, options.capture)
        asyncio.run(wayback.enumerate(index))
        return index.pages()

    def walk(self, pages: OfflineFetcher) -> None:
        """Walk the site in this process; article pages go out in batches as they are met."""
        assert self.reading is not None  # set by start()
        options = self.options
        captures = self.captures(pages) if options.wayback else None
        knowledge = kept_knowledge(self.settings.get("ARCHIVE_STATE") if self.settings else None,
                                   options.profile.name, options.base_url)  # the harvest's, read only
        navigator = self.navigator = Navigator(options.profile, options.base_url, self.stats, window=options.window,
                                               max_listing_pages=self.max_listing_pages, seeds=options.seeds,
                                               captures=captures, knowledge=knowledge)
        job = ReadingJob(options.site, options.base_url, {})
        queue = deque(navigator.start())
        navigator.robots_read(pages.sitemaps(options.base_url + "/"))
        asked: set[str] = set()  # Scrapy's duplicate filter: a URL is read once a run (the home page aside)
        batch: Batch = []
        while queue or (queue := deque(navigator.idle())):
            fetch = queue.popleft()
            if not fetch.repeatable:
                if fetch.url in asked:
                    continue
                asked.add(fetch.url)
            if not pages.allowed(fetch.url):
                self.stats.inc_value(Stat.SKIPPED_ROBOTS_DISALLOWED)
                queue.extend(navigator.failed(fetch, "robots_disallowed"))
                continue
            fetch = navigator.to_read(fetch)
            job = job.following(navigator.categories, navigator.language)
            page_job = job.for_page(navigator.template_of(fetch), fetch.learning)
            if fetch.link_key is not None and not fetch.learning:  # an article: nothing in it changes the walk
                batch.append((page_job, fetch))
                navigator.read(fetch, None)
                if len(batch) >= BATCH:
                    self.sent.append(self.reading.submit(self.store, batch))
                    batch = []
                continue
            queue.extend(self.take(navigator, read_stored(page_job, fetch, pages)))
        if batch:
            self.sent.append(self.reading.submit(self.store, batch))

    def take(self, navigator: Navigator, outcome: Outcome) -> list[Fetch]:
        """Note what a stored page gave; the fetches the walk asks for next."""
        fetch = outcome.fetch
        if outcome.problem:
            self.problems.append(f"{outcome.url}: {outcome.problem}")
            return navigator.failed(fetch, "replay_missing" if outcome.problem == "missing" else "replay_unreadable")
        if fetch.learning and not outcome.reason:  # read to learn its site's template: its record comes later
            return navigator.read(fetch, outcome.page)
        self.pages_read += 1
        if outcome.charset_repaired:
            self.stats.inc_value(Stat.CHARSET_REPAIRED)
        if outcome.reason:
            self.rejects.reject(outcome.url, outcome.reason, outcome.status, fetch.label, detail=outcome.detail)
            return navigator.failed(fetch, outcome.reason)
        page = outcome.page
        outcome.records = navigator.records(fetch, page)
        self.outcomes.append(outcome)
        return [] if isinstance(page, ParsedArticle) else navigator.read(fetch, page)

    def write(self, started: float) -> dict:
        """Write the records through a staged output store, as a replay does; replace the output at the end."""
        output = self.output
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(output.name + ".tmp")
        temporary.unlink(missing_ok=True)
        profile = self.options.profile
        # A scratch state (removed at the end), committed in batches: one transaction per story written
        # made the writing of a 30,000-story harvest take three times as long.
        state = ArchiveState(output.with_name(f".{output.name}.reparse-{os.getpid()}.sqlite3"), scratch=True,
                             batched=True)
        store = OutputStore(temporary, state, self.stats, staged=True, site=profile.name,
                            story_key=profile.crawl.story_key)
        read_once = ReadOnce()
        try:
            store.open()
            for outcome in self.outcomes:
                if isinstance(outcome.page, ParsedArticle) and not read_once.first(outcome.url):
                    continue  # a page two links led to (a shortlink's redirect) counts once
                for record in outcome.records:
                    store.add(record, outcome.read_at)
            written, duplicates = store.write_staged(self.rejects)
            store.close()
            os.replace(temporary, output)
        finally:
            store.close()
            state.close()
            temporary.unlink(missing_ok=True)
        missing = [problem for problem in self.problems if problem.endswith(": missing")]
        for problem in self.problems[:50]:
            logger.warning("Not read from the store: %s", problem)
        rejects = {name.rsplit("/", 1)[1]: count for name, count in self.stats.items()
                   if name.startswith(f"{Stat.REJECTED}/")}
        return {
            "output": str(output), "stories_written": written, "duplicates_dropped": duplicates,
            "pages_read": self.pages_read, "rejects": rejects, "missing": len(missing),
            "unreadable": len(self.problems) - len(missing), "listing_pages": self.stats[Stat.LISTING_PAGES],
            "door": self.stats.get(Stat.DOORS_USED), "elapsed_seconds": round(time.monotonic() - started, 3),
            "walk_seconds": round(self.walk_seconds, 3), "article_cpu_seconds": round(self.article_cpu, 3),
            "workers": self.reading.workers if self.reading is not None else self.workers,
            "read_by": self.reading.description if self.reading is not None else None,
        }


def main(argv: list[str] | None = None) -> int:
    """The former entry point: ``python -m archive_crawler.reparse --site S --base-url U --cache D|--warc P
    --output F`` runs ``scrapy reparse`` with the same meaning."""
    import argparse

    print("python -m archive_crawler.reparse is deprecated: use scrapy reparse (same records)", file=sys.stderr)
    parser = argparse.ArgumentParser(prog="python -m archive_crawler.reparse")
    parser.add_argument("--site")
    parser.add_argument("--base-url")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--cache")
    source.add_argument("--warc")
    parser.add_argument("--output", required=True)
    parser.add_argument("--workers", type=int)
    options = parser.parse_args(argv)
    command = [sys.executable, "-m", "scrapy", "reparse", "--output", options.output]
    for name, value in (("site", options.site), ("base_url", options.base_url), ("replay", options.warc)):
        if value:
            command += ["-a", f"{name}={value}"]
    if options.cache:
        command += ["-s", f"HTTPCACHE_DIR={Path(options.cache).resolve()}"]
    if options.workers:
        command += ["--workers", str(options.workers)]
    import subprocess

    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
