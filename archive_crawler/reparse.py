"""Re-read a harvest from what it kept (the page cache, WARC files, a WACZ), without Scrapy's engine.

The walk is the crawl's own: the same navigator is fed the stored pages, so every way in (home
page and listings, REST API, sitemaps, feeds, a URL list, a web archive's captures) is read again
as ``scrapy crawl archive -a replay=...`` reads it. Article pages are read on every core by forked
workers while the walk goes on, and the records go through a staged output store, so the output
holds the same lines as the replay's. ``scrapy reparse`` is the command (see
``archive_crawler.commands.reparse``); ``python -m archive_crawler.reparse`` still works.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import shutil
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive_crawler.messages import PageRejected, ParsedArticle, ParseError, ReplayMissing
from archive_crawler.navigation.fetch import Fetch
from archive_crawler.navigation.navigator import Navigator
from archive_crawler.options import RunOptions, Source
from archive_crawler.reading.workers import ReadingJob, page_of
from archive_crawler.sources.middlewares import read_at
from archive_crawler.sources.offline import OfflineFetcher, ReadOnce, open_pages
from archive_crawler.sources.wayback import CDX_PAGE_ROWS, CaptureIndex, Wayback
from archive_crawler.stats import Counts, Stat
from archive_crawler.storage.rejects import RejectsLog, sidecar_path
from archive_crawler.storage.state import ArchiveState, kept_knowledge
from archive_crawler.storage.store import OutputStore

logger = logging.getLogger("archive_crawler.reparse")
BATCH = 25  # article pages sent to a worker at once


@dataclass
class Outcome:
    """What reading one stored page gave: records, or a reason it gave none, or why it was not read."""

    fetch: Fetch
    url: str  # where it was read, after redirects
    status: int | None = None
    page: object = None
    read_at: str | None = None
    reason: str | None = None  # a rejection (parse_error, http_404, ...)
    detail: str = ""
    problem: str | None = None  # not in the store (missing), or unreadable
    charset_repaired: bool = False
    records: list[dict] = field(default_factory=list)


_pages: OfflineFetcher | None = None  # opened before the workers fork; they inherit it


def read_stored(job: ReadingJob, fetch: Fetch, pages: OfflineFetcher | None = None) -> Outcome:
    """Fetch one page from the store (redirects followed) and read it as the crawl would."""
    pages = pages or _pages
    assert pages is not None  # opened by Reparse.run() before the workers fork
    final_url, response, problem = pages.fetch(fetch.url)
    if problem == "too_large":  # a decompression bomb, or a broken page: rejected, not missing
        return Outcome(fetch, final_url, reason="too_large")
    if response is None:
        return Outcome(fetch, final_url, problem=problem or "missing")
    outcome = Outcome(fetch, final_url, response.status, read_at=read_at(response))
    if not fetch.any_status and not 200 <= response.status < 300:
        outcome.reason = f"http_{response.status}"  # as Scrapy's HttpErrorMiddleware refuses it
        return outcome
    try:
        outcome.page = page_of(job.reader(), fetch, response, job.language)
    except PageRejected as rejection:
        outcome.reason, outcome.detail = rejection.reason, rejection.detail
    except Exception as error:  # a page that breaks the parser must not stop the re-parse
        logger.exception("Could not read %s", final_url)
        failure = ParseError(f"{type(error).__name__}: {error}")
        outcome.reason, outcome.detail = failure.reason, failure.detail
    outcome.charset_repaired = bool(getattr(outcome.page, "charset_repaired", False))
    return outcome


def _read_batch(tasks: list[tuple[ReadingJob, Fetch]]) -> list[Outcome]:
    """In a worker: read a batch of article pages."""
    return [read_stored(job, fetch) for job, fetch in tasks]


class Reparse:
    """One re-parse: the options of the crawl it re-reads, where the pages are, where records go."""

    def __init__(self, options: RunOptions, output: Path, *, cache: str | None = None, workers: int | None = None,
                 max_listing_pages: int = 5000, settings=None):
        if not options.replay or options.full:
            raise ValueError("a re-parse reads what a harvest kept: replay is implied and full is refused")
        self.options = options
        self.output = Path(output)
        self.cache = cache
        self.workers = workers or os.cpu_count() or 1
        self.max_listing_pages = max_listing_pages
        self.settings = settings
        self.stats = Counts()
        self.rejects = RejectsLog(sidecar_path(self.output, ".rejects.jsonl"), self.stats)
        self.problems: list[str] = []
        self.outcomes: list[Outcome] = []
        self.pages_read = 0

    def run(self) -> dict:
        """Re-read everything, write the output (replaced at the end) and the summary; the figures."""
        global _pages
        started = time.monotonic()
        unpacked = None
        stored = self.options.stored
        if stored is not None and stored.lower().endswith(".wacz"):
            from archive_crawler.sources.wacz import unpack_warcs

            stored = str(unpacked := unpack_warcs(stored))
        try:
            _pages = OfflineFetcher(open_pages(self.cache if self.options.source is Source.CACHE else None, stored))
            self.walk(_pages)
            figures = self.write(started)
        finally:
            _pages = None
            self.rejects.close()
            if unpacked is not None:
                shutil.rmtree(unpacked, ignore_errors=True)
        sidecar_path(self.output, ".summary.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return figures

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
        options = self.options
        captures = self.captures(pages) if options.wayback else None
        knowledge = kept_knowledge(self.settings.get("ARCHIVE_STATE") if self.settings else None,
                                   options.profile.name, options.base_url)  # the harvest's, read only
        navigator = Navigator(options.profile, options.base_url, self.stats, window=options.window,
                              max_listing_pages=self.max_listing_pages, seeds=options.seeds, captures=captures,
                              knowledge=knowledge)
        job = ReadingJob(options.site, options.base_url, {})
        queue = deque(navigator.start())
        navigator.robots_read(pages.sitemaps(options.base_url + "/"))
        asked: set[str] = set()  # Scrapy's duplicate filter: a URL is read once a run (the home page aside)
        futures: list[Future] = []
        batch: list[tuple[ReadingJob, Fetch]] = []
        # Forked workers inherit the opened store (and a WARC index); they read articles while this
        # process walks on.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
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
                if fetch.link_key is not None:  # an article: nothing in its page changes the walk
                    batch.append((job, fetch))
                    navigator.read(fetch, None)
                    if len(batch) >= BATCH:
                        futures.append(pool.submit(_read_batch, batch))
                        batch = []
                    continue
                queue.extend(self.take(navigator, read_stored(job, fetch, pages)))
            if batch:
                futures.append(pool.submit(_read_batch, batch))
            for future in futures:
                for outcome in future.result():
                    self.take(navigator, outcome)

    def take(self, navigator: Navigator, outcome: Outcome) -> list[Fetch]:
        """Note what a stored page gave; the fetches the walk asks for next."""
        fetch = outcome.fetch
        if outcome.problem:
            self.problems.append(f"{outcome.url}: {outcome.problem}")
            return navigator.failed(fetch, "replay_missing" if outcome.problem == "missing" else "replay_unreadable")
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
        state = ArchiveState(output.with_name(f".{output.name}.reparse-{os.getpid()}.sqlite3"), scratch=True)
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
            "workers": self.workers,
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
