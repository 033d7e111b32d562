"""Helpers for end-to-end tests: run the real ``scrapy crawl archive`` command."""

from __future__ import annotations

import ast
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


@dataclass
class CrawlRun:
    returncode: int
    log: str
    output: Path
    state: Path
    stats: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        if not self.output.exists():
            return []
        return self.output.read_text(encoding="utf-8").splitlines()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]


def crawl_command(base_url: str, workdir: Path, *extra: str, settings: dict | None = None,
                  spider_args: dict | None = None) -> tuple[list[str], Path, Path]:
    """The ``scrapy crawl archive`` command line a user would type, with its output and state paths."""
    output = workdir / "archive.jsonl"
    state = workdir / "state.sqlite3"
    all_settings = {"ARCHIVE_OUTPUT": str(output), "ARCHIVE_STATE": str(state),
                    "HTTPCACHE_DIR": str(workdir / "httpcache"), **FAST_SETTINGS, **(settings or {})}
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={base_url}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    return command + list(extra), output, state


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (free when asked; closed again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment() -> dict:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


def run_crawl(base_url: str, workdir: Path, *extra: str, settings: dict | None = None,
              spider_args: dict | None = None, timeout: float = 240) -> CrawlRun:
    """Run ``scrapy crawl archive`` in a subprocess, as a user would, and collect what it left."""
    command, output, state = crawl_command(base_url, workdir, *extra, settings=settings, spider_args=spider_args)
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=timeout, env=environment())
    log = completed.stdout + completed.stderr
    return CrawlRun(completed.returncode, log, output, state, parse_stats(log))


def start_crawl(base_url: str, workdir: Path, *extra: str, settings: dict | None = None,
                spider_args: dict | None = None) -> subprocess.Popen:
    """Start ``scrapy crawl archive`` in the background (its log goes to ``workdir/crawl.log``)."""
    command, _, _ = crawl_command(base_url, workdir, *extra, settings=settings, spider_args=spider_args)
    log = open(workdir / "crawl.log", "ab")
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment())


def wait_for_lines(path: Path, count: int, process: subprocess.Popen, timeout: float = 60) -> int:
    """Poll the output until it holds ``count`` lines or the process ends; return the lines seen."""
    deadline = time.monotonic() + timeout
    lines = 0
    while time.monotonic() < deadline:
        lines = path.read_bytes().count(b"\n") if path.exists() else 0
        if lines >= count or process.poll() is not None:
            return lines
        time.sleep(0.01)
    return lines


def parse_stats(log: str) -> dict:
    """The stats dictionary Scrapy dumps at the end of a crawl."""
    match = re.search(r"Dumping Scrapy stats:\s*(\{.*?\})\s*(?:\n\d{4}-|\Z)", log, re.DOTALL)
    if not match:
        return {}
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1))
    text = re.sub(r"datetime\.timezone\.utc", "None", text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return {}


def run_reparse(base_url: str, workdir: Path, *extra: str, settings: dict | None = None,
                spider_args: dict | None = None, timeout: float = 240) -> CrawlRun:
    """Run ``scrapy reparse`` with a crawl's own arguments and settings (those ``run_crawl`` gives it,
    reading the crawl's page cache in ``workdir``); its output is ``archive.reparsed.jsonl`` there."""
    command, output, state = crawl_command(base_url, workdir, settings=settings, spider_args=spider_args)
    command = [sys.executable, "-m", "scrapy", "reparse", *command[5:], *extra]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=timeout, env=environment())
    output = workdir / "archive.reparsed.jsonl"
    for index, part in enumerate(extra[:-1]):
        if part == "--output":
            output = Path(extra[index + 1])
    return CrawlRun(completed.returncode, completed.stdout + completed.stderr, output, state)
