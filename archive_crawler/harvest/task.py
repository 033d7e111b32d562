"""One site's task on a Dask worker: wait for its turn, run its crawl in a process of its own, say how it ended.

Twisted's reactor does not restart in a process, so every crawl is a ``scrapy crawl
archive`` process of its own. It dies with the worker that started it: it has its
own process group (a signal to the worker's group does not reach it, and Ctrl-C on
a terminal neither) and asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``). The scheduler then runs the task again on another
worker, and the crawl resumes from its state: the crawl is crash-safe, nothing is
lost or written twice.

Before the crawl starts the task holds, through the scheduler, a lock for each host
the crawl reads from (two sites on one host never double its rate) and then a lease
of the harvest's semaphore (at most ``--sites-at-once`` crawls on the whole cluster).
A crawl that finds its state locked (the run before it, on a worker that died, may
still hold it on a network filesystem) is started again for up to a minute.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archive_crawler.harvest.crawl import (
    EXIT_FAILED,
    EXIT_FINISHED,
    EXIT_INTERRUPTED,
    LOCKED_STATE,
    SitePaths,
    crawl_command,
    crawl_environment,
)
from archive_crawler.harvest.mounts import journal_mode
from archive_crawler.harvest.version import describe, project_fingerprint, same_project

LOCK_WAIT = 60.0  # seconds a task waits for a state another crawl holds
POLL = 0.5  # seconds between looks at the crawl and at the harvest's stop signals
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
NOT_STARTED = "not_started"  # the finish reason of a site whose crawl never started (the harvest was stopped)

_prctl: Callable[..., int] | None
try:  # looked up before any fork: the child of a threaded process must not load libraries
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (AttributeError, OSError):  # not Linux
    _prctl = None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SiteJob:
    """What a worker needs to harvest one site."""

    name: str
    arguments: dict[str, str]
    settings: dict[str, str]
    hosts: tuple[str, ...]
    folder: str  # absolute, and the same on every worker
    harvest: str  # the harvest's id: names its semaphore and stop signals
    at_once: int
    fingerprint: dict[str, str | None]  # the project's, where the harvest was started
    lock_wait: float = LOCK_WAIT

    @property
    def paths(self) -> SitePaths:
        return SitePaths(Path(self.folder), self.name)


@dataclass
class SiteOutcome:
    """How one site's task ended: a row of ``harvest.json``."""

    name: str
    finish_reason: str | None = None  # the crawl's (its summary's), or not_started
    stories_written: int | None = None
    archive_complete: bool | None = None
    door_used: str | None = None
    exit_status: int | None = None  # the crawl's; None when it never ran or was killed
    error: str | None = None  # why the site could not run, one line
    worker: str | None = None
    started: str | None = None  # the task started (UTC)
    crawl_started: str | None = None
    finished: str | None = None
    waited_seconds: float = 0.0  # for its host, the harvest's semaphore and a locked state
    crawl_seconds: float | None = None
    lock_retries: int = 0
    signals_sent: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def harvest_names(harvest: str) -> dict[str, str]:
    """The names of the cluster-wide objects of one harvest."""
    return {"semaphore": f"archive-harvest-{harvest}-sites", "stop": f"archive-harvest-{harvest}-stop",
            "force": f"archive-harvest-{harvest}-force"}


def host_lock_name(host: str) -> str:
    """The lock of one host, shared by every harvest on the cluster."""
    return f"archive-crawler-host-{host}"


def harvest_site(job: SiteJob) -> dict:
    """The Dask task of one site: the row of ``harvest.json`` it ends with."""
    from distributed import Event, Lock, Semaphore, get_worker

    outcome = SiteOutcome(job.name, started=now(), worker=f"{socket.gethostname()} {get_worker().address}")
    mine = project_fingerprint()
    if not same_project(mine, job.fingerprint):
        outcome.error = (f"this worker runs another version of the project ({describe(mine)}; the harvest was "
                         f"started with {describe(job.fingerprint)})")
        outcome.finished = now()
        return outcome.as_dict()
    names = harvest_names(job.harvest)
    stop, force = Event(names["stop"]), Event(names["force"])

    def stop_level() -> int:
        return 2 if force.is_set() else 1 if stop.is_set() else 0

    waiting = time.monotonic()
    held: list = []
    try:
        for host in job.hosts:  # sorted: two tasks never wait on each other's host
            lock = Lock(host_lock_name(host))
            if not wait_for(lock, stop_level):
                return stopped_before_start(outcome).as_dict()
            held.append(lock)
        semaphore = Semaphore(max_leases=job.at_once, name=names["semaphore"])
        if not wait_for(semaphore, stop_level):
            return stopped_before_start(outcome).as_dict()
        held.append(semaphore)
        outcome.waited_seconds = round(time.monotonic() - waiting, 3)
        run_site_crawl(job, outcome, stop_level)
    finally:
        for lock in reversed(held):
            try:
                lock.release()
            except Exception:  # a lease the scheduler already dropped
                pass
    return outcome.as_dict()


