"""Where a re-parse reads its article pages: forked processes of this machine, or the workers of a Dask cluster.

The walk runs in the command's process; the article pages it finds go out in batches, each page
with the listing context the walk gathered for it (the categories met, the site's language, the
listings naming it). A batch names the site's :class:`PageStore`, not its pages: whoever reads it
opens the stored files itself (once per process, kept open for the next batches), from the folder
every worker sees at the same path. A batch's answer is what each page gave (:class:`Outcome`);
the command takes the answers in the order the batches were sent, whichever worker finished first,
so a re-parse on a cluster writes what one on a single machine writes.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import shutil
import socket
import sys
import threading
import time
import uuid
import zipfile
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive_crawler.messages import PageRejected, ParseError
from archive_crawler.navigation.fetch import Fetch
from archive_crawler.reading.workers import ReadingJob, page_of
from archive_crawler.sources.middlewares import read_at
from archive_crawler.sources.offline import CachedPages, OfflineFetcher, WarcPages

logger = logging.getLogger("archive_crawler.reparse")
OPEN_STORES = 4  # stores a process keeps open (a harvest's sites, one after another)
Batch = list[tuple[ReadingJob, Fetch]]


class ReparseError(RuntimeError):
    """A re-parse that cannot go on (its stored pages, its cluster); the message is one line."""


class StoreUnavailable(ReparseError):
    """Stored pages a process cannot open: not there, or not at the same path on every machine."""


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
    cpu_seconds: float = 0.0  # what reading it cost (the reading thread's CPU time)


def read_stored(job: ReadingJob, fetch: Fetch, pages: OfflineFetcher) -> Outcome:
    """Fetch one page from the store (redirects followed) and read it as the crawl would."""
    began = time.thread_time()
    outcome = read_page_stored(job, fetch, pages)
    outcome.cpu_seconds = time.thread_time() - began
    return outcome


def read_page_stored(job: ReadingJob, fetch: Fetch, pages: OfflineFetcher) -> Outcome:
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
        outcome.page = page_of(job.reader(), fetch, response, job.language, job.learning)
    except PageRejected as rejection:
        outcome.reason, outcome.detail = rejection.reason, rejection.detail
    except Exception as error:  # a page that breaks the parser must not stop the re-parse
        logger.exception("Could not read %s", final_url)
        failure = ParseError(f"{type(error).__name__}: {error}")
        outcome.reason, outcome.detail = failure.reason, failure.detail
    outcome.charset_repaired = bool(getattr(outcome.page, "charset_repaired", False))
    return outcome


class StoredWarcs(WarcPages):
    """Pages of several WARC/ARC files, folders of them and WACZ packages, looked up by URL.

    A URL captured in more than one file is read from the last file that holds it, in the
    order the paths were given (within a folder, by file name), as a replay of one folder does.
    """

    def __init__(self, paths: tuple[str, ...], unpacked: list[Path]):  # super().__init__ indexes one path
        from archive_crawler.sources.wacz import unpack_warcs
        from archive_crawler.sources.warc import WarcIndex, build_index

        self.index = WarcIndex()
        for path in paths:
            for source in warc_sources(Path(path)):
                if source.suffix.lower() == ".wacz":
                    source = unpack_warcs(source, scratch_folder())
                    unpacked.append(source)
                part = build_index(source)
                self.index.records.update(part.records)
                self.index.errors += part.errors
                self.index.files += part.files


def scratch_folder() -> str | None:
    """On a Dask worker, its own scratch folder (removed with the worker, or by the next worker on the machine if
    it was killed); elsewhere None: the system's temporary folder."""
    if "distributed" not in sys.modules:  # not a Dask worker: no need to import Dask
        return None
    from distributed import get_worker

    try:
        return get_worker().local_directory
    except ValueError:  # this process is no worker (the command's, a client)
        return None


def warc_sources(path: Path) -> list[Path]:
    """A stored path as the indexes take it: a file; a folder's WARC/ARC files (one index) and its WACZ packages."""
    from archive_crawler.sources.warc import warc_files

    if not path.is_dir():
        return [path]
    packages = sorted(child for child in path.rglob("*.wacz") if child.is_file())
    return [path, *packages] if warc_files(path) or not packages else packages


def holds_stored_pages(folder: Path) -> bool:
    """Whether a folder holds WARC/ARC files or WACZ packages."""
    from archive_crawler.sources.warc import warc_files

    return bool(warc_files(folder)) or any(child.is_file() for child in folder.rglob("*.wacz"))


