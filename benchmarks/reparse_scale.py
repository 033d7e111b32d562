"""Benchmark: ``scrapy reparse HARVEST_DIR``, in records per second, with 1 and 2 workers.

    python benchmarks/reparse_scale.py [--stories 3000] [--sites 2] [--rounds 1] [--keep DIR]

It harvests ``--sites`` replicas of the archive (``--stories`` in all, each site served by
``benchmarks/serve.py`` with every page rendered up front) with ``scrapy harvest``, then times
``scrapy reparse`` of the harvest folder:

- on this machine, with ``--workers 1`` and ``--workers 2`` (forked processes);
- on Dask clusters started for the purpose (``dask scheduler`` and ``dask worker`` processes,
  one thread each), one of 1 worker and one of 2.

``--rounds`` runs every way that many times, alternating, and the best run of each is shown.

Each run's wall time is the whole command's (start-up included); records per second are the
stories written over it. Every run must write the same lines (checked). A larger machine's
figure is an estimate only, printed as such: with the cluster of one worker, the command's own
CPU time ``C`` (start-up, the walk, sending batches, writing; the workers are not its children)
and the CPU time the article pages took to read ``A`` (summed from the summaries) are measured,
and ``N`` workers on idle cores are taken to need ``C + A / N`` seconds (the reading is not
assumed to overlap the walk: an upper bound). CPU time is far less disturbed by a busy machine
than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harvestkit import DaskCluster, cluster_environment  # noqa: E402

SITE_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                 "LOG_LEVEL": "WARNING"}
ESTIMATED_WORKERS = (8, 32)


def serve(stories: int, seed: int) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "serve.py"), "--stories", str(stories),
                               "--seed", str(seed)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline().split()
    if not line or line[0] != "READY":
        server.kill()
        raise SystemExit(f"the replica did not start: {line}")
    return server, line[1]


def harvest(folder: Path, stories: int, sites: int) -> float:
    """Harvest the replicas into ``folder``; the harvest's wall time."""
    servers = [serve(stories // sites + (1 if number < stories % sites else 0), seed=40 + number)
               for number in range(sites)]
    try:
        settings = ", ".join(f"{name} = {json.dumps(value)}" for name, value in SITE_SETTINGS.items())
        lines = ["[defaults]", f"settings = {{ {settings} }}", ""]
        for number, (_, url) in enumerate(servers):
            lines += ["[[site]]", f'name = "site-{number + 1}"', 'profile = "aawsat"', f'base_url = "{url}"', ""]
        sites_file = folder.parent / "sites.toml"
        sites_file.write_text("\n".join(lines), encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "scrapy", "harvest", str(sites_file), "--folder", str(folder)],
                              cwd=ROOT, env=cluster_environment(), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the harvest failed: {done.stderr[-2000:]}")
        return time.monotonic() - started
    finally:
        for server, _ in servers:
            server.kill()
            server.wait()


@dataclass(frozen=True)
class Run:
    """One re-parse: wall seconds, CPU seconds of the command and the processes it reaped, the article pages' CPU
    seconds (from the summaries), each site's lines."""

    wall: float
    command_cpu: float
    article_cpu: float
    lines: dict[str, list[str]]


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reparse(folder: Path, output: Path, *options: str) -> Run:
    """One re-parse of the harvest folder."""
    if output.exists():
        shutil.rmtree(output)
    started, cpu = time.monotonic(), cpu_of_children()
    done = subprocess.run([sys.executable, "-m", "scrapy", "reparse", str(folder), "--output", str(output), *options,
                           "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, env=cluster_environment(), capture_output=True,
                          text=True)
    wall, cpu = time.monotonic() - started, cpu_of_children() - cpu
    if done.returncode != 0:
        raise SystemExit(f"scrapy reparse {' '.join(options)} failed: {done.stderr[-2000:]}")
    summaries = [json.loads(path.read_text(encoding="utf-8")) for path in output.glob("*.reparsed.summary.json")]
    return Run(wall, cpu, sum(summary["article_cpu_seconds"] for summary in summaries),
               {path.name: path.read_text(encoding="utf-8").splitlines()
                for path in sorted(output.glob("*.reparsed.jsonl"))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=3000, help="stories in all the sites")
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each way, alternating (the best is shown)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    options = parser.parse_args()
    work = Path(options.keep or tempfile.mkdtemp(prefix="reparse-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "harvest"
    try:
        if not (folder / "harvest.json").is_file():
            print(f"Harvesting {options.stories} stories on {options.sites} sites ...", flush=True)
            print(f"  harvest: {harvest(folder, options.stories, options.sites):.1f} s", flush=True)
        runs: dict[str, list[Run]] = {}
        clusters = [DaskCluster(work / name) for name in ("cluster-1", "cluster-2")]
        try:
            for workers, cluster in enumerate(clusters, 1):
                cluster.folder.mkdir(exist_ok=True)
                cluster.start(workers=workers)
            ways = {"this machine, 1 worker": ["--workers", "1"], "this machine, 2 workers": ["--workers", "2"],
                    **{f"Dask cluster, {workers} worker{'s' if workers > 1 else ''}":
                       ["--scheduler-file", str(cluster.scheduler_file)]
                       for workers, cluster in enumerate(clusters, 1)}}
            for round_number in range(options.rounds):  # the ways alternate: the machine's drift hits all alike
                for name, arguments in ways.items():
                    run = reparse(folder, work / "out", *arguments)
                    runs.setdefault(name, []).append(run)
                    print(f"  round {round_number + 1}, {name}: {run.wall:.1f} s", flush=True)
        finally:
            for cluster in clusters:
                cluster.stop()
        first = runs["this machine, 1 worker"][0].lines
        identical = all(run.lines == first for each in runs.values() for run in each)
        records = sum(len(lines) for lines in first.values())
        report(options, runs, records, identical)
        if not identical:
            raise SystemExit("the runs wrote different lines")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(options, runs: dict[str, list[Run]], records: int, identical: bool) -> None:
    print()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"{records} records from {options.sites} sites; every run wrote the same lines: "
          f"{'yes' if identical else 'NO'}")
    print()
    print("| scrapy reparse HARVEST_DIR | wall time (s, best) | records per second |")
    print("|---|---|---|")
    for name, each in runs.items():
        wall = min(run.wall for run in each)
        print(f"| {name} | {wall:.1f} | {records / wall:.0f} |")
    single = min(runs["Dask cluster, 1 worker"], key=lambda run: run.wall)
    command, articles = single.command_cpu, single.article_cpu
    for workers in ESTIMATED_WORKERS:
        wall = command + articles / workers
        print(f"| ESTIMATE (not measured): Dask cluster, {workers} workers on idle cores | {wall:.1f} | "
              f"{records / wall:.0f} |")
    print()
    print(f"Estimate from the cluster run with 1 worker: the command's own CPU time C = {command:.1f} s, the article "
          f"pages' CPU time A = {articles:.1f} s; N workers: C + A / N seconds.")


if __name__ == "__main__":
    main()
