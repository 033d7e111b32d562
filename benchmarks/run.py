"""Benchmark: the project against a bare Scrapy spider on the same replica, in one run.

    python benchmarks/run.py [--sizes 3000 30000] [--rounds 2] [--project DIR] [--versus DIR] [--no-replay]
                              [--no-scheduled]

For each size it serves a replica with every page rendered up front
(``benchmarks/serve.py``, a separate process), then measures, alternating the
project (A) and the bare spider (B) so the machine's drift hits both alike:

- live crawl: wall time and pages/s of ``scrapy crawl archive`` against
  ``benchmarks/bare.py``, same network settings (no delay, 16 concurrent requests,
  cache on for both);
- replay from the cache: ``-a replay=1`` against the bare spider replaying its own
  cache, and ``scrapy reparse`` on the project's cache;
- CPU seconds of each run over all its processes (the parse workers included) and
  per page, which a busy machine disturbs far less than wall time;
- peak RSS of each run;
- a scheduled run after 20 new stories: requests the replica received and wall time.

It prints one table, ratios first. ``--project DIR`` measures the project checked
out in another folder (an earlier version, say) against the same bare spider;
``--versus DIR`` measures such a checkout in the same rounds as this one, so the
two compare under the same load.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT  # the checkout whose crawler is measured (--project)
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "LOG_LEVEL=WARNING"]


@dataclass(frozen=True)
class Timing:
    """One command's run: wall seconds, CPU seconds of all its processes, peak RSS (MiB), output."""

    wall: float
    rss: int
    output: str
    cpu: float


