"""Helpers for the harvest's tests: a real Dask cluster of separate processes, timed servers, sites files.

``DaskCluster`` starts ``dask scheduler`` and ``dask worker`` as a user would, each in
a process group of its own on 127.0.0.1 (ports chosen by the system), so a test may
kill a worker's whole group or its worker process alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from tests.crawl import PROJECT_ROOT, environment
from tests.replica import ReplicaServer
from tests.wpsite import WpServer

# A lock held by a worker that died is given back after this long (30 s by default).
CLUSTER_CONFIG = {"DASK_DISTRIBUTED__SCHEDULER__LOCKS__LEASE_TIMEOUT": "3s",
                  "DASK_DISTRIBUTED__SCHEDULER__LOCKS__LEASE_VALIDATION_INTERVAL": "500ms"}
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}
DASK = str(Path(sys.executable).with_name("dask"))


def cluster_environment() -> dict:
    return {**environment(), **CLUSTER_CONFIG}


class DaskCluster:
    """A scheduler and workers, each ``dask`` command a process group of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def start(self, workers: int = 2) -> DaskCluster:
        self.scheduler = self.launch([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file",
                                      str(self.scheduler_file), "--dashboard-address", ":0"], "scheduler")
        for _ in range(workers):
            self.add_worker()
        self.wait_for_workers(workers)
        return self

    def launch(self, command: list[str], name: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        return subprocess.Popen(command, cwd=self.folder, env=cluster_environment(), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def add_worker(self) -> subprocess.Popen:
        deadline = time.monotonic() + 30
        while not self.scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = self.launch([DASK, "worker", "--scheduler-file", str(self.scheduler_file), "--nworkers", "1",
                              "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                             f"worker-{len(self.workers)}")
        self.workers.append(worker)
        return worker

    def address(self) -> str:
        return json.loads(self.scheduler_file.read_text())["address"]

    def worker_count(self) -> int:
        from distributed import Client

        with Client(scheduler_file=str(self.scheduler_file), timeout="20s") as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])

    def wait_for_workers(self, count: int, timeout: float = 60) -> None:
        from distributed import Client

        with Client(scheduler_file=str(self.scheduler_file), timeout="30s") as client:
            client.wait_for_workers(count, timeout=timeout)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def crawls_writing_into(folder: Path) -> list[psutil.Process]:
    """The ``scrapy crawl`` processes alive (not zombies) that write into the folder."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        command = process.info["cmdline"] or []
        if process.info["status"] != psutil.STATUS_ZOMBIE and "crawl" in command and \
                any(part.startswith(f"ARCHIVE_OUTPUT={folder}/") for part in command):
            found.append(process)
    return found


def wait_for_crawl(output: Path, lines: int, harvest: subprocess.Popen, timeout: float = 60) -> psutil.Process:
    """The crawl writing ``output``, once ``output`` holds at least ``lines`` lines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert harvest.poll() is None, "the harvest ended before the crawl got that far"
        written = output.read_bytes().count(b"\n") if output.exists() else 0
        crawls = [process for process in crawls_writing_into(output.parent)
                  if f"ARCHIVE_OUTPUT={output}" in process.info["cmdline"]]
        if written >= lines and crawls:
            return crawls[0]
        time.sleep(0.02)
    raise AssertionError(f"{output} did not reach {lines} lines in {timeout} s")


def gone(process: psutil.Process, timeout: float = 10) -> bool:
    """Whether the process ended (or is a zombie left to its new parent) within the time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def harvest_command(sites_file: Path, folder: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "harvest", str(sites_file), "--folder", str(folder), *options]


def run_harvest(sites_file: Path, folder: Path, *options: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(harvest_command(sites_file, folder, *options), cwd=PROJECT_ROOT, env=cluster_environment(),
                          capture_output=True, text=True, timeout=timeout)


def start_harvest(sites_file: Path, folder: Path, *options: str, environment: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(harvest_command(sites_file, folder, *options), cwd=PROJECT_ROOT,
                            env={**cluster_environment(), **(environment or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    return json.dumps(str(value))


def write_sites_file(path: Path, sites: list[dict], defaults: dict | None = None) -> Path:
    """A sites file with these ``[[site]]`` tables (and ``[defaults]``)."""
    lines = []
    if defaults:
        lines += ["[defaults]", *(f"{key} = {toml_value(value)}" for key, value in defaults.items()), ""]
    for site in sites:
        lines += ["[[site]]", *(f"{key} = {toml_value(value)}" for key, value in site.items()), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class TimedRequests:
    """Arrival times of the requests a server answers, in seconds of ``time.monotonic``."""

    def __init__(self):
        self.times: list[float] = []
        self.lock = threading.Lock()

    def note(self) -> None:
        with self.lock:
            self.times.append(time.monotonic())


class TimedReplicaServer(ReplicaServer):
    """The archive's replica, noting when each request arrives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timed = TimedRequests()

    def handle(self, target):
        self.timed.note()
        return super().handle(target)


class TimedWpServer(WpServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timed = TimedRequests()

    def answer(self, target):
        self.timed.note()
        return super().answer(target)


def records_without_crawl_time(output: Path) -> list[dict]:
    """The records of an output, each without the time it was read, sorted by URL."""
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record.pop("crawled_at", None)
    return sorted(records, key=lambda record: record["url"])


def by_story(records: list[dict], expected: list[dict], copied: set[int]) -> list[tuple[int, str, dict | None]]:
    """Records as (story, URL, record) sorted by story, to compare two harvests of one replica.

    A story the replica serves more than once (``copied``: a copy under another
    category, a second post of the same story) is compared by which story it is alone:
    the copy a crawl meets first, and so writes, changes from run to run. A record of
    no expected story keeps its URL.
    """
    story_of = {url: index for index, story in enumerate(expected) for url in story["accepted_urls"]}
    keyed = []
    for record in records:
        index = story_of.get(record["url"], -1)
        keyed.append((index, "" if index >= 0 else record["url"], None if index in copied else record))
    return sorted(keyed, key=lambda item: (item[0], item[1]))
