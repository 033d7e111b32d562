"""Benchmark: twenty small sites that answer slowly, harvested all at once on this machine.

    python benchmarks/harvest.py [--sites 20] [--latency 0.15] [--limit-gib 2.5]

Each site is a replica of the archive (10 to 29 stories) on a loopback address of its
own (127.0.1.1, 127.0.1.2, ...), answering every request after ``--latency`` seconds:
the harvest waits on the network, as a real one does. It measures

- the summed PSS (proportional set size, from /proc/PID/smaps_rollup) of every process
  of the harvest (the command, its local cluster's worker, every crawl), sampled every
  half second, at its peak;
- the harvest's wall time, against the wall time of the slowest site (the largest)
  crawled alone with ``scrapy crawl archive``.

It exits 1 when the peak is above ``--limit-gib``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SITE_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
                 "LOG_LEVEL": "INFO"}


def serve(count: int, latency: float) -> None:
    """Serve ``count`` slow replicas; print their base URLs on one line, then serve until stdin closes."""
    sys.path.insert(0, str(ROOT))
    from tests.replica import ReplicaServer, build_site

    class SlowReplica(ReplicaServer):
        def handle(self, target):
            time.sleep(latency)
            return super().handle(target)

    servers = [SlowReplica(build_site(n_stories=10 + number, seed=100 + number), host=f"127.0.1.{number + 1}").start()
               for number in range(count)]
    print(" ".join(server.base_url for server in servers), flush=True)
    sys.stdin.read()
    for server in servers:
        server.stop()


def pss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class PssSampler(threading.Thread):
    """The peak of the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak, self.peak_processes = 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                root = psutil.Process(self.pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = sum(pss_bytes(process.pid) for process in processes)
            if total > self.peak:
                self.peak, self.peak_processes = total, len(processes)
            self.done.wait(self.interval)


def environment() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


def write_sites_file(path: Path, urls: list[str]) -> None:
    settings = ", ".join(f"{name} = {json.dumps(value)}" for name, value in SITE_SETTINGS.items())
    lines = ["[defaults]", f"settings = {{ {settings} }}", ""]
    for number, url in enumerate(urls):
        lines += ["[[site]]", f'name = "site-{number + 1:02d}"', 'profile = "aawsat"', f'base_url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds before each answer (0.15)")
    parser.add_argument("--limit-gib", type=float, default=2.5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.sites, options.latency)
        return 0
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--sites", str(options.sites), "--latency",
                               str(options.latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        urls = server.stdout.readline().split()
        if len(urls) != options.sites:
            raise RuntimeError("the replicas did not start")
        with tempfile.TemporaryDirectory(prefix="harvest-benchmark-") as work:
            folder = Path(work)
            write_sites_file(folder / "sites.toml", urls)
            started = time.perf_counter()
            harvest = subprocess.Popen([sys.executable, "-m", "scrapy", "harvest", str(folder / "sites.toml"),
                                        "--folder", str(folder / "harvest"), "--sites-at-once", str(options.sites)],
                                       cwd=ROOT, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)
            sampler = PssSampler(harvest.pid)
            sampler.start()
            output, _ = harvest.communicate()
            harvest_seconds = time.perf_counter() - started
            sampler.done.set()
            sampler.join()
            if harvest.returncode != 0:
                raise RuntimeError(f"the harvest failed ({harvest.returncode}):\n{output[-3000:]}")
            record = json.loads((folder / "harvest" / "harvest.json").read_text(encoding="utf-8"))
            stories = sum(site["stories_written"] or 0 for site in record["sites"])
            slowest_in_harvest = max(site["crawl_seconds"] for site in record["sites"])
            command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={urls[-1]}",
                       "-s", f"ARCHIVE_OUTPUT={folder / 'alone.jsonl'}", "-s", f"ARCHIVE_STATE={folder / 'alone.db'}",
                       "-s", f"HTTPCACHE_DIR={folder / 'alone-cache'}", "-s", f"LOG_FILE={folder / 'alone.log'}",
                       *[part for name, value in SITE_SETTINGS.items() for part in ("-s", f"{name}={value}")]]
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=environment(), check=True)
            alone_seconds = time.perf_counter() - started
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)
    peak_gib = sampler.peak / 1024 ** 3
    print(f"sites harvested at once           {options.sites} ({stories} stories, {options.latency} s per answer)")
    print(f"peak summed PSS                   {peak_gib:.2f} GiB over {sampler.peak_processes} processes "
          f"(limit {options.limit_gib} GiB)")
    print(f"harvest wall time                 {harvest_seconds:.1f} s")
    print(f"slowest site alone                {alone_seconds:.1f} s (its crawl in the harvest: "
          f"{slowest_in_harvest:.1f} s)")
    print(f"harvest / slowest site alone      {harvest_seconds / alone_seconds:.2f}")
    return 0 if peak_gib <= options.limit_gib else 1


if __name__ == "__main__":
    sys.exit(main())
