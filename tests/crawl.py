"""Helpers for end-to-end tests: run the real ``scrapy crawl archive`` command."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
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


def run_crawl(base_url: str, workdir: Path, *extra: str, settings: dict | None = None,
              spider_args: dict | None = None, timeout: float = 240) -> CrawlRun:
    """Run ``scrapy crawl archive`` in a subprocess, as a user would, and collect what it left."""
    output = workdir / "archive.jsonl"
    state = workdir / "state.sqlite3"
    all_settings = {"ARCHIVE_OUTPUT": str(output), "ARCHIVE_STATE": str(state), **FAST_SETTINGS,
                    **(settings or {})}
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={base_url}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    command += list(extra)
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    environment.pop("SCRAPY_SETTINGS_MODULE", None)
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=timeout, env=environment)
    log = completed.stdout + completed.stderr
    return CrawlRun(completed.returncode, log, output, state, parse_stats(log))


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
