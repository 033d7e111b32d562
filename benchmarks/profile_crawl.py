"""Where a live crawl's CPU goes, per page: Scrapy, each middleware, parsing, the hand-off, writing.

    python benchmarks/profile_crawl.py [--stories 3000] [--project DIR] [--top 0]

It serves the benchmark replica (``benchmarks/serve.py``) and runs ``scrapy crawl
archive`` against it twice in a fresh process each, with the benchmark's network
settings and ``ARCHIVE_PARSE_WORKERS=0`` (every page parsed in the crawl process):

1. plain, for the CPU seconds of the process, and the SQLite statements and commits
   the state ran;
2. under cProfile (CPU clock), for the split of that time.

Each function's own time goes to the nearest enclosing part the table names (a
middleware's hooks, a pipeline, the state, the output, the cache, the reader, the
navigator, the spider), through the profile's call graph in proportion to the
callers' time; what no part encloses is Scrapy's own work (engine, downloader,
HTTP, Twisted). Times are scaled to the plain run's CPU, since profiling slows
every call. The hand-off to parse workers is what the crawl process pays to send a
page and take the result back (pickling both), measured on the same pages.

The table is printed in Markdown; ``--top N`` adds the N functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import json
import os
import pickle
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import FAST, Replica  # noqa: E402  (benchmarks/run.py: same replica, same network settings)

SCRAPY_WORK = "Scrapy's own work (engine, scheduler, downloader, HTTP, Twisted, signals, stats)"
# Parts of the project named by module: a function in one of these files belongs to the part.
MODULE_PARTS = {
    "archive_crawler/storage/state.py": "writing: state (SQLite)",
    "archive_crawler/storage/store.py": "writing: JSON Lines output",
    "archive_crawler/storage/rejects.py": "writing: rejects file",
    "archive_crawler/storage/progress.py": "progress line",
    "archive_crawler/storage/run.py": "run extension (lock, summary)",
    "archive_crawler/storage/archive.py": "storage extension",
    "archive_crawler/reading/": "parsing (in parse workers in a normal crawl)",
    "archive_crawler/navigation/": "navigator (links, ledger)",
    "archive_crawler/spiders/": "spider callbacks (glue)",
    "archive_crawler/sites/": "site profile",
}
HANDOFF = "hand-off to parse workers (pickling, estimated)"
CACHE_WRITE = "page cache (ArchiveCacheStorage: writing live, reading in a replay)"
IDLE = "waiting for the network (idle)"


# -- the crawl process ----------------------------------------------------------------------


def crawl_in_process(base_url: str, work: Path, profile_to: str | None, cache: Path | None = None) -> dict:
    """Run one crawl in this process (a replay of ``cache`` when given); what it measured (CPU seconds,
    SQLite counts, hook names)."""
    os.environ["SCRAPY_SETTINGS_MODULE"] = "archive_crawler.settings"
    os.environ["ARCHIVE_PARSE_WORKERS"] = "0"
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from archive_crawler.reading import workers
    from archive_crawler.storage import state as state_module

    counts = {"statements": 0, "commits": 0}
    original_init = state_module.ArchiveState.__init__

    def counting_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        connection = self.connection

        def trace(statement: str) -> None:
            counts["statements"] += 1
            verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
            if verb in ("COMMIT", "END") or (verb in ("INSERT", "UPDATE", "DELETE", "REPLACE")
                                              and not connection.in_transaction):
                counts["commits"] += 1  # an explicit COMMIT, or a write outside a transaction (autocommit)

        connection.set_trace_callback(trace)

    state_module.ArchiveState.__init__ = counting_init  # type: ignore[method-assign]

    original_run = workers.ParsePool._run

    async def run_measuring_handoff(self, function, *arguments):
        result = await original_run(self, function, *arguments)
        if profile_to:
            hand_off(function, arguments, result)
        return result

    workers.ParsePool._run = run_measuring_handoff  # type: ignore[method-assign]

    settings = get_project_settings()
    pairs = iter(FAST)
    overrides = dict(value.split("=", 1) for flag, value in zip(pairs, pairs, strict=True) if flag == "-s")
    settings.setdict({**overrides, "ARCHIVE_OUTPUT": str(work / "archive.jsonl"),
                      "ARCHIVE_STATE": str(work / "state.sqlite3"), "HTTPCACHE_DIR": str(cache or work / "httpcache"),
                      "ARCHIVE_PARSE_WORKERS": 0}, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler("archive")
    profiler = cProfile.Profile() if profile_to else None
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    if profiler:
        profiler.enable()
    process.crawl(crawler, base_url=base_url, **({"replay": "1"} if cache else {}))
    process.start()
    if profiler:
        profiler.disable()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    hooks = component_hooks(crawler)
    hooks[HANDOFF] = [[hand_off.__code__.co_filename, hand_off.__code__.co_firstlineno, hand_off.__name__]]
    if profiler and profile_to:
        profiler.dump_stats(profile_to)
    return {"cpu": (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
            "stories": crawler.stats.get_value("archive/written", 0), "hooks": hooks, **counts}


def hand_off(function, arguments, result) -> None:
    """What sending a page to a parse worker and taking its answer back costs the crawl process:
    pickling the call, unpickling the answer (pickled here too, as a worker would)."""
    pickle.dumps((function, arguments), pickle.HIGHEST_PROTOCOL)
    pickle.loads(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))


def component_hooks(crawler) -> dict[str, list[list]]:
    """The profile keys (file, line, name) of each enabled component's hooks, by part name.

    A hook several components inherit (Scrapy's spider middlewares share their base class's
    ``process_spider_output``) is one part, named after all of them.
    """
    owners: dict[tuple, list[str]] = {}
    kinds: dict[tuple, str] = {}

    def add(kind: str, component, names) -> None:
        for name in names:
            method = getattr(type(component), name, None)
            code = getattr(inspect.unwrap(method), "__code__", None) if method is not None else None
            if code is not None:
                key = (code.co_filename, code.co_firstlineno, code.co_name)
                owners.setdefault(key, []).append(type(component).__name__)
                kinds[key] = kind

    engine = crawler.engine
    for component in engine.downloader.middleware.middlewares:
        add("downloader middleware", component, ("process_request", "process_response", "process_exception"))
        cache = getattr(component, "storage", None)  # the HTTP cache middleware's storage
        if cache is not None and type(cache).__name__ == "ArchiveCacheStorage":
            add("page cache", cache, ("store_response", "retrieve_response"))
    for component in engine.scraper.spidermw.middlewares:
        add("spider middleware", component,
            ("process_spider_input", "process_spider_output", "process_spider_output_async", "process_start",
             "process_spider_exception", "get_processed_request", "get_processed_item"))
    for component in engine.scraper.itemproc.middlewares:
        add("pipeline", component, ("process_item",))
    parts: dict[str, list[list]] = {}
    for key, names in owners.items():
        if kinds[key] == "page cache":
            part = CACHE_WRITE
        elif len(set(names)) > 1:
            part = f"{kinds[key]}s' shared {key[2]} ({', '.join(sorted(set(names)))})"
        else:
            part = f"{kinds[key]} {names[0]}"
        parts.setdefault(part, []).append(list(key))
    return parts


# -- the table --------------------------------------------------------------------------------


def part_of_module(filename: str) -> str | None:
    path = filename.replace(os.sep, "/")
    for fragment, part in MODULE_PARTS.items():
        if fragment in path:
            return part
    return None


def attribute(stats: pstats.Stats, hooks: dict[str, list[list]]) -> dict[str, float]:
    """Seconds of own time per part: each function's own time goes to its nearest enclosing part."""
    entries = {tuple(key): part for part, keys in hooks.items() for key in keys}
    entries["~", 0, "<method 'poll' of 'select.epoll' objects>"] = IDLE
    raw = stats.stats  # type: ignore[attr-defined]  # {func: (cc, nc, tt, ct, callers)}
    shares: dict[tuple, dict[str, float]] = {}

    def share(function, visiting: set) -> dict[str, float]:
        if function in shares:
            return shares[function]
        part = entries.get(function) or (part_of_module(function[0]) if function[0] != "~" else None)
        if part is not None:
            shares[function] = {part: 1.0}
            return shares[function]
        if function in visiting:
            return {}
        visiting.add(function)
        callers = raw[function][4]
        total = sum(edge[3] for edge in callers.values())
        result: dict[str, float] = defaultdict(float)
        if total > 0:
            for caller, edge in callers.items():
                if caller not in raw:
                    continue
                for name, fraction in share(caller, visiting).items():
                    result[name] += fraction * edge[3] / total
        visiting.discard(function)
        known = sum(result.values())
        if known < 1.0:
            result[SCRAPY_WORK] += 1.0 - known
        shares[function] = dict(result)
        return shares[function]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    seconds: dict[str, float] = defaultdict(float)
    for function, (_, _, own, _, _) in raw.items():
        for part, fraction in share(function, set()).items():
            seconds[part] += own * fraction
    return dict(seconds)


