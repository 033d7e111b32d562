"""Benchmark: ``scrapy reparse HARVEST_DIR``, in records per second, with 1 and 2 workers.

    python benchmarks/reparse_scale.py [--stories 3000] [--sites 2] [--rounds 1] [--keep DIR]

It harvests ``--sites`` replicas of the archive (``--stories`` in all, each site served by
``benchmarks/serve.py`` with every page rendered up front) with ``scrapy harvest``, then times
``scrapy reparse`` of the harvest folder:

- on this machine, with ``--workers 1`` and ``--workers 2`` (forked processes);
- on a Dask cluster started for the purpose (``dask scheduler`` and ``dask worker`` processes,
  one thread each), with 1 worker, then 2.

Each run's wall time is the whole command's (start-up included); records per second are the
stories written over it. Every run must write the same lines (checked). A larger machine's
figure is an estimate only, from Amdahl's law fitted to the cluster's two measured points
(the walk in the command's process is the serial part), and is printed as such.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
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


def reparse(folder: Path, output: Path, *options: str) -> tuple[float, dict[str, list[str]]]:
    """One re-parse of the harvest folder: its wall time, and each site's lines."""
    if output.exists():
        shutil.rmtree(output)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "scrapy", "reparse", str(folder), "--output", str(output), *options,
                           "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, env=cluster_environment(), capture_output=True,
                          text=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"scrapy reparse {' '.join(options)} failed: {done.stderr[-2000:]}")
    return wall, {path.name: path.read_text(encoding="utf-8").splitlines()
                  for path in sorted(output.glob("*.reparsed.jsonl"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=3000, help="stories in all the sites")
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each way (the best is shown)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    options = parser.parse_args()
    work = Path(options.keep or tempfile.mkdtemp(prefix="reparse-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "harvest"
    try:
        if not (folder / "harvest.json").is_file():
            print(f"Harvesting {options.stories} stories on {options.sites} sites ...", flush=True)
            print(f"  harvest: {harvest(folder, options.stories, options.sites):.1f} s", flush=True)
        runs: dict[str, list[float]] = {}
        outputs: dict[str, dict[str, list[str]]] = {}

        def measure(name: str, *arguments: str) -> None:
            for _ in range(options.rounds):
                wall, lines = reparse(folder, work / "out", *arguments)
                runs.setdefault(name, []).append(wall)
                outputs[name] = lines
                print(f"  {name}: {wall:.1f} s", flush=True)

        measure("this machine, 1 worker", "--workers", "1")
        measure("this machine, 2 workers", "--workers", "2")
        cluster = DaskCluster(work)
        try:
            cluster.start(workers=1)
            measure("Dask cluster, 1 worker", "--scheduler-file", str(cluster.scheduler_file))
            cluster.add_worker()
            cluster.wait_for_workers(2)
            measure("Dask cluster, 2 workers", "--scheduler-file", str(cluster.scheduler_file))
        finally:
            cluster.stop()
        first = next(iter(outputs.values()))
        identical = all(lines == first for lines in outputs.values())
        records = sum(len(lines) for lines in first.values())
        report(options, runs, records, identical)
        if not identical:
            raise SystemExit("the runs wrote different lines")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(options, runs: dict[str, list[float]], records: int, identical: bool) -> None:
    print()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"{records} records from {options.sites} sites; every run wrote the same lines: "
          f"{'yes' if identical else 'NO'}")
    print()
    print("| scrapy reparse HARVEST_DIR | wall time (s, best) | records per second |")
    print("|---|---|---|")
    for name, walls in runs.items():
        print(f"| {name} | {min(walls):.1f} | {records / min(walls):.0f} |")
    one, two = min(runs["Dask cluster, 1 worker"]), min(runs["Dask cluster, 2 workers"])
    parallel = 2 * (one - two)  # Amdahl: one = serial + parallel, two = serial + parallel / 2
    serial = one - parallel
    for workers in ESTIMATED_WORKERS:
        if parallel <= 0 or serial <= 0:
            print(f"| ESTIMATE, Dask cluster, {workers} workers | no estimate: 2 workers were not faster than 1 "
                  "here by a margin the model can use | |")
            continue
        wall = serial + parallel / workers
        print(f"| ESTIMATE (not measured), Dask cluster, {workers} workers | {wall:.1f} | {records / wall:.0f} |")


if __name__ == "__main__":
    main()
