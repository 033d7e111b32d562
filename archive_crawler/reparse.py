"""Re-parse a whole crawl from its cached pages (or WARC files) without the crawl engine.

    python -m archive_crawler.reparse --base-url URL [--cache DIR | --warc PATH] --output FILE

It walks the same menu, listings and pagination as ``scrapy crawl archive -a replay=1``
and writes the same records, but reads pages straight from disk and parses the
article pages on every core. Pages missing from the cache are counted and named.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

from itemadapter import ItemAdapter
from protego import Protego
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.request import RequestFingerprinter

from archive_crawler import site
from archive_crawler.cache import decode_entry
from archive_crawler.pages import ArchiveReader, PaginationGuard
from archive_crawler.pipelines import duplicate_reason, write_fully
from archive_crawler.state import ArchiveState
from archive_crawler.workers import extract_from_response

logger = logging.getLogger("archive_crawler.reparse")

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class CachedPages:
    """Pages of the page cache, looked up by URL as the crawler stored them."""

    def __init__(self, cache_dir: str | Path, spider_name: str = "archive"):
        self.root = Path(cache_dir) / spider_name
        self.fingerprinter = RequestFingerprinter()

    def get(self, url: str):
        key = self.fingerprinter.fingerprint(Request(url)).hex()
        try:
            data = (self.root / key[:2] / f"{key}.gz").read_bytes()
        except FileNotFoundError:
            return None
        return decode_entry(data)[1]


class WarcPages:
    """Pages of WARC/ARC files, looked up by URL."""

    def __init__(self, path: str | Path):
        from archive_crawler.warc import build_index

        self.index = build_index(path)

    def get(self, url: str):
        from archive_crawler.warc import read_response

        location = self.index.find(url)
        return read_response(location, url) if location else None


_source = None


def _open_source(kind: str, path: str) -> None:
    global _source
    _source = CachedPages(path) if kind == "cache" else WarcPages(path)


def fetch(source, url: str, report: dict) -> tuple[str, object | None]:
    """(final URL, response) following cached redirects; None for a missing or damaged page."""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = source.get(url)
        except (ValueError, KeyError, TypeError, OSError) as error:
            report["unreadable"].append(f"{url}: {error}")
            return url, None
        if response is None:
            report["missing"].append(url)
            return url, None
        location = response.headers.get(b"Location")
        if response.status not in REDIRECTS or not location:
            return url, response
        url = urljoin(url, location.decode("latin-1"))
    report["unreadable"].append(f"{url}: too many redirects")
    return url, None


def _parse_one(task) -> tuple[str, dict | None, list[str], list[str]]:
    """In a worker: fetch one article (following redirects) and extract its record."""
    base_url, categories, url, listing = task
    report = {"missing": [], "unreadable": []}
    final_url, response = fetch(_source, url, report)
    if response is None:
        return final_url, None, report["missing"], report["unreadable"]
    if response.status != 200:
        return final_url, {"reject": f"http_{response.status}"}, [], []
    return final_url, extract_from_response(base_url, categories, response, listing), [], []


def walk_listings(source, base_url: str, report: dict, found, max_pages: int = 5000) -> dict[str, str]:
    """Walk the menu and every category listing as a crawl does; ``found(url, listing, categories)``
    is called for each new article link, in the order a crawl meets them. Returns the categories."""
    reader = ArchiveReader(base_url)
    robots = None
    _, robots_page = fetch(source, f"{base_url}/robots.txt", {"missing": [], "unreadable": []})
    if isinstance(robots_page, TextResponse) and robots_page.status == 200:
        robots = Protego.parse(robots_page.text)
    allowed = (lambda url: robots.can_fetch(url, "*")) if robots else (lambda url: True)
    _, home = fetch(source, f"{base_url}/", report)
    queue = list(reader.read_menu(home, every_link=True).items()) if isinstance(home, TextResponse) else []
    if not queue:
        reader.categories.update(site.KNOWN_CATEGORIES)
        queue = [(slug, f"{base_url}/category/{slug}") for slug in site.KNOWN_CATEGORIES]
    guard = PaginationGuard(max_pages)
    seen: set[str] = set()
    while queue:
        slug, url = queue.pop(0)
        page = 1
        while url and allowed(url):
            _, response = fetch(source, url, report)
            if not isinstance(response, TextResponse) or response.status != 200:
                break
            queue.extend(reader.read_menu(response).items())
            entries = reader.listing_entries(response, slug)
            guard.visit(slug, response.url, len(entries))
            for target, _, listing in entries:
                if target and target not in seen and allowed(target):
                    seen.add(target)
                    found(target, listing, reader.categories)
            next_url, _ = guard.next_page(slug, page, reader.older_entries(response))
            if not next_url:
                break
            url, page = next_url, page + 1
    return reader.categories


def reparse(base_url: str, output: Path, *, cache: str | None = None, warc: str | None = None,
            workers: int | None = None) -> dict:
    """Re-parse the pages at ``cache`` or ``warc`` into ``output``; return the run's figures."""
    started = time.monotonic()
    kind, path = ("cache", cache) if cache else ("warc", warc)
    base_url = base_url.rstrip("/")
    _open_source(kind, path)
    report = {"missing": [], "unreadable": []}
    workers = workers or os.cpu_count() or 1
    # Forked workers inherit the opened source (and a WARC index) from this process;
    # they parse articles while this process is still walking the listings.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    futures, batch = [], []

    def found(url: str, listing: dict, categories: dict[str, str]) -> None:
        batch.append((base_url, dict(categories), url, listing))
        if len(batch) >= 25:
            futures.append(pool.submit(_parse_batch, list(batch)))
            batch.clear()

    with pool:
        walk_listings(_source, base_url, report, found)
        if batch:
            futures.append(pool.submit(_parse_batch, batch))
        results = [result for future in futures for result in future.result()]
    records, seen_final, rejects = [], set(), {}
    for final_url, outcome, missing, unreadable in results:
        report["missing"].extend(missing)
        report["unreadable"].extend(unreadable)
        if outcome is None or final_url in seen_final:
            continue
        seen_final.add(final_url)
        if "reject" in outcome:
            rejects[outcome["reject"]] = rejects.get(outcome["reject"], 0) + 1
        else:
            records.append(outcome["item"])
    written, duplicates = write_records(records, output)
    figures = {
        "stories_written": written, "duplicates_dropped": duplicates, "rejects": rejects,
        "article_pages": len(results), "missing": len(report["missing"]), "unreadable": len(report["unreadable"]),
        "elapsed_seconds": round(time.monotonic() - started, 3), "workers": workers,
    }
    for url in report["missing"][:50]:
        logger.warning("Not in the cache, skipped: %s", url)
    for problem in report["unreadable"][:50]:
        logger.warning("Unreadable page: %s", problem)
    return figures