def table(plain: dict, parts: dict[str, float], pages: int, stories: int) -> str:
    handoff = parts.pop(HANDOFF, 0.0)  # measured on the side: the plain run did not pay it
    parts.pop(IDLE, None)  # the profile's clock is the wall clock: time spent waiting is no CPU
    profiled_total = sum(parts.values())
    scale = plain["cpu"] / profiled_total if profiled_total else 1.0
    rows = ["| part | CPU ms per page | share |", "|---|---:|---:|"]
    for part, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        if seconds * scale * 1000 / pages < 0.005:
            continue
        rows.append(f"| {part} | {seconds * scale * 1000 / pages:.3f} | {100 * seconds / profiled_total:.1f} % |")
    rows.append(f"| {HANDOFF}, not in the total: the workers were off | {handoff * scale * 1000 / pages:.3f} | - |")
    rows.append(f"| **crawl process, all (plain run)** | **{plain['cpu'] * 1000 / pages:.3f}** | 100 % |")
    figures = [
        "",
        f"Pages fetched: {pages}; stories written: {stories}.",
        f"SQLite: {plain['statements']} statements and {plain['commits']} commits "
        f"({plain['statements'] / max(1, stories):.2f} statements and {plain['commits'] / max(1, stories):.3f} "
        "commits per story written).",
        f"Crawl process CPU: {plain['cpu']:.2f} s plain, {profiled_total:.2f} s profiled (scale {scale:.2f}).",
    ]
    return "\n".join(rows + figures)


