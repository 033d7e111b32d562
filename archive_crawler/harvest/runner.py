"""A harvest: one Dask task per site, their ends collected into ``harvest.json``.

The harvest submits as many sites as the cluster has threads, the first site of each
host first (sites that share a host do not fill the workers waiting on each other),
and another each time one ends. Each site's row in ``harvest.json`` is written as soon as its task ends. A
task whose crawls kept killing the workers they ran on (``KilledWorker``) is a site
that could not run; the others go on.

Ctrl-C sets the harvest's stop signal: every running crawl gets SIGINT and stops as
``scrapy crawl`` does (summary written, the next run resumes), tasks not started yet
do not start. A second Ctrl-C sends a second SIGINT (Scrapy then stops at once).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from archive_crawler.harvest.cluster import Cluster, check_workers
from archive_crawler.harvest.sites import Site, SitesFile
from archive_crawler.harvest.task import NOT_STARTED, SiteJob, SiteOutcome, harvest_names, harvest_site, now
from archive_crawler.harvest.version import project_fingerprint

EXIT_DONE = 0
EXIT_SITE_FAILED = 1
EXIT_BAD_SITES_FILE = 2
EXIT_INTERRUPTED = 3
RECORD = "harvest.json"
DEFAULT_AT_ONCE = 8  # sites at once on a local cluster, at most


def submission_order(sites: tuple[Site, ...]) -> list[tuple[int, Site]]:
    """(priority, site) pairs: a site's priority falls with the sites sharing a host before it in the file.

    >>> from archive_crawler.harvest.sites import Site
    >>> sites = tuple(Site(name, {}, {}, (host,)) for name, host in (("a", "x"), ("b", "x"), ("c", "y")))
    >>> [(priority, site.name) for priority, site in submission_order(sites)]
    [(0, 'a'), (-1, 'b'), (0, 'c')]
    """
    before: Counter[str] = Counter()
    order = []
    for site in sites:
        order.append((-max((before[host] for host in site.hosts), default=0), site))
        before.update(site.hosts)
    return order


def site_failure(outcome: dict) -> str | None:
    """Why a site could not run, or None when its crawl ran (to its end, or until stopped)."""
    if outcome.get("error"):
        return outcome["error"]
    if outcome.get("finish_reason") == NOT_STARTED:
        return None
    if outcome.get("exit_status") is None:
        return "its crawl did not end"
    return None


def outcome_of_failed_task(name: str, error: BaseException) -> dict:
    """The row of a site whose task raised: KilledWorker when its crawls kept killing their workers."""
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        message = (f"its task was on workers that died {error.allowed_failures + 1} times (KilledWorker): "
                   "the site's crawl may take more memory than a worker has")
    else:
        message = f"its task failed: {type(error).__name__}: {error}"
    return SiteOutcome(name, error=message, finished=now()).as_dict()


def cluster_threads(client) -> int:
    """The threads of the cluster's workers: a site's task holds one for its whole crawl.

    The harvest submits no more tasks than that, so no task waits on a worker behind
    another one's crawl, to die with that worker should the crawl kill it.
    """
    workers = client.scheduler_info(n_workers=-1).get("workers", {}).values()
    return max(sum(worker.get("nthreads", 0) for worker in workers), 1)


class Interrupts:
    """Ctrl-C (and SIGTERM) counted, instead of raised: the harvest stops in order."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Event()
        self.previous: dict[int, object] = {}

    def __enter__(self) -> Interrupts:
        for number in (signal.SIGINT, signal.SIGTERM):
            self.previous[number] = signal.signal(number, self.handle)
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]

    def handle(self, number, frame) -> None:
        self.count += 1
        self.changed.set()


