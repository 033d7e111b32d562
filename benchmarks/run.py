"""Benchmark: the project against a bare Scrapy spider on the same replica, in one run.

    python benchmarks/run.py [--sizes 3000 30000] [--rounds 2]

For each size it serves a replica with every page rendered up front
(``benchmarks/serve.py``, a separate process), then measures, alternating the
project (A) and the bare spider (B) so the machine's drift hits both alike:

- live crawl: wall time and pages/s of ``scrapy crawl archive`` against
  ``benchmarks/bare.py``, same network settings (no delay, 16 concurrent requests,
  cache on for both);
- replay from the cache: ``-a replay=1`` against the bare spider replaying its own
  cache, and ``python -m archive_crawler.reparse`` on the project's cache;
- peak RSS of each run;
- a scheduled run after 20 new stories: requests the replica received and wall time.

It prints one table, ratios first.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "LOG_LEVEL=WARNING"]


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MiB of the largest process, output) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024, output


class Replica:
    def __init__(self, stories: int):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "serve.py"), "--stories", str(stories), "--new", "20"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        line = self.process.stdout.readline().split()
        if not line or line[0] != "READY":
            raise RuntimeError("the replica did not start")
        self.base_url, self.pages = line[1], int(line[2])

    def requests(self) -> int:
        with urllib.request.urlopen(f"{self.base_url}/__requests__", timeout=30) as answer:
            return int(answer.read())

    def add_new_stories(self) -> None:
        self.process.stdin.write("grow\n")
        self.process.stdin.flush()
        if not self.process.stdout.readline().startswith("GREW"):
            raise RuntimeError("the replica did not grow")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def ours_live(replica: Replica, work: Path, tag: str):
    return timed([sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={replica.base_url}",
                  "-s", f"ARCHIVE_OUTPUT={work / tag}.jsonl", "-s", f"ARCHIVE_STATE={work / tag}.sqlite3",
                  "-s", f"HTTPCACHE_DIR={work / tag}-cache", *FAST], ROOT)


def bare_live(replica: Replica, work: Path, tag: str, replay: bool = False):
    return timed([sys.executable, str(ROOT / "benchmarks" / "bare.py"), "--base-url", replica.base_url,
                  "--cache", str(work / f"{tag}-cache"), "--output", str(work / f"{tag}-{replay}.jsonl"),
                  *(["--replay"] if replay else [])], work)


def ours_replay(replica: Replica, work: Path, tag: str):
    return timed([sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={replica.base_url}",
                  "-a", "replay=1", "-s", f"ARCHIVE_OUTPUT={work / tag}-replay.jsonl",
                  "-s", f"ARCHIVE_STATE={work / tag}-replay.sqlite3", "-s", f"HTTPCACHE_DIR={work / tag}-cache",
                  "-s", "LOG_LEVEL=WARNING"], ROOT)


def ours_reparse(replica: Replica, work: Path, tag: str):
    return timed([sys.executable, "-m", "archive_crawler.reparse", "--base-url", replica.base_url,
                  "--cache", str(work / f"{tag}-cache"), "--output", str(work / f"{tag}-reparse.jsonl")], ROOT)


def lines(path: Path) -> int:
    return sum(1 for _ in open(path, encoding="utf-8")) if path.exists() else 0


def measure(stories: int, rounds: int, work: Path) -> dict:
    print(f"== {stories} stories: rendering the replica ...", flush=True)
    replica = Replica(stories)
    result = {"stories": stories, "pages_served": replica.pages, "live": [], "replay": [], "reparse": []}
    try:
        for index in range(rounds):
            start = replica.requests()
            a = ours_live(replica, work, f"ours{index}")
            middle = replica.requests()
            b = bare_live(replica, work, f"bare{index}")
            result["live"].append((a, b))
            result["pages"] = (middle - start, replica.requests() - middle)
            print(f"   live round {index + 1}: ours {a[0]:.1f} s ({a[1]} MiB), bare {b[0]:.1f} s ({b[1]} MiB)",
                  flush=True)
        result["written"] = lines(work / "ours0.jsonl")
        for index in range(rounds):
            a = ours_replay(replica, work, f"ours{index}")
            b = bare_live(replica, work, f"bare{index}", replay=True)
            c = ours_reparse(replica, work, f"ours{index}")
            result["replay"].append((a, b))
            result["reparse"].append(c)
            print(f"   replay round {index + 1}: ours {a[0]:.1f} s, bare {b[0]:.1f} s, reparse {c[0]:.1f} s",
                  flush=True)
        result["replayed"] = lines(work / "ours0-replay.jsonl")
        result["reparsed"] = lines(work / "ours0-reparse.jsonl")
        replica.add_new_stories()
        before = replica.requests()
        elapsed, _, _ = ours_live(replica, work, "ours0")
        result["scheduled"] = (elapsed, replica.requests() - before, lines(work / "ours0.jsonl") - result["written"])
        print(f"   scheduled run: {result['scheduled']}", flush=True)
    finally:
        replica.stop()
    return result


def median_time(pairs, side: int) -> float:
    return statistics.median(pair[side][0] for pair in pairs)


def median_ratio(pairs) -> float:
    """The median over the alternating rounds of project time / bare time (each round's own ratio)."""
    return statistics.median(ours[0] / bare[0] for ours, bare in pairs)


def table(results: list[dict]) -> str:
    rows = ["| measure | " + " | ".join(f"{r['stories']:,} stories" for r in results) + " |",
            "|---|" + "---|" * len(results)]

    def row(label, values):
        rows.append(f"| {label} | " + " | ".join(values) + " |")

    row("**live crawl, project / bare spider (time ratio, median of rounds)**",
        [f"**{median_ratio(r['live']):.2f}**" for r in results])
    row("**replay, project `-a replay=1` / bare spider replay (median of rounds)**",
        [f"**{median_ratio(r['replay']):.2f}**" if r["replay"] else "-" for r in results])
    row("**bare spider replay / `archive_crawler.reparse` (speed-up, median)**",
        [f"**{median_time(r['replay'], 1) / statistics.median(x[0] for x in r['reparse']):.2f}x**"
         if r["reparse"] else "-" for r in results])
    row("rounds", [str(len(r["live"])) for r in results])
    row("live crawl wall time, project / bare (s, median)",
        [f"{median_time(r['live'], 0):.1f} / {median_time(r['live'], 1):.1f}" for r in results])
    row("live pages/s, project / bare",
        [f"{r['pages'][0] / median_time(r['live'], 0):.0f} / {r['pages'][1] / median_time(r['live'], 1):.0f}"
         for r in results])
    row("replay wall time, project / bare / reparse (s, median)",
        [f"{median_time(r['replay'], 0):.1f} / {median_time(r['replay'], 1):.1f} / "
         f"{statistics.median(x[0] for x in r['reparse']):.1f}" if r["replay"] else "-" for r in results])
    row("peak RSS live crawl, project / bare (MiB)",
        [f"{max(p[0][1] for p in r['live'])} / {max(p[1][1] for p in r['live'])}" for r in results])
    row("peak RSS replay, project (MiB)",
        [f"{max(p[0][1] for p in r['replay'])}" if r["replay"] else "-" for r in results])
    row("stories written / replayed / re-parsed",
        [f"{r['written']} / {r.get('replayed', '-')} / {r.get('reparsed', '-')}" for r in results])
    row("scheduled run after 20 new stories: requests, new stories, wall time (s)",
        [f"{r['scheduled'][1]}, {r['scheduled'][2]}, {r['scheduled'][0]:.1f}" for r in results])
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--rounds", type=int, default=3, help="alternating A/B rounds at the first size")
    parser.add_argument("--rounds-large", type=int, default=1, help="alternating A/B rounds at the other sizes")
    options = parser.parse_args()
    results = []
    for position, stories in enumerate(options.sizes):
        work = Path(tempfile.mkdtemp(prefix=f"archive-bench-{stories}-"))
        try:
            rounds = options.rounds if position == 0 else options.rounds_large
            results.append(measure(stories, rounds, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(table(results))


if __name__ == "__main__":
    main()
