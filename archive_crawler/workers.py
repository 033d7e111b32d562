"""Article extraction in worker processes, so parsing uses every core.

Scrapy runs callbacks in one thread; parsing and cleaning an article page is most
of the CPU a crawl spends. ``ParsePool`` sends each article page (URL, status,
headers, body) to a process pool and gets back a record or the reason the page
is no article. With ``ARCHIVE_PARSE_WORKERS = 0`` the same function runs inline.
The re-parse tool (``archive_crawler.reparse``) calls the same function.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict

from archive_crawler.cache import build_response
from archive_crawler.checks import missing_content_reason, page_problem, repair_charset
from archive_crawler.pages import ArchiveReader

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def page_payload(response) -> tuple[str, int, list[tuple[bytes, bytes]], bytes]:
    """What a worker needs of a response, in picklable form."""
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    return response.url, response.status, headers, response.body


def extract_article(base_url: str, categories: dict[str, str], payload, listing: dict) -> dict:
    """``{"item": {...}}`` for an article page, or ``{"reject": reason}``; ``charset_repaired`` when re-read."""
    return extract_from_response(base_url, categories, build_response(*payload), listing)


def extract_from_response(base_url: str, categories: dict[str, str], response, listing: dict) -> dict:
    """What ``extract_article`` returns, for a response at hand."""
    problem = page_problem(response)
    if problem:
        return {"reject": problem}
    repaired = repair_charset(response)
    reader = ArchiveReader(base_url)
    reader.categories.update(categories)
    root, content = reader.article_content(repaired)
    if content is None:
        return {"reject": missing_content_reason(repaired)}
    item = reader.article_item(repaired, listing, root, content)
    return {"item": asdict(item), "charset_repaired": repaired is not response}


def read_listing(base_url: str, categories: dict[str, str], payload, slug: str) -> dict:
    """A listing page's menu categories (slug -> (name, URL)), entries and "Older Entries" link."""
    response = build_response(*payload)
    repaired = repair_charset(response)
    reader = ArchiveReader(base_url)
    reader.categories.update(categories)
    menu = reader.read_menu(repaired)
    return {
        "menu": {slug_found: (reader.categories[slug_found], url) for slug_found, url in menu.items()},
        "entries": reader.listing_entries(repaired, slug),
        "older": reader.older_entries(repaired),
        "charset_repaired": repaired is not response,
    }


def _warm_up() -> int:
    return os.getpid()


def _prepare_worker(parent: int) -> None:
    """Workers ignore Ctrl-C (the crawl process decides when they stop) and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:  # Linux: the kernel kills this worker when the crawl process dies, even by SIGKILL
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the crawl process died before the line above
        os._exit(0)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


class ParsePool:
    """A pool of extraction processes, started on first use and stopped with the crawl."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers; called before the reactor runs, so forking copies a quiet process."""
        if self.workers > 0 and self.executor is None:
            context = multiprocessing.get_context("fork")
            self.executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                initializer=_prepare_worker, initargs=(os.getpid(),))
            for future in [self.executor.submit(_warm_up) for _ in range(self.workers)]:
                future.result()

    async def extract(self, base_url: str, categories: dict[str, str], response, listing: dict) -> dict:
        """The record of an article page (see ``extract_article``)."""
        return await self._run(extract_article, base_url, dict(categories), page_payload(response), listing)

    async def read_listing(self, base_url: str, categories: dict[str, str], response, slug: str) -> dict:
        """What a listing page holds (see ``read_listing``)."""
        return await self._run(read_listing, base_url, dict(categories), page_payload(response), slug)

    async def _run(self, function, *arguments):
        if self.workers <= 0:
            return function(*arguments)
        self.start()
        return await asyncio.wrap_future(self.executor.submit(function, *arguments))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