def _parse_batch(tasks) -> list:
    return [_parse_one(task) for task in tasks]


def write_records(records: list[dict], output: Path) -> tuple[int, int]:
    """Write records in the order their pages were fetched, each story once (as a replay does)."""
    records.sort(key=lambda record: f"{record.get('crawled_at') or ''} {record['url']}")
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = output.with_name(f".{output.name}.reparse-{os.getpid()}.sqlite3")
    temporary = output.with_name(output.name + ".tmp")
    state = ArchiveState(scratch, scratch=True)
    written = duplicates = 0
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for record in records:
                key = site.url_key(record["url"])
                if duplicate_reason(state, ItemAdapter(record)):
                    duplicates += 1
                    continue
                write_fully(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
                state.record(record.get("media_id"), key, record["url"], record.get("published"))
                written += 1
        finally:
            os.close(fd)
        os.replace(temporary, output)
    finally:
        state.close()
    return written, duplicates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive_crawler.reparse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=site.DEFAULT_BASE_URL, help="the crawled root, as given to base_url")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--cache", help="the page cache (HTTPCACHE_DIR); default .scrapy/httpcache")
    source.add_argument("--warc", help="a WARC file or a folder of WARC/ARC files")
    parser.add_argument("--output", required=True, help="the JSON Lines file to write (replaced)")
    parser.add_argument("--workers", type=int, default=None, help="parsing processes (default: one per core)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    cache = options.cache or (None if options.warc else str(Path(".scrapy") / "httpcache"))
    if cache and not Path(cache).is_dir():
        parser.error(f"no page cache at {cache}")
    figures = reparse(options.base_url, Path(options.output), cache=cache, warc=options.warc,
                      workers=options.workers)
    logger.info("Re-parse summary: %s", json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