def cpu_of_children() -> float:
    """User and system CPU seconds of every process this one has reaped, and of theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, project: Path | None = None) -> Timing:
    """Run one command to its end and time it.

    The CPU time is this process's children's total before and after: it holds the
    command and every process it started and reaped (Scrapy's parse workers), and
    nothing else, since the replica server is reaped only when the benchmark ends.
    """
    cpu_before = cpu_of_children()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(project or PROJECT)})
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return Timing(elapsed, usage.ru_maxrss // 1024, output, cpu_of_children() - cpu_before)


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


def ours_live(replica: Replica, work: Path, tag: str, project: Path | None = None):
    project = project or PROJECT
    return timed([sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={replica.base_url}",
                  "-s", f"ARCHIVE_OUTPUT={work / tag}.jsonl", "-s", f"ARCHIVE_STATE={work / tag}.sqlite3",
                  "-s", f"HTTPCACHE_DIR={work / tag}-cache", *FAST], project, project)


def bare_live(replica: Replica, work: Path, tag: str, replay: bool = False):
    return timed([sys.executable, str(ROOT / "benchmarks" / "bare.py"), "--base-url", replica.base_url,
                  "--cache", str(work / f"{tag}-cache"), "--output", str(work / f"{tag}-{replay}.jsonl"),
                  *(["--replay"] if replay else [])], work)


def ours_replay(replica: Replica, work: Path, tag: str, project: Path | None = None):
    project = project or PROJECT
    return timed([sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={replica.base_url}",
                  "-a", "replay=1", "-s", f"ARCHIVE_OUTPUT={work / tag}-replay.jsonl",
                  "-s", f"ARCHIVE_STATE={work / tag}-replay.sqlite3", "-s", f"HTTPCACHE_DIR={work / tag}-cache",
                  "-s", "LOG_LEVEL=WARNING"], project, project)


def ours_reparse(replica: Replica, work: Path, tag: str):
    return timed([sys.executable, "-m", "scrapy", "reparse", "-a", f"base_url={replica.base_url}",
                  "-s", f"ARCHIVE_OUTPUT={work / tag}.jsonl", "-s", f"HTTPCACHE_DIR={work / tag}-cache",
                  "-s", "LOG_LEVEL=WARNING", "--output", str(work / f"{tag}-reparse.jsonl")], PROJECT, PROJECT)


def lines(path: Path) -> int:
    return sum(1 for _ in open(path, encoding="utf-8")) if path.exists() else 0


def measure(stories: int, rounds: int, work: Path, replay: bool = True, scheduled: bool = True,
            versus: Path | None = None) -> dict:
    print(f"== {stories} stories: rendering the replica ...", flush=True)
    replica = Replica(stories)
    result: dict = {"stories": stories, "pages_served": replica.pages, "live": [], "replay": [], "reparse": [],
                    "pages": [], "versus_live": [], "versus_replay": []}
    try:
        for index in range(rounds):
            start = replica.requests()
            a = ours_live(replica, work, f"ours{index}")
            middle = replica.requests()
            b = bare_live(replica, work, f"bare{index}")
            result["live"].append((a, b))
            result["pages"].append((middle - start, replica.requests() - middle))
            print(f"   live round {index + 1}: ours {a.wall:.1f} s, {a.cpu:.1f} s CPU ({a.rss} MiB), "
                  f"bare {b.wall:.1f} s, {b.cpu:.1f} s CPU ({b.rss} MiB)", flush=True)
            if versus:
                c = ours_live(replica, work, f"versus{index}", versus)
                result["versus_live"].append((a, c))
                print(f"   live round {index + 1}, versus: {c.wall:.1f} s, {c.cpu:.1f} s CPU", flush=True)
        result["written"] = lines(work / "ours0.jsonl")
        for index in range(rounds if replay else 0):
            a = ours_replay(replica, work, f"ours{index}")
            b = bare_live(replica, work, f"bare{index}", replay=True)
            c = ours_reparse(replica, work, f"ours{index}")
            result["replay"].append((a, b))
            result["reparse"].append(c)
            print(f"   replay round {index + 1}: ours {a.wall:.1f} s, {a.cpu:.1f} s CPU, "
                  f"bare {b.wall:.1f} s, {b.cpu:.1f} s CPU, reparse {c.wall:.1f} s, {c.cpu:.1f} s CPU", flush=True)
            if versus:
                d = ours_replay(replica, work, f"versus{index}", versus)
                result["versus_replay"].append((a, d))
                print(f"   replay round {index + 1}, versus: {d.wall:.1f} s, {d.cpu:.1f} s CPU", flush=True)
        if replay:
            result["replayed"] = lines(work / "ours0-replay.jsonl")
            result["reparsed"] = lines(work / "ours0-reparse.jsonl")
        if scheduled:
            replica.add_new_stories()
            before = replica.requests()
            run = ours_live(replica, work, "ours0")
            result["scheduled"] = (run.wall, replica.requests() - before,
                                   lines(work / "ours0.jsonl") - result["written"])
            print(f"   scheduled run: {result['scheduled']}", flush=True)
    finally:
        replica.stop()
    return result


def median(pairs, side: int, measure: str = "wall") -> float:
    return statistics.median(getattr(pair[side], measure) for pair in pairs)


def median_ratio(pairs, measure: str = "wall") -> float:
    """The median over the alternating rounds of project / bare (each round's own ratio)."""
    return statistics.median(getattr(ours, measure) / getattr(bare, measure) for ours, bare in pairs)


def pages_of(result: dict, side: int) -> int:
    """Pages one side's live crawl fetched (the replica counts them; a replay fetches the same)."""
    return statistics.median(pages[side] for pages in result["pages"])


def ms_per_page(result: dict, kind: str, side: int) -> float:
    return 1000 * median(result[kind], side, "cpu") / max(1, pages_of(result, side))


def table(results: list[dict]) -> str:
    rows = ["| measure | " + " | ".join(f"{r['stories']:,} stories" for r in results) + " |",
            "|---|" + "---|" * len(results)]

    def row(label, values):
        rows.append(f"| {label} | " + " | ".join(values) + " |")

    def replayed(text):
        return [text(r) if r["replay"] else "-" for r in results]

    row("**live crawl, project / bare spider (time ratio, median of rounds)**",
        [f"**{median_ratio(r['live']):.2f}**" for r in results])
    row("**live crawl, project / bare spider (CPU ratio, all processes, median of rounds)**",
        [f"**{median_ratio(r['live'], 'cpu'):.2f}**" for r in results])
    row("**replay, project `-a replay=1` / bare spider replay (time ratio, median of rounds)**",
        replayed(lambda r: f"**{median_ratio(r['replay']):.2f}**"))
    row("**replay, project / bare spider replay (CPU ratio, median of rounds)**",
        replayed(lambda r: f"**{median_ratio(r['replay'], 'cpu'):.2f}**"))
    row("**bare spider replay / `scrapy reparse` (speed-up, median)**",
        replayed(lambda r: f"**{median(r['replay'], 1) / statistics.median(x.wall for x in r['reparse']):.2f}x**"))
    if any(r["versus_live"] for r in results):
        row("**live crawl, project / `--versus` checkout (CPU ratio, median of rounds)**",
            [f"**{median_ratio(r['versus_live'], 'cpu'):.2f}**" if r["versus_live"] else "-" for r in results])
        row("live crawl CPU per page, project / `--versus` checkout (ms)",
            [f"{ms_per_page(r, 'versus_live', 0):.2f} / {ms_per_page(r, 'versus_live', 1):.2f}"
             if r["versus_live"] else "-" for r in results])
        row("live crawl wall time, `--versus` checkout (s, median)",
            [f"{median(r['versus_live'], 1):.1f}" if r["versus_live"] else "-" for r in results])
    if any(r["versus_replay"] for r in results):
        row("**replay, project / `--versus` checkout (CPU ratio, median of rounds)**",
            [f"**{median_ratio(r['versus_replay'], 'cpu'):.2f}**" if r["versus_replay"] else "-"
             for r in results])
        row("replay CPU per page, project / `--versus` checkout (ms)",
            [f"{ms_per_page(r, 'versus_replay', 0):.2f} / {ms_per_page(r, 'versus_replay', 1):.2f}"
             if r["versus_replay"] else "-" for r in results])
        row("replay wall time, `--versus` checkout (s, median)",
            [f"{median(r['versus_replay'], 1):.1f}" if r["versus_replay"] else "-" for r in results])
    row("rounds", [str(len(r["live"])) for r in results])
    row("live crawl wall time, project / bare (s, median)",
        [f"{median(r['live'], 0):.1f} / {median(r['live'], 1):.1f}" for r in results])
    row("live crawl CPU time, all processes, project / bare (s, median)",
        [f"{median(r['live'], 0, 'cpu'):.1f} / {median(r['live'], 1, 'cpu'):.1f}" for r in results])
    row("live crawl CPU per page, project / bare (ms)",
        [f"{ms_per_page(r, 'live', 0):.2f} / {ms_per_page(r, 'live', 1):.2f}" for r in results])
    row("live pages/s, project / bare",
        [f"{pages_of(r, 0) / median(r['live'], 0):.0f} / {pages_of(r, 1) / median(r['live'], 1):.0f}"
         for r in results])
    row("pages fetched, project / bare", [f"{pages_of(r, 0)} / {pages_of(r, 1)}" for r in results])
    row("replay wall time, project / bare / reparse (s, median)",
        replayed(lambda r: f"{median(r['replay'], 0):.1f} / {median(r['replay'], 1):.1f} / "
                           f"{statistics.median(x.wall for x in r['reparse']):.1f}"))
    row("replay CPU time, project / bare / reparse (s, median)",
        replayed(lambda r: f"{median(r['replay'], 0, 'cpu'):.1f} / {median(r['replay'], 1, 'cpu'):.1f} / "
                           f"{statistics.median(x.cpu for x in r['reparse']):.1f}"))
    row("replay CPU per page, project / bare (ms)",
        replayed(lambda r: f"{ms_per_page(r, 'replay', 0):.2f} / {ms_per_page(r, 'replay', 1):.2f}"))
    row("peak RSS live crawl, project / bare (MiB)",
        [f"{max(p[0].rss for p in r['live'])} / {max(p[1].rss for p in r['live'])}" for r in results])
    row("peak RSS replay, project (MiB)", replayed(lambda r: f"{max(p[0].rss for p in r['replay'])}"))
    row("stories written / replayed / re-parsed",
        [f"{r['written']} / {r.get('replayed', '-')} / {r.get('reparsed', '-')}" for r in results])
    row("scheduled run after 20 new stories: requests, new stories, wall time (s)",
        [f"{r['scheduled'][1]}, {r['scheduled'][2]}, {r['scheduled'][0]:.1f}" if "scheduled" in r else "-"
         for r in results])
    return "\n".join(rows)


def main() -> None:
    global PROJECT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--rounds", type=int, default=3, help="alternating A/B rounds at the first size")
    parser.add_argument("--rounds-large", type=int, default=1, help="alternating A/B rounds at the other sizes")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="the checkout whose crawler is measured (default: this one)")
    parser.add_argument("--versus", type=Path,
                        help="another checkout of the project (an earlier version) measured in the same rounds")
    parser.add_argument("--no-replay", action="store_true", help="measure the live crawl only")
    parser.add_argument("--no-scheduled", action="store_true", help="skip the scheduled run after new stories")
    options = parser.parse_args()
    PROJECT = options.project.resolve()
    results = []
    for position, stories in enumerate(options.sizes):
        work = Path(tempfile.mkdtemp(prefix=f"archive-bench-{stories}-"))
        try:
            rounds = options.rounds if position == 0 else options.rounds_large
            results.append(measure(stories, rounds, work, not options.no_replay, not options.no_scheduled,
                                   options.versus.resolve() if options.versus else None))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"Project: {PROJECT}" + (f"; versus {options.versus.resolve()}" if options.versus else ""))
    print(table(results))


if __name__ == "__main__":
    main()