class Harvest:
    """Harvest the sites of a sites file into a folder, on a cluster."""

    def __init__(self, sites_file: SitesFile, folder: Path, at_once: int, say: Callable[[str], None] = print,
                 warn: Callable[[str], None] = print, lock_wait: float | None = None):
        self.sites_file = sites_file
        self.folder = folder
        self.at_once = at_once
        self.say = say
        self.warn = warn
        self.lock_wait = lock_wait
        self.id = uuid.uuid4().hex[:12]
        self.outcomes: dict[str, dict] = {site.name: SiteOutcome(site.name).as_dict() for site in sites_file.sites}
        self.started = now()
        self.clock = time.monotonic()
        self.interrupted = False
        self.cluster_description = ""

    def jobs(self) -> list[tuple[int, SiteJob]]:
        fingerprint = project_fingerprint()
        extra = {} if self.lock_wait is None else {"lock_wait": self.lock_wait}
        return [(priority, SiteJob(site.name, site.arguments, site.settings, site.hosts, str(self.folder), self.id,
                                   self.at_once, fingerprint, **extra))
                for priority, site in submission_order(self.sites_file.sites)]

    def run(self, cluster: Cluster) -> int:
        """Harvest every site; the exit status."""
        from distributed import Event

        client = cluster.client
        self.cluster_description = cluster.description
        self.folder.mkdir(parents=True, exist_ok=True)
        workers = check_workers(client, lambda: self.say("No worker has joined the cluster yet: waiting for one."))
        self.say(f"Harvesting {len(self.outcomes)} sites into {self.folder} on {cluster.description} "
                 f"({workers} worker{'s' if workers != 1 else ''}, {self.at_once} sites at once at most).")
        names = harvest_names(self.id)
        stop = Event(names["stop"], client=client)
        force = Event(names["force"], client=client)
        self.write_record()
        with Interrupts() as interrupts:
            waiting = sorted(self.jobs(), key=lambda item: -item[0])  # stable: the file's order within a priority
            pending: dict = {}
            signalled = 0
            while pending or waiting:
                if waiting and not self.interrupted:
                    room = cluster_threads(client) - len(pending)
                    for priority, job in waiting[:max(room, 0)]:
                        future = client.submit(harvest_site, job, key=f"harvest-{self.id}-{job.name}",
                                               priority=priority, pure=False, retries=0)
                        pending[future] = job.name
                    waiting = waiting[max(room, 0):]
                elif waiting:  # stopped: the sites not submitted yet are not started
                    for _, job in waiting:
                        self.outcomes[job.name] = SiteOutcome(job.name, finish_reason=NOT_STARTED,
                                                              finished=now()).as_dict()
                    waiting = []
                    self.write_record()
                interrupts.changed.wait(0.2)
                interrupts.changed.clear()
                if interrupts.count > signalled:
                    signalled = interrupts.count
                    self.interrupted = True
                    if signalled == 1:
                        self.say("Stopping: every crawl is told to stop and write its summary "
                                 "(Ctrl-C again to stop them at once).")
                        stop.set()
                    else:
                        force.set()
                for future in [future for future in pending if future.done()]:
                    name = pending.pop(future)
                    self.site_ended(name, future)
        self.write_record()
        return self.exit_status()

    def site_ended(self, name: str, future) -> None:
        try:
            outcome = future.result()
        except Exception as error:
            outcome = outcome_of_failed_task(name, error)
        self.outcomes[name] = outcome
        self.write_record()
        failure = site_failure(outcome)
        if failure:
            self.warn(f"Error: site {name} could not run: {failure}")
        elif outcome["finish_reason"] == NOT_STARTED:
            self.say(f"Site {name}: not started (the harvest was stopped).")
        else:
            complete = "archive complete" if outcome.get("archive_complete") else "archive not complete"
            self.say(f"Site {name}: {outcome.get('finish_reason')}, {outcome.get('stories_written')} new stories, "
                     f"{complete} ({outcome.get('crawl_seconds')} s).")

    def exit_status(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if any(site_failure(outcome) for outcome in self.outcomes.values()):
            return EXIT_SITE_FAILED
        return EXIT_DONE

    def record(self) -> dict:
        sites = {site.name: site for site in self.sites_file.sites}
        finished = all(outcome.get("finished") for outcome in self.outcomes.values())
        return {
            "sites_file": str(self.sites_file.path.resolve()),
            "folder": str(self.folder),
            "cluster": self.cluster_description,
            "project": project_fingerprint(),
            "started": self.started,
            "finished": now() if finished else None,
            "seconds": round(time.monotonic() - self.clock, 3),
            "sites_at_once": self.at_once,
            "interrupted": self.interrupted,
            "exit_status": self.exit_status() if finished else None,
            # Each site's arguments and settings as its crawl ran with them: what ``scrapy reparse DIR`` needs.
            "sites": [{**outcome, "failure": site_failure(outcome) if outcome.get("finished") else None,
                       "arguments": sites[name].arguments, "settings": sites[name].settings}
                      for name, outcome in self.outcomes.items()],
        }

    def write_record(self) -> None:
        path = self.folder / RECORD
        temporary = path.with_name(f".{RECORD}.tmp")
        try:
            temporary.write_text(json.dumps(self.record(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            self.warn(f"Error: cannot write {path}: {error.strerror or error}")
