"""``scrapy demo``: a first look, offline. Serve the local replica, crawl it, write the report.

The replica of the archive (``tests/replica``) is served on a free port of 127.0.0.1;
the real ``scrapy crawl archive`` walks it with fast local settings and writes into
its own folder (``output/demo/`` unless told otherwise, emptied of an earlier demo's
files first), then ``scrapy report`` writes the HTML report. The command prints where
the records, the run summary, the report and the crawl's log are.

The replica lives with the tests, not in the package: a deployed egg has no demo.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scrapy.commands import ScrapyCommand

from archive_crawler.commands import OptionsOnlyCommand

FAST_LOCAL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
DEMO_FILES = ("archive.jsonl", "archive.rejects.jsonl", "archive.summary.json", "archive.report.html",
              "state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm", "state.sqlite3.lock", "crawl.log")


class Command(OptionsOnlyCommand, ScrapyCommand):
    def short_desc(self) -> str:
        return "A first look, offline: crawl a local replica of the archive and write the report"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--folder", default="output/demo", metavar="DIR",
                            help="where the demo writes (default: output/demo)")
        parser.add_argument("--stories", type=int, default=120, metavar="N", help="stories of the replica (120)")

    def run(self, args, opts) -> None:
        self.refuse_arguments(args)
        try:
            from tests.replica import ReplicaServer, build_site
        except ImportError:
            return self.fail("scrapy demo needs the local replica in the project's tests/ folder, "
                             "which a deployed package does not have: run it from a checkout of the project")
        folder = Path(opts.folder).resolve()
        clear_earlier_demo(folder)
        paths = {"output": folder / "archive.jsonl", "state": folder / "state.sqlite3", "log": folder / "crawl.log"}
        settings = {"ARCHIVE_OUTPUT": paths["output"], "ARCHIVE_STATE": paths["state"]}
        started = time.monotonic()
        with ReplicaServer(build_site(n_stories=opts.stories, seed=7)) as server:
            print(f"Serving a replica of the archive ({opts.stories} stories) at {server.base_url}/; crawling it...",
                  flush=True)
            crawl = run_scrapy(["crawl", "archive", "-a", f"base_url={server.base_url}"], {
                **settings, **FAST_LOCAL_SETTINGS, "HTTPCACHE_DIR": folder / "httpcache", "LOG_FILE": paths["log"]})
        if crawl.returncode != 0:
            return self.fail(f"the crawl ended with exit status {crawl.returncode}; its log: {shown(paths['log'])}",
                             crawl.returncode)
        report = run_scrapy(["report"], settings, capture=True)
        if report.returncode != 0:
            return self.fail(f"the report failed: {report.stderr.strip()}", report.returncode)
        summary_path = folder / "archive.summary.json"
        written = json.loads(summary_path.read_text(encoding="utf-8")).get("stories_written")
        print(f"Done in {time.monotonic() - started:.1f} s: {written} stories written.")
        for label, path in (("records (JSON Lines)", paths["output"]), ("run summary", summary_path),
                            ("report (HTML)", folder / "archive.report.html"), ("crawl log", paths["log"])):
            print(f"  {label + ':':<22}{shown(path)}")
        return None


def clear_earlier_demo(folder: Path) -> None:
    """Remove what an earlier demo left in the folder (its files only), so each demo is a first harvest."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in DEMO_FILES:
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "httpcache", ignore_errors=True)


def run_scrapy(arguments: list[str], settings: dict, capture: bool = False) -> subprocess.CompletedProcess:
    """A scrapy command of this project, in a process of its own (the crawl's progress line shows on a terminal)."""
    command = [sys.executable, "-m", "scrapy", *arguments]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.run(command, capture_output=capture, text=True, check=False)


def shown(path: Path) -> str:
    """The path relative to the current folder when it lies inside it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