def wait_for(lock, stop_level: Callable[[], int]) -> bool:
    """Acquire a Dask lock or semaphore, looking at the stop signal every second; False once the harvest stops."""
    while not stop_level():
        if lock.acquire(timeout=1):
            return True
    return False


def stopped_before_start(outcome: SiteOutcome) -> SiteOutcome:
    outcome.finish_reason = NOT_STARTED
    outcome.finished = now()
    return outcome


def die_with_parent(parent: int) -> Callable[[], None]:
    """What the crawl's process runs before the crawl: SIGKILL when its parent dies, Ctrl-C as Python's default."""
    def prepare() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a worker may ignore it; the crawl must not
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    return prepare


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns


def run_site_crawl(job: SiteJob, outcome: SiteOutcome, stop_level: Callable[[], int],
                   sleep: Callable[[float], None] = time.sleep) -> SiteOutcome:
    """Run the site's crawl to its end (again, while its state is locked, for up to ``job.lock_wait`` seconds)."""
    paths = job.paths
    paths.folder.mkdir(parents=True, exist_ok=True)
    command = crawl_command(job.arguments, job.settings, paths, journal_mode(paths.folder))
    env, cwd = crawl_environment()
    summary_before = file_identity(paths.summary)
    locked_since: float | None = None
    while True:
        if stop_level():
            return stopped_before_start(outcome)
        outcome.crawl_started = outcome.crawl_started or now()
        started = time.monotonic()
        status, printed = run_process(command, env, cwd, stop_level, outcome)
        outcome.crawl_seconds = round(time.monotonic() - started, 3)
        append_to_log(paths.log, printed)
        if status == EXIT_FAILED and LOCKED_STATE in printed:
            locked_since = locked_since if locked_since is not None else started
            if time.monotonic() - locked_since < job.lock_wait:
                outcome.lock_retries += 1
                sleep(2.0)
                continue
        break
    outcome.finished = now()
    outcome.exit_status = status if status >= 0 else None
    if locked_since is not None:
        outcome.waited_seconds = round(outcome.waited_seconds + started - locked_since, 3)
    if file_identity(paths.summary) != summary_before:  # this run's summary, not an earlier run's
        read_summary(paths.summary, outcome)
    if status < 0:
        outcome.error = f"the crawl was killed by {signal.Signals(-status).name}"
    elif status not in (EXIT_FINISHED, EXIT_INTERRUPTED):
        outcome.error = last_line(printed) or f"the crawl ended with exit status {status}; see {paths.log}"
    return outcome


def run_process(command: list[str], env: dict[str, str], cwd: Path | None, stop_level: Callable[[], int],
                outcome: SiteOutcome) -> tuple[int, str]:
    """Run one crawl; forward the harvest's stop signals to it as Ctrl-C (twice: at once). Its status and output."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, process_group=0, preexec_fn=die_with_parent(os.getpid()))
    interrupts = 0
    chunks: list[bytes] = []
    while True:
        try:
            output, _ = process.communicate(timeout=POLL)
            chunks.append(output or b"")
            break
        except subprocess.TimeoutExpired:
            pass
        level = stop_level()
        while interrupts < level:
            interrupts += 1
            outcome.signals_sent.append("SIGINT")
            try:
                process.send_signal(signal.SIGINT)
            except ProcessLookupError:
                pass
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


def append_to_log(log: Path, printed: str) -> None:
    """What the crawl printed (its log goes to its log file) is added to that file, for the record."""
    if not printed.strip():
        return
    try:
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{now()} [harvest] the crawl printed:\n{printed.rstrip()}\n")
    except OSError:
        pass


def last_line(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    line = lines[-1]
    return line[len("Error: "):] if line.startswith("Error: ") else line


def read_summary(path: Path, outcome: SiteOutcome) -> None:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    outcome.finish_reason = summary.get("finish_reason")
    outcome.stories_written = summary.get("stories_written")
    outcome.archive_complete = summary.get("archive_complete")
    outcome.door_used = summary.get("door_used")
