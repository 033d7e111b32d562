"""Re-parse a whole crawl from its cached pages (or WARC files) without the crawl engine.

    python -m archive_crawler.reparse [--site NAME] --base-url URL [--cache DIR | --warc PATH] --output FILE

It walks the site with the same navigator as ``scrapy crawl archive -a replay=1``,
reads pages with the same page reader and writes through the same output store,
so it writes the same records; but it reads pages straight from disk and parses
the article pages on every core. Pages missing from the store are counted and named.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archive_crawler.messages import ArticleContext, PageRejected
from archive_crawler.navigation.navigator import Navigator, PageKind
from archive_crawler.reading.checks import is_html
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.workers import ReadingJob, listing_from_response, read_article
from archive_crawler.sites.profile import load_profile
from archive_crawler.sources.offline import OfflineFetcher, ReadOnce, open_pages
from archive_crawler.storage.state import ArchiveState
from archive_crawler.storage.store import OutputStore

logger = logging.getLogger("archive_crawler.reparse")
BATCH = 25


class Counts(Counter):
    """The stats interface the navigator counts through, without Scrapy's engine."""

    def inc_value(self, name: str, count: int = 1) -> None:
        self[name] += count


_fetcher: OfflineFetcher | None = None  # opened before the workers fork; they inherit it


def _read_articles(tasks: list[tuple[ReadingJob, str, ArticleContext]]) -> list[tuple[str, object, str | None]]:
    """In a worker: fetch each article (following redirects) and read its record or its rejection."""
    assert _fetcher is not None  # opened by reparse() before the workers fork
    results: list[tuple[str, object, str | None]] = []
    readers: dict[int, PageReader] = {}  # one reader per job (the categories known when it was made)
    for job, url, context in tasks:
        final_url, response, problem = _fetcher.fetch(url)
        if problem == "too_large":  # a decompression bomb, or a broken page: rejected, not missing
            results.append((url, "too_large", None))
        elif response is None:
            results.append((url, None, problem))
        elif response.status != 200:
            results.append((final_url, f"http_{response.status}", None))
        else:
            try:
                reader = readers.get(id(job)) or readers.setdefault(id(job), job.reader())
                results.append((final_url, read_article(reader, response, context).item, None))
            except PageRejected as rejection:
                results.append((final_url, rejection.reason, None))
    return results


def reparse(base_url: str, output: Path, *, site: str = "aawsat", cache: str | None = None,
            warc: str | None = None, workers: int | None = None) -> dict:
    """Re-parse the pages at ``cache`` or ``warc`` into ``output``; return the run's figures."""
    global _fetcher
    started = time.monotonic()
    profile = load_profile(site)
    base_url = base_url.rstrip("/")
    _fetcher = OfflineFetcher(open_pages(cache, warc))
    counts = Counts()
    navigator = Navigator(profile, base_url, counts)
    workers = workers or os.cpu_count() or 1
    problems: list[str] = []
    futures, batch = [], []
    # Forked workers inherit the opened store (and a WARC index) from this process;
    # they parse articles while this process is still walking the listings.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        queue = deque(navigator.start())
        job = ReadingJob(site, base_url, {})
        while queue:
            fetch = queue.popleft()
            if not _fetcher.allowed(fetch.url):
                counts.inc_value("archive/skipped/robots_disallowed")
                continue
            if fetch.kind is PageKind.ARTICLE:
                if job.categories != navigator.categories:
                    job = ReadingJob(site, base_url, dict(navigator.categories))
                batch.append((job, fetch.url, navigator.article_context(fetch)))
                navigator.article_done(fetch)
                if len(batch) >= BATCH:
                    futures.append(pool.submit(_read_articles, batch))
                    batch = []
                continue
            _, response, problem = _fetcher.fetch(fetch.url)
            if problem:
                problems.append(f"{fetch.url}: {problem}")
            html = response if response is not None and is_html(response) and response.status == 200 else None
            if job.categories != navigator.categories:
                job = ReadingJob(site, base_url, dict(navigator.categories))
            reader = job.reader()
            if fetch.kind is PageKind.HOME:
                queue.extend(navigator.home_read(reader.read_menu(html, home=True)) if html is not None
                             else navigator.home_failed())
            elif html is not None and fetch.category is not None:  # a listing (no REST page, no sitemap)
                page = listing_from_response(reader, html, fetch.category)
                queue.extend(navigator.listing_read(fetch, html.url, page))
        if batch:
            futures.append(pool.submit(_read_articles, batch))
        results = [result for future in futures for result in future.result()]
    return _write(results, output, problems, started, workers, counts, profile)


def _write(results, output: Path, problems: list[str], started: float, workers: int, counts: Counts,
           profile) -> dict:
    """Write the records through a staged output store, as a replay does; replace ``output`` at the end."""
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.unlink(missing_ok=True)
    state = ArchiveState(output.with_name(f".{output.name}.reparse-{os.getpid()}.sqlite3"), scratch=True)
    store = OutputStore(temporary, state, staged=True, site=profile.name, story_key=profile.crawl.story_key)
    rejects: Counter = Counter()
    read_once = ReadOnce()
    try:
        store.open()
        for final_url, outcome, problem in results:
            if problem:
                problems.append(f"{final_url}: {problem}")
            if outcome is None or not read_once.first(final_url):
                continue
            if isinstance(outcome, str):
                rejects[outcome] += 1
            else:
                store.add(outcome)
        written, duplicates = store.write_staged()
        store.close()
        os.replace(temporary, output)
    finally:
        store.close()
        state.close()
    missing = [problem for problem in problems if problem.endswith(": missing")]
    for problem in problems[:50]:
        logger.warning("Not read from the store: %s", problem)
    return {
        "stories_written": written, "duplicates_dropped": duplicates, "rejects": dict(rejects),
        "article_pages": len(results), "missing": len(missing), "unreadable": len(problems) - len(missing),
        "listing_pages": counts["archive/listing/pages"],
        "elapsed_seconds": round(time.monotonic() - started, 3), "workers": workers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive_crawler.reparse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="aawsat", help="the site profile: a bundled name or a .toml file")
    parser.add_argument("--base-url", help="the crawled root, as given to base_url (default: the profile's)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--cache", help="the page cache (HTTPCACHE_DIR); default .scrapy/httpcache")
    source.add_argument("--warc", help="a WARC file or a folder of WARC/ARC files")
    parser.add_argument("--output", required=True, help="the JSON Lines file to write (replaced)")
    parser.add_argument("--workers", type=int, default=None, help="parsing processes (default: one per core)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    try:
        profile = load_profile(options.site)
    except ValueError as error:
        parser.error(str(error))
    base_url = options.base_url or profile.base_url
    if not base_url:
        parser.error(f"site {options.site} has no base_url of its own: give --base-url")
    cache = options.cache or (None if options.warc else str(Path(".scrapy") / "httpcache"))
    if cache and not Path(cache).is_dir():
        parser.error(f"no page cache at {cache}")
    figures = reparse(base_url, Path(options.output), site=options.site, cache=cache, warc=options.warc,
                      workers=options.workers)
    logger.info("Re-parse summary: %s", json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