@dataclass(frozen=True)
class PageStore:
    """Where a site's stored pages are: its page cache (``cache``), or WARC/ARC files, folders of them and
    WACZ packages (``stored``). Small and picklable: every process opens the files itself."""

    cache: str | None = None
    stored: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"the page cache {self.cache}" if self.cache else ", ".join(self.stored)

    def open(self) -> OpenedStore:
        """The pages, ready to read; :class:`StoreUnavailable` when the files are not at their path here."""
        missing = [path for path in ([self.cache] if self.cache else list(self.stored)) if not Path(path).exists()]
        if missing:
            raise StoreUnavailable(f"{missing[0]} does not exist on {socket.gethostname()} (on a cluster, every "
                                   "worker reads the stored pages at the same path)")
        unpacked: list[Path] = []
        try:
            pages = CachedPages(self.cache) if self.cache else StoredWarcs(self.stored, unpacked)
        except BaseException as error:
            for folder in unpacked:
                shutil.rmtree(folder, ignore_errors=True)
            if isinstance(error, zipfile.BadZipFile):
                raise StoreUnavailable(f"a WACZ package that is no readable zip file: {error}") from None
            raise
        return OpenedStore(OfflineFetcher(pages), unpacked)


@dataclass
class OpenedStore:
    pages: OfflineFetcher
    unpacked: list[Path]  # WACZ packages copied out, removed when the store is closed

    def close(self) -> None:
        for folder in self.unpacked:
            shutil.rmtree(folder, ignore_errors=True)


_open: OrderedDict[PageStore, OpenedStore] = OrderedDict()  # forked workers inherit the parent's
_open_lock = threading.Lock()  # a Dask worker runs batches in threads


def opened(store: PageStore) -> OfflineFetcher:
    """The store's pages, opened once per process (a WARC index is built once, a WACZ unpacked once)."""
    with _open_lock:
        if store in _open:
            _open.move_to_end(store)
            return _open[store].pages
        _open[store] = store.open()
        while len(_open) > OPEN_STORES:
            _open.popitem(last=False)[1].close()
        return _open[store].pages


def close_store(store: PageStore) -> None:
    with _open_lock:
        found = _open.pop(store, None)
    if found is not None:
        found.close()


@atexit.register
def _close_stores() -> None:
    while _open:
        _open.popitem()[1].close()


def read_batch(store: PageStore, batch: Batch) -> list[Outcome]:
    """In a worker: read a batch of article pages from the site's store."""
    pages = opened(store)
    return [read_stored(job, fetch, pages) for job, fetch in batch]


class LocalReading:
    """Batches read by processes forked from this one: they inherit the stores it opened."""

    def __init__(self, workers: int):
        self.workers = workers
        self.description = f"{workers} local process{'es' if workers != 1 else ''}"
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, store: PageStore, batch: Batch) -> Future:
        if self.pool is None:  # forked at the first batch, once the walk has opened the store
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self.pool.submit(read_batch, store, batch)

    def result(self, future: Future) -> list[Outcome]:
        return future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class ClusterReading:
    """Batches read by the workers of a Dask cluster; a batch on a worker that dies is read again elsewhere."""

    def __init__(self, client, description: str):
        self.client = client
        self.description = description
        self.workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        self.run = uuid.uuid4().hex[:12]
        self.sent = 0

    def submit(self, store: PageStore, batch: Batch):
        self.sent += 1
        # pure=False: a batch is read once, however many batches look alike; retries=0: only a worker's
        # death sends a batch elsewhere (a batch that raises would raise again).
        return self.client.submit(read_batch, store, batch, key=f"reparse-{self.run}-{self.sent}", pure=False,
                                  retries=0)

    def result(self, future) -> list[Outcome]:
        from distributed import KilledWorker

        try:
            outcomes = future.result()
        except KilledWorker as error:
            raise ReparseError(f"a batch of article pages was on workers that died {error.allowed_failures + 1} "
                               "times (KilledWorker): see the workers' logs") from None
        except ReparseError:
            raise
        except (OSError, TimeoutError) as error:
            raise ReparseError(f"lost the cluster {self.description}: {error}") from None
        except Exception as error:
            raise ReparseError(f"a batch of article pages failed on the cluster: {type(error).__name__}: "
                               f"{error}") from None
        future.release()
        return outcomes

    def close(self) -> None:
        pass  # the client is the command's