def top_functions(stats: pstats.Stats, count: int, scale: float, pages: int) -> str:
    raw = stats.stats  # type: ignore[attr-defined]
    rows = ["| function | own ms per page | cumulative ms per page | calls |", "|---|---:|---:|---:|"]
    for function, (_, calls, own, cumulative, _) in sorted(raw.items(), key=lambda item: -item[1][2])[:count]:
        where = f"{Path(function[0]).name}:{function[1]} {function[2]}" if function[0] != "~" else function[2]
        rows.append(f"| `{where}` | {own * scale * 1000 / pages:.3f} | {cumulative * scale * 1000 / pages:.3f} "
                    f"| {calls} |")
    return "\n".join(rows)


def child(project: Path, base_url: str, work: Path, profile_to: str | None, cache: Path | None = None) -> dict:
    """One crawl in a fresh process (the project's code on its path); its measures."""
    work.mkdir(parents=True, exist_ok=True)
    result = work / "result.json"
    code = ("import json, sys; from pathlib import Path; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
            "import profile_crawl; result = profile_crawl.crawl_in_process(sys.argv[3], Path(sys.argv[4]), "
            "sys.argv[5] or None, Path(sys.argv[6]) if sys.argv[6] else None); "
            "open(sys.argv[7], 'w').write(json.dumps(result))")
    completed = subprocess.run(
        [sys.executable, "-c", code, str(project), str(Path(__file__).resolve().parent), base_url, str(work),
         profile_to or "", str(cache or ""), str(result)],
        cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(project)})
    if completed.returncode != 0 or not result.exists():
        raise RuntimeError(f"the crawl failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return json.loads(result.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=3000)
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout whose crawler is measured")
    parser.add_argument("--top", type=int, default=0, help="also list the N functions with the most own time")
    parser.add_argument("--keep", type=Path, help="keep the profile (pstats file) here")
    parser.add_argument("--replay", action="store_true",
                        help="profile a replay (-a replay=1) of the live crawl's cache instead")
    options = parser.parse_args()
    project = options.project.resolve()
    replica = Replica(options.stories)
    work = Path(tempfile.mkdtemp(prefix="archive-profile-"))
    try:
        before = replica.requests()
        plain = child(project, replica.base_url, work / "live", None)
        pages = replica.requests() - before
        profile_path = str(work / "crawl.pstats")
        if options.replay:
            cache = work / "live" / "httpcache"
            plain = child(project, replica.base_url, work / "replay", None, cache)
            profiled = child(project, replica.base_url, work / "replay-profiled", profile_path, cache)
        else:
            profiled = child(project, replica.base_url, work / "profiled", profile_path)
            if replica.requests() - before - pages != pages:
                print(f"note: the profiled crawl fetched {replica.requests() - before - pages} pages, "
                      f"the plain one {pages}")
        stats = pstats.Stats(profile_path)
        parts = attribute(stats, profiled["hooks"])
        print(f"Project: {project}; {'replay' if options.replay else 'live crawl'} of {options.stories} stories; "
              "load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print()
        scale = plain["cpu"] / (sum(parts.values()) - parts.get(HANDOFF, 0.0) - parts.get(IDLE, 0.0))
        print(table(plain, parts, pages, plain["stories"]))
        if options.top:
            print()
            print(top_functions(stats, options.top, scale, pages))
        if options.keep:
            shutil.copy(profile_path, options.keep)
    finally:
        replica.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
